"""Jobs over HTTP: a request that hands work to a job answers with it, or waits for it.

`POST /api/import` and `POST /api/transcribe` record a job. With `Prefer: respond-async`
(RFC 7240) they answer at once, `202 Accepted` with the job and its `Location`; the page then
polls `GET /api/jobs/{id}`. Without it they wait for the job (at most `Prefer: wait=N`
seconds, else 10 minutes) and answer with its result as before, so scripts need no change; a
job still running then is answered `202` like the asynchronous case.

A waiting request holds no thread and no database connection: each poll is a short unit of
work of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from viva.service import Job, Viva
from viva.web.context import viva_of

router = APIRouter(prefix="/api", tags=["api"])

DEFAULT_WAIT = 600.0  # seconds a request without `Prefer: wait` waits for its job
POLL_FIRST, POLL_MOST = 0.05, 0.5  # seconds between two looks at a job (doubling)


@router.get("/jobs/{job_id}", summary="A job: its state and progress, then its result or error")
def job(request: Request, job_id: str) -> dict[str, Any]:
    """`state` is queued, running, done or failed; `result` is what the request that made the
    job would have answered; `error` has the error, hint and HTTP status."""
    return service_of(request).job(job_id[:64]).to_json()


def service_of(request: Request) -> Viva:
    """The app's façade for the request's user (a unit of work per call, not the request's):
    for requests that wait, so no pooled connection is held while they do."""
    app_viva: Viva = request.app.state.viva
    user = viva_of(request).user  # the signed-in user (multi-user), else the local one
    return app_viva if user == app_viva.user else app_viva.as_user(user)


def preferred_wait(request: Request) -> float:
    """Seconds the client is willing to wait for the job (0: answer at once)."""
    wait = DEFAULT_WAIT
    for part in request.headers.get("prefer", "").split(","):
        token = part.strip().lower()
        if token == "respond-async":
            return 0.0
        if token.startswith("wait="):
            try:
                wait = max(0.0, min(float(token[5:]), DEFAULT_WAIT))
            except ValueError:
                continue
    return wait


async def finished(request: Request, job: Job, wait: float) -> Job:
    """The job once finished, or as it is after `wait` seconds."""
    viva = service_of(request)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    delay = POLL_FIRST
    while not job.is_finished and loop.time() < deadline:
        await asyncio.sleep(min(delay, max(0.0, deadline - loop.time())))
        delay = min(delay * 2, POLL_MOST)
        job = await run_in_threadpool(viva.job, job.id)
    return job


def accepted(job: Job) -> Response:
    """202: the job is under way; where to ask about it."""
    location = f"/api/jobs/{job.id}"
    return JSONResponse(
        job.to_json(),
        status_code=202,
        headers={"Location": location, "Preference-Applied": "respond-async"},
    )


async def answer(
    request: Request, job: Job, shape: Callable[[dict[str, Any]], dict[str, Any]] = dict
) -> Any:
    """The job's result (shaped) when it finishes in the time the client waits, else 202; a
    failed job is its error, with its status."""
    job = await finished(request, job, preferred_wait(request))
    if not job.is_finished:
        return accepted(job)
    return shape(job.outcome())
