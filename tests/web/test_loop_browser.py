"""The daily study loop in Chromium, at desktop and phone width, in both interface languages:
the first visit, an import that refreshes the bank, practising one section, the answer beside
the reference, today's limit and goal, the progress page; no page wider than the screen."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.slow

WIDTHS = {"desktop": 1280, "phone": 390}
LANGS = ("zh", "en")
TEXT = {  # what the pages say, per language (the i18n catalogue's wording)
    "zh": {
        "limit": "今天的新题已学完（上限 2）",
        "more": "今天再学 5 道",
        "forecast": "面试当天各部分的预测回忆率",
        "today": "今天各部分的回忆率",
        "off": "已关闭",
    },
    "en": {
        "limit": "Today's new questions are done (limit 2)",
        "more": "Learn 5 more today",
        "forecast": "Forecast recall per section on the interview day",
        "today": "Recall per section today",
        "off": "turned off",
    },
}


class Screens:
    """Takes a full-page screenshot of each step, and checks nothing is wider than the screen."""

    def __init__(self, page: Any, folder: Path, name: str) -> None:
        self.page, self.folder, self.name = page, folder, name
        self.taken: list[Path] = []

    def check(self, step: str) -> None:
        self.page.wait_for_load_state("networkidle")
        wide = self.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        path = self.folder / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        assert wide[0] <= wide[1], f"{step}: the page is {wide[0]} px wide on a {wide[1]} px screen"


@pytest.fixture(
    params=[(w, lang) for w in WIDTHS for lang in LANGS], ids=lambda p: f"{p[0]}-{p[1]}"
)
def screen(
    request: pytest.FixtureRequest, browser: Any, live: LiveServer, tmp_path: Path
) -> Iterator[tuple[Any, Screens, str]]:
    """A tab of the given width on a live server in the given language."""
    width, lang = request.param
    with live.client() as api:
        api.put("/api/preferences", json={"ui_lang": lang}).raise_for_status()
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 860},
        locale="zh-CN" if lang == "zh" else "en-US",
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    folder = tmp_path / "screens"
    folder.mkdir()
    screens = Screens(page, folder, f"{request.node.originalname}-{width}-{lang}")
    yield page, screens, lang
    keep = os.environ.get("VIVA_TEST_SCREENSHOTS")  # a folder to look at them afterwards
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in screens.taken:
            shutil.copy(shot, Path(keep) / shot.name)
    context.close()


def test_first_visit_import_practise_a_section_and_compare(
    screen: tuple[Any, Screens, str], live: LiveServer
) -> None:
    page, screens, lang = screen
    page.goto(live.url + "/")
    first = page.get_by_test_id("first-visit")
    expect(first).to_be_visible()
    upload_box = page.get_by_test_id("start-import").bounding_box()
    builtin_box = page.get_by_test_id("start-builtin").bounding_box()
    assert (upload_box["y"], upload_box["x"]) < (builtin_box["y"], builtin_box["x"])  # upload first
    screens.check("home-first-visit")

    # an import on the bank page shows the new bank at once, beside the built-in one
    page.goto(live.url + "/bank")
    assert page.get_by_test_id("bank-list").locator("li").count() == 1  # the built-in bank
    page.get_by_test_id("import-files").set_input_files(
        {"name": "seed-note.md", "mimeType": "text/markdown", "buffer": SEED.read_bytes()}
    )
    page.locator("[data-testid=import-form] input[name=bank]").fill("seed")
    page.locator("[data-testid=import-form] button[type=submit]").click()
    expect(page.get_by_test_id("imported-questions")).to_have_text("41")
    expect(page.get_by_test_id("bank-list").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("shown")).to_have_text("41")  # the list shows the new bank
    report = page.get_by_test_id("import-report").inner_text()
    assert "seed-note.md:58" in report
    assert ("1 篇笔记" if lang == "zh" else "(1 note)") in report
    screens.check("bank-after-import")
    page.goto(live.url + "/")
    expect(page.get_by_test_id("first-visit")).to_have_count(0)  # notes of their own: no intro
    page.goto(live.url + "/bank")

    # practise one section of it: the drill asks from that section only
    row = page.locator("[data-testid=section-tree] .tree-row", has_text="基本信息")
    with page.expect_navigation():
        row.get_by_test_id("practise-section").click()
    assert page.url.endswith("/drill")
    expect(page.get_by_test_id("scope-summary")).to_contain_text("基本信息")
    prompt = page.get_by_test_id("drill-prompt").inner_text()
    with live.service() as viva:
        asked = next(q for q in viva.questions(banks=["seed"]) if q.prompt == prompt)
        assert asked.section[0] == "基本信息"
        reference = viva.grade_request(asked).reference
    screens.check("drill-section")

    # the answer beside the reference, each point marked in both
    answer = re.split(r"(?<=[。\n])", reference)[0]  # its first sentence, and no more
    page.get_by_test_id("answer").fill(answer)
    page.get_by_test_id("grade-button").click()
    compare = page.get_by_test_id("compare")
    expect(compare).to_be_visible()
    left = page.get_by_test_id("compare-answer").bounding_box()
    right = page.get_by_test_id("compare-reference").bounding_box()
    if page.viewport_size["width"] >= 1000:
        assert abs(left["y"] - right["y"]) < 2  # side by side
        assert right["x"] > left["x"] + left["width"] / 2
    else:
        assert right["y"] >= left["y"] + left["height"] - 1  # stacked on a phone
    assert page.locator("[data-testid=compare-answer] mark.kp").count() > 0
    assert page.locator("[data-testid=compare-reference] mark.kp").count() > 0
    states = set(
        page.locator("[data-testid=compare-reference] mark.kp").evaluate_all(
            "marks => marks.map(m => m.dataset.state)"
        )
    )
    assert "covered" in states  # the first sentence said...
    assert "missed" in states  # ...and what comes after it left out
    screens.check("drill-compare")


def test_daily_limit_goal_streak_builtin_switch_and_progress(
    screen: tuple[Any, Screens, str], live: LiveServer
) -> None:
    page, screens, lang = screen
    text = TEXT[lang]
    with live.client() as api:
        day = (date.today() + timedelta(days=20)).isoformat()
        api.put(
            "/api/preferences", json={"new_per_day": 2, "daily_goal": 3, "interview_date": day}
        ).raise_for_status()
    with live.service() as viva:
        now = datetime.now(UTC)
        yesterday = viva.drill_queue(new=5, now=now)[2:5]
        for question in yesterday:  # yesterday's goal met: a streak of one day
            viva.review(question.id, 4, now=now - timedelta(days=1))  # Easy: not due today
        for question in viva.drill_queue(now=now):  # today's two new questions
            viva.review(question.id, 3, now=now)

    page.goto(live.url + "/")
    expect(page.get_by_test_id("first-visit")).to_have_count(0)  # reviews exist: no intro
    expect(page.get_by_test_id("done-today")).to_have_text("2")
    expect(page.get_by_test_id("streak")).to_have_text("1 天" if lang == "zh" else "1 day")
    expect(page.get_by_test_id("limit-reached")).to_contain_text(text["limit"])
    screens.check("home-limit")

    page.goto(live.url + "/drill")
    expect(page.get_by_test_id("limit-reached")).to_contain_text(text["limit"])
    screens.check("drill-limit")
    more = page.get_by_test_id("learn-more")
    expect(more).to_have_text(text["more"])
    more.click()
    expect(page.get_by_test_id("drill-prompt")).to_be_visible()  # two more new questions today
    with live.service() as viva:
        assert viva.drill_status().new_limit == 7
        assert viva.drill_status(now=datetime.now(UTC) + timedelta(days=1)).new_limit == 2

    # the built-in bank can still be turned off
    page.goto(live.url + "/bank")
    with page.expect_navigation():
        page.get_by_test_id("toggle-builtin").click()
    expect(page.locator("[data-bank=builtin]")).to_contain_text(text["off"])
    screens.check("bank-builtin-off")
    with page.expect_navigation():  # and on again
        page.get_by_test_id("toggle-builtin").click()
    expect(page.locator("[data-bank=builtin]")).not_to_contain_text(text["off"])

    # progress: the forecast for the interview day and today's recall are told apart
    page.goto(live.url + "/progress")
    expect(page.get_by_test_id("forecast-title")).to_have_text(text["forecast"])
    expect(page.get_by_test_id("today-title")).to_have_text(text["today"])
    sizes = page.locator(".bar-label, .column-label").evaluate_all(
        "els => els.filter(e => e.textContent.trim()).map("
        "e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes
    assert min(sizes) >= 12, sizes  # chart labels readable on a phone too
    screens.check("progress")
    for path in ("/interview", "/settings"):
        page.goto(live.url + path)
        screens.check(re.sub(r"\W", "", path))
