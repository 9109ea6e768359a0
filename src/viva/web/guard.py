"""What the web app refuses before any route runs: foreign hosts, cross-site requests, big bodies.

- Host: only the names the server was started for (loopback, `--host`, `VIVA_ALLOWED_HOSTS`),
  so a page on another site cannot reach it through DNS rebinding.
- Unsafe methods (POST, PUT, PATCH, DELETE) need the CSRF token and an `Origin` equal to the
  server's own (a missing Origin, `null` or another scheme is refused); API reads refuse what a
  browser marks as coming from another site.
- Bodies: at most `max_body_bytes` for JSON and forms, `max_upload_bytes` (plus the multipart
  envelope) for uploads; a declared length over the limit is refused before it is read, and a
  chunked body is counted as it arrives.
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viva.web.i18n import translator

if TYPE_CHECKING:
    from fastapi import Request

    from viva.config import Settings

CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
MULTIPART_SLACK = 1024 * 1024  # the multipart envelope around the files of an upload


def allowed_hosts(settings: Settings, bound: Iterable[str] = ()) -> frozenset[str]:
    """The Host names the app answers: loopback, the bound address, the setting.

    A wildcard bind (`--host 0.0.0.0`) adds this machine's name and addresses; `*` in
    `VIVA_ALLOWED_HOSTS` turns the check off (behind a reverse proxy that checks it).
    """
    names = set(LOOPBACK) | {h.lower().strip("[]") for h in settings.allowed_hosts}
    for host in bound:
        host = host.lower().strip("[]")
        if host in WILDCARDS:
            names |= _this_machine()
        else:
            names.add(host)
    return frozenset(names)


def _this_machine() -> set[str]:
    name = socket.gethostname().lower()
    found = {name, socket.getfqdn().lower()}
    # no resolver: the name itself, loopback and the setting still work
    with contextlib.suppress(OSError):
        found |= {str(info[4][0]).lower() for info in socket.getaddrinfo(name, None)}
    return found


def host_name(header: str) -> str:
    """The host part of a Host header ("[::1]:8000" -> "::1", "Example.org:80" -> "example.org")."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    try:
        return str(ipaddress.IPv6Address(header))  # a bare IPv6 address has no port
    except ValueError:
        return header


def host_problem(request: Request, hosts: frozenset[str]) -> str | None:
    """The message key when the Host header names a host the server was not started for."""
    if "*" in hosts:
        return None
    header = request.headers.get("host")
    if not header or host_name(header) not in hosts:
        return "guard.host"
    return None


def csrf_problem(request: Request, token: str, fresh: bool) -> str | None:
    """The message key when an unsafe request is refused (None: it is fine)."""
    sent = request.headers.get(CSRF_HEADER, "")
    if fresh or not sent or not secrets.compare_digest(sent, token):
        return "guard.token"
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return "guard.no_origin"
    if origin.rstrip("/").lower() != own_origin(request):
        return "guard.cross_site"
    if request.headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
        return "guard.cross_site"
    return None


def read_problem(request: Request) -> str | None:
    """The message key when a browser says an API read comes from another site."""
    if not request.url.path.startswith("/api/"):
        return None  # pages may be linked from anywhere (a bookmark, another site)
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return "guard.cross_site"
    origin = request.headers.get("origin")
    if origin is not None and origin.rstrip("/").lower() != own_origin(request):
        return "guard.cross_site"
    return None


def own_origin(request: Request) -> str:
    """The origin pages of this server have (scheme and Host as the browser sent them)."""
    return f"{request.url.scheme}://{request.headers.get('host', '').lower()}"


def size_problem(request: Request, settings: Settings) -> tuple[str, int] | None:
    """(message key, limit) when the declared body length is over the limit."""
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    content_type = request.headers.get("content-type", "")
    limit = body_limit(content_type, settings)
    is_upload = content_type.lower().startswith("multipart/")
    key, shown = ("guard.upload", settings.max_upload_bytes) if is_upload else ("guard.body", limit)
    try:
        length = int(declared)
    except ValueError:
        return (key, shown)
    return (key, shown) if length > limit else None


def body_limit(content_type: str, settings: Settings) -> int:
    """The most bytes a body of this type may have."""
    if content_type.lower().startswith("multipart/"):
        return settings.max_upload_bytes + MULTIPART_SLACK
    return settings.max_body_bytes


def message(key: str, lang: str, **values: object) -> str:
    """A refusal's text: English for the API (scripts read it), the interface language else."""
    return translator(lang)(key, **values)


def hint(key: str, lang: str) -> str:
    """The hint that goes with a refusal."""
    return translator(lang)(f"{key}.hint")


def size_text(limit: int) -> str:
    """A limit in the unit people think of it in."""
    if limit >= 1024 * 1024:
        return f"{limit / 1024 / 1024:.0f} MB"
    return f"{limit / 1024:.0f} KB"


class BodyLimit:
    """Counts a request body as it arrives and stops it past the limit (chunked uploads too)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = ""
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                content_type = value.decode("latin-1")
        limit = body_limit(content_type, self.settings)
        if content_type.lower().startswith("multipart/"):
            key, shown = "guard.upload", self.settings.max_upload_bytes
        else:
            key, shown = "guard.body", limit
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            received = await receive()
            if received["type"] == "http.request":
                seen += len(received.get("body", b""))
                if seen > limit:
                    # an HTTPException, because FastAPI turns anything else raised while it
                    # reads the body into "400 There was an error parsing the body"
                    raise HTTPException(413, message(key, "en", limit=size_text(shown)))
            return received

        await self.app(scope, counted, send)
