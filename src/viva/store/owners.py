"""Who sees which bank: a user sees their own banks and the shared (built-in) ones.

Every query of bank content goes through `visible_to` (reads) or `owned_bank_ids` (writes),
so no query can show one user another's questions.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.schema import banks


def visible_to(user_id: int) -> sa.ColumnElement[bool]:
    """True for a bank row (joined as `banks`) the user may read: theirs or a shared one."""
    return sa.or_(banks.c.user_id == user_id, banks.c.user_id.is_(None))


def owned_bank_ids(conn: Connection, user_id: int) -> set[int]:
    """The ids of the user's own banks."""
    return set(conn.execute(sa.select(banks.c.id).where(banks.c.user_id == user_id)).scalars())
