"""Memories (fsrs cards) and review logs. A review and its memory change commit together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.practice.scheduler import Memory
from viva.practice.stats import ReviewEvent
from viva.store.db import new_id, upsert
from viva.store.schema import memories, reviews
from viva.store.users import lock_user


@dataclass(frozen=True, slots=True)
class StoredReview:
    """A review as stored (for undo, history and statistics)."""

    id: int
    question_id: str
    reviewed_at: datetime
    rating: int
    score: int | None
    is_cram: bool


def load_memories(
    conn: Connection, user_id: int, ids: Sequence[str] | None = None, *, for_update: bool = False
) -> dict[str, Memory]:
    """Memory of each question the user reviewed (all, or those in `ids`).

    `for_update`: lock the rows until the transaction ends (PostgreSQL; SQLite's write
    transaction already holds the whole database), for a read-modify-write.
    """
    query = sa.select(memories.c.question_id, memories.c.card).where(memories.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    found: dict[str, Memory] = {}
    if ids is None:
        return {r.question_id: Memory(r.card) for r in conn.execute(query)}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for r in conn.execute(query.where(memories.c.question_id.in_(chunk))):
            found[r.question_id] = Memory(r.card)
    return found


def record_review(
    conn: Connection,
    user_id: int,
    question_id: str,
    *,
    rating: int,
    suggested: int | None,
    answer: str | None,
    score: int | None,
    grade: dict[str, Any] | None,
    before: Memory | None,
    after: Memory | None,
    reviewed_at: datetime,
) -> int:
    """Store a review and (unless it was a cram review, `after` None) the new memory."""
    result = conn.execute(
        reviews.insert().values(
            user_id=user_id,
            question_id=question_id,
            reviewed_at=reviewed_at,
            rating=rating,
            suggested_rating=suggested,
            answer=answer,
            score=score,
            grade=grade,
            card_before=None if before is None else before.card,
            card_after=None if after is None else after.card,
            is_cram=after is None,
        )
    )
    if after is not None:
        _put_memory(conn, user_id, question_id, after, reviewed_at)
    return new_id(result)


def _put_memory(
    conn: Connection, user_id: int, question_id: str, memory: Memory, now: datetime
) -> None:
    row = {
        "user_id": user_id,
        "question_id": question_id,
        "card": memory.card,
        "due": memory.due,
        "updated_at": now,
    }
    upsert(
        conn, memories, [row], key=("user_id", "question_id"), update=("card", "due", "updated_at")
    )


def undo_last(conn: Connection, user_id: int, now: datetime) -> StoredReview | None:
    """Mark the user's latest review undone and put its question's memory back as it was."""
    lock_user(conn, user_id)  # two undos at once must not pick the same latest review
    row = conn.execute(
        sa.select(reviews)
        .where(reviews.c.user_id == user_id, reviews.c.undone_at.is_(None))
        .order_by(reviews.c.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if row is None:
        return None
    conn.execute(reviews.update().where(reviews.c.id == row.id).values(undone_at=now))
    if not row.is_cram:
        if row.card_before is None:
            conn.execute(
                memories.delete().where(
                    memories.c.user_id == user_id, memories.c.question_id == row.question_id
                )
            )
        else:
            _put_memory(conn, user_id, row.question_id, Memory(row.card_before), now)
    return StoredReview(
        row.id, row.question_id, row.reviewed_at, row.rating, row.score, row.is_cram
    )


def review_history(
    conn: Connection, user_id: int, since: datetime | None = None
) -> list[StoredReview]:
    """The user's reviews not undone, oldest first."""
    query = (
        sa.select(reviews)
        .where(reviews.c.user_id == user_id, reviews.c.undone_at.is_(None))
        .order_by(reviews.c.id)
    )
    if since is not None:
        query = query.where(reviews.c.reviewed_at >= since)
    return [
        StoredReview(r.id, r.question_id, r.reviewed_at, r.rating, r.score, r.is_cram)
        for r in conn.execute(query)
    ]


def due_times(conn: Connection, user_id: int) -> dict[str, datetime]:
    """When each question the user studied is due (the indexed column: no card is parsed)."""
    query = sa.select(memories.c.question_id, memories.c.due).where(memories.c.user_id == user_id)
    return {r[0]: r[1] for r in conn.execute(query)}


def review_events(conn: Connection, user_id: int) -> list[ReviewEvent]:
    """Every review of the user not undone, for statistics."""
    rows = conn.execute(
        sa.select(
            reviews.c.question_id,
            reviews.c.reviewed_at,
            reviews.c.rating,
            reviews.c.card_before.is_(None),
            reviews.c.is_cram,
        )
        .where(reviews.c.user_id == user_id, reviews.c.undone_at.is_(None))
        .order_by(reviews.c.id)
    )
    return [ReviewEvent(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in rows]


def counts_since(conn: Connection, user_id: int, since: datetime) -> tuple[int, int]:
    """(reviews, first reviews) of the user since `since`, not undone and not cramming."""
    row = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(
                sa.func.sum(sa.case((reviews.c.card_before.is_(None), 1), else_=0)), 0
            ),
        ).where(
            reviews.c.user_id == user_id,
            reviews.c.undone_at.is_(None),
            reviews.c.is_cram.is_(False),
            reviews.c.reviewed_at >= since,
        )
    ).one()
    return int(row[0]), int(row[1])


def practised_since(conn: Connection, user_id: int, since: datetime) -> list[tuple[str, datetime]]:
    """(question id, when) of every review of the user since `since` not undone, cram reviews
    included (practice is practice, even when the schedule is left alone)."""
    rows = conn.execute(
        sa.select(reviews.c.question_id, reviews.c.reviewed_at).where(
            reviews.c.user_id == user_id,
            reviews.c.undone_at.is_(None),
            reviews.c.reviewed_at >= since,
        )
    )
    return [(str(r[0]), r[1]) for r in rows]
