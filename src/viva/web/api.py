"""The JSON API under /api/: every action the pages take, for scripts and other front ends.

Unsafe requests need the `X-CSRF-Token` header equal to the `viva_csrf` cookie (any GET sets
it). Errors are `{"error": ..., "hint": ...}` with the status of the problem.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from viva import wire
from viva.service import TranscribeOptions
from viva.web.context import MAX_ANSWER, MAX_ID, MAX_SPOKEN, viva_of
from viva.web.edits import MAX_FIELD
from viva.web.jobs import answer, service_of
from viva.web.render import question_html
from viva.web.uploads import read_uploads, submit_uploads

router = APIRouter(prefix="/api", tags=["api"])


class GradeBody(BaseModel):
    question_id: str = Field(max_length=MAX_ID, description="The question's id (or a prefix).")
    answer: str = Field(max_length=MAX_ANSWER, description="The answer as typed or transcribed.")
    lang: str | None = Field(
        default=None,
        pattern="^(zh|en)$",
        description="The feedback's language (default: the interface's).",
    )


class ReviewBody(BaseModel):
    question_id: str = Field(max_length=MAX_ID)
    rating: int = Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy.")
    answer: str | None = Field(
        default=None, max_length=MAX_ANSWER, description="Graded again to store with the review."
    )
    cram: bool = Field(default=False, description="Log without changing the schedule.")


class StartBody(BaseModel):
    plan: str = Field(default="kaoyan-cs", description="A built-in plan name.")
    minutes: float | None = Field(default=None, gt=0, le=240)
    lang: str | None = Field(default=None, pattern="^(zh|en)$")
    seed: int | None = None
    banks: list[str] | None = None


class AnswerBody(BaseModel):
    answer: str = Field(max_length=MAX_ANSWER)
    version: int = Field(description="The `version` of the interview the answer was given to.")
    seconds_used: float = Field(
        default=0.0,
        ge=0,
        description="Kept for older clients: the server times the answer from its own clock "
        "(the question's `deadline`).",
    )
    recording_id: int | None = Field(
        default=None, description="From /api/transcribe: the report shows its delivery figures."
    )


class ScopeBody(BaseModel):
    banks: list[str] = Field(default=[], description="Bank names; none: every enabled bank.")
    sections: list[str] = Field(
        default=[], description="Section names or paths 'A / B'; none: all."
    )


class EditBody(BaseModel):
    prompt: str | None = Field(default=None, max_length=MAX_FIELD, description="The question.")
    reference: str | None = Field(
        default=None,
        max_length=MAX_FIELD,
        description="The reference answer (Markdown; ==marks== become key points).",
    )
    key_points: list[str] | None = Field(
        default=None, max_length=100, description="Every key point (replaces them all)."
    )


class NewQuestionBody(BaseModel):
    prompt: str = Field(max_length=MAX_FIELD)
    reference: str = Field(default="", max_length=MAX_FIELD)
    key_points: list[str] = Field(default_factory=list, max_length=100)
    section: str = Field(default="", max_length=1000, description="A name or a path 'A / B'.")


class DisputeBody(BaseModel):
    answer: str = Field(max_length=MAX_ANSWER, description="The answer that was graded.")
    score: float = Field(ge=0, le=100, description="Your own score of it, 0-100.")
    note: str | None = Field(default=None, max_length=2000, description="Why.")
    lang: str | None = Field(default=None, pattern="^(zh|en)$")


class PreferencesBody(BaseModel):
    interview_date: date | None = None
    desired_retention: float | None = None
    new_per_day: int | None = None
    reviews_per_day: int | None = None
    ui_lang: str | None = None
    daily_goal: int | None = Field(default=None, description="Questions a day (0: no goal).")
    drill_scope: ScopeBody | None = Field(default=None, description="What drills ask from.")
    interview_scope: ScopeBody | None = Field(
        default=None, description="What mock interviews draw from."
    )
    time_zone: str | None = Field(default=None, max_length=64)  # IANA name; "": the server's
    recordings_keep_days: int | None = Field(
        default=None, description="Delete recordings older than this many days (0: keep them)."
    )


class MoreBody(BaseModel):
    count: int = Field(default=5, description="New questions to add to today's limit (1-100).")


@router.get("/home", summary="Due and new counts, readiness, weakest sections")
def home(request: Request) -> dict[str, Any]:
    viva = viva_of(request)
    daily = viva.daily_progress()
    return {
        **viva.dashboard().to_json(),
        "daily": {"goal": daily.goal, "done_today": daily.done_today, "streak": daily.streak},
    }


@router.get("/banks", summary="Every bank with its counts")
def banks(request: Request) -> list[dict[str, Any]]:
    return [
        {
            "name": b.name,
            "builtin": b.is_builtin,
            "enabled": b.is_enabled,
            "questions": b.active,
            "with_reference": b.with_reference,
            "notes": b.notes,
            # a bank a teacher shared with your class (read-only): the teacher's name
            "shared_by": b.shared_by,
        }
        for b in viva_of(request).banks()
    ]


@router.get("/questions", summary="List or search questions")
def questions(
    request: Request,
    q: Annotated[
        str | None, Query(description="Search text (BM25, as `viva bank search`).")
    ] = None,
    section: Annotated[str | None, Query(description="A section name or path 'A / B'.")] = None,
    bank: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    viva = viva_of(request)
    if q and q.strip():
        hits = viva.search(q, banks=bank, limit=limit)
        return {
            "total": len(hits),
            "questions": [
                {**wire.question_summary_json(h.question), "score": h.score} for h in hits
            ],
        }
    found = viva.questions(banks=bank, section=section)
    return {
        "total": len(found),
        "questions": [wire.question_summary_json(x) for x in found[:limit]],
    }


@router.get("/questions/{question_id}", summary="One question, its reference rendered as HTML")
def question(request: Request, question_id: str) -> dict[str, Any]:
    found = viva_of(request).question(question_id)
    return {**wire.question_json(found), "html": question_html(found)}


@router.patch(
    "/questions/{question_id}",
    summary="Edit a question (kept apart from its note: survives re-imports)",
)
def edit_question(request: Request, question_id: str, body: EditBody) -> dict[str, Any]:
    found = viva_of(request).edit_question(question_id, **body.model_dump(exclude_unset=True))
    return {**wire.question_json(found), "html": question_html(found)}


@router.delete("/questions/{question_id}/edit", summary="Restore a question's note text")
def restore_question(request: Request, question_id: str) -> dict[str, Any]:
    found = viva_of(request).restore_note(question_id)
    return {**wire.question_json(found), "html": question_html(found)}


@router.post("/questions", summary="Add a question of your own (bank my-questions)")
def add_question(request: Request, body: NewQuestionBody) -> dict[str, Any]:
    found = viva_of(request).add_question(
        body.prompt, reference=body.reference, key_points=body.key_points, section=body.section
    )
    return wire.question_json(found)


@router.delete("/questions/{question_id}", summary="Remove a question you added")
def remove_question(request: Request, question_id: str) -> dict[str, Any]:
    found = viva_of(request).remove_question(question_id)
    return {"removed": found.id}


@router.get("/edits", summary="The questions you edited (also those that left their note)")
def edits(request: Request, bank: Annotated[list[str] | None, Query()] = None) -> list[Any]:
    return [
        {
            "id": e.question_id,
            "bank": e.bank,
            "prompt": e.prompt,
            "fields": list(e.fields),
            "in_note": e.is_active,
            "note_changed": e.is_note_changed,
            "updated_at": e.updated_at.isoformat(),
        }
        for e in viva_of(request).edits(banks=bank)
    ]


@router.post(
    "/questions/{question_id}/disputes",
    summary="This grade is wrong: keep your own score (later similar answers follow it)",
)
def dispute(request: Request, question_id: str, body: DisputeBody) -> dict[str, Any]:
    found, result = viva_of(request).dispute_grade(
        question_id, body.answer, body.score, note=body.note, lang=body.lang
    )
    return {"question_id": found.id, **wire.grade_json(result)}


@router.post(
    "/import",
    summary="Import uploaded notes or a zipped vault (a job: `Prefer: respond-async` answers "
    "202 at once)",
)
async def import_notes(
    request: Request,
    files: Annotated[list[UploadFile], File(description=".md/.txt notes or .zip vaults")],
    bank: Annotated[str, Form()] = "my-notes",
) -> Any:
    """The import report when the job finishes in the time the client waits; else 202 and
    the job (poll `GET /api/jobs/{id}`: its `result` is this report)."""
    from starlette.concurrency import run_in_threadpool

    viva = service_of(request)
    uploads = await read_uploads(files, viva.settings.max_upload_bytes)
    job = await run_in_threadpool(submit_uploads, viva, uploads, bank)
    return await answer(request, job)


@router.get("/drill/next", summary="The next question a drill asks, with today's counts")
def drill_next(request: Request, section: str | None = None) -> dict[str, Any]:
    """From the saved drill scope (or only `section`)."""
    viva = viva_of(request)
    scope = viva.resolved_scope(viva.preferences().drill_scope)
    sections = (section,) if section else scope.sections
    queue = viva.drill_queue(banks=scope.banks, sections=sections, limit=1)
    status = viva.drill_status(banks=scope.banks, sections=sections)
    return {
        "question": None if not queue else wire.question_summary_json(queue[0]),
        "due": status.due,
        "new": status.new_available,
        "unlearned": status.unlearned,
        "new_limit": status.new_limit,
        "new_limit_reached": status.is_new_limit_reached,
    }


@router.post("/drill/more", summary="Learn more new questions today (today's limit only)")
def drill_more(request: Request, body: MoreBody) -> dict[str, Any]:
    return {"new_limit": viva_of(request).learn_more(body.count)}


@router.post("/grade", summary="Grade an answer to a bank question")
def grade(request: Request, body: GradeBody) -> dict[str, Any]:
    found, result = viva_of(request).grade(body.question_id, body.answer, lang=body.lang)
    return {"question_id": found.id, **wire.grade_json(result)}


@router.post("/reviews", summary="Record a review (the answer is graded and stored with it)")
def review(request: Request, body: ReviewBody) -> dict[str, Any]:
    viva = viva_of(request)
    result = None
    if body.answer is not None and body.answer.strip():
        _, result = viva.grade(body.question_id, body.answer)
    found = viva.question(body.question_id)
    done = viva.review(found.id, body.rating, answer=body.answer, grade=result, cram=body.cram)
    return {
        "question_id": found.id,
        "rating": int(done.rating),
        "due": done.after.due.isoformat(),
        "suggested": None if result is None else int(result.rating),
    }


@router.post("/reviews/undo", summary="Take back the latest review")
def undo(request: Request) -> dict[str, Any]:
    undone = viva_of(request).undo_last_review()
    return {"undone": None if undone is None else undone.question_id}


@router.get("/plans", summary="The built-in interview plans")
def plans(request: Request) -> list[dict[str, Any]]:
    return [wire.plan_info_json(p) for p in viva_of(request).interview_plans()]


@router.post("/interviews", summary="Start a mock interview (answered one request at a time)")
def start_interview(request: Request, body: StartBody) -> dict[str, Any]:
    live = viva_of(request).begin_interview(
        body.plan, banks=body.banks, minutes=body.minutes, lang=body.lang, seed=body.seed
    )
    return live.to_json()


@router.get("/interviews/live/{token}", summary="An interview in progress")
def live_interview(request: Request, token: str) -> dict[str, Any]:
    return viva_of(request).live_interview(token).to_json()


@router.post("/interviews/live/{token}/answer", summary="Answer the waiting question")
def answer_interview(request: Request, token: str, body: AnswerBody) -> dict[str, Any]:
    outcome = viva_of(request).answer_interview(
        token,
        body.answer,
        version=body.version,
        seconds_used=body.seconds_used,
        recording_id=body.recording_id,
    )
    return {
        "grade": wire.grade_json(outcome.turn.grade),
        "interview": None if outcome.live is None else outcome.live.to_json(),
        "report_id": outcome.saved_id,
    }


@router.get("/interviews", summary="Past mock interviews")
def interviews(request: Request) -> list[dict[str, Any]]:
    return [
        {"id": i.id, "plan": i.plan, "finished_at": i.finished_at.isoformat(), "overall": i.overall}
        for i in viva_of(request).interviews()
    ]


@router.get("/interviews/{interview_id}", summary="One mock-interview report")
def interview_report(request: Request, interview_id: int) -> dict[str, Any]:
    saved = viva_of(request).interview(interview_id)
    return {"id": saved.id, "seed": saved.seed, **saved.report}


@router.get("/progress", summary="Statistics, and the plan to the interview date when set")
def progress(request: Request) -> dict[str, Any]:
    viva = viva_of(request)
    day = viva.preferences().interview_date
    plan = None
    if day is not None and day > date.today():
        plan = wire.plan_json(viva.plan(day))
    return {"plan": plan, "stats": wire.stats_json(viva.stats())}


@router.post(
    "/transcribe",
    summary="Transcribe a spoken answer, with delivery figures beside it (a job: "
    "`Prefer: respond-async` answers 202 at once)",
)
async def transcribe(
    request: Request,
    audio: Annotated[UploadFile, File(description="WAV, MP3, M4A/AAC, WebM/Opus or OGG")],
    question_id: Annotated[str | None, Form(description="A bank question (drill)")] = None,
    interview: Annotated[
        str | None, Form(description="The token of an interview in progress")
    ] = None,
    lang: Annotated[str | None, Form(pattern="^(zh|en)$")] = None,
) -> Any:
    """The transcript (edit it before grading: recognisers err), the delivery figures (rate,
    long pauses, fillers, time over the limit) and the id of the stored recording; or 202 and
    the job, whose `result` is that."""
    from starlette.concurrency import run_in_threadpool

    viva = service_of(request)
    (upload,) = await read_uploads([audio], viva.settings.max_upload_bytes)
    options = TranscribeOptions(lang=lang, question_id=question_id, kind="drill")
    if interview:
        live = await run_in_threadpool(viva.live_interview, interview)
        asked = live.interview.next()
        if asked is not None:
            options = TranscribeOptions(
                lang=lang or asked.lang,
                question_id=asked.question_id,
                terms=viva.terms_for(asked.prompt, asked.key_points),
                time_limit=float(asked.seconds),
                kind="interview",
            )
    job = await run_in_threadpool(
        lambda: viva.submit_transcription(upload.data, upload.filename or "answer.webm", options)
    )
    return await answer(request, job)


@router.get(
    "/speech/say",
    summary="The text spoken as a WAV (when the browser has no voice for the language)",
    response_class=FileResponse,
)
def say(
    request: Request,
    text: Annotated[str, Query(max_length=MAX_SPOKEN, description="A question to read out.")],
    lang: Annotated[str | None, Query(pattern="^(zh|en)$")] = None,
) -> FileResponse:
    path = viva_of(request).synthesize(text, lang, max_chars=MAX_SPOKEN)
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "max-age=86400"})


@router.get("/preferences", summary="Interview date, retention, daily limits, language")
def get_preferences(request: Request) -> dict[str, Any]:
    return viva_of(request).preferences().to_json()


@router.put("/preferences", summary="Change preferences (only the fields given)")
def put_preferences(request: Request, body: PreferencesBody) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)
    return viva_of(request).set_preferences(**values).to_json()
