"""A small OpenID Connect provider for the tests: the external system single sign-on talks to.

It is real where Viva meets it: discovery, a JWKS with a freshly generated RSA key, an
authorize endpoint that sends the browser back with a code (at once, or after a consent page
with a button), and a token endpoint that checks the client's secret, the redirect URI and
the PKCE verifier before it answers a signed ID token (joserfc's JOSE API). Served by a real
uvicorn on a free loopback port, in a thread of the test process, so a test can choose who
signs in and spoil one part of the token to see Viva refuse it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "viva-web"
CLIENT_SECRET = "a client secret the school gave"


@dataclass
class FakeProvider:
    """What the provider does next; a test changes it between sign-ins."""

    issuer: str = ""
    person: dict[str, Any] = field(default_factory=lambda: {"sub": "p-1"})
    interactive: bool = False  # show a consent page with a button instead of redirecting
    deny: bool = False  # the person refuses: error=access_denied
    spoil: dict[str, Any] = field(default_factory=dict)  # claims to overwrite in the ID token
    foreign_key: bool = False  # sign with a key the JWKS does not hold
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(
            2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"}
        )
    )

    def reset(self, **person: Any) -> None:
        """Next sign-in: this person, nothing spoiled."""
        self.person = {"sub": "p-1", **person}
        self.interactive = self.deny = self.foreign_key = False
        self.spoil = {}

    # --- endpoints --------------------------------------------------------------------------
    async def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "scopes_supported": ["openid", "profile", "email"],
            }
        )

    async def jwks(self, _request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return JSONResponse({"error": "invalid_request", "why": "PKCE"}, status_code=400)
        back = query["redirect_uri"]
        if self.deny:
            return _back(back, error="access_denied", state=query.get("state", ""))
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": back,
            "nonce": query.get("nonce"),
            "challenge": query["code_challenge"],
            "person": dict(self.person),
        }
        if self.interactive:
            target = f"{back}?{urlencode({'code': code, 'state': query.get('state', '')})}"
            return HTMLResponse(
                "<!doctype html><title>School ID</title><h1>School ID</h1>"
                f"<p>Viva asks to know who you are: {self.person.get('name', '')}</p>"
                f'<a href="{target}" data-testid="provider-allow">Allow</a>'
            )
        return _back(back, code=code, state=query.get("state", ""))

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = await request.form()
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code")), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier") or "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "why": "PKCE"}, status_code=400)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["person"],
            **self.spoil,
        }
        key = self.key
        if self.foreign_key:
            key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )


def _back(redirect_uri: str, **params: str) -> Response:
    return RedirectResponse(f"{redirect_uri}?{urlencode(params)}", status_code=302)


@contextmanager
def running_provider() -> Iterator[FakeProvider]:
    """The provider on a real uvicorn on a free loopback port, for the `with` block."""
    provider = FakeProvider()
    app = Starlette(
        routes=[
            Route("/.well-known/openid-configuration", provider.discovery),
            Route("/jwks", provider.jwks),
            Route("/authorize", provider.authorize),
            Route("/token", provider.token, methods=["POST"]),
        ]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    provider.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test's identity provider did not start")
        time.sleep(0.01)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def sso_env(provider: FakeProvider, **extra: str) -> dict[str, str]:
    """The settings that point Viva at the provider."""
    return {
        "VIVA_OIDC_ISSUER": provider.issuer,
        "VIVA_OIDC_CLIENT_ID": CLIENT_ID,
        "VIVA_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        **extra,
    }
