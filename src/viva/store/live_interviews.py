"""Mock interviews in progress (the web app's: each answer is a separate request)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.schema import live_interviews


@dataclass(frozen=True, slots=True)
class StoredLive:
    """A stored interview in progress."""

    token: str
    version: int
    seed: int
    banks: tuple[str, ...]
    started_at: datetime
    state: dict[str, Any]


def create_live(
    conn: Connection,
    user_id: int,
    *,
    token: str,
    seed: int,
    banks: Sequence[str],
    started_at: datetime,
    state: dict[str, Any],
) -> None:
    """Store a new interview in progress (version 1)."""
    conn.execute(
        live_interviews.insert().values(
            user_id=user_id,
            token=token,
            version=1,
            seed=seed,
            banks=list(banks),
            started_at=started_at,
            updated_at=started_at,
            state=state,
        )
    )


def get_live(conn: Connection, user_id: int, token: str) -> StoredLive | None:
    """The user's interview in progress with this token."""
    row = conn.execute(
        sa.select(live_interviews).where(
            live_interviews.c.user_id == user_id, live_interviews.c.token == token
        )
    ).first()
    if row is None:
        return None
    return StoredLive(
        row.token, row.version, row.seed, tuple(row.banks), row.started_at, dict(row.state)
    )


def update_live(
    conn: Connection,
    user_id: int,
    token: str,
    *,
    version: int,
    state: dict[str, Any],
    now: datetime,
) -> bool:
    """Replace the state if nobody else did since `version` was read; False if someone did."""
    result = conn.execute(
        live_interviews.update()
        .where(
            live_interviews.c.user_id == user_id,
            live_interviews.c.token == token,
            live_interviews.c.version == version,
        )
        .values(version=version + 1, state=state, updated_at=now)
    )
    return result.rowcount == 1


def delete_live(conn: Connection, user_id: int, token: str, *, version: int) -> bool:
    """Remove a finished interview if still at `version`."""
    result = conn.execute(
        live_interviews.delete().where(
            live_interviews.c.user_id == user_id,
            live_interviews.c.token == token,
            live_interviews.c.version == version,
        )
    )
    return result.rowcount == 1


def purge_stale(conn: Connection, user_id: int, before: datetime) -> int:
    """Forget the user's interviews abandoned before `before`."""
    result = conn.execute(
        live_interviews.delete().where(
            live_interviews.c.user_id == user_id, live_interviews.c.updated_at < before
        )
    )
    return int(result.rowcount)
