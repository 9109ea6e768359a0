"""Saved mock interviews: their reports, for `viva report` and `viva history`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.db import new_id
from viva.store.schema import interviews


@dataclass(frozen=True, slots=True)
class SavedInterview:
    """One past interview."""

    id: int
    plan: str
    seed: int
    started_at: datetime
    finished_at: datetime
    overall: int
    report: dict[str, Any]


def save_interview(
    conn: Connection,
    user_id: int,
    *,
    plan: str,
    seed: int,
    started_at: datetime,
    finished_at: datetime,
    overall: int,
    report: dict[str, Any],
) -> int:
    """Store a finished interview; returns its id."""
    result = conn.execute(
        interviews.insert().values(
            user_id=user_id,
            plan=plan,
            seed=seed,
            started_at=started_at,
            finished_at=finished_at,
            overall=overall,
            report=report,
        )
    )
    return new_id(result)


_COLUMNS = (
    interviews.c.id,
    interviews.c.plan,
    interviews.c.seed,
    interviews.c.started_at,
    interviews.c.finished_at,
    interviews.c.overall,
    interviews.c.report,
)


def list_interviews(conn: Connection, user_id: int) -> list[SavedInterview]:
    """Every interview the user saved, newest first."""
    rows = conn.execute(
        sa.select(*_COLUMNS).where(interviews.c.user_id == user_id).order_by(interviews.c.id.desc())
    )
    return [SavedInterview(*row) for row in rows]


def get_interview(
    conn: Connection, user_id: int, interview_id: int | None
) -> SavedInterview | None:
    """One of the user's interviews by id, or their latest when `interview_id` is None."""
    if interview_id is not None and not 0 < interview_id < 2**63:
        return None  # no row has it, and SQLite cannot even compare it (an overflow)
    query = sa.select(*_COLUMNS).where(interviews.c.user_id == user_id)
    if interview_id is None:
        query = query.order_by(interviews.c.id.desc()).limit(1)
    else:
        query = query.where(interviews.c.id == interview_id)
    row = conn.execute(query).first()
    return None if row is None else SavedInterview(*row)
