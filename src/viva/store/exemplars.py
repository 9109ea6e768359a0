"""Graded exemplars in the database (grading's ExemplarSource), the student's disputes of
grades (exemplars of kind "dispute") and a teacher's corrections of a student's grade (kind
"teacher": the student's answer, scored by the teacher of a class, for every member's grader)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.grading.exemplars import Exemplar, exemplar_key
from viva.store.db import UserConnections, upsert
from viva.store.schema import class_members, classes, exemplars, users


class SqlExemplars:
    """Reads the user's exemplars by question; `save` files new ones (a re-graded answer is
    updated). The user is whoever `db` works for at the time of the call."""

    def __init__(self, db: UserConnections) -> None:
        self.db = db

    def exemplars_for(self, question: str) -> Sequence[Exemplar]:
        """The user's graded answers to this question, and the corrections the teachers of the
        user's classes made in them (a correction weighs like a dispute: one answer is enough
        for what is nearly the same answer)."""
        user_id = self.db.user_id
        with self.db.reader() as conn:
            rows = conn.execute(
                sa.select(exemplars.c.answer, exemplars.c.score, exemplars.c.kind).where(
                    sa.or_(exemplars.c.user_id == user_id, _of_classes_of(user_id)),
                    exemplars.c.key == exemplar_key(question),
                )
            )
            return [
                Exemplar(
                    answer,
                    float(score),
                    is_dispute=kind in (DISPUTE, TEACHER),
                    is_teacher=kind == TEACHER,
                )
                for answer, score, kind in rows
            ]

    def save(self, items: Sequence[tuple[str, str, float]], *, source: str, now: datetime) -> int:
        """Store (question, answer, score) triples in one transaction; returns how many."""
        rows = [
            {
                "user_id": self.db.user_id,
                "key": exemplar_key(question),
                "answer": answer,
                "answer_sha256": answer_digest(answer),
                "score": score,
                "source": source,
                "created_at": now,
            }
            for question, answer, score in items
        ]
        with self.db.transaction() as conn:
            upsert(conn, exemplars, rows, key=_KEY, update=("score", "source", "created_at"))
        return len(items)


_KEY = ("user_id", "key", "answer_sha256")


def answer_digest(answer: str) -> str:
    """What an exemplar's answer is unique by (an index cannot hold a long answer)."""
    return hashlib.sha256(answer.encode()).hexdigest()


DISPUTE = "dispute"
TEACHER = "teacher"


def _of_classes_of(user_id: int) -> sa.ColumnElement[bool]:
    """A teacher's correction in a class the user belongs to or teaches."""
    joined = sa.select(class_members.c.class_id).where(class_members.c.user_id == user_id)
    taught = sa.select(classes.c.id).where(classes.c.user_id == user_id)
    return sa.and_(
        exemplars.c.kind == TEACHER,
        sa.or_(exemplars.c.class_id.in_(joined), exemplars.c.class_id.in_(taught)),
    )


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
    user_id: int,
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
    _save_graded(  # the student's own word replaces a teacher's on the same answer
        conn, user_id, DISPUTE, question_id, question, answer, score, graded, note, now
    )


def _save_graded(
    conn: Connection,
    user_id: int,
    kind: str,
    question_id: str,
    question: str,
    answer: str,
    score: float,
    graded: float | None,
    note: str | None,
    now: datetime,
    *,
    class_id: int | None = None,
    review_id: int | None = None,
) -> None:
    """One graded answer of `kind` (a student's dispute, a teacher's correction) under its
    question, replacing any earlier grade of the same answer."""
    values = {
        "user_id": user_id,
        "key": exemplar_key(question),
        "answer": answer,
        "answer_sha256": answer_digest(answer),
        "score": score,
        "source": kind,
        "kind": kind,
        "question_id": question_id,
        "graded": graded,
        "note": note,
        "created_at": now,
        "class_id": class_id,
        "review_id": review_id,
    }
    changed = [c for c in values if c not in _KEY]
    upsert(conn, exemplars, [values], key=_KEY, update=changed)


@dataclass(frozen=True, slots=True)
class Correction:
    """A teacher's score (0-1) of a student's answer, instead of Viva's."""

    review_id: int | None
    question_id: str
    answer: str
    score: float
    graded: float | None
    note: str | None
    teacher: str
    created_at: datetime


def save_correction(
    conn: Connection,
    student_id: int,
    *,
    class_id: int,
    review_id: int,
    question_id: str,
    question: str,
    answer: str,
    score: float,
    graded: float | None,
    note: str | None,
    now: datetime,
) -> None:
    """File a teacher's score of a student's answer under the question, for the class
    (replacing an earlier grade of the same answer, the student's or a teacher's)."""
    _save_graded(
        conn,
        student_id,
        TEACHER,
        question_id,
        question,
        answer,
        score,
        graded,
        note,
        now,
        class_id=class_id,
        review_id=review_id,
    )


def corrections_of(
    conn: Connection,
    student_id: int,
    *,
    question_id: str | None = None,
    review_ids: Sequence[int] | None = None,
) -> list[Correction]:
    """The teachers' corrections of the student's answers (of one question, or of these
    reviews), newest first."""

    query = (
        sa.select(
            exemplars.c.review_id,
            exemplars.c.question_id,
            exemplars.c.answer,
            exemplars.c.score,
            exemplars.c.graded,
            exemplars.c.note,
            users.c.name,
            exemplars.c.created_at,
        )
        .join(classes, classes.c.id == exemplars.c.class_id)
        .join(users, users.c.id == classes.c.user_id)
        .where(exemplars.c.user_id == student_id, exemplars.c.kind == TEACHER)
        .order_by(exemplars.c.created_at.desc(), exemplars.c.id.desc())
    )
    if question_id is not None:
        query = query.where(exemplars.c.question_id == question_id)
    if review_ids is not None:
        query = query.where(exemplars.c.review_id.in_(list(review_ids)))
    return [
        Correction(
            r[0],
            str(r[1]),
            r[2],
            float(r[3]),
            None if r[4] is None else float(r[4]),
            r[5],
            str(r[6]),
            r[7],
        )
        for r in conn.execute(query)
    ]


def disputes_of(conn: Connection, user_id: int, question_id: str) -> list[Dispute]:
    """The user's disputes of a question's grades, newest first."""
    rows = conn.execute(
        sa.select(
            exemplars.c.answer,
            exemplars.c.score,
            exemplars.c.graded,
            exemplars.c.note,
            exemplars.c.created_at,
        )
        .where(
            exemplars.c.user_id == user_id,
            exemplars.c.kind == DISPUTE,
            exemplars.c.question_id == question_id,
        )
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


def copy_exemplars(conn: Connection, user_id: int, old_question: str, new_question: str) -> int:
    """File the graded answers of a question under its new text too (its prompt was edited);
    returns how many were copied. The old copies stay, for when the edit is undone."""
    old, new = exemplar_key(old_question), exemplar_key(new_question)
    if old == new:
        return 0
    mine = exemplars.c.user_id == user_id
    have = set(
        conn.execute(sa.select(exemplars.c.answer).where(mine, exemplars.c.key == new)).scalars()
    )
    rows = [
        dict(r._mapping)
        for r in conn.execute(sa.select(exemplars).where(mine, exemplars.c.key == old))
        if r.answer not in have
    ]
    for row in rows:
        row.pop("id")
        row["key"] = new
    if rows:
        conn.execute(exemplars.insert(), rows)
    return len(rows)
