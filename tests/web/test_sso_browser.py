"""Single sign-on in a real browser (Debian's Chromium, Playwright): the sign-in page's button,
the provider's consent page (tests/web/oidc_provider.py, on loopback), and back signed in where
the student was going; at desktop and phone width, in Chinese and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import LiveServer, start_server, stop_server
from tests.web.oidc_provider import FakeProvider, running_provider, sso_env

pytestmark = [pytest.mark.slow, pytest.mark.hosted]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
BUTTON = {"zh": "使用学校统一认证登录", "en": "Sign in with School ID"}
CANCELLED = {
    "zh": "你在学校的认证页面取消了登录。",
    "en": "The sign-in was cancelled on the school's sign-in page.",
}


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def hosted(
    tmp_path_factory: pytest.TempPathFactory, provider: FakeProvider
) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("sso-browser"),
        "--multi-user",
        probe="/sign-in",
        VIVA_BUILTIN_BANK="1",
        **sso_env(provider, VIVA_OIDC_NAME="学校统一认证|School ID"),
    )
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
def test_the_button_goes_to_the_provider_and_comes_back_signed_in(
    sized: Any, provider: FakeProvider, hosted: LiveServer
) -> None:
    page = sized
    size = "desktop" if page.viewport_size["width"] > 720 else "phone"
    lang = "en" if page.evaluate("navigator.language").startswith("en") else "zh"
    name = f"sso-{size}-{lang}"
    provider.reset(sub=f"browser-{size}-{lang}", preferred_username=name, name=name)
    provider.interactive = True
    page.goto(hosted.url + "/progress")
    page.wait_for_url(re.compile(r"/sign-in\?next=/progress$"))
    button = page.get_by_test_id("sso-button")
    expect(button).to_have_text(BUTTON[lang])
    expect(page.get_by_test_id("sign-in-form")).to_be_visible()  # passwords stay beside it
    assert _fits(page)
    button.click()
    page.wait_for_url(re.compile(re.escape(provider.issuer) + "/authorize"))
    page.get_by_test_id("provider-allow").click()
    page.wait_for_url(re.compile(r"/progress$"))  # back where the student was going
    expect(page.get_by_test_id("account-name")).to_have_text(name)
    expect(page.locator("header nav")).to_be_visible()
    assert _fits(page)
    # the sign-in page's language became the new account's
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if lang == "zh" else "en")


def test_cancelling_at_the_provider_brings_a_clear_message(
    page: Any, provider: FakeProvider, hosted: LiveServer
) -> None:
    provider.reset(sub="browser-deny")
    provider.deny = True
    page.goto(hosted.url + "/sign-in")
    page.get_by_test_id("sso-button").click()
    # back on the sign-in page, the callback's code and state gone from the address bar
    page.wait_for_url(hosted.url + "/sign-in?sso=denied")
    expect(page.get_by_test_id("error")).to_contain_text(CANCELLED["zh"])
    expect(page.get_by_test_id("sso-button")).to_be_visible()  # to try again
    page.get_by_test_id("lang-switch").click()  # the page reloads in English, still saying it
    expect(page.get_by_test_id("error")).to_contain_text(CANCELLED["en"])
