"""`viva paths`: where Viva keeps everything."""

from __future__ import annotations

from typing import Annotated

import typer


def show_paths(
    as_json: Annotated[bool, typer.Option("--json", help="Print the paths as JSON.")] = False,
) -> None:
    """Show the data dir, the database, and where assets, models and recordings live."""
    from viva.cli import render, render_admin, service

    with service() as viva:
        paths = viva.paths()
    if as_json:
        render.print_json(
            {
                "home": str(paths.home),
                "database": paths.database,
                "assets": str(paths.assets),
                "models": str(paths.models),
                "recordings": str(paths.recordings),
                "builtin_bank": str(paths.builtin_bank),
            }
        )
    else:
        render_admin.paths_table(paths)
