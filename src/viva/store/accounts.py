"""Accounts, sessions and sign-in attempts: the SQL behind signing in.

Passwords arrive hashed (argon2, in the service); a session token is reduced to its SHA-256
(`session_digest`) before any query, so no query and no row holds either secret. The rules
(who may sign in, how many attempts) live in `viva.service.accounts`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.db import new_id
from viva.store.schema import sessions, sign_in_attempts, users


def session_digest(token: str) -> str:
    """What the database keeps of a session token (its SHA-256, never the token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Account:
    """A user as signing in sees them."""

    id: int
    name: str
    role: str
    is_disabled: bool
    has_password: bool
    must_change_password: bool
    created_at: datetime
    last_sign_in_at: datetime | None


_COLUMNS = (
    users.c.id,
    users.c.name,
    users.c.role,
    users.c.is_disabled,
    users.c.password_hash,
    users.c.must_change_password,
    users.c.created_at,
    users.c.last_sign_in_at,
)


def _account(row: Any) -> Account:  # a Row of _COLUMNS
    return Account(
        id=int(row.id),
        name=str(row.name),
        role=str(row.role),
        is_disabled=bool(row.is_disabled),
        has_password=row.password_hash is not None,
        must_change_password=bool(row.must_change_password),
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
    )


def find_account(conn: Connection, name: str) -> tuple[Account, str | None] | None:
    """The account called `name` and its password hash, or None."""
    row = conn.execute(sa.select(*_COLUMNS).where(users.c.name == name)).first()
    return None if row is None else (_account(row), row.password_hash)


def account_by_id(conn: Connection, user_id: int) -> tuple[Account, str | None] | None:
    """The account with this id and its password hash, or None."""
    row = conn.execute(sa.select(*_COLUMNS).where(users.c.id == user_id)).first()
    return None if row is None else (_account(row), row.password_hash)


def all_accounts(conn: Connection) -> list[Account]:
    """Every account, in the order they were added."""
    return [_account(r) for r in conn.execute(sa.select(*_COLUMNS).order_by(users.c.id))]


def update_account(conn: Connection, user_id: int, **values: object) -> None:
    """Set columns of one user (password_hash, must_change_password, role, is_disabled,
    last_sign_in_at)."""
    allowed = {"password_hash", "must_change_password", "role", "is_disabled", "last_sign_in_at"}
    assert set(values) <= allowed, f"not an account column: {set(values) - allowed}"
    conn.execute(users.update().where(users.c.id == user_id).values(**values))


# --- sessions -------------------------------------------------------------------------------
def create_session(
    conn: Connection, user_id: int, token_hash: str, *, now: datetime, expires_at: datetime
) -> None:
    """Store a new session (by its token's hash)."""
    conn.execute(
        sessions.insert().values(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


def session_account(conn: Connection, token_hash: str, *, now: datetime) -> Account | None:
    """The account of an unexpired session of an enabled user, or None."""
    row = conn.execute(
        sa.select(*_COLUMNS)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(
            sessions.c.token_hash == token_hash,
            sessions.c.expires_at > now,
            users.c.is_disabled.is_(False),
        )
    ).first()
    return None if row is None else _account(row)


def delete_session(conn: Connection, token_hash: str) -> None:
    """End one session."""
    conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))


def delete_sessions(conn: Connection, user_id: int, *, keep: str | None = None) -> int:
    """End every session of a user (but the one whose hash is `keep`); returns how many."""
    query = sessions.delete().where(sessions.c.user_id == user_id)
    if keep is not None:
        query = query.where(sessions.c.token_hash != keep)
    return conn.execute(query).rowcount


def delete_expired_sessions(conn: Connection, *, now: datetime) -> None:
    """Forget sessions past their expiry."""
    conn.execute(sessions.delete().where(sessions.c.expires_at <= now))


def session_count(conn: Connection, user_id: int) -> int:
    """How many sessions (expired or not) a user has."""
    query = sa.select(sa.func.count()).select_from(sessions).where(sessions.c.user_id == user_id)
    return int(conn.execute(query).scalar_one())


# --- sign-in attempts -----------------------------------------------------------------------
def add_attempts(conn: Connection, keys: Iterable[str], *, now: datetime) -> list[int]:
    """Record an attempt under each key; returns the rows' ids."""
    return [new_id(conn.execute(sign_in_attempts.insert().values(key=k, at=now))) for k in keys]


def count_attempts(conn: Connection, key: str, *, since: datetime) -> tuple[int, datetime | None]:
    """How many attempts under `key` are newer than `since`, and the oldest of them."""
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.min(sign_in_attempts.c.at)).where(
            sign_in_attempts.c.key == key, sign_in_attempts.c.at > since
        )
    ).one()
    oldest: datetime | None = row[1]  # min() keeps the column type: aware UTC
    return int(row[0]), oldest


def delete_attempts(conn: Connection, ids: Iterable[int]) -> None:
    """Forget these attempts (they succeeded)."""
    chosen = list(ids)
    if chosen:
        conn.execute(sign_in_attempts.delete().where(sign_in_attempts.c.id.in_(chosen)))


def clear_attempts(conn: Connection, key: str) -> None:
    """Forget every attempt under a key (the account signed in, or its password was reset)."""
    conn.execute(sign_in_attempts.delete().where(sign_in_attempts.c.key == key))


def delete_old_attempts(conn: Connection, *, before: datetime) -> None:
    """Forget attempts that no window counts any more (keeps the table small)."""
    conn.execute(sign_in_attempts.delete().where(sign_in_attempts.c.at <= before))
