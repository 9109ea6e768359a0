"""The FastAPI application: one `Viva` per process (bound to a unit of work per request),
security headers, CSRF, errors, languages."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from viva import __version__
from viva.errors import VivaError
from viva.web import auth, guard
from viva.web.context import CSRF_COOKIE, HERE, error_response, templates, ui_lang
from viva.web.i18n import translator

if TYPE_CHECKING:
    from viva.config import Settings
    from viva.service import Viva

log = logging.getLogger("viva.web")

# Scripts only from our own origin (no inline script), so even a sanitiser miss could not run
# code; KaTeX sets inline styles; recorded answers are played from blob: URLs.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; media-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(
    settings: Settings | None = None, *, viva: Viva | None = None, hosts: Sequence[str] = ()
) -> FastAPI:
    """The web app over a `Viva` (built from `settings`, or the environment).

    `hosts`: the addresses the server is bound to (`--host`, else the settings' `serve_host`);
    with loopback and `VIVA_ALLOWED_HOSTS` they are the only Host names it answers.

    Everything the app keeps is per process (the engine, the models, the job runner) or safe
    to lose (the recent-grade cache: a review on another worker grades again); what a user's
    requests share lives in the database (interviews in progress, jobs) or in the browser
    (the CSRF token is a double-submit cookie, checked against the header, with no server
    secret). So `viva serve --workers N` runs N copies of it on one database.
    """
    if viva is None:
        from viva.config import load_settings
        from viva.service import Viva as Service

        viva = Service(settings or load_settings())
    service = viva
    if not hosts and service.settings.serve_host:
        hosts = [service.settings.serve_host]
    known_hosts = guard.allowed_hosts(service.settings, hosts)
    provider = None
    if service.settings.multi_user and service.settings.oidc is not None:
        from viva.web.sso import Provider

        provider = Provider(service.settings.oidc)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.ensure_builtin()
        if provider is not None:
            await provider.warm()  # discovery now rather than at the first click
        yield
        service.close()  # the job runner too (a local job under way is abandoned)

    app = FastAPI(
        title="Viva",
        version=__version__,
        description="Offline coach for oral technical interviews: the JSON API the pages use.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: ours serves it offline
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.viva = service
    app.state.sso = provider  # single sign-on's client (None: passwords only)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # inside `checks` (middleware added later wraps what was added before)
    app.add_middleware(guard.BodyLimit, settings=service.settings)

    @app.middleware("http")
    async def checks(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        token = request.cookies.get(CSRF_COOKIE) or ""
        fresh = not token
        if fresh:
            token = secrets.token_urlsafe(24)
        request.state.csrf = token
        problem = guard.host_problem(request, known_hosts)
        if problem is None and request.method in guard.UNSAFE:
            problem = guard.csrf_problem(request, token, fresh)
        if problem is None:
            problem = guard.read_problem(request)
        if problem is not None:
            # no cookie for a refused request: a rebinding page must not learn the token
            return _secured(_refusal(request, 403, problem), token, fresh=False)
        too_large = guard.size_problem(request, service.settings)
        if too_large is not None:
            key, limit = too_large
            response = _refusal(request, 413, key, limit=guard.size_text(limit))
            response.headers["Connection"] = "close"  # the unread body must not be parsed
            return _secured(response, token, fresh)
        if service.settings.multi_user:  # the signed-in user's unit of work, or a refusal
            return _secured(await auth.dispatch(request, call_next, service), token, fresh)
        # one unit of work (one connection, checked out on first use) for the whole request
        with service.bound() as viva:
            request.state.viva = viva
            try:
                response = await call_next(request)
            finally:
                request.state.viva = service
        return _secured(response, token, fresh)

    @app.exception_handler(VivaError)
    async def viva_error(request: Request, error: VivaError) -> Response:
        return error_response(request, error.http_status, error.message, error.hint)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        lang = translator(ui_lang(request)) if error.status_code == 404 else None
        message = (
            lang("error.not_found")
            if lang is not None and error.detail == "Not Found"
            else str(error.detail)
        )
        return error_response(request, error.status_code, message, None)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in error.errors()
        )
        return error_response(
            request, 422, f"the request is not valid ({problems})", "see /api/docs for the fields"
        )

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        return error_response(
            request,
            500,
            "Viva hit an internal error; nothing was changed",
            "the details are in the server's log",
        )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "api_docs.html", {})

    from viva.web import account_data, api, batch, edits, jobs, pages

    if service.settings.multi_user:
        from viva.web import classes

        app.include_router(auth.api)
        app.include_router(auth.pages)
        if provider is not None:
            from viva.web import sso

            app.include_router(sso.router)
        app.include_router(account_data.api)
        app.include_router(account_data.pages)
        app.include_router(classes.api)
        app.include_router(classes.pages)
    app.include_router(account_data.export_api)
    app.include_router(account_data.export)
    app.include_router(batch.api)
    app.include_router(batch.pages)
    app.include_router(api.router)
    app.include_router(jobs.router)
    app.include_router(edits.router)
    app.include_router(pages.router)
    return app


def check_single_sign_on(settings: Settings) -> None:
    """Refuse settings single sign-on cannot work with, before the server starts: it is
    configured without multi-user mode, Authlib is missing, or discovery at the provider
    fails (`viva serve` calls this once, so a worker never meets it at the first click).

    Raises:
        ConfigError: what is wrong, with a hint.
    """
    from viva.errors import ConfigError

    if settings.oidc is None:
        return
    if not settings.multi_user:
        raise ConfigError(
            "single sign-on (VIVA_OIDC_ISSUER) is set, but signing in is off",
            hint="start with --multi-user (or VIVA_MULTI_USER=1), or unset VIVA_OIDC_*",
        )
    from viva.web.sso import check_provider

    check_provider(settings.oidc)


def app_from_environment() -> FastAPI:
    """The app built from the environment's settings: the factory each worker process of
    `viva serve --workers N` calls (uvicorn `factory=True`), so each builds its own engine,
    models and job runner."""
    return create_app()


def _refusal(request: Request, status: int, key: str, **values: object) -> Response:
    """A refusal in English for the API (scripts read it), else in the interface language."""
    if key == "guard.host":  # a foreign host is told in both languages, and shown nothing else
        text = " / ".join(guard.message(key, lang) for lang in ("zh", "en"))
        hints = " / ".join(guard.hint(key, lang) for lang in ("zh", "en"))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": text, "hint": hints}, status_code=status)
        return PlainTextResponse(f"{text}\n{hints}\n", status_code=status)
    lang = "en" if request.url.path.startswith("/api/") else ui_lang(request)
    return error_response(
        request, status, guard.message(key, lang, **values), guard.hint(key, lang)
    )


def _secured(response: Response, token: str, fresh: bool) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if fresh:
        response.set_cookie(CSRF_COOKIE, token, samesite="strict", httponly=False, path="/")
    return response
