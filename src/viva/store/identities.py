"""Identities: which user a person at an identity provider (issuer, subject) signs in as.

The rules (when a first sign-in makes an account, when it links one) live in
`viva.service.sso`; this module only reads and writes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.schema import identities


@dataclass(frozen=True, slots=True)
class Identity:
    """A person at an identity provider, linked to one user."""

    issuer: str
    subject: str
    user_id: int
    created_at: datetime
    last_sign_in_at: datetime | None


_COLUMNS = (
    identities.c.issuer,
    identities.c.subject,
    identities.c.user_id,
    identities.c.created_at,
    identities.c.last_sign_in_at,
)


def _identity(row: Any) -> Identity:  # a Row of _COLUMNS
    return Identity(
        issuer=row.issuer,
        subject=row.subject,
        user_id=int(row.user_id),
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
    )


def find_identity(conn: Connection, issuer: str, subject: str) -> Identity | None:
    """The identity of `subject` at `issuer`, or None (never signed in here)."""
    row = conn.execute(
        sa.select(*_COLUMNS).where(identities.c.issuer == issuer, identities.c.subject == subject)
    ).first()
    return None if row is None else _identity(row)


def identities_of(conn: Connection, user_id: int) -> list[Identity]:
    """The identities that sign a user in, oldest first."""
    query = sa.select(*_COLUMNS).where(identities.c.user_id == user_id).order_by(identities.c.id)
    return [_identity(row) for row in conn.execute(query)]


def link_identity(
    conn: Connection, issuer: str, subject: str, user_id: int, *, now: datetime
) -> None:
    """Link `subject` at `issuer` to a user (an IntegrityError if it is linked already)."""
    conn.execute(
        identities.insert().values(
            issuer=issuer, subject=subject, user_id=user_id, created_at=now, last_sign_in_at=now
        )
    )


def touch_identity(conn: Connection, issuer: str, subject: str, *, now: datetime) -> None:
    """Note that the identity signed in now."""
    conn.execute(
        identities.update()
        .where(identities.c.issuer == issuer, identities.c.subject == subject)
        .values(last_sign_in_at=now)
    )
