"""`viva export ...`: a bank written out in another program's format (Anki decks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Write questions out for other programs (Anki).", no_args_is_help=True)


@app.command("anki")
def anki(
    file: Annotated[Path, typer.Argument(help="The Anki package to write (FILE.apkg).")],
    bank: Annotated[
        list[str] | None,
        typer.Option(
            "--bank",
            "-b",
            help="Bank(s) to export; 'all' for every bank. Default: your own banks, else the "
            "built-in.",
        ),
    ] = None,
) -> None:
    """Export questions as an Anki deck: prompt, reference answer, key points, section tags
    and images. Exporting again updates the same notes in Anki (no duplicates)."""
    from viva.cli import render, service

    with service() as viva:
        report = viva.export_anki(file, banks=bank)
    render.anki_export(report)
