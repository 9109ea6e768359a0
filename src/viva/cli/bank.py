"""`viva bank ...`: list, show, search, export and include/exclude banks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Browse and manage question banks.", no_args_is_help=True)

BankOption = Annotated[
    list[str] | None,
    typer.Option(
        "--bank",
        "-b",
        help="Bank(s) to use; 'all' for every bank. Default: every enabled bank, yours and the"
        " built-in one.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command("list")
def list_questions(
    bank: BankOption = None,
    section: Annotated[
        str | None,
        typer.Option("--section", "-s", help="Only this section (a name, or a path 'A / B')."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the questions of a bank."""
    from viva.cli import render, service

    with service() as viva:
        questions = viva.questions(banks=bank, section=section)
    if as_json:
        from viva.wire import question_json

        render.print_json([question_json(q) for q in questions])
    else:
        names = sorted({q.bank for q in questions})
        render.question_table(questions, title=f"{len(questions)} questions ({', '.join(names)})")


@app.command("show")
def show_question(
    question_id: Annotated[str, typer.Argument(help="Question id (or its first characters).")],
    as_json: JsonOption = False,
) -> None:
    """Show one question: its answer, key points, source file:line and links."""
    from viva.cli import render, service

    with service() as viva:
        question = viva.question(question_id)
    if as_json:
        from viva.wire import question_json

        render.print_json(question_json(question))
    else:
        render.question_panel(question)


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="Words to look for (Chinese, English or mixed).")],
    bank: BankOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many results.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Search questions and answers (BM25, Chinese word segmentation)."""
    from viva.cli import render, service

    with service() as viva:
        hits = viva.search(text, banks=bank, limit=limit)
    if as_json:
        from viva.wire import question_json

        render.print_json([{"score": round(h.score, 4), **question_json(h.question)} for h in hits])
    else:
        render.search_results(hits, text)


@app.command("overview")
def overview(bank: BankOption = None) -> None:
    """Show every bank with its counts and the sections of the listed ones."""
    from viva.cli import render, service

    with service() as viva:
        summaries = viva.banks()
        questions = viva.questions(banks=bank)
    render.bank_overview(summaries, questions)


@app.command("export")
def export(
    name: Annotated[str, typer.Argument(help="The bank to export (only 'builtin' for now).")],
    folder: Annotated[Path, typer.Argument(help="A new or empty folder to write notes into.")],
) -> None:
    """Copy the built-in bank out as Markdown notes to edit and import as your own."""
    from viva.cli import render, service
    from viva.errors import VivaError

    with service() as viva:
        if name != "builtin":
            from viva.cli import explained_errors

            with explained_errors():
                raise VivaError(
                    f"only the built-in bank can be exported (not {name!r})",
                    hint="your own banks are already Markdown: the notes you imported",
                )
        written = viva.export_builtin(folder)
    render.console().print(f"Wrote {len(written)} notes to {folder}.")
    render.console().print(f"Edit them, then: viva import {folder} --bank my-notes")


@app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Bank name, e.g. builtin.")]) -> None:
    """Exclude a bank from listings, drills and mock interviews (nothing is deleted)."""
    from viva.cli import render, service

    with service() as viva:
        viva.set_bank_enabled(name, False)
    render.console().print(
        f"Bank '{name}' is now excluded. `viva bank enable {name}` brings it back."
    )


@app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Bank name, e.g. builtin.")]) -> None:
    """Include a bank again."""
    from viva.cli import render, service

    with service() as viva:
        viva.set_bank_enabled(name, True)
    render.console().print(f"Bank '{name}' is included again.")
