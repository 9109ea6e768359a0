"""`viva drill` (spaced-repetition drill with graded answers) and `viva plan`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from viva.cli.bank import BankOption

# the drill's own lines, in the interface's language (the grade panel follows it too)
_SAY = {
    "help": (
        "回车 = 采用建议 · 1 重来 · 2 困难 · 3 良好 · 4 简单 · u 撤销上一题 · q 退出",
        "Enter = accept · 1 Again · 2 Hard · 3 Good · 4 Easy · u undo last · q quit",
    ),
    "scope": ("按网页里保存的范围：{scope}。", "Scope saved in the app: {scope}."),
    "nothing": (
        "现在没有要练的题：没有到期的题，也没有剩下的新题。",
        "Nothing to drill now: no question is due and no new one is left.",
    ),
    "limit": (
        "今天 {limit} 道新题的上限已到；还有 {left} 道没学过。用 --new 5 现在再学 5 道。",
        "Today's limit of {limit} new questions is reached; {left} not studied yet."
        " --new 5 learns 5 more now.",
    ),
    "try": (
        "可以试试 --new 20、换一个 --bank，或用 --cram 提前复习。",
        "Try --new 20, another --bank, or --cram to review ahead.",
    ),
    "count": ("共 {n} 道题{mode}。{help}", "{n} questions{mode}. {help}"),
    "cram": ("（考前突击：不改变复习计划）", " (cram: the schedule is not changed)"),
    "prompt": (
        "你的回答（空行提交，输入 ? 直接看参考答案）：",
        "Your answer (empty line to submit, ? to show the reference):",
    ),
    "rating": ("评分 [{rating}]：", "Rating [{rating}]: "),
    "undone": ("已撤销上一次复习。", "Undid the last review."),
    "no_undo": ("没有可以撤销的复习。", "Nothing to undo."),
    "done": (
        "\n复习了 {done} 道题。现在到期：{due} 道。",
        "\nReviewed {done} question(s). Due now: {due}.",
    ),
}


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
    from viva.i18n import RATINGS, pick, translator

    out = render.console()
    with service() as viva:
        prefs = viva.preferences()
        lang = prefs.ui_lang
        say = translator(_SAY, lang)
        banks, sections = bank, tuple(section or ())
        saved = prefs.drill_scope
        if not bank and not section and not saved.is_everything:
            scope = viva.resolved_scope(saved)
            banks, sections = list(scope.banks), scope.sections
            out.print(say("scope", scope=render.scope_text(scope, lang)))
        queue = viva.drill_queue(banks=banks, sections=sections, limit=limit, new=new, cram=cram)
        if not queue:
            status = viva.drill_status(banks=banks, sections=sections)
            out.print(say("nothing"))
            if status.is_new_limit_reached:
                out.print(say("limit", limit=status.new_limit, left=status.unlearned))
            else:
                out.print(say("try"))
            return
        mode = say("cram") if cram else ""
        out.print(say("count", n=len(queue), mode=mode, help=say("help")))
        done = 0
        index = 0
        while index < len(queue):
            question = queue[index]
            out.print(f"\n[{index + 1}/{len(queue)}] {' / '.join(question.section)}")
            out.print(question.prompt, style="bold")
            out.print(say("prompt"), style="dim")
            answer = _read_answer()
            if answer is None:
                break
            grade = None
            if answer.strip() == "?":
                suggested = Rating.AGAIN
                render.reference_panel(question, lang)
            else:
                _, grade = viva.grade(question.id, answer)
                suggested = grade.rating
                render.grade_panel(question, answer, grade, lang)
                render.reference_panel(question, lang)
            name = pick(RATINGS[suggested], lang)
            choice = render.ask(say("rating", rating=name)).strip().lower()
            if choice == "q":
                break
            if choice == "u":
                undone = viva.undo_last_review()
                out.print(say("undone" if undone else "no_undo"))
                if undone is not None and index > 0:
                    index -= 1
                continue
            rating = Rating(int(choice)) if choice in {"1", "2", "3", "4"} else suggested
            viva.review(question.id, rating, answer=answer, grade=grade, cram=cram)
            done += 1
            index += 1
        out.print(say("done", done=done, due=viva.due_count(banks=banks)))
        out.print(render.daily_text(viva.daily_progress(), lang))


def plan(
    exam_date: Annotated[
        str | None,
        typer.Option(
            "--exam-date",
            help="The interview date, YYYY-MM-DD (default: the date saved in the app).",
            show_default=False,
        ),
    ] = None,
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
            day = None if exam_date is None else date.fromisoformat(exam_date)
        except ValueError:
            raise VivaError(
                f"--exam-date must be a date like 2027-03-20 (not {exam_date!r})"
            ) from None
    with service() as viva:
        prefs = viva.preferences()
        day = day or prefs.interview_date
        if day is None:  # the service explains it (no traceback)
            raise VivaError(
                "no interview date: none is saved and --exam-date is not given",
                hint="pass --exam-date 2027-03-20, or set the date on the app's home page",
            )
        result = viva.plan(day, banks=bank, minutes_per_day=minutes_per_day)
    if png is not None:
        from viva.cli.charts import plan_png

        plan_png(result, png)
    if as_json:
        from viva.wire import plan_json

        render.print_json(plan_json(result))
    else:
        render.plan_report(result, prefs.ui_lang)


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
        lang = viva.preferences().ui_lang
    if png is not None:
        from viva.cli.charts import stats_png

        stats_png(result, png)
    if as_json:
        from viva.wire import stats_json

        render.print_json(stats_json(result))
    else:
        render.stats_report(result, lang)


def optimize() -> None:
    """Fit the FSRS scheduler's parameters to your own review history (needs PyTorch)."""
    from viva.cli import render, service

    with service() as viva:
        parameters = viva.optimize()
    render.console().print(
        f"Fitted {len(parameters)} FSRS parameters to your reviews; used from now on."
    )
