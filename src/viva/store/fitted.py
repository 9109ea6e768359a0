"""What is fitted to one user: their grading calibration (per profile) and FSRS parameters.

Both were files in the data dir before users; now they are rows, one per user.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.db import upsert
from viva.store.schema import calibrations, fsrs_parameters


def load_calibration(conn: Connection, user_id: int, profile: str) -> dict[str, Any] | None:
    """The user's calibration of a grading profile (Calibration.to_dict()), or None."""
    data = conn.execute(
        sa.select(calibrations.c.data).where(
            calibrations.c.user_id == user_id, calibrations.c.profile == profile
        )
    ).scalar()
    return None if data is None else dict(data)


def save_calibration(
    conn: Connection, user_id: int, profile: str, data: dict[str, Any], *, now: datetime
) -> None:
    """Keep the user's calibration of a profile (replacing the one before)."""
    row = {"user_id": user_id, "profile": profile, "data": data, "updated_at": now}
    upsert(conn, calibrations, [row], key=("user_id", "profile"), update=("data", "updated_at"))


def delete_calibration(conn: Connection, user_id: int, profile: str) -> bool:
    """Forget the user's calibration of a profile; True if there was one."""
    result = conn.execute(
        calibrations.delete().where(
            calibrations.c.user_id == user_id, calibrations.c.profile == profile
        )
    )
    return result.rowcount > 0


def load_fsrs_parameters(conn: Connection, user_id: int) -> tuple[float, ...] | None:
    """The FSRS parameters fitted to the user's reviews, or None (fsrs' defaults)."""
    data = conn.execute(
        sa.select(fsrs_parameters.c.parameters).where(fsrs_parameters.c.user_id == user_id)
    ).scalar()
    return None if data is None else tuple(float(w) for w in data)


def save_fsrs_parameters(
    conn: Connection, user_id: int, parameters: tuple[float, ...], *, reviews: int, now: datetime
) -> None:
    """Keep the parameters fitted on `reviews` reviews (replacing the ones before)."""
    row = {
        "user_id": user_id,
        "parameters": list(parameters),
        "reviews": reviews,
        "updated_at": now,
    }
    upsert(
        conn,
        fsrs_parameters,
        [row],
        key=("user_id",),
        update=("parameters", "reviews", "updated_at"),
    )
