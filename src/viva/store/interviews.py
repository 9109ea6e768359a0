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
            plan=plan,
            seed=seed,
            started_at=started_at,
            finished_at=finished_at,
            overall=overall,
            report=report,
        )
    )
    return new_id(result)


def list_interviews(conn: Connection) -> list[SavedInterview]:
    """Every saved interview, newest first."""
    rows = conn.execute(sa.select(interviews).order_by(interviews.c.id.desc()))
    return [SavedInterview(*row) for row in rows]


def get_interview(conn: Connection, interview_id: int | None) -> SavedInterview | None:
    """One interview by id, or the latest when `interview_id` is None."""
    if interview_id is not None and not 0 < interview_id < 2**63:
        return None  # no row has it, and SQLite cannot even compare it (an overflow)
    query = sa.select(interviews)
    if interview_id is None:
        query = query.order_by(interviews.c.id.desc()).limit(1)
    else:
        query = query.where(interviews.c.id == interview_id)
    row = conn.execute(query).first()
    return None if row is None else SavedInterview(*row)
