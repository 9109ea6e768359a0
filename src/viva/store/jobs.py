"""Jobs: the rows that record slow work handed off by a request (SQL only).

A user reads only their own jobs (`get_job` takes the user). The job runner is not a user: it
claims a job by id (`claim_job`), once, and acts as the job's owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.schema import jobs, users

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass(frozen=True, slots=True)
class StoredJob:
    """One job as stored: what it does, how far it got, what came of it."""

    id: str
    kind: str
    state: str
    arguments: dict[str, Any]
    stage: str
    done: float
    total: float
    result: dict[str, Any] | None
    error: str | None
    hint: str | None
    status: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job the runner took: whose it is and what to do."""

    id: str
    user: str  # the owner's name (the runner works in the owner's unit of work)
    kind: str
    arguments: dict[str, Any]


def create_job(
    conn: Connection,
    user_id: int,
    *,
    job_id: str,
    kind: str,
    arguments: dict[str, Any],
    now: datetime,
) -> None:
    """Record a queued job."""
    conn.execute(
        jobs.insert().values(
            id=job_id,
            user_id=user_id,
            kind=kind,
            state=QUEUED,
            arguments=arguments,
            stage="",
            done=0.0,
            total=0.0,
            created_at=now,
        )
    )


def get_job(conn: Connection, user_id: int, job_id: str) -> StoredJob | None:
    """The user's job with this id (None: none, or another user's)."""
    row = (
        conn.execute(sa.select(jobs).where(jobs.c.id == job_id, jobs.c.user_id == user_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return StoredJob(
        id=row["id"],
        kind=row["kind"],
        state=row["state"],
        arguments=dict(row["arguments"]),
        stage=row["stage"],
        done=float(row["done"]),
        total=float(row["total"]),
        result=None if row["result"] is None else dict(row["result"]),
        error=row["error"],
        hint=row["hint"],
        status=row["status"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def claim_job(conn: Connection, job_id: str, *, now: datetime) -> ClaimedJob | None:
    """Mark a queued job running and return it; None when it is not queued (already taken,
    finished, or gone with its user). One UPDATE, so two runners never both take it."""
    taken = conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id, jobs.c.state == QUEUED)
        .values(state=RUNNING, started_at=now)
    )
    if taken.rowcount != 1:
        return None
    row = conn.execute(
        sa.select(jobs.c.kind, jobs.c.arguments, users.c.name)
        .join(users, users.c.id == jobs.c.user_id)
        .where(jobs.c.id == job_id)
    ).one()
    return ClaimedJob(id=job_id, user=row.name, kind=row.kind, arguments=dict(row.arguments))


def set_progress(conn: Connection, job_id: str, *, stage: str, done: float, total: float) -> None:
    """How far a running job got (`done` of `total` in the stage's unit)."""
    conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id, jobs.c.state == RUNNING)
        .values(stage=stage, done=done, total=total)
    )


def finish_job(conn: Connection, job_id: str, result: dict[str, Any], *, now: datetime) -> None:
    """The job is done: its result."""
    conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id)
        .values(state=DONE, result=result, finished_at=now, stage="", done=0.0, total=0.0)
    )


def fail_job(
    conn: Connection,
    job_id: str,
    *,
    error: str,
    hint: str | None,
    status: int,
    now: datetime,
) -> None:
    """The job failed: what to tell the user, and the HTTP status of the problem."""
    conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id)
        .values(state=FAILED, error=error, hint=hint, status=status, finished_at=now)
    )


def job_state(conn: Connection, job_id: str) -> str | None:
    """A job's state, whoever's it is (the runner checks on a job it handed out)."""
    state = conn.execute(sa.select(jobs.c.state).where(jobs.c.id == job_id)).scalar()
    return None if state is None else str(state)


def forget_jobs(conn: Connection, *, before: datetime) -> int:
    """Delete finished jobs older than `before`; returns how many."""
    gone = conn.execute(
        jobs.delete().where(jobs.c.state.in_((DONE, FAILED)), jobs.c.finished_at < before)
    )
    return int(gone.rowcount)
