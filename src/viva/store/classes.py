"""Classes, their members and the banks shared with them: the SQL behind a teacher's class.

Who may do what (a teacher runs their classes, a student joins and leaves) is decided in
`viva.service.classes`; every query here names the user it works for, so a class is found only
by its teacher (`taught_class`) or a member (`joined_classes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.db import new_id, upsert
from viva.store.schema import (
    banks,
    class_banks,
    class_members,
    classes,
    exemplars,
    interviews,
    reviews,
    users,
)


@dataclass(frozen=True, slots=True)
class ClassRow:
    """A class as its teacher or a member sees it."""

    id: int
    name: str
    teacher: str
    join_code: str  # shown to the teacher only (the service blanks it for members)
    created_at: datetime
    members: int
    banks: tuple[str, ...]  # the shared banks' own names (the teacher's)


@dataclass(frozen=True, slots=True)
class Member:
    """A student of a class."""

    user_id: int
    name: str
    joined_at: datetime
    last_sign_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class GradedReview:
    """A drill answer Viva graded (what a teacher may correct)."""

    id: int
    user_id: int
    question_id: str
    reviewed_at: datetime
    answer: str
    score: int


def _rows(conn: Connection, where: sa.ColumnElement[bool]) -> list[ClassRow]:
    members = (
        sa.select(class_members.c.class_id, sa.func.count().label("n"))
        .group_by(class_members.c.class_id)
        .subquery()
    )
    rows = list(
        conn.execute(
            sa.select(
                classes.c.id,
                classes.c.name,
                users.c.name.label("teacher"),
                classes.c.join_code,
                classes.c.created_at,
                sa.func.coalesce(members.c.n, 0),
            )
            .join(users, users.c.id == classes.c.user_id)
            .outerjoin(members, members.c.class_id == classes.c.id)
            .where(where)
            .order_by(classes.c.created_at, classes.c.id)
        )
    )
    shared: dict[int, list[str]] = {r.id: [] for r in rows}
    if shared:
        for class_id, name in conn.execute(
            sa.select(class_banks.c.class_id, banks.c.name)
            .join(banks, banks.c.id == class_banks.c.bank_id)
            .where(class_banks.c.class_id.in_(list(shared)))
            .order_by(banks.c.name)
        ):
            shared[class_id].append(name)
    return [
        ClassRow(r.id, r.name, r.teacher, r.join_code, r.created_at, int(r[5]), tuple(shared[r.id]))
        for r in rows
    ]


def create_class(conn: Connection, teacher_id: int, name: str, code: str, now: datetime) -> int:
    """A new class of the teacher's; returns its id."""
    result = conn.execute(
        classes.insert().values(user_id=teacher_id, name=name, join_code=code, created_at=now)
    )
    return new_id(result)


def taught_classes(conn: Connection, teacher_id: int) -> list[ClassRow]:
    """The teacher's classes, oldest first."""
    return _rows(conn, classes.c.user_id == teacher_id)


def taught_class(conn: Connection, teacher_id: int, class_id: int) -> ClassRow | None:
    """One class of the teacher's (None: no such class, or another teacher's)."""
    found = _rows(conn, sa.and_(classes.c.user_id == teacher_id, classes.c.id == class_id))
    return found[0] if found else None


def joined_classes(conn: Connection, user_id: int) -> list[ClassRow]:
    """The classes the user is a member of, oldest first."""
    mine = sa.select(class_members.c.class_id).where(class_members.c.user_id == user_id)
    return _rows(conn, classes.c.id.in_(mine))


def class_by_code(conn: Connection, code: str) -> tuple[int, int] | None:
    """(class id, teacher id) of the class with this join code, or None."""
    row = conn.execute(
        sa.select(classes.c.id, classes.c.user_id).where(classes.c.join_code == code)
    ).first()
    return None if row is None else (int(row[0]), int(row[1]))


def set_join_code(conn: Connection, class_id: int, code: str) -> None:
    """Replace a class's join code (the old one joins no one from now on)."""
    conn.execute(classes.update().where(classes.c.id == class_id).values(join_code=code))


def delete_class(conn: Connection, class_id: int) -> None:
    """Remove a class: its members, shared banks and the teacher's corrections go with it."""
    conn.execute(exemplars.delete().where(exemplars.c.class_id == class_id))
    conn.execute(class_members.delete().where(class_members.c.class_id == class_id))
    conn.execute(class_banks.delete().where(class_banks.c.class_id == class_id))
    conn.execute(classes.delete().where(classes.c.id == class_id))


def add_member(conn: Connection, class_id: int, user_id: int, now: datetime) -> None:
    """Make the user a member (a member already stays as they are)."""
    row = {"class_id": class_id, "user_id": user_id, "joined_at": now}
    upsert(conn, class_members, [row], key=("class_id", "user_id"))


def remove_member(conn: Connection, class_id: int, user_id: int) -> bool:
    """Take the user out of the class; False when they were not in it."""
    result = conn.execute(
        class_members.delete().where(
            class_members.c.class_id == class_id, class_members.c.user_id == user_id
        )
    )
    return bool(result.rowcount)


def is_member(conn: Connection, class_id: int, user_id: int) -> bool:
    """Whether the user is a member of the class."""
    found = conn.execute(
        sa.select(class_members.c.user_id).where(
            class_members.c.class_id == class_id, class_members.c.user_id == user_id
        )
    ).first()
    return found is not None


def members(conn: Connection, class_id: int) -> list[Member]:
    """The class's students, by name."""
    rows = conn.execute(
        sa.select(users.c.id, users.c.name, class_members.c.joined_at, users.c.last_sign_in_at)
        .join(class_members, class_members.c.user_id == users.c.id)
        .where(class_members.c.class_id == class_id)
        .order_by(users.c.name)
    )
    return [Member(int(r[0]), str(r[1]), r[2], r[3]) for r in rows]


def member_by_name(conn: Connection, class_id: int, name: str) -> Member | None:
    """The student of the class called `name`, or None."""
    found = [m for m in members(conn, class_id) if m.name == name]
    return found[0] if found else None


def share_bank(conn: Connection, class_id: int, bank_id: int, now: datetime) -> None:
    """Share a bank with the class (shared already: stays as it is)."""
    row = {"class_id": class_id, "bank_id": bank_id, "shared_at": now}
    upsert(conn, class_banks, [row], key=("class_id", "bank_id"))


def unshare_bank(conn: Connection, class_id: int, bank_id: int) -> bool:
    """Stop sharing a bank with the class; False when it was not shared."""
    result = conn.execute(
        class_banks.delete().where(
            class_banks.c.class_id == class_id, class_banks.c.bank_id == bank_id
        )
    )
    return bool(result.rowcount)


def own_bank_id(conn: Connection, user_id: int, name: str) -> int | None:
    """The id of the user's own bank called `name` (what a teacher may share), or None."""
    return conn.execute(
        sa.select(banks.c.id).where(banks.c.user_id == user_id, banks.c.name == name)
    ).scalar()


def last_active(conn: Connection, user_ids: Sequence[int]) -> dict[int, datetime]:
    """When each user last reviewed, finished an interview or signed in (whichever is latest)."""
    found: dict[int, datetime] = {}

    def keep(rows: Iterable[Any]) -> None:
        for row in rows:
            user_id, at = int(row[0]), row[1]
            if at is not None and (user_id not in found or at > found[user_id]):
                found[user_id] = at

    if not user_ids:
        return found
    ids = list(user_ids)
    keep(
        conn.execute(
            sa.select(reviews.c.user_id, sa.func.max(reviews.c.reviewed_at))
            .where(reviews.c.user_id.in_(ids))
            .group_by(reviews.c.user_id)
        )
    )
    keep(
        conn.execute(
            sa.select(interviews.c.user_id, sa.func.max(interviews.c.finished_at))
            .where(interviews.c.user_id.in_(ids))
            .group_by(interviews.c.user_id)
        )
    )
    keep(conn.execute(sa.select(users.c.id, users.c.last_sign_in_at).where(users.c.id.in_(ids))))
    return found


def graded_reviews(conn: Connection, user_id: int, *, limit: int) -> list[GradedReview]:
    """The user's latest drill answers that were graded (not undone), newest first."""
    rows = conn.execute(
        sa.select(
            reviews.c.id,
            reviews.c.user_id,
            reviews.c.question_id,
            reviews.c.reviewed_at,
            reviews.c.answer,
            reviews.c.score,
        )
        .where(
            reviews.c.user_id == user_id,
            reviews.c.undone_at.is_(None),
            reviews.c.answer.is_not(None),
            reviews.c.score.is_not(None),
        )
        .order_by(reviews.c.id.desc())
        .limit(limit)
    )
    return [GradedReview(r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in rows if r[4].strip()]


def graded_review(conn: Connection, review_id: int) -> GradedReview | None:
    """One graded drill answer by id (the service checks whose it is), or None."""
    row = conn.execute(
        sa.select(
            reviews.c.id,
            reviews.c.user_id,
            reviews.c.question_id,
            reviews.c.reviewed_at,
            reviews.c.answer,
            reviews.c.score,
        ).where(
            reviews.c.id == review_id,
            reviews.c.undone_at.is_(None),
            reviews.c.answer.is_not(None),
            reviews.c.score.is_not(None),
        )
    ).first()
    if row is None or not row[4].strip():
        return None
    return GradedReview(row[0], row[1], row[2], row[3], row[4], int(row[5]))
