"""Classes (the hosted use): `/classes` for teachers and students, the class page, a student's
answers and interview reports for their teacher, and the JSON API under `/api/classes`.

Mounted only with `--multi-user`: the personal use has no classes (these routes are 404 there).
Who may see what is the service's decision (`viva.service.classes`); each handler parses, makes
one service call and renders.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from viva.service.classes import MAX_CLASS_NAME, MAX_NOTE
from viva.web.context import page, viva_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/classes", tags=["classes"])

MAX_CODE = 32
MAX_NAME = 64
MAX_BANK = 200


def _redirect(url: str) -> Response:
    return Response(status_code=204, headers={"HX-Redirect": url})


def _refresh() -> Response:
    return Response(status_code=204, headers={"HX-Refresh": "true"})


def _class_url(class_id: int, student: str | None = None) -> str:
    base = f"/classes/{class_id}"
    return base if student is None else f"{base}/students/{quote(student, safe='')}"


# --- pages ------------------------------------------------------------------------------------
@pages.get("/classes", response_class=HTMLResponse)
def classes_page(request: Request) -> HTMLResponse:
    viva = viva_of(request)
    found = viva.classes()
    return page(
        request,
        "classes.html",
        nav="classes",
        is_teacher=viva.is_teacher(),
        taught=[c for c in found if c.is_teacher],
        joined=[c for c in found if not c.is_teacher],
    )


@pages.post("/classes")
def create_class(
    request: Request, name: Annotated[str, Form(max_length=MAX_CLASS_NAME * 2)]
) -> Response:
    made = viva_of(request).create_class(name)
    return _redirect(_class_url(made.id))


@pages.post("/classes/join")
def join_class(request: Request, code: Annotated[str, Form(max_length=MAX_CODE)]) -> Response:
    viva_of(request).join_class(code)
    return _redirect("/classes")


@pages.post("/classes/{class_id}/leave")
def leave_class(request: Request, class_id: int) -> Response:
    viva_of(request).leave_class(class_id)
    return _redirect("/classes")


@pages.get("/classes/{class_id}", response_class=HTMLResponse)
def class_page(request: Request, class_id: int) -> HTMLResponse:
    report = viva_of(request).class_report(class_id)
    return page(request, "class.html", nav="classes", c=report.info, report=report)


@pages.post("/classes/{class_id}/code")
def regenerate_code(request: Request, class_id: int) -> Response:
    viva_of(request).regenerate_code(class_id)
    return _refresh()


@pages.post("/classes/{class_id}/delete")
def delete_class(request: Request, class_id: int) -> Response:
    viva_of(request).delete_class(class_id)
    return _redirect("/classes")


@pages.post("/classes/{class_id}/banks")
def share_bank(
    request: Request,
    class_id: int,
    bank: Annotated[str, Form(max_length=MAX_BANK)],
    shared: Annotated[str, Form()] = "1",
) -> Response:
    viva = viva_of(request)
    if shared == "1":
        viva.share_bank(class_id, bank)
    else:
        viva.unshare_bank(class_id, bank)
    return _refresh()


@pages.post("/classes/{class_id}/students/{student}/remove")
def remove_student(request: Request, class_id: int, student: str) -> Response:
    viva_of(request).remove_student(class_id, student[:MAX_NAME])
    return _redirect(_class_url(class_id))


@pages.get("/classes/{class_id}/students/{student}", response_class=HTMLResponse)
def student_page(request: Request, class_id: int, student: str) -> HTMLResponse:
    viva = viva_of(request)
    answers = viva.student_answers(class_id, student[:MAX_NAME])
    return page(
        request,
        "class_student.html",
        nav="classes",
        class_id=class_id,
        student=student,
        answers=answers,
        interviews=viva.student_interviews(class_id, student[:MAX_NAME])[:10],
    )


@pages.post("/classes/{class_id}/reviews/{review_id}/correct", response_class=HTMLResponse)
def correct_grade(
    request: Request,
    class_id: int,
    review_id: int,
    score: Annotated[float, Form(ge=0, le=100)],
    note: Annotated[str, Form(max_length=MAX_NOTE * 2)] = "",
) -> HTMLResponse:
    fixed = viva_of(request).correct_grade(class_id, review_id, score, note=note or None)
    return page(request, "_correction.html", a=fixed, class_id=class_id)


@pages.get(
    "/classes/{class_id}/students/{student}/interviews/{interview_id}",
    response_class=HTMLResponse,
)
def student_report(
    request: Request, class_id: int, student: str, interview_id: int
) -> HTMLResponse:
    from viva.web.pages import report_page

    saved = viva_of(request).student_interview(class_id, student[:MAX_NAME], interview_id)
    return report_page(
        request, saved, nav="classes", read_only_for=student, back=_class_url(class_id, student)
    )


# --- the JSON API -----------------------------------------------------------------------------
class ClassBody(BaseModel):
    name: str = Field(max_length=MAX_CLASS_NAME * 2, description="The class's name.")


class JoinBody(BaseModel):
    code: str = Field(max_length=MAX_CODE, description="The join code the teacher gave.")


class BankBody(BaseModel):
    bank: str = Field(max_length=MAX_BANK, description="One of the teacher's own banks.")


class CorrectionBody(BaseModel):
    score: float = Field(ge=0, le=100, description="The teacher's score of the answer (0-100).")
    note: str | None = Field(default=None, max_length=MAX_NOTE * 2)


@api.get("")
def api_classes(request: Request) -> list[dict[str, object]]:
    """The classes you teach, then those you belong to."""
    return [c.to_json() for c in viva_of(request).classes()]


@api.post("")
def api_create_class(request: Request, body: ClassBody) -> dict[str, object]:
    """Create a class (teachers and admins): its join code is in the answer."""
    return viva_of(request).create_class(body.name).to_json()


@api.post("/join")
def api_join(request: Request, body: JoinBody) -> dict[str, object]:
    """Join a class with its code (wrong codes are limited per account)."""
    return viva_of(request).join_class(body.code).to_json()


@api.get("/{class_id}")
def api_class(request: Request, class_id: int) -> dict[str, object]:
    """The class page: per student, last active, due, readiness, weakest, interviews."""
    return viva_of(request).class_report(class_id).to_json()


@api.delete("/{class_id}")
def api_delete_class(request: Request, class_id: int) -> dict[str, bool]:
    """Delete a class of yours."""
    viva_of(request).delete_class(class_id)
    return {"deleted": True}


@api.post("/{class_id}/code")
def api_new_code(request: Request, class_id: int) -> dict[str, object]:
    """Give the class a new join code (the old one joins no one any more)."""
    return viva_of(request).regenerate_code(class_id).to_json()


@api.post("/{class_id}/leave")
def api_leave(request: Request, class_id: int) -> dict[str, bool]:
    """Leave a class you belong to."""
    viva_of(request).leave_class(class_id)
    return {"left": True}


@api.post("/{class_id}/banks")
def api_share(request: Request, class_id: int, body: BankBody) -> dict[str, object]:
    """Share one of your banks with the class (read-only for its students)."""
    return viva_of(request).share_bank(class_id, body.bank).to_json()


@api.delete("/{class_id}/banks/{bank}")
def api_unshare(request: Request, class_id: int, bank: str) -> dict[str, object]:
    """Stop sharing a bank with the class."""
    return viva_of(request).unshare_bank(class_id, bank[:MAX_BANK]).to_json()


@api.delete("/{class_id}/students/{student}")
def api_remove_student(request: Request, class_id: int, student: str) -> dict[str, bool]:
    """Take a student out of the class."""
    viva_of(request).remove_student(class_id, student[:MAX_NAME])
    return {"removed": True}


@api.get("/{class_id}/students/{student}/answers")
def api_answers(request: Request, class_id: int, student: str) -> list[dict[str, object]]:
    """A student's latest graded drill answers, with corrections."""
    return [a.to_json() for a in viva_of(request).student_answers(class_id, student[:MAX_NAME])]


@api.get("/{class_id}/students/{student}/interviews/{interview_id}")
def api_student_interview(
    request: Request, class_id: int, student: str, interview_id: int
) -> dict[str, Any]:
    """One of a student's mock interview reports."""
    saved = viva_of(request).student_interview(class_id, student[:MAX_NAME], interview_id)
    return {
        "id": saved.id,
        "plan": saved.plan,
        "finished_at": saved.finished_at.isoformat(),
        "overall": saved.overall,
        "report": saved.report,
    }


@api.post("/{class_id}/reviews/{review_id}/correction")
def api_correct(
    request: Request, class_id: int, review_id: int, body: CorrectionBody
) -> dict[str, object]:
    """Correct the grade of a student's answer: it feeds the grader of the whole class."""
    fixed = viva_of(request).correct_grade(class_id, review_id, body.score, note=body.note)
    return fixed.to_json()
