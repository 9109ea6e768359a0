"""Preferences as key/value rows (values are JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from viva.store.db import upsert
from viva.store.schema import preferences


def load_preferences(conn: sa.Connection, user_id: int) -> dict[str, Any]:
    """Every preference the user stored."""
    rows = conn.execute(
        sa.select(preferences.c.key, preferences.c.value).where(preferences.c.user_id == user_id)
    )
    return {row.key: row.value for row in rows}


def save_preferences(
    conn: sa.Connection, user_id: int, values: Mapping[str, Any], *, now: datetime
) -> None:
    """Insert or replace the user's values (one upsert each); None deletes the key."""
    gone = [key for key, value in values.items() if value is None]
    if gone:
        conn.execute(
            preferences.delete().where(
                preferences.c.user_id == user_id, preferences.c.key.in_(gone)
            )
        )
    rows = [
        {"user_id": user_id, "key": key, "value": value, "updated_at": now}
        for key, value in values.items()
        if value is not None
    ]
    upsert(conn, preferences, rows, key=("user_id", "key"), update=("value", "updated_at"))
