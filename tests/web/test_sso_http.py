"""Single sign-on over HTTP: a live `viva serve --multi-user` (uvicorn subprocess) with
`VIVA_OIDC_*` pointing at a small OpenID Connect provider served by uvicorn in this process
(tests/web/oidc_provider.py), driven with httpx as a browser would follow the redirects.

One server and one provider for the module; each test signs in people of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from tests.web.conftest import LiveServer, start_server, stop_server
from tests.web.oidc_provider import CLIENT_ID, FakeProvider, running_provider, sso_env
from viva.store.schema import identities, users

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
REFUSED_TOKEN = "学校认证返回的身份凭证没有通过校验，登录被拒绝。"


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def hosted(
    tmp_path_factory: pytest.TempPathFactory, provider: FakeProvider
) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("sso"),
        "--multi-user",
        probe="/sign-in",
        VIVA_BUILTIN_BANK="0",
        **sso_env(provider, VIVA_OIDC_NAME="统一身份认证|University ID"),
    )
    yield server
    stop_server(server)


@pytest.fixture
def browser_like(hosted: LiveServer) -> Iterator[httpx.Client]:
    """Holds cookies like a browser, follows no redirect by itself; signed in to no one."""
    with httpx.Client(base_url=hosted.url, timeout=60) as client:
        yield client


def _start(client: httpx.Client, path: str = "/sign-in/sso") -> httpx.Response:
    started = client.get(path)
    assert started.status_code == 302, started.text
    return started


def _at_provider(started: httpx.Response) -> str:
    """Where the provider sends the browser back (the callback URL with code and state)."""
    answer = httpx.get(started.headers["location"], timeout=60)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def _through(client: httpx.Client, path: str = "/sign-in/sso") -> httpx.Response:
    """The whole round trip; the callback's answer."""
    return client.get(_at_provider(_start(client, path)))


def _refused(client: httpx.Client, response: httpx.Response) -> tuple[str, str]:
    """Why the callback refused (it sends the browser to the sign-in page), and that page."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/sign-in?")
    assert 'viva_sso=""' in _set_cookie(response, "viva_sso")  # the flow is over
    assert "viva_session=" not in response.headers.get("set-cookie", "")
    shown = client.get(location)
    assert shown.status_code == 200
    return parse_qs(urlsplit(location).query)["sso"][0], shown.text


def _set_cookie(response: httpx.Response, name: str) -> str:
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers
    return found[0].lower()


def _count(server: LiveServer, table: sa.Table) -> int:
    with server.service() as viva, viva.db.reader() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_the_sign_in_page_offers_the_provider_in_the_pages_language(
    browser_like: httpx.Client,
) -> None:
    zh = browser_like.get("/sign-in?next=/progress").text
    assert 'data-testid="error"' not in zh
    assert 'href="/sign-in/sso?next=/progress"' in zh
    assert "使用统一身份认证登录" in zh
    assert "或用账号名和密码登录" in zh
    browser_like.cookies.set("viva_lang", "en")
    en = browser_like.get("/sign-in").text
    assert 'href="/sign-in/sso"' in en
    assert "Sign in with University ID" in en
    assert "统一" not in en


def test_a_first_sign_in_makes_a_student_and_goes_where_the_user_was_going(
    provider: FakeProvider, hosted: LiveServer, browser_like: httpx.Client
) -> None:
    provider.reset(sub="first-1", preferred_username="wangwu", email="ww@school.example")
    started = _start(browser_like, "/sign-in/sso?next=/progress")
    to_provider = urlsplit(started.headers["location"])
    assert f"{to_provider.scheme}://{to_provider.netloc}" == provider.issuer
    asked = parse_qs(to_provider.query)
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["response_type"] == ["code"]
    assert asked["scope"] == ["openid profile email"]
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == [hosted.url + "/sign-in/sso/callback"]
    assert asked["state"][0]
    assert asked["nonce"][0]
    flow = _set_cookie(started, "viva_sso")
    assert "httponly" in flow
    assert "samesite=lax" in flow
    assert "path=/sign-in/sso" in flow
    back = browser_like.get(_at_provider(started))
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/progress"
    # the same kind of session as a password sign-in
    cookie = _set_cookie(back, "viva_session")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=1209600" in cookie
    assert 'viva_sso=""' in _set_cookie(back, "viva_sso")  # the flow is over
    account = browser_like.get("/api/account").json()
    assert (account["name"], account["role"]) == ("wangwu", "student")
    assert browser_like.get("/progress").status_code == 200
    with hosted.service() as viva:
        made = viva.accounts.account("wangwu")
    assert not made.has_password  # single sign-on made it: no password until the admin sets one


def test_the_second_sign_in_reuses_the_account(provider: FakeProvider, hosted: LiveServer) -> None:
    provider.reset(sub="again-1", preferred_username="zhaoliu")
    for _ in range(2):
        with httpx.Client(base_url=hosted.url, timeout=60) as client:
            assert _through(client).status_code == 303
            assert client.get("/api/account").json()["name"] == "zhaoliu"
    with hosted.service() as viva, viva.db.reader() as conn:
        named = conn.execute(sa.select(users.c.name).where(users.c.name.like("zhaoliu%")))
        assert list(named.scalars()) == ["zhaoliu"]
        linked = sa.select(identities.c.subject).where(identities.c.subject.like("again-%"))
        assert list(conn.execute(linked).scalars()) == ["again-1"]


def test_a_name_clash_gets_the_next_free_name(
    provider: FakeProvider, hosted: LiveServer, browser_like: httpx.Client
) -> None:
    with hosted.service() as viva:
        viva.accounts.add("zhangsan", role="admin", password=PASSWORD)
    provider.reset(sub="clash-1", preferred_username="zhangsan")
    assert _through(browser_like).status_code == 303
    account = browser_like.get("/api/account").json()
    assert (account["name"], account["role"]) == ("zhangsan-2", "student")


def test_next_is_kept_only_on_this_server(
    provider: FakeProvider, browser_like: httpx.Client
) -> None:
    provider.reset(sub="next-1", preferred_username="nextuser")
    back = _through(browser_like, "/sign-in/sso?next=https://evil.example/")
    assert back.headers["location"] == "/"
    # signed in already: the button just goes on
    again = browser_like.get("/sign-in/sso?next=/settings")
    assert (again.status_code, again.headers["location"]) == (303, "/settings")


@pytest.mark.parametrize(
    "spoiled",
    ["nonce", "issuer", "audience", "expired", "signature"],
)
def test_a_token_that_fails_a_check_is_refused(
    spoiled: str, provider: FakeProvider, hosted: LiveServer, browser_like: httpx.Client
) -> None:
    provider.reset(sub=f"spoiled-{spoiled}", preferred_username=f"spoiled-{spoiled}")
    now = int(time.time())
    if spoiled == "signature":
        provider.foreign_key = True
    else:
        provider.spoil = {
            "nonce": {"nonce": "not-the-nonce-viva-sent"},
            "issuer": {"iss": "http://127.0.0.1:9/another-issuer"},
            # a token for another client of the provider, even one naming us as its party
            "audience": {"aud": "another-client", "azp": CLIENT_ID},
            "expired": {"iat": now - 7200, "exp": now - 3600},
        }[spoiled]
    identities_before = _count(hosted, identities)
    back = _through(browser_like, "/sign-in/sso?next=/progress")
    assert back.headers["location"] == "/sign-in?next=%2Fprogress&sso=token"
    reason, shown = _refused(browser_like, back)
    assert reason == "token"
    assert REFUSED_TOKEN in shown
    assert 'href="/sign-in/sso?next=/progress"' in shown  # the button, to try again
    assert "viva_session" not in browser_like.cookies
    assert browser_like.get("/api/account").status_code == 401
    assert _count(hosted, identities) == identities_before
    # refused by the check the test spoiled (the server logs which, for the admin)
    reason = {
        "nonce": "Invalid claim: 'nonce'",
        "issuer": "Invalid claim: 'iss'",
        "audience": "Invalid claim: 'aud'",
        "expired": "The token is expired",
        "signature": "bad_signature",
    }[spoiled]
    refusals = [line for line in hosted.log.read_text().splitlines() if "sign-on refused" in line]
    assert reason in refusals[-1]


def test_a_wrong_or_missing_state_is_refused(
    provider: FakeProvider, hosted: LiveServer, browser_like: httpx.Client
) -> None:
    provider.reset(sub="state-1", preferred_username="stateuser")
    callback = _at_provider(_start(browser_like))
    forged = callback.replace("state=", "state=x")
    reason, shown = _refused(browser_like, browser_like.get(forged))
    assert reason == "state"
    assert "这次登录已过期，或不是在这个浏览器里开始的。" in shown
    # the code and state from this browser's flow, finished in another browser
    callback = _at_provider(_start(browser_like))
    with httpx.Client(base_url=hosted.url, timeout=60) as elsewhere:
        elsewhere.cookies.set("viva_lang", "en")
        reason, shown = _refused(elsewhere, elsewhere.get(callback))
        assert reason == "state"
        assert "This sign-in has expired, or it was not started in this browser." in shown
        assert "viva_session" not in elsewhere.cookies
    # opened by hand, with nothing at all
    assert _refused(browser_like, browser_like.get("/sign-in/sso/callback"))[0] == "state"
    assert "viva_session" not in browser_like.cookies


def test_a_callback_is_used_once(provider: FakeProvider, browser_like: httpx.Client) -> None:
    provider.reset(sub="once-1", preferred_username="onceuser")
    started = _start(browser_like)
    flow = browser_like.cookies["viva_sso"]
    callback = _at_provider(started)
    assert browser_like.get(callback).status_code == 303
    browser_like.cookies.delete("viva_session")
    browser_like.cookies.set("viva_sso", flow, path="/sign-in/sso")  # the old flow, replayed
    replayed = browser_like.get(callback)
    assert _refused(browser_like, replayed)[0] == "token"  # the code is spent: the provider says
    assert "viva_session" not in browser_like.cookies


def test_consent_denied_at_the_provider_says_so(
    provider: FakeProvider, browser_like: httpx.Client
) -> None:
    provider.reset(sub="deny-1")
    provider.deny = True
    before = provider.token_requests
    reason, shown = _refused(browser_like, _through(browser_like))
    assert reason == "denied"
    assert "你在学校的认证页面取消了登录。" in shown
    assert provider.token_requests == before  # no token was asked for


def test_a_disabled_account_cannot_sign_in_by_sso(
    provider: FakeProvider, hosted: LiveServer, browser_like: httpx.Client
) -> None:
    provider.reset(sub="disabled-1", preferred_username="qianqi")
    assert _through(browser_like).status_code == 303
    with hosted.service() as viva:
        viva.accounts.set_disabled("qianqi", True)
    assert browser_like.get("/api/account").status_code == 401  # signed out at once
    reason, shown = _refused(browser_like, _through(browser_like))
    assert reason == "disabled"
    assert "这个账号已停用。" in shown
    assert "请联系管理员重新启用。" in shown
    browser_like.cookies.set("viva_lang", "en")
    assert "This account is disabled." in _refused(browser_like, _through(browser_like))[1]
    assert browser_like.get("/api/account").status_code == 401


def test_a_provider_that_fails_at_the_token_is_a_message_not_a_traceback(
    provider: FakeProvider, browser_like: httpx.Client
) -> None:
    provider.reset(sub="down-1", preferred_username="downuser")
    callback = _at_provider(_start(browser_like))
    provider.codes.clear()  # the provider lost the code (restarted)
    reason, shown = _refused(browser_like, browser_like.get(callback))
    assert reason == "token"
    assert REFUSED_TOKEN in shown
    assert "Traceback" not in shown


def test_the_sign_in_page_says_nothing_of_a_reason_it_does_not_know(
    browser_like: httpx.Client,
) -> None:
    shown = browser_like.get("/sign-in?sso=<script>alert(1)</script>").text
    assert 'data-testid="error"' not in shown
    assert "alert(1)" not in shown
