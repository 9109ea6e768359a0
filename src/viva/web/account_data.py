"""The student's data: "export my data" (every mode) and "delete my account" (multi-user).

The export is written to a temp folder under the data dir and removed once sent. Deleting an
account needs the current password and the account's name typed again; the session ends with
it. The personal use has no account to delete: the settings page says which folder holds
everything instead.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from viva.service.accounts import MAX_PASSWORD
from viva.web.auth import SESSION_COOKIE, forget_session
from viva.web.context import page, viva_of

export = APIRouter(include_in_schema=False)
export_api = APIRouter(prefix="/api", tags=["api"])
pages = APIRouter(include_in_schema=False)  # multi-user only
api = APIRouter(prefix="/api", tags=["accounts"])  # multi-user only


def _export(request: Request) -> FileResponse:
    import tempfile

    from starlette.background import BackgroundTask

    viva = viva_of(request)
    staging = viva.settings.home / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=staging, prefix="export-"))
    day = datetime.now(UTC).strftime("%Y%m%d")
    name = f"viva-{re.sub(r'[^A-Za-z0-9._-]+', '_', viva.user)}-{day}.zip"
    try:
        report = viva.export_data(folder / name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        report.path,
        media_type="application/zip",
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@export.get("/settings/export.zip")
def export_page(request: Request) -> FileResponse:
    """Everything of the user as a zip, downloaded (the settings page's button)."""
    return _export(request)


@export_api.get(
    "/export",
    summary="Everything of yours as a zip: every row as JSON, notes, recordings, a README",
    response_class=FileResponse,
)
def export_data(request: Request) -> FileResponse:
    """`data.json` (every database row of yours, by table; no password or session hashes),
    `files/` (recordings, uploaded notes, graded batches), `assets/` and `README.txt`."""
    return _export(request)


# --- deleting an account (multi-user) ----------------------------------------------------------
@pages.get("/account/delete", response_class=HTMLResponse)
def delete_page(request: Request) -> HTMLResponse:
    return page(request, "account_delete.html", nav="settings")


@pages.post("/account/delete")
def delete_account(
    request: Request,
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    confirm: Annotated[str, Form(max_length=64)],
) -> Response:
    viva = viva_of(request)
    viva.accounts.delete_own(request.cookies.get(SESSION_COOKIE, ""), password, confirm=confirm)
    response = Response(status_code=204, headers={"HX-Redirect": "/sign-in?deleted=1"})
    forget_session(response, request, viva.settings)
    return response


class DeleteBody(BaseModel):
    password: str = Field(max_length=MAX_PASSWORD, description="The current password.")
    confirm: str = Field(max_length=64, description="The account's name, typed again.")


@api.post("/account/delete", summary="Delete your account and all its data, for good")
def api_delete_account(request: Request, body: DeleteBody) -> Response:
    """Every row you own and every file of yours go; the session ends. Export first."""
    viva = viva_of(request)
    deleted = viva.accounts.delete_own(
        request.cookies.get(SESSION_COOKIE, ""), body.password, confirm=body.confirm
    )
    response = JSONResponse(
        {"deleted": deleted.name, "rows": sum(deleted.rows.values()), "files": deleted.files}
    )
    forget_session(response, request, viva.settings)
    return response
