"""`viva bank ...`: list, show, search, export, edit questions and include/exclude banks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from viva.bank.models import Question

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
        lang = viva.preferences().ui_lang
    if as_json:
        from viva.wire import question_json

        render.print_json([question_json(q) for q in questions])
    else:
        names = sorted({q.bank for q in questions})
        render.question_table(questions, names, lang)


@app.command("show")
def show_question(
    question_id: Annotated[str, typer.Argument(help="Question id (or its first characters).")],
    as_json: JsonOption = False,
) -> None:
    """Show one question: its answer, key points, source file:line and links."""
    from viva.cli import render, service

    with service() as viva:
        question = viva.question(question_id)
        lang = viva.preferences().ui_lang
    if as_json:
        from viva.wire import question_json

        render.print_json(question_json(question))
    else:
        render.question_panel(question, lang)


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
        lang = viva.preferences().ui_lang
    if as_json:
        from viva.wire import question_json

        render.print_json([{"score": round(h.score, 4), **question_json(h.question)} for h in hits])
    else:
        render.search_results(hits, text, lang)


@app.command("overview")
def overview(bank: BankOption = None) -> None:
    """Show every bank with its counts and the sections of the listed ones."""
    from viva.cli import render, service

    with service() as viva:
        summaries = viva.banks()
        questions = viva.questions(banks=bank)
        lang = viva.preferences().ui_lang
    render.bank_overview(summaries, questions, lang)


@app.command("export")
def export(
    name: Annotated[str, typer.Argument(help="The bank to export, e.g. builtin or my-notes.")],
    folder: Annotated[Path, typer.Argument(help="A new or empty folder to write notes into.")],
) -> None:
    """Write a bank out as Markdown notes: your version, with your edits in the text."""
    from viva.cli import render, render_files, service

    with service() as viva:
        written = viva.export_bank(name, folder)
        lang = viva.preferences().ui_lang
    out = render.console()
    out.print(
        render_files.files_text("notes_wrote", lang, n=len(written), path=folder), markup=False
    )
    out.print(render_files.files_text("notes_then", lang, path=folder), markup=False)


@app.command("edit")
def edit(
    question_id: Annotated[str, typer.Argument(help="Question id (or its first characters).")],
    prompt: Annotated[str | None, typer.Option("--prompt", help="The question's new text.")] = None,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference", help="The new reference answer (Markdown; ==marks== are key points)."
        ),
    ] = None,
    reference_file: Annotated[
        Path | None,
        typer.Option("--reference-file", help="Read the new reference answer from a file."),
    ] = None,
    key_point: Annotated[
        list[str] | None,
        typer.Option("--key-point", "-k", help="A key point (repeat for each; replaces them all)."),
    ] = None,
    no_key_points: Annotated[
        bool, typer.Option("--no-key-points", help="Remove every key point.")
    ] = False,
) -> None:
    """Edit a question: its prompt, reference answer or key points. Edits of imported questions
    are kept apart from the note and survive re-imports; `viva bank restore ID` drops them.

    With none of --prompt, --reference, --key-point: opens $EDITOR on the question."""
    from viva.cli import explained_errors, render, service
    from viva.errors import VivaError

    with explained_errors():
        if reference is not None and reference_file is not None:
            raise VivaError("give --reference or --reference-file, not both")
        if reference_file is not None:
            try:
                reference = reference_file.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise VivaError(f"cannot read {str(reference_file)!r}: {err}") from None
        if key_point and no_key_points:
            raise VivaError("give --key-point or --no-key-points, not both")
    points = [] if no_key_points else key_point
    with service() as viva:
        if prompt is None and reference is None and points is None:
            current = viva.question(question_id)
            typed = typer.edit(editor_text(current), extension=".md")
            if typed is None:
                render.console().print("Nothing changed.")
                return
            with explained_errors():
                prompt, reference, points = parse_editor_text(typed)
        question = viva.edit_question(
            question_id, prompt=prompt, reference=reference, key_points=points
        )
        lang = viva.preferences().ui_lang
    render.question_panel(question, lang)


_MARKS = ("@@ question @@", "@@ reference answer @@", "@@ key points: one per line @@")


def editor_text(question: Question) -> str:
    """A question as the text $EDITOR shows: three parts under their @@ marks."""
    points = "\n".join(f"- {k.text}" for k in question.key_points)
    return (
        f"{_MARKS[0]}\n{question.prompt}\n\n{_MARKS[1]}\n{question.reference or ''}\n\n"
        f"{_MARKS[2]}\n{points}\n"
    )


def parse_editor_text(text: str) -> tuple[str, str, list[str]]:
    """(prompt, reference, key points) from the edited text.

    Raises:
        VivaError: a @@ mark is missing, so the parts cannot be told apart.
    """
    from viva.errors import VivaError

    lines = text.replace("\r\n", "\n").split("\n")
    at = [next((i for i, line in enumerate(lines) if line.strip() == m), -1) for m in _MARKS]
    if -1 in at or at != sorted(at):
        raise VivaError(
            "the edited text lost one of its @@ lines, so its parts cannot be told apart",
            hint="keep the three @@ lines as they were; nothing was saved",
        )
    prompt = "\n".join(lines[at[0] + 1 : at[1]]).strip()
    reference = "\n".join(lines[at[1] + 1 : at[2]]).strip()
    points = [line.strip().removeprefix("- ").strip() for line in lines[at[2] + 1 :]]
    return prompt, reference, [p for p in points if p]


@app.command("restore")
def restore(
    question_id: Annotated[str, typer.Argument(help="Question id (or its first characters).")],
) -> None:
    """Drop your edit of a question: it reads as its note again."""
    from viva.cli import render, service

    with service() as viva:
        question = viva.restore_note(question_id)
    render.console().print(f"Question {question.id} reads as its note again.")


@app.command("add")
def add(
    prompt: Annotated[str, typer.Argument(help="The question.")],
    reference: Annotated[
        str, typer.Option("--reference", help="Its reference answer (Markdown).")
    ] = "",
    key_point: Annotated[
        list[str] | None,
        typer.Option("--key-point", "-k", help="A key point (repeat for each)."),
    ] = None,
    section: Annotated[
        str, typer.Option("--section", "-s", help="A section name, or a path 'A / B'.")
    ] = "",
) -> None:
    """Add a question of your own (to the bank my-questions, which imports never touch)."""
    from viva.cli import render, service

    with service() as viva:
        question = viva.add_question(
            prompt, reference=reference, key_points=key_point or (), section=section
        )
    render.console().print(f"Added question {question.id} to '{question.bank}'.")


@app.command("remove")
def remove(
    question_id: Annotated[str, typer.Argument(help="Question id (or its first characters).")],
) -> None:
    """Remove a question you added (your review history of it is kept)."""
    from viva.cli import render, service

    with service() as viva:
        question = viva.remove_question(question_id)
    render.console().print(f"Removed question {question.id} from '{question.bank}'.")


@app.command("edits")
def edits(bank: BankOption = None, as_json: JsonOption = False) -> None:
    """List the questions you edited, and edits whose question left its note."""
    from viva.cli import render, service

    with service() as viva:
        found = viva.edits(banks=bank)
    if as_json:
        render.print_json(
            [
                {
                    "id": e.question_id,
                    "bank": e.bank,
                    "prompt": e.prompt,
                    "fields": list(e.fields),
                    "in_note": e.is_active,
                    "note_changed": e.is_note_changed,
                    "updated_at": e.updated_at.isoformat(),
                }
                for e in found
            ]
        )
    else:
        render.edits_table(found)


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
