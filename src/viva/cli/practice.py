"""`viva drill` (spaced-repetition drill with graded answers) and `viva plan`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from viva.cli.bank import BankOption

_HELP_LINE = "Enter = accept · 1 Again · 2 Hard · 3 Good · 4 Easy · u undo last · q quit"


def _read_answer() -> str | None:
    """Lines until an empty line or end of input; None at end of input with nothing typed."""
    lines: list[str] = []
    while True:
        line = sys.stdin.readline()
        if line == "":
            return "\n".join(lines) if lines else None
        line = line.rstrip("\n")
        if not lines and line.strip() == "?":
            return "?"  # reveal at once, no empty line needed
        if not line.strip():
            if lines:
                return "\n".join(lines)
            continue
        lines.append(line)


def drill(
    bank: BankOption = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            help="Only this section (repeatable). Without --bank and --section: the choice"
            " saved in the web app's drill page.",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="At most this many questions.")
    ] = None,
    new: Annotated[
        int | None,
        typer.Option("--new", min=0, help="New questions to add (default: today's limit left)."),
    ] = None,
    cram: Annotated[
        bool,
        typer.Option("--cram", help="Review ahead of schedule without changing it (night before)."),
    ] = False,
) -> None:
    """Drill due questions, then new ones: answer, see the grade, accept or change the rating.

    Type the answer (several lines; an empty line or Ctrl-D submits). A lone "?" shows the
    reference without answering (rated Again).
    """
    from viva.cli import render, service
    from viva.grading.models import Rating

    out = render.console()
    with service() as viva:
        banks, sections = bank, tuple(section or ())
        saved = viva.preferences().drill_scope
        if not bank and not section and not saved.is_everything:
            scope = viva.resolved_scope(saved)
            banks, sections = list(scope.banks), scope.sections
            out.print(f"Scope saved in the app: {render.scope_text(scope)}.")
        queue = viva.drill_queue(banks=banks, sections=sections, limit=limit, new=new, cram=cram)
        if not queue:
            status = viva.drill_status(banks=banks, sections=sections)
            out.print("Nothing to drill now: no question is due and no new one is left.")
            if status.is_new_limit_reached:
                out.print(
                    f"Today's limit of {status.new_limit} new questions is reached;"
                    f" {status.unlearned} not studied yet. --new 5 learns 5 more now."
                )
            else:
                out.print("Try --new 20, another --bank, or --cram to review ahead.")
            return
        mode = " (cram: the schedule is not changed)" if cram else ""
        out.print(f"{len(queue)} questions{mode}. {_HELP_LINE}")
        done = 0
        index = 0
        while index < len(queue):
            question = queue[index]
            out.print(f"\n[{index + 1}/{len(queue)}] {' / '.join(question.section)}")
            out.print(question.prompt, style="bold")
            out.print("Your answer (empty line to submit, ? to show the reference):", style="dim")
            answer = _read_answer()
            if answer is None:
                break
            grade = None
            if answer.strip() == "?":
                suggested = Rating.AGAIN
                render.reference_panel(question)
            else:
                _, grade = viva.grade(question.id, answer)
                suggested = grade.rating
                render.grade_panel(question, answer, grade, viva.preferences().ui_lang)
                render.reference_panel(question)
            choice = render.ask(f"Rating [{suggested.name.title()}]: ").strip().lower()
            if choice == "q":
                break
            if choice == "u":
                undone = viva.undo_last_review()
                out.print("Undid the last review." if undone else "Nothing to undo.")
                if undone is not None and index > 0:
                    index -= 1
                continue
            rating = Rating(int(choice)) if choice in {"1", "2", "3", "4"} else suggested
            viva.review(question.id, rating, answer=answer, grade=grade, cram=cram)
            done += 1
            index += 1
        out.print(f"\nReviewed {done} question(s). Due now: {viva.due_count(banks=banks)}.")
        out.print(render.daily_text(viva.daily_progress()))


def plan(
    exam_date: Annotated[str, typer.Option("--exam-date", help="The interview date, YYYY-MM-DD.")],
    bank: BankOption = None,
    minutes_per_day: Annotated[
        int | None, typer.Option("--minutes-per-day", min=5, help="Time you can give a day.")
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also draw the daily load into this PNG file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Predicted recall per section on the interview day, reviews a day, weakest sections."""
    from viva.cli import explained_errors, render, service
    from viva.errors import VivaError

    with explained_errors():
        try:
            day = date.fromisoformat(exam_date)
        except ValueError:
            raise VivaError(
                f"--exam-date must be a date like 2027-03-20 (not {exam_date!r})"
            ) from None
    with service() as viva:
        result = viva.plan(day, banks=bank, minutes_per_day=minutes_per_day)
    if png is not None:
        from viva.cli.charts import plan_png

        plan_png(result, png)
    if as_json:
        from viva.wire import plan_json

        render.print_json(plan_json(result))
    else:
        render.plan_report(result)


def stats(
    bank: BankOption = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also draw the charts into this PNG file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Reviews per day, retention achieved vs desired, mastery per section, interview scores."""
    from viva.cli import render, service

    with service() as viva:
        result = viva.stats(banks=bank)
    if png is not None:
        from viva.cli.charts import stats_png

        stats_png(result, png)
    if as_json:
        from viva.wire import stats_json

        render.print_json(stats_json(result))
    else:
        render.stats_report(result)


def optimize() -> None:
    """Fit the FSRS scheduler's parameters to your own review history (needs PyTorch)."""
    from viva.cli import render, service

    with service() as viva:
        parameters = viva.optimize()
    render.console().print(
        f"Fitted {len(parameters)} FSRS parameters to your reviews; used from now on."
    )
