"""Graded exemplars: answers already graded for the same question steer the next grade."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import Cli, query, write
from tests.fakes import fake_models
from viva.grading.calibration import FEATURES, default_calibration
from viva.grading.embedder import MemoryCache
from viva.grading.exemplars import EXEMPLAR_FEATURES, Exemplar, MemoryExemplars, exemplar_key
from viva.grading.scorer import Grader, GradeRequest

QUESTION = "How did you separate the salt from the water?"
REFERENCE = "The water was evaporated, leaving the salt."


@pytest.fixture(autouse=True)
def _fakes() -> Iterator[None]:
    with fake_models():
        yield


def neighbours_only() -> Grader:
    """A calibration whose exemplar model listens to the neighbours' grades alone."""
    weights = [0.0] * (len(FEATURES) + len(EXEMPLAR_FEATURES))
    weights[-1] = 12.0
    cal = replace(default_calibration(), exemplar_weights=tuple(weights), exemplar_bias=-6.0)
    exemplars = MemoryExemplars(
        [
            (QUESTION, Exemplar("I let the water evaporate and the salt stayed behind.", 1.0)),
            (QUESTION, Exemplar("We let the water evaporate so the salt was left.", 1.0)),
            (QUESTION, Exemplar("I used a magnet to pull the salt out.", 0.0)),
            (QUESTION, Exemplar("With a magnet, the salt came out of the water.", 0.0)),
        ]
    )
    return Grader(cal, cache=MemoryCache(), exemplars=exemplars)


def test_answers_near_good_exemplars_score_higher_than_near_poor_ones() -> None:
    grader = neighbours_only()
    good = grader.grade(GradeRequest(QUESTION, REFERENCE, "The water evaporated and left salt."))
    poor = grader.grade(GradeRequest(QUESTION, REFERENCE, "I pulled it out with a magnet."))
    assert good.similarity > 0.5 > poor.similarity


def test_exemplars_need_a_few_graded_answers_and_never_include_the_answer_itself() -> None:
    grader = neighbours_only()
    other = GradeRequest("Another question?", REFERENCE, "The water evaporated.")
    plain = Grader(grader.calibration, cache=MemoryCache())
    assert grader.grade(other).similarity == plain.grade(other).similarity
    exemplars = grader.exemplars
    assert exemplars is not None
    assert len(exemplars.exemplars_for("  how did you separate the SALT from the water?")) == 4
    assert exemplar_key("A  b") == exemplar_key("a b")


def test_calibrate_files_the_graded_answers_as_exemplars(
    cli: Cli, tmp_path: Path, env: dict[str, str]
) -> None:
    lines = [
        {
            "question": f"问题 {i % 3} 是什么？",
            "reference": "参考答案。",
            "answer": f"回答 {i}",
            "score": i % 2,
        }
        for i in range(12)
    ]
    data = write(tmp_path / "g.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert cli("calibrate", str(data)).exit_code == 0
    rows = query(env, "SELECT count(*), count(DISTINCT key), min(score), max(score) FROM exemplars")
    assert rows == [(12, 3, 0.0, 1.0)]
    assert cli("calibrate", str(data)).exit_code == 0  # again: updated, not duplicated
    assert query(env, "SELECT count(*) FROM exemplars") == [(12,)]
