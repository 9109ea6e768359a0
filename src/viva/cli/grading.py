"""`viva grade` and `viva calibrate`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def grade(
    question_id: Annotated[
        str | None, typer.Argument(help="Question id (or its first characters).")
    ] = None,
    answer: Annotated[
        str | None, typer.Argument(help="Your answer; read from standard input when left out.")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="Grade a CSV/JSONL file (question, reference, answer)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where --batch writes its results.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the grade as JSON.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Language of the feedback: zh or en (default: the interface's)."
        ),
    ] = None,
    my_score: Annotated[
        float | None,
        typer.Option(
            "--my-score",
            help="The grade is wrong: your own score (0-100). Kept for this question, so later"
            " answers that say nearly the same follow it.",
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="With --my-score: why the grade was wrong.")
    ] = None,
) -> None:
    """Grade an answer against a question's reference, key point by key point."""
    from viva.cli import explained_errors, render, render_files, service
    from viva.errors import VivaError

    if batch is not None:
        with explained_errors():
            if out is None:
                raise VivaError("--batch needs --out FILE", hint="e.g. --out graded.csv")
        with service() as viva:
            lang = viva.preferences().ui_lang
            with render.count_progress(render_files.files_text("grading", lang)) as progress:
                report = viva.grade_batch(batch, out, on_progress=progress)
        render_files.batch_report(report, lang)
        return
    with explained_errors():
        if lang not in (None, "zh", "en"):
            raise VivaError(f"--lang must be zh or en (not {lang!r})")
        if question_id is None:
            raise VivaError("give a question id", hint="`viva bank list` shows the ids")
        if answer is None:
            if sys.stdin.isatty():
                raise VivaError(
                    "give the answer after the id, or pipe it in",
                    hint='viva grade ID "your answer"   or   viva grade ID < answer.txt',
                )
            answer = sys.stdin.read()
    with service() as viva:
        shown_in = lang or viva.preferences().ui_lang  # the feedback's language
        if my_score is None:
            question, result = viva.grade(question_id, answer, lang=lang)
        else:
            question, result = viva.dispute_grade(
                question_id, answer, my_score, note=note, lang=lang
            )
            if not as_json:
                render.console().print(
                    f"Your score {my_score:g} is kept for this answer; graded again:"
                )
    if as_json:
        from viva.wire import grade_json

        render.print_json({"question_id": question.id, **grade_json(result)})
    else:
        render.grade_panel(question, answer, result, shown_in)


def calibrate(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="CSV/JSONL of your graded answers: question, reference, answer, score."
        ),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Go back to the calibration Viva ships with.")
    ] = False,
) -> None:
    """Refit the grader's calibration on answers you graded yourself."""
    from viva.cli import explained_errors, render, render_files, service
    from viva.errors import VivaError

    with service() as viva:
        lang = viva.preferences().ui_lang
        if reset:
            removed = viva.reset_calibration()
            said = "calibration_reset" if removed else "calibration_default"
            render.console().print(render_files.files_text(said, lang))
            return
        with explained_errors():
            if file is None:
                raise VivaError("give a file of graded answers, or --reset")
        report = viva.calibrate(file)
    render_files.calibration_report(report, lang)
