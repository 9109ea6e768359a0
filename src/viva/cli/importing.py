"""`viva import`: notes or a vault into a bank."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from viva.bank.note import QuestionMode


def import_notes(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Note files or vault folders (.md, .markdown, .txt), or one Anki package "
            "(.apkg, .colpkg)."
        ),
    ],
    bank: Annotated[str, typer.Option("--bank", "-b", help="Bank to import into.")] = "default",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (every problem listed).")
    ] = False,
    questions: Annotated[
        QuestionMode,
        typer.Option(
            "--questions",
            "-q",
            help="Which shapes are questions: auto (decided by the text), headings, lists, "
            "or cards (Q:/A:, ::, ?, callouts only).",
            case_sensitive=False,
        ),
    ] = QuestionMode.AUTO,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            "-i",
            help="Only notes matching this glob (path or file name) or #tag; repeatable.",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", "-x", help="Leave out notes matching this glob or #tag."),
    ] = None,
) -> None:
    """Import notes into a question bank (re-importing updates in place and keeps history).

    An Anki package imports its notes as questions: the first field is the question, the
    second the answer; cloze notes give one question per cloze; images come along.
    """
    from viva.bank.importer import ImportOptions
    from viva.cli import render, service

    options = ImportOptions(
        questions=questions, include=tuple(include or ()), exclude=tuple(exclude or ())
    )
    with service() as viva:
        lang = viva.preferences().ui_lang
        with render.import_progress(not as_json, lang) as progress:
            report = viva.import_notes(
                paths, bank=bank, dry_run=dry_run, on_progress=progress, options=options
            )
    if as_json:
        render.print_json(report.to_json())
    else:
        render.import_report(report, lang)
