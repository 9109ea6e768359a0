"""The pages in a real browser: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import SEED
from tests.web.conftest import LiveServer
from tests.web.test_api import MALICIOUS

pytestmark = pytest.mark.slow


def upload(page: Any, live: LiveServer, name: str, data: bytes, bank: str) -> None:
    page.goto(live.url + "/bank")
    page.get_by_test_id("import-files").set_input_files(
        {"name": name, "mimeType": "text/markdown", "buffer": data}
    )
    page.locator("[data-testid=import-form] input[name=bank]").fill(bank)
    page.locator("[data-testid=import-form] button[type=submit]").click()
    page.get_by_test_id("import-report").wait_for()


def test_upload_the_seed_note_and_see_41_questions(page: Any, live: LiveServer) -> None:
    upload(page, live, "seed-note.md", SEED.read_bytes(), "seed")
    assert page.get_by_test_id("imported-questions").inner_text() == "41"
    report = page.get_by_test_id("import-report").inner_text()
    assert "seed-note.md:58" in report  # the unresolved link, with its line
    page.get_by_test_id("see-bank").click()
    page.wait_for_url(re.compile(r"/bank\?bank=seed"))
    assert page.get_by_test_id("shown").inner_text() == "41"
    page.locator("ol.questions a").first.click()
    page.get_by_test_id("reference").wait_for()
    assert "seed-note.md:" in page.get_by_test_id("source").inner_text()


def test_the_file_picker_speaks_the_interface_language(page: Any, live: LiveServer) -> None:
    # Chromium's own picker says "Choose Files" / "No file chosen" in the browser's locale.
    page.goto(live.url + "/bank")
    picker = page.locator("[data-testid=import-form] .file-pick")
    expect(picker).to_contain_text("选择文件")
    expect(picker.locator(".file-names")).to_have_text("未选择文件")
    page.locator("[data-testid=import-form] button[type=submit]").click()
    assert page.get_by_test_id("import-files").evaluate("el => el.validity.valueMissing")
    assert page.locator("#import-report").inner_text() == ""  # `required` still stops the form
    note = {"name": "a.md", "mimeType": "text/markdown", "buffer": b"# A\n"}
    page.get_by_test_id("import-files").set_input_files([note, {**note, "name": "b.md"}])
    expect(picker.locator(".file-names")).to_have_text("已选 2 个文件")
    page.get_by_test_id("import-files").set_input_files([note])
    expect(picker.locator(".file-names")).to_have_text("a.md")


def test_search_filters_the_list(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/bank")
    total = int(page.get_by_test_id("shown").inner_text())
    page.get_by_test_id("search").fill("过拟合")
    page.wait_for_function(
        "total => Number(document.querySelector('[data-testid=shown]').textContent) < total",
        arg=total,
    )
    assert "过拟合" in page.locator("ol.questions").inner_text()


def test_drill_three_questions_and_the_due_count_drops(page: Any, live: LiveServer) -> None:
    with live.service() as viva:
        chosen = viva.drill_queue(new=3)
        for question in chosen:  # studied three days ago: due again now
            viva.review(question.id, 3, now=datetime.now(UTC) - timedelta(days=3))
        references = {q.prompt: q.reference or "" for q in chosen}
        assert viva.due_count(banks=["all"]) == 3
    page.goto(live.url + "/")
    assert page.get_by_test_id("due-count").inner_text() == "3"
    page.get_by_test_id("start-drill").click()
    for done in range(3):
        prompt = page.get_by_test_id("drill-prompt").inner_text()
        assert prompt in references  # due questions come first
        page.get_by_test_id("answer").fill(references[prompt])
        page.keyboard.press("Control+Enter")
        page.get_by_test_id("grade-result").wait_for()
        assert int(page.get_by_test_id("score").inner_text()) > 0
        if done == 0:
            assert page.locator("mark.evidence").count() > 0  # evidence highlighted
        page.keyboard.press("3")  # Good
        expect(page.get_by_test_id("drill-counts")).to_have_text(
            re.compile(rf"待复习 {2 - done}\b")
        )
    page.goto(live.url + "/")
    assert page.get_by_test_id("due-count").inner_text() == "0"


def test_a_whole_kaoyan_interview_with_a_reload_in_the_middle(page: Any, live: LiveServer) -> None:
    """Issue 14: over the seed note every stage runs (the built-in bank lends what the note
    lacks, and the page says so); a reload keeps the server's deadline; follow-ups are
    numbered as follow-ups; the report has a bar per stage and each answer beside the model
    answer."""
    with live.service() as viva:
        viva.import_notes([SEED], bank="seed")
    page.goto(live.url + "/interview")
    notes = page.locator("[data-testid=plan-kaoyan-cs] >> xpath=..").get_by_test_id("plan-notes")
    expect(notes).to_contain_text("来自内置题库")
    page.get_by_test_id("plan-kaoyan-cs").check()
    page.get_by_test_id("start").click()
    page.wait_for_url(re.compile(r"/interview/live/"))
    token = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("iv-notes")).to_contain_text("来自内置题库")
    asked = 0
    reloaded = False
    follow_ups = 0
    while "/interview/report/" not in page.url:
        page.get_by_test_id("iv-prompt").wait_for()
        position = page.get_by_test_id("iv-position").inner_text()
        if asked:
            last = page.get_by_test_id("last-score").inner_text()
            assert re.match(r"上一题得分：\d+", last), last  # a Chinese colon, then the score
            assert "。 ·" not in last, last
        if page.get_by_test_id("follow-up").count():
            follow_ups += 1
            assert re.search(r"第 \d+ 题 · 追问 \d", position), position
        if asked == 2 and not reloaded:
            with live.service() as viva:
                deadline = viva.live_interview(token).deadline
            assert deadline is not None
            shown = page.get_by_test_id("timer").get_attribute("data-deadline")
            left_before = float(page.get_by_test_id("timer").get_attribute("data-timer") or 0)
            page.reload()
            page.get_by_test_id("iv-prompt").wait_for()
            timer = page.get_by_test_id("timer")
            # the same deadline, kept by the server: the countdown went on, it did not restart
            assert timer.get_attribute("data-deadline") == shown == deadline.isoformat()
            assert float(timer.get_attribute("data-timer") or 0) <= left_before
            with live.service() as viva:
                assert viva.live_interview(token).deadline == deadline
            reloaded = True
        answer = "" if asked % 3 == 2 else "我先讲结论，再讲原因：这和注意力机制、位置编码有关。"
        page.get_by_test_id("iv-answer").fill(answer)
        with page.expect_navigation():  # the server sends the page on (HX-Redirect)
            page.get_by_test_id("iv-submit").click()
        asked += 1
        assert asked < 60
    assert reloaded
    assert follow_ups > 0
    page.get_by_test_id("overall").wait_for()
    bars = page.get_by_test_id("stage-bar")
    assert bars.count() == 6  # one per stage of the plan
    assert page.locator("[data-testid=stage-bar].empty").count() == 0  # every stage ran
    expect(page.get_by_test_id("report-title")).to_contain_text("计算机考研复试")
    assert page.locator("[data-testid=turns] > li").count() == asked
    assert page.get_by_test_id("turn-compare").count() == asked
    assert page.locator("[data-testid=turn-reference] mark").count() > 0
    href = page.get_by_test_id("download-md").get_attribute("href")
    markdown = httpx.get(live.url + str(href), timeout=60)
    assert markdown.status_code == 200
    assert markdown.text.startswith("# 模拟面试报告 #")
    assert "**参考答案**" in markdown.text


def test_time_up_is_said_before_the_interview_moves_on(page: Any, live: LiveServer) -> None:
    """An interview whose question's time ran out while the tab was closed: the page says
    "时间到", hands in what is there, and the next page says the last answer was timed out."""
    with live.service() as viva:
        viva.import_notes([SEED], bank="seed")
        started = datetime.now(UTC) - timedelta(minutes=10)
        token = viva.begin_interview("kaoyan-cs", seed=1, now=started).token
    page.goto(f"{live.url}/interview/live/{token}")
    expect(page.get_by_test_id("time-up")).to_be_visible()
    expect(page.get_by_test_id("time-up")).to_contain_text("时间到")
    expect(page.get_by_test_id("last-timed-out")).to_be_visible()
    with live.service() as viva:
        assert viva.live_interview(token).interview.turns[0].timed_out


def test_switch_the_interface_to_english(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/settings")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_test_id("ui-lang").select_option("en")
    with page.expect_navigation():  # the server asks for a reload (HX-Refresh)
        page.get_by_test_id("save-settings").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-nav=home]").inner_text() == "Home"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for path in ("/", "/bank", "/drill", "/interview", "/progress", "/settings"):
        page.goto(live.url + path)
        for part in ("header nav", "footer", "main h1"):
            assert not cjk.search(page.locator(part).first.inner_text()), (path, part)
    # a page with no note content in it: every word of the interface is English
    page.goto(live.url + "/settings")
    settings_text = page.locator("main").inner_text().replace("中文", "")  # the language's own name
    assert not cjk.search(settings_text), settings_text
    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("[data-nav=home]").inner_text() == "首页"


def test_a_malicious_note_renders_inert(page: Any, live: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    upload(page, live, "bad.md", MALICIOUS.encode(), "bad")
    page.goto(live.url + "/bank?bank=bad")
    page.locator("ol.questions a").first.click()
    page.get_by_test_id("reference").wait_for()
    page.wait_for_timeout(300)
    reference = page.get_by_test_id("reference")
    assert reference.locator("script, iframe, style").count() == 0
    assert reference.locator("[onerror], [onclick]").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert reference.locator(".katex").count() == 1  # the formula still renders
    page.locator("a[href='#']").first.click()
    assert dialogs == []


def test_two_tabs_drilling_lose_no_review(context: Any, live: LiveServer) -> None:
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.goto(live.url + "/drill")
    for tab in (first, second):
        tab.get_by_test_id("answer").fill("不太确定。")
        tab.get_by_test_id("grade-button").click()
        tab.get_by_test_id("grade-result").wait_for()
    for tab in (first, second):
        tab.get_by_test_id("rate-1").click()
        expect(tab.get_by_test_id("recorded")).to_be_visible()
    with live.service() as viva:
        assert viva.dashboard().reviews_today == 2


def test_errors_show_a_friendly_page(page: Any, live: LiveServer) -> None:
    response = page.goto(live.url + "/bank/q/ffffffffffffffff")
    assert response.status == 404
    assert "ffffffffffffffff" in page.get_by_test_id("error").inner_text()
    assert "Traceback" not in page.content()


def test_the_api_reference_works_offline(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/api/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 15  # every endpoint, from the package's own copy


FAKE_VOICES = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  const fake = {
    getVoices: () => [{lang: "zh-CN", name: "zh"}, {lang: "en-US", name: "en"}],
    speak: (u) => spoken.push({text: u.text, lang: u.lang}),
    cancel: () => spoken.push({cancel: true}),
    addEventListener: () => {}, removeEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
})();
"""


def test_the_question_is_read_aloud_unless_muted(context: Any, live: LiveServer) -> None:
    context.add_init_script(FAKE_VOICES)  # the browser's voices are the external boundary
    page = context.new_page()
    page.goto(live.url + "/interview")
    page.get_by_test_id("start").click()
    page.wait_for_url(re.compile(r"/interview/live/"))
    prompt = page.get_by_test_id("iv-prompt").inner_text()
    page.wait_for_function("() => window.__spoken.some(s => s.text)")
    first = page.evaluate("() => window.__spoken.find(s => s.text)")
    assert first == {"text": prompt, "lang": "zh-CN"}
    page.get_by_test_id("mute").click()
    page.reload()
    page.get_by_test_id("iv-prompt").wait_for()
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__spoken.filter(s => s.text).length") == 0


NO_VOICES = """
(() => {
  window.__played = [];
  const fake = {getVoices: () => [], speak: () => {}, cancel: () => {},
                addEventListener: () => {}, removeEventListener: () => {}};
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.Audio = class { constructor(src) { window.__played.push(src); }
                         play() { return Promise.resolve(); } };
})();
"""


def test_the_server_speaks_when_the_browser_has_no_voice(context: Any, live: LiveServer) -> None:
    context.add_init_script(NO_VOICES)  # a browser without a voice for the language
    page = context.new_page()
    page.goto(live.url + "/interview")
    page.get_by_test_id("start").click()
    page.wait_for_url(re.compile(r"/interview/live/"))
    prompt = page.get_by_test_id("iv-prompt").inner_text()
    page.wait_for_function("() => window.__played.length > 0")
    src = page.evaluate("() => window.__played[0]")
    assert src.startswith("/api/speech/say?lang=zh&text=")
    wav = httpx.get(live.url + src, timeout=120)
    assert wav.status_code == 200
    assert wav.headers["content-type"] == "audio/wav"
    assert wav.content[:4] == b"RIFF"
    assert prompt
