"""Signing in, for the hosted use (`viva serve --multi-user`, or `VIVA_MULTI_USER=1`).

Every request is looked up by its session cookie (`viva_session`: `HttpOnly`, `SameSite=Lax`,
`Secure` over TLS or behind a TLS proxy) and runs as that user. Without a session, an API call
gets 401 JSON and a page is sent to the sign-in page; only the sign-in and sign-up pages and
the static files answer. CSRF stays as it is (`guard`): every form and API write needs the
token and our own Origin, the sign-in form included.

Without multi-user mode none of this is mounted: the personal use has no account.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from viva.service.accounts import MAX_PASSWORD, PasswordError, SignedIn, SignInThrottled
from viva.web.context import error_response, page, ui_lang, viva_of
from viva.web.i18n import LANGUAGES, translator

if TYPE_CHECKING:
    from viva.config import OidcSettings, Settings
    from viva.service import Viva
    from viva.store.accounts import Account

SESSION_COOKIE = "viva_session"
LANG_COOKIE = "viva_lang"  # the language of the pages seen before signing in
ANONYMOUS = ""  # no user has this name: a request without a session can reach no one's data
PUBLIC = frozenset(
    {
        "/sign-in",
        "/sign-in/language",
        "/sign-in/sso",  # single sign-on (web.sso): off to the provider, and back
        "/sign-in/sso/callback",
        "/sign-up",
        "/api/sign-in",
        "/favicon.ico",
    }
)
# what a user with a one-time password may reach before choosing their own
WHILE_MUST_CHANGE = frozenset(
    {
        "/account/password",
        "/sign-out",
        "/sign-in/language",
        "/api/sign-out",
        "/api/account",
        "/api/account/password",
        "/favicon.ico",
    }
)
MAX_NAME = 64

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["accounts"])


# --- the middleware's part --------------------------------------------------------------------
async def dispatch(
    request: Request, call_next: Callable[[Request], Awaitable[Response]], service: Viva
) -> Response:
    """Run the request as the user its session signs in, or refuse it (see the module)."""
    path = request.url.path
    token = request.cookies.get(SESSION_COOKIE, "")
    anonymous = service.as_user(ANONYMOUS)
    with service.signed_in(token) as viva:
        account = None if viva is None else viva.account
        request.state.account = account
        request.state.viva = viva or anonymous
        if account is None:
            request.state.lang = anonymous_lang(request)
            if not (path in PUBLIC or path.startswith("/static/")):
                response = _sign_in_required(request)
                if token:  # expired or ended: the browser may forget it
                    forget_session(response, request, service.settings)
                return response
        elif account.must_change_password and not (
            path in WHILE_MUST_CHANGE or path.startswith("/static/")
        ):
            return _password_change_required(request)
        try:
            return await call_next(request)
        finally:
            request.state.viva = anonymous  # what error pages after the request may use


def anonymous_lang(request: Request) -> str:
    """The language before signing in: the one chosen on the sign-in page, else the
    browser's first choice between Chinese and English (Chinese when it names neither)."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh"
        if code.startswith("en"):
            return "en"
    return "zh"


def safe_next(raw: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    if not raw or not raw.startswith("/") or raw.startswith(("//", "/\\")) or "\n" in raw:
        return "/"
    return raw[:1000]


def _sign_in_required(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/sign-in" if target == "/" else f"/sign-in?next={quote(target, safe='/')}"
    return _turned_away(
        request,
        401,
        "sign in first: this server has accounts",
        "POST /api/sign-in with your name and password, then send the cookie",
        page=url,
    )


def _password_change_required(request: Request) -> Response:
    return _turned_away(
        request,
        403,
        "choose your own password first: this one was made by the admin",
        "POST /api/account/password with the current and a new password",
        page="/account/password",
    )


def _turned_away(request: Request, status: int, error: str, hint: str, *, page: str) -> Response:
    """A request that cannot go on yet: an API call gets `status` with what to do; a page,
    or an HTMX call (the whole page goes), is sent to `page`, where it can be done."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": error, "hint": hint}, status_code=status)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": page})
    return RedirectResponse(page, status_code=303)


def is_secure(request: Request, settings: Settings) -> bool:
    """True when the browser reached us over TLS (directly, or through a TLS proxy)."""
    return request.url.scheme == "https" or settings.behind_tls_proxy


def remember_session(response: Response, request: Request, signed: SignedIn) -> None:
    """Give the browser the session cookie."""
    settings = viva_of(request).settings
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=int(settings.session_seconds),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_secure(request, settings),
    )


def forget_session(response: Response, request: Request, settings: Settings) -> None:
    """Tell the browser to drop the session cookie."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_secure(request, settings),
    )


def _address(request: Request) -> str | None:
    # uvicorn puts the proxy's X-Forwarded-For here when the proxy is a trusted address
    return request.client.host if request.client else None


def _account(request: Request) -> Account | None:
    account: Account | None = getattr(request.state, "account", None)
    return account


def _go(url: str, status: int = 204) -> Response:
    """Send the browser to another page (an HTMX form's answer)."""
    return Response(status_code=status, headers={"HX-Redirect": url})


def _throttled(request: Request, error: SignInThrottled) -> Response:
    response = error_response(request, 429, error.message, error.hint)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


# --- what the sign-in page shows of single sign-on (the flow itself: web.sso) -----------------
# why a single sign-on was refused, as the sign-in page tells it (`sso.<reason>` in i18n)
SSO_REASONS = frozenset(
    {"unreachable", "denied", "state", "token", "disabled", "no_account", "linked", "no_name"}
)


def _sso_button(request: Request) -> str | None:
    """The sign-in page's single sign-on button (None: not configured)."""
    oidc: OidcSettings | None = getattr(getattr(request.app.state, "sso", None), "oidc", None)
    if oidc is None:
        return None
    lang = ui_lang(request)
    t = translator(lang)
    return str(t("sso.button", name=oidc.name_in(lang) or t("sso.default_name")))


def _sso_refusal(request: Request, reason: str | None) -> tuple[str, str] | None:
    """The sign-in page's message and hint for a refused single sign-on (None: no such)."""
    if reason not in SSO_REASONS:
        return None
    t = translator(ui_lang(request))
    return str(t(f"sso.{reason}")), str(t(f"sso.{reason}.hint"))


# --- pages ------------------------------------------------------------------------------------
@pages.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request, next: str | None = None, sso: str | None = None, deleted: str = ""
) -> Response:
    if _account(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    settings = viva_of(request).settings
    refused = _sso_refusal(request, sso)  # single sign-on came back refused: why
    return page(
        request,
        "sign_in.html",
        next=safe_next(next),
        open_sign_up=settings.open_sign_up,
        sso=_sso_button(request),
        sso_error=None if refused is None else refused[0],
        sso_hint=None if refused is None else refused[1],
        deleted=deleted == "1",
    )


@pages.post("/sign-in")
def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=MAX_NAME)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    next: Annotated[str, Form(max_length=1000)] = "/",
) -> Response:
    try:
        signed = viva_of(request).accounts.sign_in(name, password, address=_address(request))
    except SignInThrottled as error:
        return _throttled(request, error)
    keep_language(request, signed)
    response = _go("/account/password" if signed.account.must_change_password else safe_next(next))
    remember_session(response, request, signed)
    return response


def keep_language(request: Request, signed: SignedIn) -> None:
    """At an account's first sign-in, the language of the sign-in page becomes theirs."""
    if signed.is_first:
        viva_of(request).as_user(signed.account.name).set_preferences(
            ui_lang=anonymous_lang(request)
        )


@pages.post("/sign-in/language")
def sign_in_language(request: Request) -> Response:
    """Switch the language of the pages before signing in (a cookie: there is no user yet)."""
    lang = "en" if anonymous_lang(request) == "zh" else "zh"
    response = Response(status_code=204, headers={"HX-Refresh": "true"})
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, path="/", samesite="lax")
    return response


@pages.get("/sign-up", response_class=HTMLResponse)
def sign_up_page(request: Request) -> Response:
    viva = viva_of(request)
    if not viva.settings.open_sign_up:
        return RedirectResponse("/sign-in", status_code=303)
    if _account(request) is not None:
        return RedirectResponse("/", status_code=303)
    return page(request, "sign_up.html")


@pages.post("/sign-up")
def sign_up(
    request: Request,
    name: Annotated[str, Form(max_length=MAX_NAME)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    confirm: Annotated[str, Form(max_length=MAX_PASSWORD)],
) -> Response:
    if password != confirm:
        raise PasswordError("the two passwords differ")
    signed = viva_of(request).accounts.sign_up(name, password)
    keep_language(request, signed)
    response = _go("/")
    remember_session(response, request, signed)
    return response


@pages.post("/sign-out")
def sign_out(request: Request) -> Response:
    viva = viva_of(request)
    viva.accounts.sign_out(request.cookies.get(SESSION_COOKIE, ""))
    response = _go("/sign-in")
    forget_session(response, request, viva.settings)
    # the sign-in page goes on in the language the user had
    response.set_cookie(
        LANG_COOKIE, ui_lang(request), max_age=365 * 24 * 3600, path="/", samesite="lax"
    )
    return response


@pages.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request) -> HTMLResponse:
    return page(request, "password.html", nav="", must_change=_must_change(request))


@pages.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=MAX_PASSWORD)],
    new: Annotated[str, Form(max_length=MAX_PASSWORD)],
    confirm: Annotated[str, Form(max_length=MAX_PASSWORD)],
) -> Response:
    from viva.web.i18n import translator

    if new != confirm:
        raise PasswordError("the two new passwords differ")
    was_one_time = _must_change(request)
    viva_of(request).accounts.change_password(request.cookies.get(SESSION_COOKIE, ""), current, new)
    if was_one_time:
        return _go("/")
    message = translator(ui_lang(request))("auth.changed")
    return page(request, "_saved.html", message=message)


def _must_change(request: Request) -> bool:
    account = _account(request)
    return account is not None and account.must_change_password


# --- the JSON API -----------------------------------------------------------------------------
class SignInBody(BaseModel):
    name: str = Field(max_length=MAX_NAME, description="The account name.")
    password: str = Field(max_length=MAX_PASSWORD)


class PasswordBody(BaseModel):
    current: str = Field(max_length=MAX_PASSWORD, description="The password used now.")
    new: str = Field(max_length=MAX_PASSWORD, description="At least 8 characters.")


def _account_json(account: Account) -> dict[str, object]:
    return {
        "name": account.name,
        "role": account.role,
        "must_change_password": account.must_change_password,
        "last_sign_in_at": None
        if account.last_sign_in_at is None
        else account.last_sign_in_at.isoformat(),
    }


@api.post("/sign-in")
def api_sign_in(request: Request, body: SignInBody) -> Response:
    """Sign in: the answer sets the session cookie (send it with every later request)."""
    try:
        signed = viva_of(request).accounts.sign_in(
            body.name, body.password, address=_address(request)
        )
    except SignInThrottled as error:
        return _throttled(request, error)
    response = JSONResponse(
        {**_account_json(signed.account), "expires_at": signed.expires_at.isoformat()}
    )
    remember_session(response, request, signed)
    return response


@api.post("/sign-out")
def api_sign_out(request: Request) -> Response:
    """End this session."""
    viva = viva_of(request)
    viva.accounts.sign_out(request.cookies.get(SESSION_COOKIE, ""))
    response = JSONResponse({"signed_out": True})
    forget_session(response, request, viva.settings)
    return response


@api.get("/account")
def api_account(request: Request) -> dict[str, object]:
    """The signed-in account."""
    account = _account(request)
    assert account is not None  # the middleware answered 401 otherwise
    return _account_json(account)


@api.post("/account/password")
def api_change_password(request: Request, body: PasswordBody) -> dict[str, object]:
    """Change the password; the account's other sessions end."""
    account = viva_of(request).accounts.change_password(
        request.cookies.get(SESSION_COOKIE, ""), body.current, body.new
    )
    return _account_json(account)
