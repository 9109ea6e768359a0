"""Who sees which bank: a user sees their own banks, the shared built-in ones, and the banks a
teacher shared with a class they belong to (read-only: they are never written through here).

Every query of bank content goes through `visible_to` (reads) or `owned_bank_ids` /
`writable_by` (writes), so no query can show one user another's questions. Banks are named
for a user by `bank_label`: their own and the built-in ones by name, a bank shared with them
as "teacher/name" (a user's own bank name holds no "/", so the two never meet).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.schema import banks, class_banks, class_members, users

SHARED_SEPARATOR = "/"


def shared_with(user_id: int) -> sa.Select[tuple[int]]:
    """The ids of the banks shared with the classes the user is a member of."""
    return (
        sa.select(class_banks.c.bank_id)
        .join(class_members, class_members.c.class_id == class_banks.c.class_id)
        .where(class_members.c.user_id == user_id)
    )


def visible_to(user_id: int) -> sa.ColumnElement[bool]:
    """True for a bank row (joined as `banks`) the user may read: theirs, a built-in one, or
    one shared with a class of theirs."""
    return sa.or_(
        banks.c.user_id == user_id,
        banks.c.user_id.is_(None),
        banks.c.id.in_(shared_with(user_id)),
    )


def writable_by(user_id: int) -> sa.ColumnElement[bool]:
    """True for a bank row the user's imports may write: theirs (or the built-in one, which
    every process loads)."""
    return sa.or_(banks.c.user_id == user_id, banks.c.user_id.is_(None))


def bank_label(user_id: int) -> sa.ColumnElement[str]:
    """A bank's name as the user sees and types it: "teacher/name" for a bank shared with
    them, its name otherwise (joined as `banks`)."""
    teacher = users.alias("bank_owner")
    owner = (
        sa.select(teacher.c.name)
        .where(teacher.c.id == banks.c.user_id)
        .correlate(banks)
        .scalar_subquery()
    )
    return sa.case(
        (writable_by(user_id), banks.c.name),
        else_=owner + SHARED_SEPARATOR + banks.c.name,
    )


def is_shared_label(user_id: int) -> sa.ColumnElement[bool]:
    """True for a bank the user reads because a teacher shared it (joined as `banks`)."""
    return sa.not_(writable_by(user_id))


def owned_bank_ids(conn: Connection, user_id: int) -> set[int]:
    """The ids of the user's own banks."""
    return set(conn.execute(sa.select(banks.c.id).where(banks.c.user_id == user_id)).scalars())
