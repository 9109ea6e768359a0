"""What every route needs: the service, the interface language, page rendering, errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from viva import __version__
from viva.messages import localised
from viva.web.i18n import translator
from viva.web.marks import marked

if TYPE_CHECKING:
    from viva.service import Viva

HERE = Path(__file__).parent
CSRF_COOKIE = "viva_csrf"
#: The grader reads the first 20,000 characters of an answer (grading.signals.MAX_ANSWER_CHARS);
#: a longer one is refused at the edge rather than stored whole and graded truncated.
MAX_ANSWER = 20_000
MAX_ID = 64  # a question id is 16 hex digits; a prefix is shorter
MAX_SPOKEN = 300  # characters the server reads out: a question (the built-in ones are under 80)

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["marked"] = marked
templates.env.filters["localised"] = lambda message, lang: localised(message, lang).text
# a fragment rendered outside `page` (its tests) has no shared banks: nothing is read-only
templates.env.globals["is_read_only"] = lambda _name: False


def viva_of(request: Request) -> Viva:
    """The service for this request: bound to its unit of work (one connection), else (a
    refusal before the request ran) the app's own."""
    viva: Viva = getattr(request.state, "viva", None) or request.app.state.viva
    return viva


def ui_lang(request: Request) -> str:
    """The interface language: the stored preference (one per data dir)."""
    cached = getattr(request.state, "lang", None)
    if cached is None:
        cached = viva_of(request).preferences().ui_lang
        request.state.lang = cached
    return str(cached)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with what every page needs (language, CSRF token, features)."""
    lang = ui_lang(request)
    viva = viva_of(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "t": translator(lang),
            "lang": lang,
            "csrf": request.state.csrf,
            "version": __version__,
            # multi-user mode: who is signed in (None: no one yet, or the personal use)
            "account": getattr(request.state, "account", None),
            "hosted": viva.settings.multi_user,
            # a bank a teacher shared with the user's class: read, drilled, never edited
            "is_read_only": viva.is_shared_bank if viva.settings.multi_user else _never,
            "has_stt": viva.speech_to_text_available(),
            # the languages the server can speak (the fallback when the browser has no voice)
            "tts_langs": " ".join(x for x in ("zh", "en") if viva.text_to_speech_available(x)),
            **context,
        },
        status_code=status,
    )


def _never(_name: str) -> bool:
    return False


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, hint: str | None) -> Response:
    """`{"error", "hint"}` for the API, a friendly page (or fragment, for HTMX) otherwise."""
    if _wants_json(request):
        return JSONResponse({"error": message, "hint": hint}, status_code=status)
    template = "_error.html" if request.headers.get("hx-request") else "error.html"
    if not hasattr(request.state, "csrf"):
        request.state.csrf = request.cookies.get(CSRF_COOKIE, "")
    try:
        lang = ui_lang(request)
        shown = localised(message, lang, fallback=translator(lang)("error.general"))
        told = None if hint is None else localised(hint, lang, fallback="-")
        return page(
            request,
            template,
            status=status,
            message=shown.text,
            detail=shown.original,
            hint=None
            if told is None or told.original is not None
            else told.text,  # unknown: left out
            status_code=status,
        )
    except Exception:  # the error page itself failed (e.g. the database is down)
        text = f"{message}\n{hint or ''}"
        return Response(text, status_code=status, media_type="text/plain; charset=utf-8")
