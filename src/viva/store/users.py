"""Users: a name and an id. Sign-in and roles come later (issue #18); the personal use has
one user, "local", made by the migration that introduced users."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.db import new_id
from viva.store.schema import users


def find_user_id(conn: Connection, name: str) -> int | None:
    """The id of the user called `name`, or None."""
    return conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()


def create_user(conn: Connection, name: str, *, now: datetime) -> int:
    """Add a user; returns the id (the name must be free)."""
    return new_id(conn.execute(users.insert().values(name=name, created_at=now)))


def user_names(conn: Connection) -> list[str]:
    """Every user's name, in the order they were added."""
    return list(conn.execute(sa.select(users.c.name).order_by(users.c.id)).scalars())


def lock_user(conn: Connection, user_id: int) -> None:
    """Hold the user's row until the transaction ends, so that the user's read-modify-write
    work (a review, an undo, an import) applies one at a time even when two requests or
    workers do it at once. Locking the rows it changes is not enough: a question's first
    review and a new bank have no row yet. PostgreSQL: FOR NO KEY UPDATE, so rows that refer
    to the user can still be written meanwhile; SQLite's write transaction already holds the
    whole database."""
    conn.execute(sa.select(users.c.id).where(users.c.id == user_id).with_for_update(key_share=True))
