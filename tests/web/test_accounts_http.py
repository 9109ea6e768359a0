"""Signing in over HTTP: a live `viva serve --multi-user` (uvicorn subprocess) and httpx.

One server for the module (starting one costs seconds on a loaded machine); each test has its
own accounts, so the per-account throttle of one test does not touch another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.service.test_users import _give_data
from tests.web.conftest import LiveServer, start_server, stop_server
from viva.service.accounts import ACCOUNT_LIMIT
from viva.store.schema import sessions, sign_in_attempts, users

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("hosted"), "--multi-user", probe="/sign-in", VIVA_BUILTIN_BANK="0"
    )
    yield server
    stop_server(server)


def _add(server: LiveServer, name: str, password: str | None = PASSWORD) -> str | None:
    with server.service() as viva:
        return viva.accounts.add(name, password=password)[1]


@contextmanager
def _browser_like(server: LiveServer, origin: str | None = None) -> Iterator[httpx.Client]:
    """A client that holds cookies and sends the CSRF token and Origin, signed in to no one."""
    with httpx.Client(
        base_url=server.url, timeout=60, headers={"Origin": origin or server.url}
    ) as c:
        assert c.get("/sign-in").status_code == 200
        c.headers["X-CSRF-Token"] = c.cookies["viva_csrf"]
        yield c


def _sign_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/api/sign-in", json={"name": name, "password": password})


def _set_cookie(response: httpx.Response, name: str) -> str:
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers
    return found[0]


def test_without_a_session_the_api_says_401_and_pages_go_to_sign_in(hosted: LiveServer) -> None:
    with _browser_like(hosted) as client:
        api = client.get("/api/home")
        assert api.status_code == 401
        assert api.json() == {
            "error": "sign in first: this server has accounts",
            "hint": "POST /api/sign-in with your name and password, then send the cookie",
        }
        page = client.get("/bank?bank=x", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=/bank%3Fbank%3Dx"
        htmx = client.post("/drill/undo", headers={"HX-Request": "true"})
        assert (htmx.status_code, htmx.headers["HX-Redirect"]) == (204, "/sign-in?next=/drill/undo")
        assert client.get("/static/viva.css").status_code == 200
        sign_in = client.get("/sign-in").text
        assert "sign-in-form" in sign_in
        # no single sign-on configured: no button, and its routes are not there
        assert "sso-button" not in sign_in
        assert client.get("/sign-in/sso", follow_redirects=False).status_code == 404
        assert client.get("/sign-up", follow_redirects=False).headers["location"] == "/sign-in"


def test_sign_in_cookie_flags_pages_and_sign_out(hosted: LiveServer) -> None:
    _add(hosted, "flags")
    with _browser_like(hosted) as client:
        wrong = _sign_in(client, "flags", "not the password")
        assert wrong.status_code == 401
        assert wrong.json()["error"] == "the account name or the password is wrong"
        assert "viva_session" not in client.cookies
        signed = _sign_in(client, "flags")
        assert signed.status_code == 200, signed.text
        assert signed.json()["name"] == "flags"
        cookie = _set_cookie(signed, "viva_session").lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert "secure" not in cookie  # plain http on loopback
        assert "max-age=1209600" in cookie  # 14 days
        token = client.cookies["viva_session"]
        assert client.get("/api/account").json()["name"] == "flags"
        home = client.get("/")
        assert home.status_code == 200
        assert 'data-testid="account-name">flags<' in home.text
        assert client.post("/api/sign-out").json() == {"signed_out": True}
        assert client.get("/api/home").status_code == 401
    # the ended session's token is worth nothing, even sent again by hand
    with httpx.Client(base_url=hosted.url, cookies={"viva_session": token}) as replay:
        refused = replay.get("/api/home")
        assert refused.status_code == 401
        assert 'viva_session=""' in _set_cookie(refused, "viva_session")  # told to forget it


def test_the_cookie_is_secure_when_the_proxy_says_https(hosted: LiveServer) -> None:
    _add(hosted, "tls")
    https = hosted.url.replace("http://", "https://")
    # uvicorn takes X-Forwarded-Proto from a proxy on loopback (its default trusted address)
    with _browser_like(hosted, origin=https) as client:
        client.headers["X-Forwarded-Proto"] = "https"
        signed = _sign_in(client, "tls")
        assert signed.status_code == 200, signed.text
        assert "; secure" in _set_cookie(signed, "viva_session").lower()


def test_csrf_is_still_enforced_for_sign_in_and_for_writes(hosted: LiveServer) -> None:
    _add(hosted, "csrf")
    with _browser_like(hosted) as client:
        no_token = client.post(
            "/api/sign-in",
            json={"name": "csrf", "password": PASSWORD},
            headers={"X-CSRF-Token": ""},
        )
        assert no_token.status_code == 403
        other_site = client.post(
            "/api/sign-in",
            json={"name": "csrf", "password": PASSWORD},
            headers={"Origin": "http://evil.example"},
        )
        assert other_site.status_code == 403
        assert "viva_session" not in client.cookies
        assert _sign_in(client, "csrf").status_code == 200
        tokenless = client.put(
            "/api/preferences", json={"daily_goal": 5}, headers={"X-CSRF-Token": "wrong"}
        )
        assert tokenless.status_code == 403
        assert client.put("/api/preferences", json={"daily_goal": 5}).status_code == 200


def test_wrong_passwords_are_throttled_with_a_clear_message(hosted: LiveServer) -> None:
    _add(hosted, "throttled")
    with _browser_like(hosted) as client:
        for _ in range(ACCOUNT_LIMIT):
            assert _sign_in(client, "throttled", "wrong password").status_code == 401
        refused = _sign_in(client, "throttled")  # the right password, too late
        assert refused.status_code == 429
        assert refused.json()["error"].startswith("too many sign-in attempts for this account")
        assert 800 < int(refused.headers["Retry-After"]) <= 900
        # the sign-in page says it in the interface's language
        form = {"name": "throttled", "password": PASSWORD, "next": "/"}
        zh = client.post("/sign-in", data=form, headers={"HX-Request": "true"})
        assert zh.status_code == 429
        assert "这个账号的登录尝试次数过多" in zh.text
        client.cookies.set("viva_lang", "en")
        en = client.post("/sign-in", data=form, headers={"HX-Request": "true"})
        assert "too many sign-in attempts for this account" in en.text
        assert "账号" not in en.text
    # another account from the same address is not held back
    _add(hosted, "neighbour")
    with _browser_like(hosted) as other:
        assert _sign_in(other, "neighbour").status_code == 200
    # once the attempts are older than the window, the right password works again
    with hosted.service() as viva, viva.db.transaction() as conn:
        old = datetime.now(UTC) - timedelta(minutes=16)
        conn.execute(sa.update(sign_in_attempts).values(at=old))
    with _browser_like(hosted) as client:
        assert _sign_in(client, "throttled").status_code == 200


def test_an_expired_session_signs_in_no_one(hosted: LiveServer) -> None:
    _add(hosted, "expiring")
    with _browser_like(hosted) as client:
        assert _sign_in(client, "expiring").status_code == 200
        assert client.get("/api/home").status_code == 200
        with hosted.service() as viva, viva.db.transaction() as conn:
            past = datetime.now(UTC) - timedelta(seconds=1)
            owner = sa.select(users.c.id).where(users.c.name == "expiring").scalar_subquery()
            conn.execute(
                sa.update(sessions).where(sessions.c.user_id == owner).values(expires_at=past)
            )
        assert client.get("/api/home").status_code == 401
        page = client.get("/progress", follow_redirects=False)
        assert page.headers["location"] == "/sign-in?next=/progress"


def test_a_one_time_password_must_be_replaced_first(hosted: LiveServer) -> None:
    made_up = _add(hosted, "newcomer", password=None)
    assert made_up is not None
    with _browser_like(hosted) as client:
        signed = _sign_in(client, "newcomer", made_up)
        assert signed.json()["must_change_password"] is True
        blocked = client.get("/api/home")
        assert blocked.status_code == 403
        assert "choose your own password first" in blocked.json()["error"]
        assert client.get("/", follow_redirects=False).headers["location"] == "/account/password"
        page = client.get("/account/password")
        assert 'data-testid="must-change"' in page.text
        changed = client.post(
            "/api/account/password", json={"current": made_up, "new": "my own password"}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["must_change_password"] is False
        assert client.get("/api/home").status_code == 200


def test_a_disabled_account_is_signed_out_and_refused(hosted: LiveServer) -> None:
    _add(hosted, "leaver")
    with _browser_like(hosted) as client:
        assert _sign_in(client, "leaver").status_code == 200
        with hosted.service() as viva:
            viva.accounts.set_disabled("leaver", True)
        assert client.get("/api/home").status_code == 401
        refused = _sign_in(client, "leaver")
        assert refused.status_code == 403
        assert refused.json()["error"] == "the account 'leaver' is disabled"


def _routes(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route that takes an id, with another user's ids: (method, path, request)."""
    q, own, edited, token = ids["question"], ids["own"], ids["edited"], ids["token"]
    interview = ids["interview"]
    answer = {"answer": "答案", "version": ids["version"], "recording_id": ids["recording"]}
    htmx = {"headers": {"HX-Request": "true"}}
    return [
        ("GET", f"/api/questions/{q}", {}),
        ("GET", f"/api/questions/{q[:6]}", {}),
        ("PATCH", f"/api/questions/{edited}", {"json": {"reference": "改"}}),
        ("DELETE", f"/api/questions/{edited}/edit", {}),
        ("DELETE", f"/api/questions/{own}", {}),
        ("POST", f"/api/questions/{q}/disputes", {"json": {"answer": "答案", "score": 90}}),
        ("POST", "/api/grade", {"json": {"question_id": q, "answer": "答案"}}),
        ("POST", "/api/reviews", {"json": {"question_id": q, "rating": 3}}),
        ("GET", f"/api/interviews/live/{token}", {}),
        ("POST", f"/api/interviews/live/{token}/answer", {"json": answer}),
        ("GET", f"/api/interviews/{interview}", {}),
        ("GET", f"/bank/q/{q}", {}),
        ("GET", f"/drill/q/{q}", {}),
        ("POST", f"/bank/q/{edited}/edit", {"data": {"part": "prompt", "prompt": "改？"}, **htmx}),
        ("POST", f"/bank/q/{edited}/restore", htmx),
        ("POST", "/drill/grade", {"data": {"question_id": q, "answer": "答案"}, **htmx}),
        ("GET", f"/interview/live/{token}", {}),
        ("GET", f"/interview/report/{interview}", {}),
        ("GET", f"/interview/report/{interview}/markdown", {}),
    ]


def test_one_users_ids_reach_nothing_when_another_is_signed_in(
    hosted: LiveServer, tmp_path: Path
) -> None:
    owned = {}
    for name in ("probe-a", "probe-b"):
        _add(hosted, name)
        with hosted.service() as viva:
            owned[name] = _give_data(viva.as_user(name), name, tmp_path)
    leaks = []
    clients = {}
    with _browser_like(hosted) as a, _browser_like(hosted) as b:
        clients = {"probe-a": a, "probe-b": b}
        for name, client in clients.items():
            assert _sign_in(client, name).status_code == 200
        for owner, other in (("probe-a", "probe-b"), ("probe-b", "probe-a")):
            for method, path, extra in _routes(owned[owner]):
                response = clients[other].request(method, path, **extra)
                if response.status_code != 404 or owner in response.text:
                    leaks.append(f"{other} {method} {path}: {response.status_code}")
        assert leaks == []
        # the probe can fail: each owner reaches their own objects through the same routes
        for owner in clients:
            ids = owned[owner]
            mine = clients[owner]
            assert mine.get(f"/api/questions/{ids['question']}").status_code == 200
            assert mine.get(f"/api/interviews/{ids['interview']}").status_code == 200
            assert mine.get(f"/api/interviews/live/{ids['token']}").status_code == 200
            assert owner in mine.get(f"/bank/q/{ids['edited']}").text  # their edited reference


def test_an_upload_lands_in_the_signed_in_users_bank(hosted: LiveServer) -> None:
    # the import runs as a job, outside the request: it must still be the student's
    _add(hosted, "uploader")
    with _browser_like(hosted) as client:
        assert _sign_in(client, "uploader").status_code == 200
        note = "# 网络\n\n## TCP 为什么三次握手？\n\n防止已失效的连接请求到达服务器。\n"
        response = client.post(
            "/api/import",
            files=[("files", ("net.md", note.encode(), "text/markdown"))],
            data={"bank": "mine"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["questions"] == 1
        assert [b["name"] for b in client.get("/api/banks").json()] == ["mine"]
    with hosted.service() as viva:
        assert "mine" in {b.name for b in viva.as_user("uploader").banks()}
        assert "mine" not in {b.name for b in viva.banks()}  # not the local user's


def test_the_personal_use_has_no_accounts_and_no_sign_in(
    live: LiveServer, api: httpx.Client
) -> None:
    assert api.get("/sign-in").status_code == 404
    assert api.post("/api/sign-in", json={"name": "local", "password": PASSWORD}).status_code == 404
    assert api.get("/account/password").status_code == 404
    home = httpx.get(live.url + "/")
    assert home.status_code == 200
    assert "account-menu" not in home.text
    assert "viva_session" not in home.headers.get("set-cookie", "")
    assert api.get("/api/home").status_code == 200
    with live.service() as viva:
        assert [a.name for a in viva.accounts.accounts()] == ["local"]
