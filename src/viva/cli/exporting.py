"""`viva export ...`: a bank written out in another program's format (Anki decks), and
everything of a user as a zip (`viva export data`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Write questions out for other programs (Anki), or all your data as a zip.",
    no_args_is_help=True,
)


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
    from viva.cli import render_files, service

    with service() as viva:
        report = viva.export_anki(file, banks=bank)
        lang = viva.preferences().ui_lang
    render_files.anki_export(report, lang)


@app.command("data")
def data(
    file: Annotated[Path, typer.Argument(help="The zip to write (FILE.zip).")],
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            "-u",
            help="Export this account's data instead of the local user's (an admin, on the "
            "hosted server's database).",
        ),
    ] = None,
) -> None:
    """Export everything Viva keeps of you as a zip: every database row of yours as JSON
    (banks, questions, reviews, interviews, recordings' details, preferences, ...), your note
    files, recordings and uploads, and a README saying what each file is."""
    from viva.cli import render, render_files, service

    with service() as viva:
        lang = viva.preferences().ui_lang
        with render.count_progress(render_files.files_text("exporting", lang)) as progress:
            target = viva if user is None else viva.as_user(user)
            report = target.export_data(file, on_progress=progress)
    render_files.data_export(report, lang)
