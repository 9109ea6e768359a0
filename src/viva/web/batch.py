"""Batch grading in the browser: what `viva grade --batch` does, for a class's written answers.

Upload a CSV (or JSONL) with the columns question, reference, answer (key_points optional,
other columns kept); the file is checked at once (a bad line is named), then graded as a job
(`service.jobs`), whose progress the page polls; the graded file downloads as CSV with a BOM,
so Excel opens the Chinese in it correctly. In multi-user mode only teachers and admins reach
it; in the personal use the local user does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from viva.errors import Forbidden
from viva.web.context import page, viva_of
from viva.web.jobs import answer, finished, service_of
from viva.web.uploads import read_uploads

if TYPE_CHECKING:
    from viva.service import Job

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])

ROLES = ("teacher", "admin")
PAGE_WAIT = 2.0  # seconds the upload's answer waits before the page polls instead
MAX_ID = 64


def may_grade_batches(request: Request) -> bool:
    """Teachers and admins (multi-user), or the personal use's local user."""
    if not viva_of(request).settings.multi_user:
        return True
    account = getattr(request.state, "account", None)
    return account is not None and account.role in ROLES


def _check(request: Request) -> None:
    if not may_grade_batches(request):
        raise Forbidden(
            "batch grading is for teachers and admins",
            hint="ask the admin for the teacher role if you grade a class's answers",
        )


def _media_type(filename: str) -> str:
    return "text/csv; charset=utf-8" if filename.endswith(".csv") else "application/x-ndjson"


# --- pages ------------------------------------------------------------------------------------
@pages.get("/grade/batch", response_class=HTMLResponse)
def batch_page(request: Request) -> HTMLResponse:
    _check(request)
    limit = viva_of(request).settings.max_upload_bytes // (1024 * 1024)
    return page(request, "batch.html", nav="grade", limit=limit)


@pages.post("/grade/batch", response_class=HTMLResponse)
async def batch_upload(request: Request, file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """Check the file, hand its grading to a job, and answer with the job's fragment (which
    polls until the summary and the download replace it)."""
    from starlette.concurrency import run_in_threadpool

    _check(request)
    viva = service_of(request)
    (upload,) = await read_uploads([file], viva.settings.max_upload_bytes)
    job = await run_in_threadpool(viva.submit_batch_grade, upload.data, upload.filename)
    job = await finished(request, job, PAGE_WAIT)
    return _fragment(request, job)


@pages.get("/grade/batch/{job_id}", response_class=HTMLResponse)
def batch_progress(request: Request, job_id: str) -> HTMLResponse:
    """A batch job's fragment: its progress, then the summary and the download."""
    _check(request)
    return _fragment(request, viva_of(request).job(job_id[:MAX_ID]))


@pages.get("/grade/batch/{job_id}/graded")
def batch_download(request: Request, job_id: str) -> FileResponse:
    """The graded file of a finished batch."""
    _check(request)
    path, filename = viva_of(request).batch_file(job_id[:MAX_ID])
    return FileResponse(path, media_type=_media_type(filename), filename=filename)


def _fragment(request: Request, job: Job) -> HTMLResponse:
    """Polling while under way; a failed job's error is shown in place (and polling stops)."""
    return page(request, "_batch_job.html", job=job, result=job.result or {})


# --- the JSON API -----------------------------------------------------------------------------
@api.post(
    "/grade/batch",
    summary="Grade a CSV/JSONL file of answers (a job: `Prefer: respond-async` answers 202)",
)
async def api_batch(
    request: Request,
    file: Annotated[
        UploadFile, File(description="CSV or JSONL: question, reference, answer[, key_points]")
    ],
) -> Any:
    """The summary (`rows`, `graded`, `errors`) and `download`, the graded file's URL; or 202
    and the job. A file that is not a batch is refused at once (400, naming the line)."""
    from starlette.concurrency import run_in_threadpool

    _check(request)
    viva = service_of(request)
    (upload,) = await read_uploads([file], viva.settings.max_upload_bytes)
    job = await run_in_threadpool(viva.submit_batch_grade, upload.data, upload.filename)

    def shape(result: dict[str, Any]) -> dict[str, Any]:
        return {
            "job": job.id,
            "rows": result["rows"],
            "graded": result["graded"],
            "errors": result["errors"],
            "download": f"/api/grade/batch/{job.id}/graded",
        }

    return await answer(request, job, shape)


@api.get("/grade/batch/{job_id}/graded", summary="The graded file of a finished batch")
def api_batch_download(request: Request, job_id: str) -> FileResponse:
    _check(request)
    path, filename = viva_of(request).batch_file(job_id[:MAX_ID])
    return FileResponse(path, media_type=_media_type(filename), filename=filename)
