"""Signing in, out and up in a real browser (Debian's Chromium, Playwright) against a live
`viva serve --multi-user` with open sign-up: desktop and phone widths, Chinese and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import LiveServer, start_server, stop_server

pytestmark = [pytest.mark.slow, pytest.mark.hosted]

PASSWORD = "correct horse battery"
SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
WORDS = {
    "zh": {"title": "登录", "wrong": "账号名或密码不正确", "out": "退出登录"},
    "en": {
        "title": "Sign in",
        "wrong": "the account name or the password is wrong",
        "out": "Sign out",
    },
}


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("hosted-browser"),
        "--multi-user",
        probe="/sign-in",
        VIVA_BUILTIN_BANK="1",
        VIVA_OPEN_SIGN_UP="1",
    )
    with server.service() as viva:
        for name in ("desk-zh", "desk-en", "phone-zh", "phone-en"):
            viva.accounts.add(name, password=PASSWORD)
    yield server
    stop_server(server)


@pytest.fixture
def sized(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A tab at the size and in the browser language the test's parameters name."""
    size, lang = request.param
    ctx = browser.new_context(viewport=SIZES[size], locale=LOCALES[lang])
    ctx.set_default_timeout(30_000)
    yield ctx.new_page()
    ctx.close()


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(
    "sized", [(s, lang) for s in SIZES for lang in LOCALES], indirect=True, ids=str
)
def test_sign_in_wrong_then_right_then_sign_out(sized: Any, hosted: LiveServer) -> None:
    page = sized
    size = "desktop" if page.viewport_size["width"] > 720 else "phone"
    lang = "en" if page.evaluate("navigator.language").startswith("en") else "zh"
    words, name = WORDS[lang], f"{size[:5] if size == 'phone' else 'desk'}-{lang}"
    page.goto(hosted.url + "/progress")
    page.wait_for_url(re.compile(r"/sign-in\?next=/progress$"))
    expect(page.locator("h1")).to_have_text(words["title"])
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.locator("header nav").count() == 0  # nothing to reach before signing in
    assert _fits(page)
    page.get_by_test_id("sign-in-name").fill(name)
    page.get_by_test_id("sign-in-password").fill("not the password")
    page.get_by_test_id("sign-in-submit").click()
    expect(page.get_by_test_id("error")).to_contain_text(words["wrong"])
    page.get_by_test_id("sign-in-password").fill(PASSWORD)
    page.get_by_test_id("sign-in-submit").click()
    page.wait_for_url(re.compile(r"/progress$"))  # back where they were going
    expect(page.get_by_test_id("account-name")).to_have_text(name)
    expect(page.locator("header nav")).to_be_visible()
    assert _fits(page)
    sign_out = page.get_by_test_id("sign-out")
    expect(sign_out).to_have_text(words["out"])
    sign_out.click()
    page.wait_for_url(re.compile(r"/sign-in$"))
    page.goto(hosted.url + "/")
    page.wait_for_url(re.compile(r"/sign-in$"))


def test_sign_up_in_the_language_chosen_on_the_sign_in_page(page: Any, hosted: LiveServer) -> None:
    page.goto(hosted.url + "/sign-in")
    expect(page.locator("h1")).to_have_text("登录")  # the context's browser is zh-CN
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_test_id("sign-up-link").click()
    page.wait_for_url(re.compile(r"/sign-up$"))
    page.get_by_test_id("sign-up-name").fill("newcomer")
    page.get_by_test_id("sign-up-password").fill(PASSWORD)
    page.get_by_test_id("sign-up-confirm").fill("a different one")
    page.get_by_test_id("sign-up-submit").click()
    expect(page.get_by_test_id("error")).to_contain_text("the two passwords differ")
    page.get_by_test_id("sign-up-confirm").fill(PASSWORD)
    page.get_by_test_id("sign-up-submit").click()
    page.wait_for_url(hosted.url + "/")
    expect(page.get_by_test_id("account-name")).to_have_text("newcomer")
    expect(page.locator("[data-nav=home]")).to_have_text("Home")  # English kept after sign-up
    # the new student changes the password from the account menu
    page.get_by_test_id("account-name").click()
    page.wait_for_url(re.compile(r"/account/password$"))
    page.get_by_test_id("password-current").fill(PASSWORD)
    page.get_by_test_id("password-new").fill("an even better one")
    page.get_by_test_id("password-confirm").fill("an even better one")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("saved")).to_contain_text("Password changed")
    with hosted.service() as viva:
        assert viva.accounts.sign_in("newcomer", "an even better one", address=None).token
