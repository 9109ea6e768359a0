"""Fixing questions in a real browser, at desktop and phone width, in both languages: edit the
reference and a key point on the question page, fix them right after a grade, dispute a grade,
add a question. Every screen is checked for horizontal overflow and saved as a screenshot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import write
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.slow

NOTE = """# 网络

## 1. TCP 和 UDP 的区别是什么？
> TCP ==面向连接、可靠传输==，UDP ==无连接、尽力而为==。

## 2. 拥塞控制有哪些算法？
"""
TEXT = {
    "zh": {"saved": "已保存你的修改", "regraded": "重新评分", "kept": "已记下你的评分 90 分"},
    "en": {"saved": "Your changes are saved", "regraded": "graded again", "kept": "score of 90"},
}


@pytest.fixture(
    params=[(1280, "zh"), (1280, "en"), (390, "zh"), (390, "en")], ids=lambda p: f"{p[0]}-{p[1]}"
)
def screen(request: pytest.FixtureRequest) -> tuple[int, str]:
    width, lang = request.param
    return width, lang


@pytest.fixture
def tab(browser: Any, screen: tuple[int, str]) -> Iterator[Any]:
    width, _ = screen
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "restore the note's text?"
    yield page
    ctx.close()


def check(page: Any, path: Path) -> None:
    """No horizontal scrolling, and a full-page screenshot to look at."""
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the shot
    page.screenshot(path=str(path), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{path.name}: {wide}px wider than the screen"


def test_fix_questions_where_they_are_seen(
    tab: Any, live: LiveServer, screen: tuple[int, str], tmp_path: Path
) -> None:
    width, lang = screen
    text = TEXT[lang]
    vault = tmp_path / "vault"
    write(vault / "网络.md", NOTE)
    with live.service() as viva:
        viva.import_notes([vault], bank="net")
        viva.set_preferences(ui_lang=lang)
        tcp, empty = viva.questions(banks=["net"])
    shot = f"{width}-{lang}"

    # the question page: write the missing reference, then reword a key point
    tab.goto(f"{live.url}/bank/q/{empty.id}")
    assert tab.get_by_test_id("no-reference").count() == 1
    expect(tab.get_by_test_id("reference-input")).to_be_visible()  # open: nothing to read yet
    tab.get_by_test_id("reference-input").fill("常见的有 ==慢启动== 和 ==拥塞避免==。")
    tab.get_by_test_id("save-reference").click()
    expect(tab.get_by_test_id("edit-saved")).to_contain_text(text["saved"])
    expect(tab.get_by_test_id("edited-badge")).to_be_visible()
    expect(tab.get_by_test_id("key-points")).to_have_text(re.compile("慢启动.*拥塞避免", re.S))
    tab.get_by_test_id("edit-key-points").locator("summary").click()
    tab.get_by_test_id("key-point-input").first.fill("慢启动：窗口指数增长")
    tab.get_by_test_id("add-point").click()
    tab.locator("[data-testid=edit-key-points] .kp-row input").last.fill("快重传")
    tab.get_by_test_id("save-key-points").click()
    expect(tab.get_by_test_id("key-points")).to_contain_text("慢启动：窗口指数增长")
    expect(tab.get_by_test_id("key-points")).to_contain_text("快重传")
    check(tab, tmp_path / f"{shot}-question.png")
    tab.get_by_test_id("restore").click()
    expect(tab.get_by_test_id("edited-badge")).to_have_count(0)
    expect(tab.get_by_test_id("no-reference")).to_be_visible()

    # right after a grade: fix a key point (graded again), then dispute the grade
    tab.goto(f"{live.url}/drill/q/{tcp.id}")
    answer = "TCP 要先建立连接，比较可靠；UDP 不用连接，直接发。"
    tab.get_by_test_id("answer").fill(answer)
    tab.get_by_test_id("grade-button").click()
    tab.get_by_test_id("grade-result").wait_for()
    tab.get_by_test_id("fix-reference").locator("summary").click()
    tab.locator("[data-testid=fix-reference] [data-testid=key-point-input]").first.fill(
        "TCP 先建立连接再传输"
    )
    check(tab, tmp_path / f"{shot}-fix.png")
    tab.get_by_test_id("fix-save").click()
    expect(tab.get_by_test_id("grade-notice")).to_contain_text(text["regraded"])
    expect(tab.get_by_test_id("grade-result")).to_contain_text("TCP 先建立连接再传输")
    tab.get_by_test_id("dispute").locator("summary").click()
    tab.get_by_test_id("dispute-score").fill("90")
    tab.get_by_test_id("dispute-note").fill("两个要点都说到了")
    check(tab, tmp_path / f"{shot}-dispute.png")
    tab.get_by_test_id("dispute-save").click()
    expect(tab.get_by_test_id("grade-notice")).to_contain_text(text["kept"])
    expect(tab.get_by_test_id("score")).to_have_text("90")
    expect(tab.get_by_test_id("rate-4")).to_have_class(re.compile("suggested"))
    check(tab, tmp_path / f"{shot}-grade.png")
    tab.get_by_test_id("rate-4").click()
    expect(tab.get_by_test_id("recorded")).to_be_visible()
    tab.goto(f"{live.url}/bank/q/{tcp.id}")
    expect(tab.get_by_test_id("disputes")).to_contain_text("两个要点都说到了")

    # a question of one's own, from the bank page
    tab.goto(f"{live.url}/bank")
    tab.get_by_test_id("new-question").click()
    tab.get_by_test_id("new-prompt").fill("TIME_WAIT 状态有什么作用？")
    tab.get_by_test_id("new-section").fill("网络 / TCP")
    tab.get_by_test_id("new-reference").fill("==保证最后的 ACK 能到达==。")
    check(tab, tmp_path / f"{shot}-new.png")
    with tab.expect_navigation():
        tab.get_by_test_id("new-save").click()
    expect(tab.get_by_test_id("prompt")).to_contain_text("TIME_WAIT 状态有什么作用？")
    expect(tab.get_by_test_id("key-points")).to_contain_text("保证最后的 ACK 能到达")
    check(tab, tmp_path / f"{shot}-added.png")
    with live.service() as viva:
        assert viva.question(tcp.id).edited == ("key_points",)
        assert [d.score for d in viva.disputes(tcp.id)] == [0.9]
