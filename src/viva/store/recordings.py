"""Recorded answers: rows pointing at audio files under the recordings dir.

Files are the service's business (it writes them before the row and deletes them after the
row); this module only holds the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.db import new_id
from viva.store.schema import recordings


@dataclass(frozen=True, slots=True)
class SavedRecording:
    """One stored recording and what was made of it."""

    id: int
    created_at: datetime
    question_id: str | None
    kind: str
    path: str  # relative to the recordings dir
    duration: float
    language: str
    transcript: str
    delivery: dict[str, Any]  # wire.delivery_json


def save_recording(
    conn: Connection,
    user_id: int,
    *,
    created_at: datetime,
    question_id: str | None,
    kind: str,
    path: str,
    duration: float,
    language: str,
    transcript: str,
    delivery: dict[str, Any],
) -> int:
    """Store a recording's row; returns its id."""
    result = conn.execute(
        recordings.insert().values(
            user_id=user_id,
            created_at=created_at,
            question_id=question_id,
            kind=kind,
            path=path,
            duration=duration,
            language=language,
            transcript=transcript,
            delivery=delivery,
        )
    )
    return new_id(result)


def _select() -> sa.Select[Any]:
    return sa.select(
        recordings.c.id,
        recordings.c.created_at,
        recordings.c.question_id,
        recordings.c.kind,
        recordings.c.path,
        recordings.c.duration,
        recordings.c.language,
        recordings.c.transcript,
        recordings.c.delivery,
    )


def list_recordings(
    conn: Connection, user_id: int, *, before: datetime | None = None
) -> list[SavedRecording]:
    """The user's recordings, newest first (only those created before `before`, when given)."""
    query = (
        _select()
        .where(recordings.c.user_id == user_id)
        .order_by(recordings.c.created_at.desc(), recordings.c.id.desc())
    )
    if before is not None:
        query = query.where(recordings.c.created_at < before)
    return [SavedRecording(*row) for row in conn.execute(query)]


def get_recording(conn: Connection, user_id: int, recording_id: int) -> SavedRecording | None:
    """One of the user's recordings by id."""
    if not 0 < recording_id < 2**63:
        return None  # no row has it, and SQLite cannot even compare it (an overflow)
    row = conn.execute(
        _select().where(recordings.c.user_id == user_id, recordings.c.id == recording_id)
    ).first()
    return None if row is None else SavedRecording(*row)


def delete_recordings(conn: Connection, user_id: int, ids: list[int]) -> int:
    """Delete the user's rows by id; returns how many went."""
    deleted = 0
    for start in range(0, len(ids), 500):  # stay far below SQLite's bound-parameter limit
        chunk = ids[start : start + 500]
        result = conn.execute(
            recordings.delete().where(recordings.c.user_id == user_id, recordings.c.id.in_(chunk))
        )
        deleted += int(result.rowcount)
    return deleted


def recording_paths(conn: Connection, user_id: int) -> set[str]:
    """The relative path of every recording of the user."""
    query = sa.select(recordings.c.path).where(recordings.c.user_id == user_id)
    return {row.path for row in conn.execute(query)}
