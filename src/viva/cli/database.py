"""`viva db ...`: the database's schema revision, and the explicit upgrade a shared
(PostgreSQL) database needs before Viva's processes start."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from viva.service.database import SchemaStatus

app = typer.Typer(
    help="The database's schema: show its revision, upgrade it. A SQLite file (the default)"
    " upgrades itself when Viva opens it; a PostgreSQL database (VIVA_DATABASE_URL) is upgraded"
    " once with `viva db upgrade` before Viva's processes start, and they refuse to run on an"
    " older schema.",
    no_args_is_help=True,
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _status_json(status: SchemaStatus) -> dict[str, object]:
    return {
        "database": status.url,
        "backend": status.backend,
        "current": status.current,
        "head": status.head,
        "is_current": status.is_current,
    }


@app.command("current")
def current(as_json: JsonOption = False) -> None:
    """Show the database's schema revision and the one this Viva needs (changes nothing)."""
    from viva.cli import explained_errors, render, render_admin

    with explained_errors():
        from viva.config import load_settings
        from viva.service.database import database_status

        status = database_status(load_settings())
    if as_json:
        render.print_json(_status_json(status))
    else:
        render_admin.schema_status(status)


@app.command("upgrade")
def upgrade(as_json: JsonOption = False) -> None:
    """Upgrade the database to the newest schema (run once before starting Viva's processes).

    Nothing happens when it is already current; two upgrades started at once on PostgreSQL
    run one after the other. Back up the database first (pg_dump, or copy the SQLite file).
    """
    from viva.cli import explained_errors, render, render_admin

    with explained_errors():
        from viva.config import load_settings
        from viva.service.database import upgrade_database

        before, after = upgrade_database(load_settings())
    if as_json:
        render.print_json({**_status_json(after), "previous": before.current})
    else:
        render_admin.schema_upgraded(before, after)
