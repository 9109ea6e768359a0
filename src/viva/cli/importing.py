"""`viva import`: notes or a vault into a bank."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def import_notes(
    paths: Annotated[
        list[Path], typer.Argument(help="Note files or vault folders (.md, .markdown, .txt).")
    ],
    bank: Annotated[str, typer.Option("--bank", "-b", help="Bank to import into.")] = "default",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import notes into a question bank (re-importing updates in place and keeps history)."""
    from viva.cli import render, service

    with service() as viva, render.import_progress(not as_json) as progress:
        report = viva.import_notes(paths, bank=bank, dry_run=dry_run, on_progress=progress)
    if as_json:
        render.print_json(report.to_json())
    else:
        render.import_report(report)
