"""The HTML pages (Jinja2 + HTMX). Each handler: parse, one service call, render."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from viva import wire
from viva.errors import NotFoundError, VivaError
from viva.grading.compare import compare
from viva.service import Scope
from viva.web.charts import bar_rows, column_bars
from viva.web.context import MAX_ANSWER, MAX_ID, page, ui_lang, viva_of
from viva.web.i18n import translator
from viva.web.jobs import finished, service_of
from viva.web.render import column_chart, evidence_html, question_html
from viva.web.uploads import read_uploads, submit_uploads

if TYPE_CHECKING:
    from viva.service import Job, SavedInterview

router = APIRouter(include_in_schema=False)


def _redirect(url: str) -> Response:
    """Send HTMX (and plain browsers) to another page."""
    return Response(status_code=204, headers={"HX-Redirect": url})


def _refresh() -> Response:
    return Response(status_code=204, headers={"HX-Refresh": "true"})


# --- home --------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    viva = viva_of(request)
    scope = viva.resolved_scope(viva.preferences().drill_scope)
    banks = viva.banks()
    return page(
        request,
        "home.html",
        nav="home",
        board=viva.dashboard(),
        drill_status=viva.drill_status(banks=scope.banks, sections=scope.sections),
        daily=viva.daily_progress(),
        scope=scope,
        scope_is_everything=viva.preferences().drill_scope.is_everything,
        own_banks=[b for b in banks if not b.is_builtin],
        builtin=next((b for b in banks if b.is_builtin), None),
        limit=viva.settings.max_upload_bytes // (1024 * 1024),
        learn_step=LEARN_STEP,
    )


# --- bank --------------------------------------------------------------------------------
@router.get("/bank", response_class=HTMLResponse)
def bank(
    request: Request, q: str | None = None, section: str | None = None, bank: str | None = None
) -> HTMLResponse:
    context = _bank_context(request, q, section, bank)
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "question-list":
        return page(request, "_question_list.html", **context)
    return page(request, "bank.html", **context)


def _bank_context(
    request: Request, q: str | None, section: str | None, bank: str | None
) -> dict[str, Any]:
    """What the bank page (and its refresh after an import) shows."""
    viva = viva_of(request)
    names = [bank] if bank else None
    everything = viva.questions(banks=names)
    banks = viva.banks()
    return {
        "nav": "bank",
        "tree": _by_bank(
            [b for b in banks if (b.name == bank if bank else b.is_enabled)],
            viva.sections(banks=names),
        ),
        "total": len(everything),
        "rows": _question_rows(request, q, section, names, everything),
        "query": q or "",
        "section": section or "",
        "bank_name": bank or "",
        "banks": banks,
        "has_own": any(not b.is_builtin for b in banks),
        "limit": viva.settings.max_upload_bytes // (1024 * 1024),
    }


@router.post("/bank/enabled")
def bank_enabled(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    enabled: Annotated[str, Form()] = "",
) -> Response:
    """Turn a bank (the built-in one too) on or off for listings, drills and interviews."""
    viva_of(request).set_bank_enabled(name, enabled == "1")
    return _refresh()


def _question_rows(
    request: Request,
    q: str | None,
    section: str | None,
    names: list[str] | None,
    everything: list[Any],
) -> list[Any]:
    viva = viva_of(request)
    if q and q.strip():
        return [hit.question for hit in viva.search(q, banks=names, limit=50)]
    if not section:
        return everything[:500]  # already loaded for the tree
    return viva.questions(banks=names, section=section)[:500]


@router.get("/bank/q/{question_id}", response_class=HTMLResponse)
def question_page(request: Request, question_id: str) -> HTMLResponse:
    from viva.web.edits import question_context

    found = viva_of(request).question(question_id)
    return page(request, "question.html", nav="bank", **question_context(request, found))


@router.post("/bank/import", response_class=HTMLResponse)
async def import_page(
    request: Request,
    files: Annotated[list[UploadFile], File()],
    bank: Annotated[str, Form()] = "my-notes",
    origin: Annotated[str, Form()] = "bank",
) -> HTMLResponse:
    """Hand the import to a job; its fragment polls until the report replaces it (a small
    upload is usually done before the first poll: it is awaited for a moment)."""
    from starlette.concurrency import run_in_threadpool

    viva = service_of(request)
    uploads = await read_uploads(files, viva.settings.max_upload_bytes)
    job = await run_in_threadpool(submit_uploads, viva, uploads, bank.strip() or "my-notes")
    job = await finished(request, job, IMPORT_PAGE_WAIT)
    return _import_job(request, job, origin)


IMPORT_PAGE_WAIT = 2.0  # seconds the upload's response waits before the page polls instead


@router.get("/bank/import/{job_id}", response_class=HTMLResponse)
def import_progress(request: Request, job_id: str, origin: str = "bank") -> HTMLResponse:
    """An import job's fragment: its progress, then its report (or its error)."""
    return _import_job(request, viva_of(request).job(job_id[:64]), origin)


def _import_job(request: Request, job: Job, origin: str) -> HTMLResponse:
    if not job.is_finished:
        return page(request, "_import_job.html", job=job, origin=origin)
    report = ImportView(job.outcome())
    # the bank page shows the new bank at once (its list, sections and questions)
    refresh = _bank_context(request, None, None, report.bank) if origin == "bank" else {}
    return page(request, "_import_report.html", report=report, refresh=refresh)


class ImportView:
    """An import report as the job stored it (JSON), shaped for `_import_report.html`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.bank: str = data["bank"]
        self.questions: int = data["questions"]
        self.notes: int = data["notes"]
        self.counts: dict[str, int] = data["counts"]
        self.edits_orphaned = [(e["id"], e["prompt"]) for e in data["edits_orphaned"]]
        self.edits_over_changed = [(e["id"], e["prompt"]) for e in data["edits_over_changed"]]
        problems = data["problems"]
        self.warnings = [_Problem(p) for p in problems if p["severity"] == "warning"]
        self.skipped = [_Problem(p) for p in problems if p["severity"] == "skipped"]


class _Problem:
    def __init__(self, data: dict[str, Any]) -> None:
        self.file: str = data["file"]
        self.line: int | None = data["line"]
        self.message: str = data["message"]


@router.get("/bank/export.apkg")
def export_anki(request: Request, bank: str | None = None) -> FileResponse:
    """The listed bank(s) as an Anki package, downloaded (the file is removed once sent)."""
    import re
    import tempfile

    from starlette.background import BackgroundTask

    viva = viva_of(request)
    staging = viva.settings.home / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=staging, prefix="export-"))
    try:
        report = viva.export_anki(folder / "deck.apkg", banks=[bank] if bank else None)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = re.sub(r"[^\w.-]+", "_", "-".join(report.banks))[:60].strip("._") or "notes"
    return FileResponse(
        report.path,
        media_type="application/octet-stream",
        filename=f"viva-{name}.apkg",
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/assets/{name}")
def asset(request: Request, name: str) -> FileResponse:
    """An image a note embeds (copied into the data dir on import, named by its hash)."""
    folder = viva_of(request).settings.assets_dir
    if "/" in name or "\\" in name or name.startswith("."):
        raise NotFoundError(f"no asset called {name!r}")
    path = folder / name
    if not path.is_file():
        raise NotFoundError(f"no asset called {name!r}")
    return FileResponse(
        path, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    )


# --- drill -------------------------------------------------------------------------------
LEARN_STEP = 5  # "learn 5 more today"


def _drill_scope(request: Request, section: str | None) -> tuple[Scope, bool]:
    """The scope a drill asks from: one section (a link from the home page), else the saved
    choice; and whether it is a one-off."""
    viva = viva_of(request)
    saved = viva.resolved_scope(viva.preferences().drill_scope)
    if section:
        return Scope(saved.banks, (section,)), True
    return saved, False


def _drill_card(request: Request, section: str | None, **extra: Any) -> HTMLResponse:
    viva = viva_of(request)
    scope, one_off = _drill_scope(request, section)
    queue = viva.drill_queue(banks=scope.banks, sections=scope.sections, limit=1)
    status = viva.drill_status(banks=scope.banks, sections=scope.sections)
    template = "_drill_card.html" if request.headers.get("hx-request") else "drill.html"
    return page(
        request,
        template,
        nav="drill",
        q=queue[0] if queue else None,
        due=status.due,
        new=status.new_available,
        drill_status=status,
        section=section or "",
        **_scope_context(request, scope, one_off, "drill"),
        **extra,
    )


def _scope_context(request: Request, scope: Scope, one_off: bool, kind: str) -> dict[str, Any]:
    """What the scope chooser shows: the banks, their sections, what is chosen."""
    viva = viva_of(request)
    prefs = viva.preferences()
    saved = prefs.drill_scope if kind == "drill" else prefs.interview_scope
    enabled = [b for b in viva.banks() if b.is_enabled]
    return {
        "scope": scope,
        "scope_kind": kind,
        "scope_one_off": one_off,
        "scope_saved": saved,
        "scope_banks": enabled,
        "scope_groups": _by_bank(enabled, [s for s in viva.sections() if s.depth <= 1]),
        "daily": viva.daily_progress(),
        "learn_step": LEARN_STEP,
    }


def _by_bank(banks: list[Any], sections: list[Any]) -> list[tuple[Any, list[Any]]]:
    """(bank, its sections) in the banks' order (the student's own first)."""
    return [(b, [s for s in sections if s.bank == b.name]) for b in banks]


@router.get("/drill", response_class=HTMLResponse)
def drill(request: Request, section: str | None = None) -> HTMLResponse:
    return _drill_card(request, section)


@router.post("/scope/{kind}")
def save_scope(
    request: Request,
    kind: str,
    banks: Annotated[list[str] | None, Form()] = None,
    sections: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Remember what drills (or mock interviews) practise; then go there."""
    if kind not in ("drill", "interview"):
        raise NotFoundError(f"no such choice: {kind!r}")
    chosen = {
        "banks": [b for b in banks or [] if b.strip()],
        "sections": [s for s in sections or [] if s.strip()],
    }
    viva_of(request).set_preferences(**{f"{kind}_scope": chosen})
    return _redirect("/drill" if kind == "drill" else "/interview")


@router.post("/drill/more")
def drill_more(
    request: Request,
    count: Annotated[int, Form()] = LEARN_STEP,
    section: Annotated[str, Form()] = "",
    go: Annotated[str, Form()] = "",
) -> Response:
    """Learn `count` more new questions today (today's limit only)."""
    viva_of(request).learn_more(count)
    if go == "drill":  # from the home page: on to the drill
        return _redirect("/drill")
    return _drill_card(request, section or None)


@router.get("/drill/q/{question_id}", response_class=HTMLResponse)
def drill_one(request: Request, question_id: str) -> HTMLResponse:
    """Drill one chosen question (from its page in the bank)."""
    viva = viva_of(request)
    scope, one_off = _drill_scope(request, None)
    status = viva.drill_status(banks=scope.banks, sections=scope.sections)
    return page(
        request,
        "drill.html",
        nav="drill",
        q=viva.question(question_id),
        due=status.due,
        new=status.new_available,
        drill_status=status,
        section="",
        **_scope_context(request, scope, one_off, "drill"),
    )


@router.post("/drill/grade", response_class=HTMLResponse)
def drill_grade(
    request: Request,
    question_id: Annotated[str, Form(max_length=MAX_ID)],
    answer: Annotated[str, Form(max_length=MAX_ANSWER)] = "",
    reveal: Annotated[str, Form()] = "",
) -> HTMLResponse:
    viva = viva_of(request)
    found = viva.question(question_id)
    if reveal:
        return page(
            request, "_grade.html", q=found, grade=None, answer="", body=question_html(found)
        )
    _, result = viva.grade(found.id, answer)
    reference = viva.grade_request(found).reference
    return page(
        request,
        "_grade.html",
        q=found,
        grade=result,
        answer=answer,
        marked=evidence_html(answer, result),
        cmp=compare(answer, reference, result),
        body=question_html(found),
    )


@router.post("/drill/review", response_class=HTMLResponse)
def drill_review(
    request: Request,
    question_id: Annotated[str, Form(max_length=MAX_ID)],
    rating: Annotated[int, Form(ge=1, le=4)],
    answer: Annotated[str, Form(max_length=MAX_ANSWER)] = "",
    section: Annotated[str, Form()] = "",
) -> HTMLResponse:
    viva = viva_of(request)
    result = viva.grade(question_id, answer)[1] if answer.strip() else None
    done = viva.review(question_id, rating, answer=answer or None, grade=result)
    return _drill_card(request, section or None, recorded=done)


@router.post("/drill/undo", response_class=HTMLResponse)
def drill_undo(request: Request, section: Annotated[str, Form()] = "") -> HTMLResponse:
    viva_of(request).undo_last_review()
    return _drill_card(request, section or None)


# --- mock interview ------------------------------------------------------------------------
@router.get("/interview", response_class=HTMLResponse)
def interview_start(request: Request) -> HTMLResponse:
    from viva.practice.plan import fill_notes, length_label

    viva = viva_of(request)
    saved = viva.preferences().interview_scope
    scope = viva.resolved_scope(saved)
    lang = ui_lang(request)
    plans = []
    for plan in viva.interview_plans():
        fills = viva.interview_fills(
            plan, banks=scope.banks if saved.banks else None, sections=scope.sections
        )
        plans.append(
            {
                **wire.plan_info_json(plan),
                "heading": plan.heading(lang),
                "length": length_label(plan, lang),
                "labels": [s.label(lang) for s in plan.stages],
                "fills": [wire.fill_json(plan, f) for f in fills],
                "notes": fill_notes(plan, fills, lang),
            }
        )
    return page(
        request,
        "interview_start.html",
        nav="interview",
        plans=plans,
        history=viva.interviews()[:10],
        **_scope_context(request, scope, False, "interview"),
    )


@router.post("/interview/start")
def interview_begin(
    request: Request,
    plan: Annotated[str, Form()] = "kaoyan-cs",
    minutes: Annotated[str, Form()] = "",
    lang: Annotated[str, Form()] = "",
) -> Response:
    try:
        total = float(minutes) if minutes.strip() else None
    except ValueError:
        total = -1.0
    if total is not None and not 1 <= total <= 240:
        raise VivaError(f"minutes must be a number from 1 to 240 (not {minutes!r})")
    viva = viva_of(request)
    saved = viva.preferences().interview_scope
    scope = viva.resolved_scope(saved)
    live = viva.begin_interview(
        plan,
        minutes=total,
        lang=lang or None,
        banks=scope.banks if saved.banks else None,
        sections=scope.sections,
    )
    return _redirect(f"/interview/live/{quote(live.token)}")


@router.get("/interview/live/{token}", response_class=HTMLResponse)
def interview_live(request: Request, token: str) -> HTMLResponse:
    from viva.practice.plan import fill_notes, length_label
    from viva.service.preferences import now_utc

    live = viva_of(request).live_interview(token)
    lang = ui_lang(request)
    interview = live.interview
    last = interview.turns[-1] if interview.turns else None
    asked = interview.next()
    stage = next((s for s in interview.plan.stages if asked and s.name == asked.stage), None)
    return page(
        request,
        "interview.html",
        nav="interview",
        live=live,
        asked=asked,
        last=last,
        heading=interview.plan.heading(lang),
        length=length_label(interview.plan, lang),
        stage_label=stage.label(lang) if stage else (asked.stage if asked else ""),
        # said before the first question: where the stages come from, what cannot be asked
        notes=fill_notes(interview.plan, interview.fills, lang) if not interview.turns else [],
        seconds_left=live.seconds_left(now_utc()),
    )


@router.post("/interview/live/{token}/answer")
def interview_answer(
    request: Request,
    token: str,
    version: Annotated[int, Form()],
    answer: Annotated[str, Form(max_length=MAX_ANSWER)] = "",
    seconds_used: Annotated[float, Form(ge=0)] = 0.0,
    recording_id: Annotated[str, Form()] = "",
) -> Response:
    outcome = viva_of(request).answer_interview(
        token,
        answer,
        version=version,
        seconds_used=seconds_used,
        recording_id=int(recording_id) if recording_id.isdigit() else None,
    )
    if outcome.saved_id is not None:
        return _redirect(f"/interview/report/{outcome.saved_id}")
    return _redirect(f"/interview/live/{quote(token)}")


@router.get("/interview/report/{interview_id}", response_class=HTMLResponse)
def interview_report(request: Request, interview_id: int) -> HTMLResponse:
    return report_page(request, viva_of(request).interview(interview_id), nav="interview")


def report_page(request: Request, saved: SavedInterview, *, nav: str, **extra: Any) -> HTMLResponse:
    """A saved interview's report (the student's own, or a student's for their teacher)."""
    lang = ui_lang(request)
    # a stage's name in the interface language (reports saved before: as saved)
    names = {
        s["stage"]: s.get("name_en", s["stage"]) if lang == "en" else s["stage"]
        for s in saved.report.get("plan_stages", [])
    }
    return page(
        request,
        "report.html",
        nav=nav,
        saved=saved,
        r=saved.report,
        stages=_stage_bars(saved.report, lang),
        turns=[_turn_view(turn, names) for turn in saved.report["turns"]],
        **extra,
    )


@router.get("/interview/report/{interview_id}/markdown")
def interview_report_markdown(request: Request, interview_id: int) -> Response:
    from viva.export import report_markdown

    saved = viva_of(request).interview(interview_id)
    finished = saved.finished_at.astimezone().strftime("%Y-%m-%d %H:%M")
    text = report_markdown(saved.id, saved.report, ui_lang(request), finished)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="viva-interview-{saved.id}.md"'},
    )


def _stage_bars(report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """A bar per stage of the plan (reports saved before every stage was kept: those asked)."""
    rows = report.get("plan_stages") or [
        {**s, "name_en": s["stage"], "wanted": s["questions"]} for s in report["stages"]
    ]
    return [
        {
            "label": row.get("name_en", row["stage"]) if lang == "en" else row["stage"],
            "score": row.get("score"),
            "questions": row.get("questions", 0),
            "lenders": row.get("lenders", []),
        }
        for row in rows
    ]


def _turn_view(turn: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A saved turn with its answer and model answer cut into marked segments."""
    reference = turn.get("reference") or ""
    if "grade" in turn:
        said, stated = wire.marked_texts(
            turn["answer"] or "", reference, wire.grade_from_json(turn["grade"])
        )
    else:  # saved before the model answer was kept with the turn
        said = [{"text": turn["answer"] or "", "mark": None}]
        stated = [{"text": reference, "mark": None}] if reference else []
    stage = names.get(turn["stage"], turn["stage"])
    return {**turn, "said": said, "stated": stated, "stage_label": stage}


# --- progress ------------------------------------------------------------------------------
@router.get("/progress", response_class=HTMLResponse)
def progress(request: Request) -> HTMLResponse:
    viva = viva_of(request)
    prefs = viva.preferences()
    stats = viva.stats()
    plan = None
    if prefs.interview_date is not None and prefs.interview_date > date.today():
        plan = viva.plan(prefs.interview_date)
    charts = {
        "recall": bar_rows(
            [(" / ".join(s), r) for s, _, _, r in sorted(stats.mastery, key=lambda m: m[0])],
            maximum=1.0,
            percent=True,
        ),
        "reviews": column_bars([(d.strftime("%m-%d"), n) for d, n in stats.reviews_per_day]),
        "trend": column_chart(
            [(t.strftime("%m-%d"), o) for t, o in stats.interview_trend], line=True
        ),
        "load": ""
        if plan is None
        else column_bars([(d.strftime("%m-%d"), n) for d, n in plan.daily_load[:60]]),
        "forecast": ""
        if plan is None
        else bar_rows(
            [(" / ".join(s.section), s.recall_with_plan) for s in plan.sections],
            maximum=1.0,
            percent=True,
        ),
    }
    return page(
        request, "progress.html", nav="progress", prefs=prefs, stats=stats, plan=plan, charts=charts
    )


@router.post("/progress/date")
def progress_date(request: Request, interview_date: Annotated[str, Form()] = "") -> Response:
    viva_of(request).set_preferences(interview_date=interview_date or None)
    return _redirect("/progress")


# --- settings ------------------------------------------------------------------------------
@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> HTMLResponse:
    from zoneinfo import available_timezones

    return page(
        request,
        "settings.html",
        nav="settings",
        prefs=viva_of(request).preferences(),
        server_keep_days=viva_of(request).settings.recordings_keep_days,
        data_dir=viva_of(request).settings.home,
        zones=sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")),
        machine_zone=_machine_zone(),
    )


def _machine_zone() -> str:
    """This machine's zone as an offset ("UTC+08:00"): all a process can tell for sure."""
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@router.post("/settings", response_class=HTMLResponse)
def settings_save(
    request: Request,
    interview_date: Annotated[str, Form()] = "",
    desired_retention: Annotated[str, Form()] = "0.9",
    new_per_day: Annotated[str, Form()] = "10",
    reviews_per_day: Annotated[str, Form()] = "0",
    ui_lang: Annotated[str, Form()] = "zh",
    daily_goal: Annotated[str, Form()] = "20",
    time_zone: Annotated[str, Form(max_length=64)] = "",
    has_time_zone: Annotated[str, Form()] = "",
    recordings_keep_days: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    viva = viva_of(request)
    before = viva.preferences().ui_lang
    # an empty field reads as a missing one: the form says it has the field, so that emptying
    # it goes back to the machine's zone while a form without it leaves the zone as it is
    zone = {"time_zone": time_zone} if has_time_zone or time_zone else {}
    if recordings_keep_days is not None:  # a form without the field leaves it as it is
        zone["recordings_keep_days"] = recordings_keep_days
    prefs = viva.set_preferences(
        interview_date=interview_date or None,
        desired_retention=desired_retention,
        new_per_day=new_per_day,
        reviews_per_day=reviews_per_day,
        ui_lang=ui_lang,
        daily_goal=daily_goal,
        **zone,
    )
    if prefs.ui_lang != before:
        return _refresh()
    request.state.lang = prefs.ui_lang
    return page(request, "_saved.html", message=translator(prefs.ui_lang)("settings.saved"))


@router.post("/language")
def switch_language(request: Request) -> Response:
    viva = viva_of(request)
    current = viva.preferences().ui_lang
    viva.set_preferences(ui_lang="en" if current == "zh" else "zh")
    return _refresh()


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(
        Path(__file__).parent / "static" / "favicon.svg", media_type="image/svg+xml"
    )
