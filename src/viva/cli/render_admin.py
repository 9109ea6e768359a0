"""The operator's views: paths, the database schema, accounts (English: operators' tools)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from viva.cli.render import console

if TYPE_CHECKING:  # rendering-only imports stay lazy: `viva bank list` must start fast
    from viva.service import (
        DeletedAccount,
        Paths,
    )
    from viva.service.accounts import Account
    from viva.service.database import SchemaStatus


def paths_table(paths: Paths) -> None:
    """Where each thing lives."""
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for label, value in (
        ("data dir", paths.home),
        ("database", paths.database),
        ("assets", paths.assets),
        ("models", paths.models),
        ("recordings", paths.recordings),
        ("built-in bank", paths.builtin_bank),
    ):
        table.add_row(label, str(value))
    console().print(table)


def schema_status(status: SchemaStatus) -> None:
    """The database's schema revision against the newest."""
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("database", f"{status.url} ({status.backend})")
    table.add_row("schema", status.current or "(empty: no tables yet)")
    table.add_row("newest", status.head)
    console().print(table)
    if status.is_current:
        console().print("The schema is current.", markup=False)
    else:
        console().print(
            "The schema is behind: run `viva db upgrade`"
            + (
                " (Viva also upgrades a SQLite file when it opens it)."
                if status.backend == "sqlite"
                else "."
            ),
            style="yellow",
            markup=False,
            soft_wrap=True,
        )


def schema_upgraded(before: SchemaStatus, after: SchemaStatus) -> None:
    """What an upgrade did."""
    if before.current == after.current:
        console().print(
            f"{after.url}: already at schema {after.current}; nothing to do.",
            markup=False,
            soft_wrap=True,
        )
    else:
        console().print(
            f"{after.url}: upgraded from schema {before.current or '(empty)'} to {after.current}.",
            markup=False,
            soft_wrap=True,
        )


def account_added(name: str, role: str, one_time_password: str | None) -> None:
    """What `viva users add` did (and the one-time password, shown only here)."""
    out = console()
    out.print(f"Added {role} {name!r}.", markup=False)
    if one_time_password is not None:
        out.print(f"One-time password: {one_time_password}", markup=False)
        out.print(f"{name} chooses their own password at the first sign-in.", markup=False)


def password_reset(name: str, one_time_password: str | None) -> None:
    """What `viva users reset-password` did."""
    out = console()
    out.print(f"New password set for {name!r}; it is signed out everywhere.", markup=False)
    if one_time_password is not None:
        out.print(f"One-time password: {one_time_password}", markup=False)
        out.print(f"{name} chooses their own password at the next sign-in.", markup=False)


def account_deleted(deleted: DeletedAccount) -> None:
    """What `viva users delete` did."""
    rows = sum(deleted.rows.values())
    console().print(
        f"Deleted the account {deleted.name!r}: {rows} row(s) and {deleted.files} file(s).",
        markup=False,
    )


def account_changed(name: str, what: str) -> None:
    """One line for a change to an account (`viva users role|disable|enable`)."""
    console().print(f"{name!r} {what}.", markup=False)


def accounts_table(accounts: Sequence[Account]) -> None:
    """Every account: role, whether it can sign in, when added and last signed in."""
    table = Table(title=f"{len(accounts)} accounts", header_style="bold")
    for column in ("name", "role", "state", "added", "last sign-in"):
        table.add_column(column)
    for a in accounts:
        if a.is_disabled:
            state = "disabled"
        elif not a.has_password:
            state = "no password"
        elif a.must_change_password:
            state = "one-time password"
        else:
            state = "active"
        table.add_row(
            a.name,
            a.role,
            state,
            a.created_at.astimezone().strftime("%Y-%m-%d"),
            ""
            if a.last_sign_in_at is None
            else a.last_sign_in_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        )
    console().print(table)
