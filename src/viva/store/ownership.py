"""What a user owns, found by walking the schema: for export and for deleting an account.

Nothing here names a table. A row is the user's when it has a `user_id` column holding the
user's id, or, in a table without one, when a foreign key leads to a row of the user's (the
notes, sections, questions, key points, links and import runs of the user's banks). The walk
reads `schema.metadata`, so a table added later with a `user_id` or a foreign key to such a
table is exported and deleted with no change here.

Deleting goes further than exporting: it also takes the rows of *other* users that hang off
the user's rows (another user's review of a question in a bank being deleted), since those
cannot outlive their parent row.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.store.schema import metadata, sign_in_attempts, users

Predicates = dict[sa.Table, sa.ColumnElement[bool]]
CHUNK = 500  # rows fetched at a time when exporting


def _is_secret(column: sa.Column[Any]) -> bool:
    """Columns an export leaves out: what signs someone in (a password's or a session's hash)."""
    name = column.name.lower()
    return name.endswith(("password_hash", "token_hash")) or "secret" in name


def _walk(user_id: int, *, owned_only: bool) -> Predicates:
    """For each table that holds rows of the user, the condition that picks them.

    Tables come in dependency order (a parent before the tables referring to it). With
    `owned_only`, a table that has a `user_id` column keeps only the user's rows; without it,
    rows that refer to a picked row are picked too, whoever's they are.
    """
    found: Predicates = {users: users.c.id == user_id}
    for table in metadata.sorted_tables:
        if table is users:
            continue
        has_owner = "user_id" in table.c
        conditions: list[sa.ColumnElement[bool]] = []
        if has_owner:
            conditions.append(table.c.user_id == user_id)
        if not (owned_only and has_owner):
            for key in table.foreign_keys:
                parent = key.column.table
                if parent is table or parent not in found or key.parent.name == "user_id":
                    continue
                assert isinstance(parent, sa.Table)
                picked = sa.select(key.column).where(found[parent])
                conditions.append(key.parent.in_(picked.scalar_subquery()))
        if conditions:
            found[table] = sa.or_(*conditions)
    return found


def owned_table_names() -> list[str]:
    """The tables an export has rows from, in dependency order."""
    return [t.name for t in _walk(0, owned_only=True)]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def exported_rows(conn: Connection, user_id: int) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(table name, its rows of the user as JSON values) for every table holding any; secrets
    are left out. Rows are read a chunk at a time, in primary-key order."""
    for table, condition in _walk(user_id, owned_only=True).items():
        columns = [c for c in table.c if not _is_secret(c)]
        query = sa.select(*columns).where(condition).order_by(*table.primary_key.columns)
        yield table.name, _rows(conn, query)


def _rows(conn: Connection, query: sa.Select[Any]) -> Iterator[dict[str, Any]]:
    result = conn.execute(query.execution_options(yield_per=CHUNK))
    for row in result.mappings():
        yield {key: _plain(value) for key, value in row.items()}


def delete_owned(
    conn: Connection, user_id: int, *, account_key: str | None = None
) -> dict[str, int]:
    """Delete every row of the user and every row that depends on one, the user's own row
    last; returns how many rows went, per table. `account_key`: the sign-in throttle's key
    for the account, whose recorded attempts go too."""
    deleted: dict[str, int] = {}
    for table, condition in reversed(list(_walk(user_id, owned_only=False).items())):
        count = int(conn.execute(table.delete().where(condition)).rowcount)
        if count:
            deleted[table.name] = count
    if account_key is not None:
        conn.execute(sign_in_attempts.delete().where(sign_in_attempts.c.key == account_key))
    return deleted


def count_admins(conn: Connection, *, besides: int) -> int:
    """How many enabled admins there are other than the user `besides`."""
    query = (
        sa.select(sa.func.count())
        .select_from(users)
        .where(users.c.role == "admin", users.c.is_disabled.is_(False), users.c.id != besides)
    )
    return int(conn.execute(query).scalar_one())


# --- besides the walk: what an export shows in readable form -----------------------------
def owned_note_sources(conn: Connection, user_id: int) -> Iterator[tuple[str, str, str]]:
    """(bank name, note path, the file it was imported from) of every note in the user's
    banks (the database keeps the questions, not the note's text)."""
    from viva.store.schema import banks, notes

    query = (
        sa.select(banks.c.name, notes.c.path, notes.c.source)
        .join(banks, banks.c.id == notes.c.bank_id)
        .where(banks.c.user_id == user_id)
        .order_by(banks.c.name, notes.c.path)
    )
    for row in conn.execute(query.execution_options(yield_per=50)):
        yield str(row.name), str(row.path), str(row.source)


def owned_note_count(conn: Connection, user_id: int) -> int:
    """How many notes the user's banks hold."""
    from viva.store.schema import banks, notes

    query = (
        sa.select(sa.func.count())
        .select_from(notes.join(banks, banks.c.id == notes.c.bank_id))
        .where(banks.c.user_id == user_id)
    )
    return int(conn.execute(query).scalar_one())


def owned_assets(conn: Connection, user_id: int) -> list[str]:
    """The file names of the images (copied under the data dir) the user's notes embed."""
    from viva.store.schema import banks, links, questions

    query = (
        sa.select(links.c.asset)
        .distinct()
        .join(questions, questions.c.id == links.c.question_id)
        .join(banks, banks.c.id == questions.c.bank_id)
        .where(banks.c.user_id == user_id, links.c.asset.is_not(None))
        .order_by(links.c.asset)
    )
    return [str(name) for name in conn.execute(query).scalars()]
