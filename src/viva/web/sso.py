"""Single sign-on through a school's OpenID Connect provider (`VIVA_OIDC_*`, multi-user only).

`GET /sign-in/sso` sends the browser to the provider; `GET /sign-in/sso/callback` brings it
back, and the service (`viva.service.sso`) says whom the checked ID token signs in as. The
protocol is Authlib's Starlette client: discovery, the authorization code flow with PKCE (S256),
`state` and `nonce`, and the ID token's signature (the provider's JWKS) and claims (`iss`,
`aud`, `exp`, `iat`, `nonce`) are all checked by the library, not here. Authlib talks to the
provider over httpx2 (its successor to httpx, which it still accepts with a deprecation).

What the flow needs between the two requests (the state, the nonce, the PKCE verifier, where to
go next) stays in the browser that started it, in an `HttpOnly`, `SameSite=Lax` cookie for
`/sign-in/sso` alone that lasts ten minutes: any worker can finish the flow, there is no server
secret to share, and a callback in another browser (a forged or stolen link) finds no state
and is refused. The cookie is not signed because nothing in it is trusted: each value is a
random secret of this one flow, and one changed by hand only fails that flow.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from viva.errors import ConfigError
from viva.web import auth
from viva.web.context import viva_of

if TYPE_CHECKING:
    from viva.config import OidcSettings, Settings

log = logging.getLogger("viva.web")

START = "/sign-in/sso"
CALLBACK = "/sign-in/sso/callback"
FLOW_COOKIE = "viva_sso"
FLOW_SECONDS = 600  # time to sign in at the provider
CLIENT = "school"  # the name Authlib registers the provider under
TIMEOUT = 15.0  # seconds for each request to the provider
MAX_FLOW_COOKIE = 3000  # a cookie longer than this was not written by us

router = APIRouter(include_in_schema=False)


class Provider:
    """The process's OpenID Connect client (Authlib's, for Starlette, over httpx2)."""

    def __init__(self, oidc: OidcSettings) -> None:
        try:
            from authlib.integrations.starlette_client import OAuth
        except ModuleNotFoundError:
            raise ConfigError(
                "single sign-on (VIVA_OIDC_ISSUER) needs Authlib, which is not installed",
                hint="pip install 'viva-coach[sso]' (the hosted extra includes it)",
            ) from None
        self.oidc = oidc
        oauth = OAuth()
        oauth.register(
            CLIENT,
            client_id=oidc.client_id,
            client_secret=oidc.client_secret,
            server_metadata_url=oidc.discovery_url,
            client_kwargs={
                "scope": " ".join(oidc.scopes),
                "code_challenge_method": "S256",
                "timeout": TIMEOUT,
            },
        )
        self.client: Any = oauth.create_client(CLIENT)  # Authlib has no type hints

    async def ready(self) -> None:
        """Discovery (once per process; again after a failure): the provider's metadata,
        checked to be usable for this client.

        Raises:
            ConfigError: the provider cannot be reached or its metadata does not fit.
        """
        import httpx2

        issuer = self.oidc.issuer
        try:
            metadata: dict[str, Any] = await self.client.load_server_metadata()
        except (httpx2.HTTPError, ValueError) as error:
            raise ConfigError(
                f"the identity provider {issuer} cannot be reached ({_why(error)})",
                hint=f"check VIVA_OIDC_ISSUER: {self.oidc.discovery_url} must answer",
            ) from None
        problems = []
        found = metadata.get("issuer")
        if not isinstance(found, str) or found.rstrip("/") != issuer.rstrip("/"):
            problems.append(f"its issuer is {found!r}, not {issuer!r}")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(key), str):
                problems.append(f"it names no {key}")
        if "code" not in metadata.get("response_types_supported", ["code"]):
            problems.append("it does not offer the authorization code flow")
        if problems:
            self.client.server_metadata.pop("_loaded_at", None)  # look again next time
            raise ConfigError(
                f"the identity provider {issuer} cannot be used: " + "; ".join(problems),
                hint="VIVA_OIDC_ISSUER must be the issuer exactly as the provider names it",
            )

    def claims_options(self) -> dict[str, Any]:
        """What the ID token's `iss` and `aud` must be. Authlib checks `iss` by itself, but
        `aud` only when told (OpenID Connect Core 3.1.3.7: the audience must contain our
        client id; a token for another client of the same provider is not ours)."""
        issuer = self.client.server_metadata["issuer"]
        return {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": self.oidc.client_id},
        }

    async def warm(self) -> None:
        """Discovery at a worker's start; a failure is logged and tried again at the first
        sign-in (`viva serve` has checked the settings before any worker started)."""
        try:
            await self.ready()
        except ConfigError as error:
            log.warning("single sign-on: %s (%s)", error.message, error.hint)


def check_provider(oidc: OidcSettings) -> None:
    """Run discovery once, now: `viva serve` refuses to start on settings that cannot work."""
    import asyncio

    asyncio.run(Provider(oidc).ready())


# --- the two routes --------------------------------------------------------------------------
@router.get(START)
async def start(request: Request, next: str | None = None) -> Response:
    """Send the browser to the provider (the answer's cookie holds the flow)."""
    provider = _provider(request)
    target = auth.safe_next(next)
    if getattr(request.state, "account", None) is not None:
        return RedirectResponse(target, status_code=303)
    flow: dict[str, Any] = {}
    request.scope["session"] = flow  # where Authlib keeps the state, nonce and verifier
    try:
        await provider.ready()
        redirect: Response = await provider.client.authorize_redirect(
            request, _callback_url(request)
        )
    except ConfigError as error:
        log.warning("single sign-on: %s", error.message)
        return _refused(request, "unreachable", target)
    flow["next"] = target
    redirect.set_cookie(
        FLOW_COOKIE,
        _pack(flow),
        max_age=FLOW_SECONDS,
        path=START,
        httponly=True,
        samesite="lax",  # sent with the provider's top-level redirect back to us
        secure=auth.is_secure(request, viva_of(request).settings),
    )
    return redirect


@router.get(CALLBACK, name="sso_callback")
async def callback(request: Request) -> Response:
    """Finish the flow: the ID token checked, a session started, on to where the user was
    going (or the sign-in page saying what went wrong)."""
    import httpx2
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError

    provider = _provider(request)
    flow = _unpack(request.cookies.get(FLOW_COOKIE, ""))
    request.scope["session"] = flow
    target = auth.safe_next(flow.get("next") if isinstance(flow.get("next"), str) else None)
    try:
        await provider.ready()
        token = await provider.client.authorize_access_token(
            request, claims_options=provider.claims_options()
        )
    except ConfigError as error:
        log.warning("single sign-on: %s", error.message)
        return _refused(request, "unreachable", target)
    except httpx2.HTTPError as error:
        log.warning("single sign-on: the provider did not answer (%s)", _why(error))
        return _refused(request, "unreachable", target)
    except (AuthlibBaseError, JoseError) as error:
        code = str(getattr(error, "error", "") or type(error).__name__)
        reason = {"access_denied": "denied", "mismatching_state": "state"}.get(code)
        # a token that fails a check is the admin's business (a key, a clock, an attack)
        (log.info if reason else log.warning)(
            "single sign-on refused: %s (%s)", code, getattr(error, "description", "") or error
        )
        return _refused(request, reason or "token", target)
    except ValueError as error:  # an answer that is not JSON
        log.warning("single sign-on: the provider's answer is not valid (%s)", error)
        return _refused(request, "unreachable", target)
    claims = token.get("userinfo")
    if not claims or not isinstance(claims.get("sub"), str) or not claims.get("iss"):
        return _refused(request, "token", target)  # no ID token
    return await run_in_threadpool(_signed_in, request, dict(claims), target)


def _signed_in(request: Request, claims: dict[str, Any], target: str) -> Response:
    """The session for the checked claims (run off the event loop: it uses the database)."""
    from viva.service.accounts import AccountDisabled
    from viva.service.sso import ProviderIdentity, SsoRefused

    viva = viva_of(request)
    identity = ProviderIdentity(str(claims["iss"]), str(claims["sub"]), claims)
    try:
        signed = viva.single_sign_on.sign_in(identity)
    except AccountDisabled:
        return _refused(request, "disabled", target)
    except SsoRefused as error:
        log.info("single sign-on refused: %s", error.message)
        return _refused(request, error.reason, target)
    old = request.cookies.get(auth.SESSION_COOKIE, "")
    if old:  # another account was signed in in this browser: that session ends
        viva.accounts.sign_out(old)
    auth.keep_language(request, signed)
    response = RedirectResponse(target, status_code=303)
    auth.remember_session(response, request, signed)
    _forget_flow(response, request, viva.settings)
    return response


def _refused(request: Request, reason: str, target: str) -> Response:
    """Back to the sign-in page, which says why (`auth.SSO_REASONS`): redirected, so that the
    callback's code and state leave the address bar, and a reload or the language switch works."""
    query = urlencode({"next": target, "sso": reason} if target != "/" else {"sso": reason})
    response = RedirectResponse(f"/sign-in?{query}", status_code=303)
    _forget_flow(response, request, viva_of(request).settings)
    return response


def _provider(request: Request) -> Provider:
    from fastapi import HTTPException

    provider: Provider | None = getattr(request.app.state, "sso", None)
    if provider is None:  # the routes are only mounted with it; a guard all the same
        raise HTTPException(404, "Not Found")
    return provider


def _callback_url(request: Request) -> str:
    """The redirect URI registered at the provider: this server's callback, as the browser
    reaches it (https behind a TLS proxy)."""
    url = request.url_for("sso_callback")
    if viva_of(request).settings.behind_tls_proxy:
        url = url.replace(scheme="https")
    return str(url)


def _pack(flow: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(flow).encode()).decode()


def _unpack(raw: str) -> dict[str, Any]:
    """The flow cookie's contents ({} for none, or one not written by us)."""
    if not raw or len(raw) > MAX_FLOW_COOKIE:
        return {}
    try:
        value = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except ValueError:  # binascii.Error and JSONDecodeError are ValueErrors
        return {}
    if not isinstance(value, dict):
        return {}
    flow: dict[str, Any] = {}
    for key, item in value.items():  # only what Authlib and `start` write, in their shapes
        is_next = key == "next" and isinstance(item, str)
        is_state = (
            key.startswith(f"_state_{CLIENT}_")
            and isinstance(item, dict)
            and isinstance(item.get("data"), dict)
        )
        if is_next or is_state:
            flow[key] = item
    return flow


def _forget_flow(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        FLOW_COOKIE,
        path=START,
        httponly=True,
        samesite="lax",
        secure=auth.is_secure(request, settings),
    )


def _why(error: Exception) -> str:
    return str(error) or type(error).__name__
