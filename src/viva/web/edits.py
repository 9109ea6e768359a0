"""Pages for fixing questions where the student sees them: edit a question, restore the note's
text, add a question, and, right after a grade, fix the reference or dispute the grade."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from viva.bank.models import Question
from viva.web.context import MAX_ANSWER, MAX_ID, page, ui_lang, viva_of
from viva.web.i18n import translator
from viva.web.render import evidence_html, question_html

router = APIRouter(include_in_schema=False)

MAX_FIELD = 25_000  # the service checks the real limits; this only bounds what is read
PARTS = ("prompt", "reference", "key_points")


def question_context(request: Request, question: Question, **extra: Any) -> dict[str, Any]:
    """What the question page and its editable part need."""
    from viva.service import OWN_BANK

    viva = viva_of(request)
    note = viva.note_version(question.id) if question.is_edited else None
    t = translator(ui_lang(request))
    return {
        "edited_fields": [t(f"edit.field.{name}") for name in question.edited],
        "q": question,
        "body": question_html(question),
        "note": note,
        "state": viva.edit_state(question.id) if question.is_edited else None,
        "note_body": question_html(note) if note is not None else "",
        "is_own": question.bank == OWN_BANK,
        "disputes": viva.disputes(question.id),
        "corrections": viva.corrections(question.id),
        "follow": [link for link in question.links if link.role.value == "follow_up"],
        **extra,
    }


def _changes(part: str, prompt: str, reference: str, key_point: list[str] | None) -> dict[str, Any]:
    """The fields a form of one part changes (a form sends only its own part)."""
    if part == "prompt":
        return {"prompt": prompt}
    if part == "reference":
        return {"reference": reference}
    if part == "key_points":
        return {"key_points": key_point or []}
    # the edit after a grade sends the reference and the key points together
    return {"reference": reference, "key_points": key_point or []}


@router.post("/bank/q/{question_id}/edit", response_class=HTMLResponse)
def edit_question(
    request: Request,
    question_id: str,
    part: Annotated[str, Form(pattern="^(prompt|reference|key_points)$")],
    prompt: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    reference: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    key_point: Annotated[list[str] | None, Form(max_length=MAX_FIELD)] = None,
) -> HTMLResponse:
    viva = viva_of(request)
    question = viva.edit_question(question_id, **_changes(part, prompt, reference, key_point))
    t = translator(ui_lang(request))
    context = question_context(request, question, message=t("edit.saved"))
    return page(request, "_question_body.html", **context)


@router.post("/bank/q/{question_id}/restore", response_class=HTMLResponse)
def restore_question(request: Request, question_id: str) -> HTMLResponse:
    viva = viva_of(request)
    question = viva.restore_note(question_id)
    t = translator(ui_lang(request))
    context = question_context(request, question, message=t("edit.restored"))
    return page(request, "_question_body.html", **context)


@router.get("/bank/new", response_class=HTMLResponse)
def new_question_page(request: Request, section: str = "") -> HTMLResponse:
    from viva.service import OWN_BANK

    return page(request, "new_question.html", nav="bank", own_bank=OWN_BANK, section=section)


@router.post("/bank/new")
def add_question(
    request: Request,
    prompt: Annotated[str, Form(max_length=MAX_FIELD)],
    reference: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    key_point: Annotated[list[str] | None, Form(max_length=MAX_FIELD)] = None,
    section: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    question = viva_of(request).add_question(
        prompt, reference=reference, key_points=key_point or [], section=section
    )
    return Response(status_code=204, headers={"HX-Redirect": f"/bank/q/{question.id}"})


# --- right after a grade (the drill's grade partial) ------------------------------------------
@router.post("/drill/edit", response_class=HTMLResponse)
def edit_after_grade(
    request: Request,
    question_id: Annotated[str, Form(max_length=MAX_ID)],
    answer: Annotated[str, Form(max_length=MAX_ANSWER)] = "",
    reference: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    key_point: Annotated[list[str] | None, Form(max_length=MAX_FIELD)] = None,
) -> HTMLResponse:
    """Save the fixed reference and key points, then grade the same answer against them."""
    viva = viva_of(request)
    question = viva.edit_question(question_id, **_changes("both", "", reference, key_point))
    t = translator(ui_lang(request))
    if not answer.strip() or not question.has_reference:
        return _grade_partial(request, question, "", None, t("edit.saved_no_grade"))
    _, result = viva.grade(question.id, answer)
    return _grade_partial(request, question, answer, result, t("edit.regraded"))


@router.post("/drill/dispute", response_class=HTMLResponse)
def dispute_grade(
    request: Request,
    question_id: Annotated[str, Form(max_length=MAX_ID)],
    answer: Annotated[str, Form(max_length=MAX_ANSWER)],
    score: Annotated[float, Form(ge=0, le=100)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    """Keep the student's own score of this answer; show the answer graded again."""
    viva = viva_of(request)
    before = viva.grade(question_id, answer)[1].score
    question, result = viva.dispute_grade(question_id, answer, score, note=note or None)
    t = translator(ui_lang(request))
    message = t("dispute.saved", score=f"{score:g}", before=before)
    return _grade_partial(request, question, answer, result, message)


def _grade_partial(
    request: Request, question: Question, answer: str, result: Any, message: str
) -> HTMLResponse:
    return page(
        request,
        "_grade.html",
        q=question,
        grade=result,
        answer=answer,
        marked=evidence_html(answer, result) if result is not None else "",
        body=question_html(question),
        notice=message,
    )
