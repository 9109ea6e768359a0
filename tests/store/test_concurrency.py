"""Writers racing on one database (threads, each with its own connection): two reviews of one
question, two undos, one text embedded twice, one answer graded twice. On PostgreSQL (where
these races are real: its writers do not queue for one lock as SQLite's do) and on SQLite.

Every case ends with what must hold whatever the order: no duplicate rows, no lost update, no
error. A barrier starts the threads together so that their transactions overlap.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np

from tests.conftest import SEED, query
from viva.grading.exemplars import exemplar_key
from viva.service import UnitOfWork, Viva
from viva.store.exemplars import SqlExemplars
from viva.store.vectors import SqlEmbeddingCache

THREADS = 6
T = TypeVar("T")


def at_once(work: Callable[[int], T], count: int = THREADS) -> list[T]:
    """Run `work(i)` in `count` threads started together; their results (re-raises the first
    error a thread met)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _review_chain(env: dict[str, str], question_id: str) -> list[tuple[Any, Any, Any]]:
    return query(
        env,
        "SELECT card_before, card_after, undone_at FROM reviews"
        f" WHERE question_id = '{question_id}' ORDER BY id",
    )


def test_reviews_of_one_question_at_once_apply_one_after_the_other(
    viva: Viva, env: dict[str, str]
) -> None:
    viva.import_notes([SEED])
    question = viva.questions()[0]
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    # the first round finds no memory yet (nothing to lock: the question is new); the second
    # finds one
    for round_start in (start, start + timedelta(days=30)):
        at_once(lambda i, t=round_start: viva.review(question.id, 3, now=t + timedelta(hours=i)))
    chain = _review_chain(env, question.id)
    assert len(chain) == 2 * THREADS
    assert chain[0][0] is None  # the first review, and only the first, saw a new question
    for earlier, later in itertools.pairwise(chain):
        assert later[0] == earlier[1]  # each review started from the one before: none lost
    (memory,) = query(env, f"SELECT card FROM memories WHERE question_id = '{question.id}'")
    assert memory[0] == chain[-1][1]


def test_undos_at_once_take_back_different_reviews(viva: Viva, env: dict[str, str]) -> None:
    viva.import_notes([SEED])
    questions = viva.questions()[:THREADS]
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for i, question in enumerate(questions):
        viva.review(question.id, 3, now=start + timedelta(minutes=i))
    viva.review(questions[0].id, 4, now=start + timedelta(hours=1))
    undone = at_once(lambda _i: viva.undo_last_review())
    assert sorted(u.id for u in undone) == sorted({u.id for u in undone})  # never one twice
    (left,) = query(env, "SELECT count(*) FROM reviews WHERE undone_at IS NULL")
    assert left == (1,)  # the first review of the first question
    (memory,) = query(env, f"SELECT card FROM memories WHERE question_id = '{questions[0].id}'")
    first = _review_chain(env, questions[0].id)[0]
    assert memory[0] == first[1]  # its schedule is the first review's again
    assert query(env, "SELECT count(*) FROM memories") == [(1,)]


def test_one_text_embedded_at_once_is_stored_once(viva: Viva) -> None:
    rng = np.random.default_rng(0)
    vectors = {f"text-{i}": rng.random(16, dtype=np.float32) for i in range(200)}
    cache = SqlEmbeddingCache(viva.db)
    at_once(lambda _i: cache.put_vectors("model", vectors))
    found = cache.get_vectors("model", list(vectors))
    assert len(found) == len(vectors)
    assert all(np.array_equal(found[k], v) for k, v in vectors.items())
    with viva.db.reader() as conn:
        (count,) = conn.exec_driver_sql("SELECT count(*) FROM embeddings").one()
    assert count == len(vectors)


def test_one_answer_graded_at_once_is_one_exemplar(viva: Viva, env: dict[str, str]) -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    # long and varied (it does not compress): 9,000 bytes, more than PostgreSQL can index
    rng = np.random.default_rng(1)
    answer = "".join(chr(c) for c in rng.integers(0x4E00, 0x9FA5, size=3000))
    question = "什么是过拟合？"

    def grade(i: int) -> int:
        with UnitOfWork(viva.runtime) as unit:
            exemplars = SqlExemplars(unit)
            return exemplars.save([(question, answer, i / 10)], source=f"file-{i}", now=now)

    at_once(grade)
    rows = query(env, "SELECT key, score, source FROM exemplars")
    assert len(rows) == 1  # graded six times: one exemplar, the last grade's
    key, score, source = rows[0]
    assert key == exemplar_key(question)
    assert source == f"file-{round(score * 10)}"


def test_one_note_imported_twice_at_once_is_one_bank(viva: Viva, env: dict[str, str]) -> None:
    reports = at_once(lambda _i: viva.import_notes([SEED], bank="mine"), count=2)
    assert sorted(r.counts["added"] for r in reports) == [0, 41]  # the second saw the first
    assert query(env, "SELECT count(*) FROM banks WHERE name = 'mine'") == [(1,)]
    assert len(viva.questions(banks=["mine"])) == 41
