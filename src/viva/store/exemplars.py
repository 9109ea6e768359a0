"""Graded exemplars in the database (grading's ExemplarSource), and the student's disputes of
grades (exemplars of kind "dispute")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.grading.exemplars import Exemplar, exemplar_key
from viva.store.db import Connections
from viva.store.schema import exemplars


class SqlExemplars:
    """Reads exemplars by question; `save` files new ones (a re-graded answer is updated)."""

    def __init__(self, db: Connections) -> None:
        self.db = db

    def exemplars_for(self, question: str) -> Sequence[Exemplar]:
        """The graded answers to this question."""
        with self.db.reader() as conn:
            rows = conn.execute(
                sa.select(exemplars.c.answer, exemplars.c.score, exemplars.c.kind).where(
                    exemplars.c.key == exemplar_key(question)
                )
            )
            return [
                Exemplar(answer, float(score), is_dispute=kind == DISPUTE)
                for answer, score, kind in rows
            ]

    def save(self, items: Sequence[tuple[str, str, float]], *, source: str, now: datetime) -> int:
        """Store (question, answer, score) triples in one transaction; returns how many."""
        with self.db.transaction() as conn:
            for question, answer, score in items:
                key = exemplar_key(question)
                updated = conn.execute(
                    exemplars.update()
                    .where(exemplars.c.key == key, exemplars.c.answer == answer)
                    .values(score=score, source=source, created_at=now)
                )
                if updated.rowcount == 0:
                    conn.execute(
                        exemplars.insert().values(
                            key=key, answer=answer, score=score, source=source, created_at=now
                        )
                    )
        return len(items)


DISPUTE = "dispute"


@dataclass(frozen=True, slots=True)
class Dispute:
    """A grade the student corrected: their answer, Viva's score and theirs (0-1), and why."""

    answer: str
    score: float
    graded: float | None
    note: str | None
    created_at: datetime


def save_dispute(
    conn: Connection,
    *,
    question_id: str,
    question: str,
    answer: str,
    score: float,
    graded: float | None,
    note: str | None,
    now: datetime,
) -> None:
    """File the student's score of an answer under the question (replacing an earlier grade of
    the same answer, theirs or a teacher's: the latest word counts)."""
    key = exemplar_key(question)
    values = {
        "score": score,
        "source": DISPUTE,
        "kind": DISPUTE,
        "question_id": question_id,
        "graded": graded,
        "note": note,
        "created_at": now,
    }
    updated = conn.execute(
        exemplars.update()
        .where(exemplars.c.key == key, exemplars.c.answer == answer)
        .values(**values)
    )
    if updated.rowcount == 0:
        conn.execute(exemplars.insert().values(key=key, answer=answer, **values))


def disputes_of(conn: Connection, question_id: str) -> list[Dispute]:
    """The student's disputes of a question's grades, newest first."""
    rows = conn.execute(
        sa.select(
            exemplars.c.answer,
            exemplars.c.score,
            exemplars.c.graded,
            exemplars.c.note,
            exemplars.c.created_at,
        )
        .where(exemplars.c.kind == DISPUTE, exemplars.c.question_id == question_id)
        .order_by(exemplars.c.created_at.desc(), exemplars.c.id.desc())
    )
    return [
        Dispute(
            r.answer,
            float(r.score),
            None if r.graded is None else float(r.graded),
            r.note,
            r.created_at,
        )
        for r in rows
    ]


def copy_exemplars(conn: Connection, old_question: str, new_question: str) -> int:
    """File the graded answers of a question under its new text too (its prompt was edited);
    returns how many were copied. The old copies stay, for when the edit is undone."""
    old, new = exemplar_key(old_question), exemplar_key(new_question)
    if old == new:
        return 0
    have = set(conn.execute(sa.select(exemplars.c.answer).where(exemplars.c.key == new)).scalars())
    rows = [
        dict(r._mapping)
        for r in conn.execute(sa.select(exemplars).where(exemplars.c.key == old))
        if r.answer not in have
    ]
    for row in rows:
        row.pop("id")
        row["key"] = new
    if rows:
        conn.execute(exemplars.insert(), rows)
    return len(rows)
