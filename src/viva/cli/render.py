"""The CLI's Rich tables, panels and progress bars: the console, imports, banks, grades and
practice. Speech (render_speech), files written out (render_files) and the operator's views
(render_admin) have modules of their own."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from viva.bank.models import LinkRole, NoteProblem, Question
from viva.i18n import COLON, EDITED_FIELDS, RATINGS, pick, translator
from viva.messages import localised

if TYPE_CHECKING:  # rendering-only imports stay lazy: `viva bank list` must start fast
    from rich.tree import Tree

    from viva.bank.search import SearchHit
    from viva.grading.models import Grade
    from viva.practice.daily import DailyProgress
    from viva.practice.interview import Report
    from viva.practice.planner import Plan
    from viva.practice.stats import Stats
    from viva.service import (
        ImportProgress,
        ImportReport,
        Scope,
    )
    from viva.store.edits import EditSummary
    from viva.store.interviews import SavedInterview
    from viva.store.questions import BankSummary


def console() -> Console:
    """Standard output (created per call so that test runners can capture it)."""
    return Console(highlight=False)


def err_console() -> Console:
    """Standard error: progress, warnings and errors."""
    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """JSON on standard output, UTF-8 (Chinese stays readable), no Rich styling."""
    console().out(json.dumps(data, ensure_ascii=False, indent=2), highlight=False)


# the import's lines, in the interface's language
_IMPORT = {
    "read": ("读取笔记", "Reading notes"),
    "parse": ("解析题目", "Parsing"),
    "write": ("写入题库", "Saving"),
    "saving": ("正在写入 {n} 道题…", "Saving {n} questions…"),
    "dry_run": ("试运行：没有写入任何内容。", "Dry run: nothing written."),
    "title": ("导入到题库 '{bank}'", "Import into '{bank}'"),
    "questions": ("题数", "questions"),
    "added": ("新增", "added"),
    "updated": ("更新", "updated"),
    "retired": ("停用", "retired"),
    "unchanged": ("未变", "unchanged"),
    "all_unchanged": (
        "{notes} 篇笔记，自上次导入以来都没有变化。",
        "{notes} notes, all unchanged since the last import.",
    ),
    "summary": (
        "{notes} 篇笔记，{questions} 道题（{answered} 道有参考答案）。",
        "{notes} notes, {questions} questions ({answered} with a reference answer).",
    ),
    "orphaned": (
        "你对 {qid}（{prompt}）的修改保留着，但笔记里已经没有这道题：在笔记重新加入它之前不会"
        "练到它（`viva bank edits` 列出它）。",
        "Your edit of {qid} ({prompt}) is kept, but its note no longer has the question: "
        "it is not drilled until the note brings it back (`viva bank edits` lists it).",
    ),
    "problems": ("{n} 个问题：", "{n} problem:|{n} problems:"),
    "more": ("    ……还有 {n} 个", "    … and {n} more"),
    "every": (
        "  `viva import … --json` 列出全部问题。",
        "  `viva import … --json` lists every problem.",
    ),
    "over_changed": (
        "{qid}（{prompt}）的笔记改过了；仍以你修改的版本为准。",
        "The note of {qid} ({prompt}) changed; your edited version still stands.",
    ),
}


@contextmanager
def import_progress(enabled: bool, lang: str = "en") -> Iterator[ImportProgress | None]:
    """A progress bar per import stage on standard error (none when output is not a terminal),
    labelled in `lang`."""
    err = err_console()
    say = translator(_IMPORT, lang)
    if not enabled or not err.is_terminal:

        def plain(stage: str, done: int, total: int) -> None:
            if enabled and stage == "write" and done == 0:
                err.print(say("saving", n=total))

        yield plain
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(say(stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def import_report(report: ImportReport, lang: str = "en") -> None:
    """The summary table of an import, then its problems with file:line; in `lang`."""
    out = console()
    say = translator(_IMPORT, lang)
    if report.is_dry_run:
        out.print(say("dry_run"))
    title = say("title", bank=report.bank)
    table = Table(title=title, show_header=True, header_style="bold", min_width=cell_len(title) + 2)
    table.add_column("", style="bold")
    table.add_column(say("questions"), justify="right")
    counts = report.counts
    for key in ("added", "updated", "retired", "unchanged"):
        table.add_row(say(key), str(counts[key]))
    out.print(table)
    if report.is_unchanged_vault:
        out.print(say("all_unchanged", notes=report.notes))
    else:
        out.print(
            say(
                "summary",
                notes=report.notes,
                questions=report.questions,
                answered=report.with_reference,
            )
        )
    for qid, prompt in report.edits_orphaned:
        out.print(say("orphaned", qid=qid, prompt=prompt), markup=False)
    for qid, prompt in report.edits_over_changed:
        out.print(say("over_changed", qid=qid, prompt=prompt), markup=False)
    problems = report.problems
    if problems:
        import_problems(problems, lang)


#: How each kind of import problem is named in the report (English / 中文).
PROBLEM_KINDS = {
    "skipped-file": ("未导入的文件", "files not imported"),
    "front-matter": ("前置元数据", "front matter"),
    "missing-asset": ("找不到的图片", "images not found"),
    "missing-note": ("链接的笔记不在库中", "links to notes not in the vault"),
    "missing-heading": ("找不到的标题或块", "links to headings or blocks not found"),
    "section-with-text": ("有正文、当作章节的标题", "headings with text read as sections"),
    "cloze-skipped": ("未导入的填空卡片", "cloze cards not imported"),
    "anki-skipped": ("未导入的 Anki 笔记", "Anki notes not imported"),
    "anki-fields": ("未导入的 Anki 字段", "Anki fields not imported"),
    "anki-audio": ("未导入的音频", "sounds not imported"),
    "other": ("其他", "other"),
}
PROBLEM_EXAMPLES = 3


def import_problems(problems: Sequence[NoteProblem], lang: str = "en") -> None:
    """Problems grouped by kind: a count and the first few file:line of each (all in --json),
    in the interface's language (a problem with no Chinese wording is shown as the importer
    words it)."""
    err = err_console()
    say = translator(_IMPORT, lang)
    groups: dict[str, list[NoteProblem]] = {}
    for problem in problems:
        groups.setdefault(problem.category, []).append(problem)
    err.print(say("problems", n=len(problems)), style="yellow", markup=False)
    order = [k for k in PROBLEM_KINDS if k in groups] + sorted(set(groups) - set(PROBLEM_KINDS))
    for kind in order:
        found = groups[kind]
        name = pick(PROBLEM_KINDS[kind], lang) if kind in PROBLEM_KINDS else kind
        err.print(f"  {name}{pick(COLON, lang)}{len(found)}", markup=False)
        for problem in found[:PROBLEM_EXAMPLES]:
            where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
            said = localised(problem.message, lang).text
            err.print(f"    {where}{pick(COLON, lang)}{said}", markup=False, soft_wrap=True)
        if len(found) > PROBLEM_EXAMPLES:
            err.print(say("more", n=len(found) - PROBLEM_EXAMPLES), markup=False)
    if any(len(found) > PROBLEM_EXAMPLES for found in groups.values()):
        err.print(say("every"), markup=False)


_BANK = {
    "banks": ("题库", "Question banks"),
    "bank": ("题库", "bank"),
    "questions": ("题数", "questions"),
    "with_answer": ("有答案", "with answer"),
    "retired": ("停用", "retired"),
    "notes": ("笔记", "notes"),
    "in_use": ("使用中", "in use"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "builtin": ("{name}（内置）", "{name} (built-in)"),
    "sections": ("章节", "Sections"),
    "listed": ("{n} 道题（{banks}）", "{n} questions ({banks})"),
    "section": ("章节", "section"),
    "question": ("题目", "question"),
    "answer": ("答案", "ans"),
    "no_match": ("没有与 {text!r} 匹配的题目。", "No question matches {text!r}."),
    "search": ("搜索：{text}", "Search: {text}"),
    "score": ("相关度", "score"),
    "no_reference": ("（笔记中还没有答案）", "(no reference answer yet)"),
    "key_points": ("要点", "Key points"),
    "links": ("链接", "Links"),
    "follow_up": ("追问", "follow-up"),
    "not_found": ("（未找到）", "(not found)"),
    "edited": ("已修改：{what}", "edited: {what}"),
}


def bank_overview(
    summaries: Sequence[BankSummary], questions: Sequence[Question], lang: str = "en"
) -> None:
    """Banks with their counts, then the sections of the listed questions as a tree."""
    out = console()
    say = translator(_BANK, lang)
    table = Table(title=say("banks"), header_style="bold")
    for key in ("bank", "questions", "with_answer", "retired", "notes", "in_use"):
        table.add_column(say(key), justify="left" if key == "bank" else "right")
    for b in summaries:
        name = say("builtin", name=b.name) if b.is_builtin else b.name
        table.add_row(
            name,
            str(b.active),
            str(b.with_reference),
            str(b.retired),
            str(b.notes),
            say("yes") if b.is_enabled else say("no"),
        )
    out.print(table)
    out.print(section_tree(questions, lang))


def section_tree(questions: Sequence[Question], lang: str = "en") -> Tree:
    """Sections as a tree with question counts (sections in the order the notes give them)."""
    from rich.tree import Tree

    root = Tree(Text(pick(_BANK["sections"], lang), style="bold"))
    counts: Counter[tuple[str, ...]] = Counter()
    order: list[tuple[str, ...]] = []
    for q in questions:
        path = (q.bank, *q.section)
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in counts:
                order.append(prefix)
            counts[prefix] += 1
    nodes: dict[tuple[str, ...], Tree] = {}
    for path in order:
        parent = nodes.get(path[:-1], root)
        nodes[path] = parent.add(Text(f"{path[-1]}  ({counts[path]})"))
    return root


def question_table(questions: Sequence[Question], banks: Sequence[str], lang: str = "en") -> None:
    """One row per question: short id, section, author's number, prompt, answer or not."""
    say = translator(_BANK, lang)
    title = say("listed", n=len(questions), banks=", ".join(banks))
    table = Table(title=title, header_style="bold", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column(say("section"))
    table.add_column("#", justify="right")
    table.add_column(say("question"))
    table.add_column(say("answer"), justify="center")
    for q in questions:
        table.add_row(
            q.id[:8],
            " / ".join(q.section[-2:]),
            q.number or "",
            q.prompt,
            "✓" if q.has_reference else "–",
        )
    console().print(table)


def search_results(hits: Sequence[SearchHit], text: str, lang: str = "en") -> None:
    """Search hits, best first."""
    say = translator(_BANK, lang)
    if not hits:
        console().print(say("no_match", text=text), markup=False)
        return
    table = Table(title=say("search", text=text), header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column(say("score"), justify="right")
    table.add_column(say("section"))
    table.add_column(say("question"))
    for hit in hits:
        q = hit.question
        table.add_row(q.id[:8], f"{hit.score:.2f}", " / ".join(q.section[-2:]), q.prompt)
    console().print(table)


def question_panel(q: Question, lang: str = "en") -> None:
    """A question in full: prompt, rendered answer, key points, source and links."""
    from rich.console import Group
    from rich.markdown import Markdown
    from rich.panel import Panel

    say = translator(_BANK, lang)
    parts: list[Any] = []
    if q.reference is None:
        parts.append(Text(say("no_reference"), style="dim"))
    else:
        parts.append(Markdown(q.reference))
    if q.key_points:
        parts.append(Text("\n" + say("key_points"), style="bold"))
        bullets = Table.grid(padding=(0, 1))  # a long Chinese point wraps beside its bullet
        bullets.add_column(no_wrap=True)
        bullets.add_column(overflow="fold")
        for k in q.key_points:
            bullets.add_row("  •", Text(k.text))
        parts.append(bullets)
    links = list(q.links)
    if links:
        parts.append(Text("\n" + say("links"), style="bold"))
        for link in links:
            state = "→ " + " / ".join(link.section) if link.section else ""
            if not link.is_resolved:
                state = say("not_found")
            role = " " + say("follow_up") if link.role is LinkRole.FOLLOW_UP else ""
            parts.append(Text(f"  {link.raw}{role} {state}".rstrip()))
    where = f"{q.source.file}:{q.source.line}"
    number = f"{q.number}. " if q.number else ""
    footer = f"{q.bank} · {' / '.join(q.section)} · {where} · id {q.id}"
    if q.is_edited:
        fields = [pick(EDITED_FIELDS[f], lang) if f in EDITED_FIELDS else f for f in q.edited]
        footer += " · " + say("edited", what=("、" if lang == "zh" else ", ").join(fields))
    console().print(
        Panel(
            Group(*parts),
            title=f"{number}{q.prompt}",
            title_align="left",
            subtitle=footer,
            subtitle_align="left",
        )
    )


def edits_table(edits: Sequence[EditSummary]) -> None:
    """The edited questions: what changed, and whether the note still has the question."""
    out = console()
    if not edits:
        out.print("No question is edited.")
        return
    table = Table(title=f"{len(edits)} edited questions", header_style="bold")
    table.add_column("id")
    table.add_column("question")
    table.add_column("edited")
    table.add_column("note")
    for e in edits:
        state = "changed since" if e.is_note_changed else "as when edited"
        if not e.is_active:
            state = "no longer has it"
        fields = ", ".join(f.replace("_", " ") for f in e.fields)
        table.add_row(e.question_id, e.prompt, fields, state)
    out.print(table)


@contextmanager
def count_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar for counted work on standard error (quiet when not a terminal)."""
    err = err_console()
    if not err.is_terminal:
        yield lambda _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


# contradicted first (a wrong statement matters most), then what was right, then what is missing
_MARK = {"contradicted": "≠", "covered": "✓", "partly": "~", "missed": "✗"}
_ORDER = tuple(_MARK)
_LEGEND_ZH = {"contradicted": "说错", "covered": "答到", "partly": "部分答到", "missed": "遗漏"}


def grade_panel(question: Question, answer: str, grade: Grade, lang: str = "en") -> None:
    """The grade: score, key points with the evidence from the answer, flags and feedback,
    in `lang` (the feedback's language, so one panel keeps to one language).

    A contradicted point shows what the answer said against what the reference says.
    """
    from rich.console import Group
    from rich.panel import Panel

    zh = lang == "zh"
    rating = pick(RATINGS[grade.rating], lang)
    parts: list[Any] = [
        Text(
            f"得分 {grade.score}/100 · 等级 {grade.grade}/5 · 建议评分：{rating}"
            if zh
            else f"Score {grade.score}/100 · grade {grade.grade}/5 · suggested rating: {rating}",
            style="bold",
        )
    ]
    if grade.key_points:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("")
        table.add_column("要点" if zh else "key point")
        table.add_column("你的回答中的依据" if zh else "evidence in your answer")
        points = sorted(grade.key_points, key=lambda k: _ORDER.index(k.coverage.value))
        for point in points:
            evidence = ""
            if point.contradiction is not None:
                found = point.contradiction
                evidence = (
                    f"你说“{found.said}”——参考答案是“{found.expected}”"
                    if zh
                    else f"you said “{found.said}” — the reference says “{found.expected}”"
                )
            elif point.evidence is not None:
                evidence = answer[point.evidence.start : point.evidence.end]
            style = "red" if point.contradiction is not None else None
            table.add_row(_MARK[point.coverage.value], point.text, evidence, style=style)
        parts.append(table)
        shown = [c for c in _ORDER if any(k.coverage.value == c for k in grade.key_points)]
        legend = _LEGEND_ZH if zh else {"contradicted": "wrong"}
        parts.append(
            Text(
                " · ".join(f"{_MARK[c]} {legend.get(c, c)}" for c in shown),
                style="dim",
            )
        )
    parts.extend(Text(line) for line in grade.feedback)
    console().print(
        Panel(
            Group(*parts),
            title=question.prompt,
            title_align="left",
            subtitle=question.id,
            subtitle_align="left",
        )
    )


def ask(prompt: str) -> str:
    """One line from the keyboard ('' at end of input)."""
    import sys

    console().print(prompt, end="")
    return sys.stdin.readline()


def reference_panel(question: Question, lang: str = "en") -> None:
    """The reference answer, rendered."""
    from rich.markdown import Markdown
    from rich.panel import Panel

    zh = lang == "zh"
    none = Text("（暂无）" if zh else "(none)")
    body: Any = Markdown(question.reference) if question.reference else none
    console().print(Panel(body, title="参考答案" if zh else "Reference", title_align="left"))


_PROGRESS = {
    "plan_head": (
        "面试日期 {day}（还有 {left} 天）。已学 {studied}/{questions} 道题。",
        "Interview on {day} ({left} days). {studied} of {questions} questions studied.",
    ),
    "plan_recall": (
        "面试当天的预计回忆率：现在停下 {stopped}，按计划 {planned}（每天 {new} 道新题，"
        "平均每天复习 {reviews} 次）。",
        "Expected recall on the day: {stopped} if you stop now, {planned} with the plan "
        "({new} new a day, {reviews} reviews a day on average).",
    ),
    "plan_title": (
        "面试当天各部分的回忆率（最弱的在前）",
        "Recall on the interview day, by section (weakest first)",
    ),
    "section": ("部分", "section"),
    "questions": ("题数", "questions"),
    "studied": ("已学", "studied"),
    "if_stopped": ("现在停下", "if stopped"),
    "with_plan": ("按计划", "with plan"),
    "recall_now": ("当前回忆率", "recall now"),
    "per_day": ("每天复习次数", "Reviews per day"),
    "stats_head": (
        "最近 {days} 天复习了 {total} 次。实际保持率：{achieved}（目标 {desired}）。",
        "{total} reviews in the last {days} days. Retention achieved: {achieved} "
        "(desired {desired}).",
    ),
    "no_recall": ("还没有回忆类复习", "no recall reviews yet"),
    "mastery": ("各部分掌握度（最弱的在前）", "Mastery by section (weakest first)"),
    "scores": ("模拟面试得分：{scores}", "Mock interview scores: {scores}"),
    "no_interview": (
        "还没有模拟面试：`viva interview` 开始一场。",
        "No mock interview yet: `viva interview` runs one.",
    ),
    "interviews": ("模拟面试", "Mock interviews"),
    "id": ("编号", "id"),
    "date": ("日期", "date"),
    "plan": ("方案", "plan"),
    "overall": ("总分", "overall"),
}


def plan_report(plan: Plan, lang: str = "en") -> None:
    """The forecast per section and the daily load as a bar chart, in `lang`."""
    out = console()
    say = translator(_PROGRESS, lang)
    out.print(
        say(
            "plan_head",
            day=plan.exam_day,
            left=plan.days_left,
            studied=plan.studied,
            questions=plan.questions,
        )
    )
    out.print(
        say(
            "plan_recall",
            stopped=f"{plan.recall_if_stopped:.0%}",
            planned=f"{plan.recall_with_plan:.0%}",
            new=plan.new_per_day,
            reviews=f"{plan.reviews_per_day:.0f}",
        )
    )
    table = Table(title=say("plan_title"), header_style="bold")
    for key in ("section", "questions", "studied", "if_stopped", "with_plan"):
        table.add_column(say(key), justify="left" if key == "section" else "right")
    for s in plan.sections:
        table.add_row(
            " / ".join(s.section),
            str(s.questions),
            str(s.studied),
            f"{s.recall_if_stopped:.0%}",
            f"{s.recall_with_plan:.0%}",
        )
    out.print(table)
    peak = max((n for _, n in plan.daily_load), default=0) or 1
    chart = Table(title=say("per_day"), show_header=False, box=None)
    chart.add_column(no_wrap=True)
    chart.add_column(justify="right")
    chart.add_column(no_wrap=True)
    for day, n in plan.daily_load[:60]:
        chart.add_row(day.isoformat(), str(n), "█" * max(0, round(40 * n / peak)))
    out.print(chart)


def interview_report(saved: int, report: Report, lang: str = "en") -> None:
    """The end-of-interview summary: every stage of the plan, an empty one said so."""
    out = console()
    zh = lang != "en"
    title = report.title if zh else (report.title_en or report.title)
    out.print(
        f"\n模拟面试 #{saved} · {title}：总分 {report.overall}/100"
        if zh
        else f"\nMock interview #{saved} · {title}: overall {report.overall}/100",
        style="bold",
        markup=False,
    )
    table = Table(header_style="bold")
    for column in ("环节", "得分", "题数") if zh else ("stage", "score", "questions"):
        table.add_column(column, justify="left" if column in ("环节", "stage") else "right")
    if report.every_stage:
        for row in report.every_stage:
            if row.score is None:
                table.add_row(row.stage.label(lang), "—", "未进行" if zh else "not asked")
            else:
                table.add_row(row.stage.label(lang), str(row.score), str(row.turns))
    else:
        for stage, score, n in report.stages:
            table.add_row(stage, str(score), str(n))
    out.print(table)
    if report.weakest:
        out.print(("最薄弱：" if zh else "Weakest: ") + "; ".join(report.weakest))
    out.print(
        f"`viva report {saved}` 显示每道题的回答与参考答案；`--format md` 导出为 Markdown。"
        if zh
        else f"`viva report {saved}` shows every answer beside the model answer; "
        "`--format md` exports it."
    )


def report_markdown(saved: int, data: dict[str, Any], lang: str = "en") -> str:
    """A saved report as Markdown (see `viva.export`)."""
    from viva.export import report_markdown as markdown

    return markdown(saved, data, lang)


def history_table(saved: Sequence[SavedInterview], lang: str = "en") -> None:
    """Past interviews, newest first."""
    say = translator(_PROGRESS, lang)
    if not saved:
        console().print(say("no_interview"))
        return
    table = Table(title=say("interviews"), header_style="bold")
    for key in ("id", "date", "plan", "overall", "questions"):
        table.add_column(
            say(key), justify="right" if key in ("id", "overall", "questions") else "left"
        )
    for s in saved:
        table.add_row(
            str(s.id),
            s.started_at.strftime("%Y-%m-%d %H:%M"),
            # reports saved before titles: the plan id
            str((lang == "en" and s.report.get("title_en")) or s.report.get("title") or s.plan),
            str(s.overall),
            str(len(s.report.get("turns", []))),
        )
    console().print(table)


def stats_report(stats: Stats, lang: str = "en") -> None:
    """Progress in the terminal, in `lang`."""
    out = console()
    say = translator(_PROGRESS, lang)
    total = sum(n for _, n in stats.reviews_per_day)
    achieved = (
        say("no_recall") if stats.retention_achieved is None else f"{stats.retention_achieved:.0%}"
    )
    out.print(
        say(
            "stats_head",
            total=total,
            days=len(stats.reviews_per_day),
            achieved=achieved,
            desired=f"{stats.retention_desired:.0%}",
        )
    )
    table = Table(title=say("mastery"), header_style="bold")
    for key in ("section", "questions", "studied", "recall_now"):
        table.add_column(say(key), justify="left" if key == "section" else "right")
    for section, n, studied, recall in stats.mastery:
        table.add_row(" / ".join(section), str(n), str(studied), f"{recall:.0%}")
    out.print(table)
    if stats.interview_trend:
        scores = " → ".join(str(s) for _, s in stats.interview_trend[-10:])
        out.print(say("scores", scores=scores))


def scope_text(scope: Scope, lang: str = "en") -> str:
    """ "seed, builtin — 项目经历 · 未来研究" (the sections: every one when none is chosen)."""
    every = "全部章节" if lang == "zh" else "every section"
    sections = " · ".join(scope.sections) if scope.sections else every
    return f"{', '.join(scope.banks)} — {sections}"


def daily_text(progress: DailyProgress, lang: str = "en") -> str:
    """Today against the daily goal, and the streak."""
    if lang == "zh":
        today = f"{progress.done_today}/{progress.goal}" if progress.goal else progress.done_today
        return f"今天：{today} 道题 · 连续 {progress.streak} 天。"
    days = f"{progress.streak} day{'' if progress.streak == 1 else 's'}"
    if progress.goal:
        return f"Today: {progress.done_today}/{progress.goal} questions · streak {days}."
    return f"Today: {progress.done_today} questions · streak {days}."
