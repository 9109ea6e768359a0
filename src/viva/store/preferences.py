"""Preferences as key/value rows (values are JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from viva.store.schema import preferences


def load_preferences(conn: sa.Connection) -> dict[str, Any]:
    """Every stored preference."""
    rows = conn.execute(sa.select(preferences.c.key, preferences.c.value))
    return {row.key: row.value for row in rows}


def save_preferences(conn: sa.Connection, values: Mapping[str, Any], *, now: datetime) -> None:
    """Insert or replace; a value of None deletes the key."""
    for key, value in values.items():
        conn.execute(preferences.delete().where(preferences.c.key == key))
        if value is not None:
            conn.execute(preferences.insert().values(key=key, value=value, updated_at=now))
