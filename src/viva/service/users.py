"""Adding users. Until sign-in exists (issue #18) users are made by the service (tests, the
benchmark); the CLI and the local web app always act as the local user."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa

from viva.errors import VivaError
from viva.service.preferences import now_utc

if TYPE_CHECKING:
    from viva.service.runtime import Runtime

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # also a folder name: users/<name>/


class UserError(VivaError):
    """A user name that cannot be used (taken, or not a plain name)."""

    http_status = 422


def add_user(runtime: Runtime, name: str) -> int:
    """Add a user; returns their id.

    Raises:
        UserError: the name is taken or is not 1-64 letters, digits, '.', '-' or '_'.
    """
    from viva.store.users import create_user

    if not _NAME.fullmatch(name) or name in (".", ".."):
        raise UserError(
            f"the user name {name!r} is not 1-64 letters, digits, '.', '-' or '_'",
            hint="it names the user's folder too: e.g. zhang-san or student01",
        )
    try:
        with runtime.db.transaction() as conn:
            return create_user(conn, name, now=now_utc())
    except sa.exc.IntegrityError:
        raise UserError(f"a user is already called {name!r}", hint="choose another name") from None
