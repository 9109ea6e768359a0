"""A teacher and a student in two real browsers (Debian's Chromium, Playwright) on a live
`viva serve --multi-user`: the teacher makes a class and shares a bank, the student joins
with the code and drills it, the teacher corrects the grade on the class page, and the student
sees the correction. The class page at desktop and phone width, in Chinese and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import write
from tests.web.conftest import LiveServer, start_server, stop_server
from tests.web.language import language_problems
from viva.store.interviews import save_interview
from viva.store.users import find_user_id

pytestmark = [pytest.mark.slow, pytest.mark.hosted]

PASSWORD = "correct horse battery"
NOTE = """# 机器学习

## 1. 什么是过拟合？如何缓解？
> 过拟合是指==模型在训练集上表现很好，但在测试集或新数据上表现差==，因为模型
> ==学到了训练数据中的噪声和偶然规律==。缓解方法：==增加数据、正则化（L1/L2、Dropout）、
> 早停、降低模型复杂度==。
"""
ANSWER = "过拟合就是模型把训练数据背下来了，换了新数据就不行。可以多找数据，或者让模型简单一点。"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("classes-browser")
    server = start_server(folder, "--multi-user", probe="/sign-in", VIVA_BUILTIN_BANK="0")
    with server.service() as viva:
        for name, role in (("wang", "teacher"), ("li", "student")):
            viva.accounts.add(name, role=role, password=PASSWORD)
        viva.as_user("wang").import_notes([write(folder / "notes" / "ml.md", NOTE)], bank="ml")
    yield server
    stop_server(server)


def _tab(browser: Any, locale: str = "zh-CN", size: str = "desktop") -> Any:
    ctx = browser.new_context(viewport=SIZES[size], locale=locale)
    ctx.set_default_timeout(30_000)
    return ctx.new_page()


def _sign_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_test_id("sign-in-name").fill(name)
    page.get_by_test_id("sign-in-password").fill(PASSWORD)
    page.get_by_test_id("sign-in-submit").click()
    page.wait_for_url(server.url + "/")


def test_a_class_from_its_creation_to_a_corrected_grade(browser: Any, hosted: LiveServer) -> None:
    teacher, student = _tab(browser), _tab(browser)
    try:
        _sign_in(teacher, hosted, "wang")
        teacher.locator("[data-nav=classes]").click()
        teacher.get_by_test_id("class-name").fill("2027 复试班")
        teacher.get_by_test_id("create-class-submit").click()
        teacher.wait_for_url(re.compile(r"/classes/\d+$"))
        class_url = teacher.url
        expect(teacher.get_by_test_id("no-students")).to_be_visible()
        teacher.locator("[data-testid=share-bank][data-bank=ml]").click()
        expect(teacher.get_by_test_id("is-shared")).to_have_text("已共享")
        code = teacher.get_by_test_id("class-code").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{8}", code)

        _sign_in(student, hosted, "li")
        student.goto(hosted.url + "/classes")
        assert student.get_by_test_id("create-class").count() == 0  # a student makes none
        student.get_by_test_id("join-code-input").fill(code.lower())
        student.get_by_test_id("join-submit").click()
        expect(student.get_by_test_id("joined-class")).to_contain_text("2027 复试班")
        expect(student.get_by_test_id("shared-bank")).to_have_text("wang/ml")
        # the shared bank is the student's to drill, on their own schedule
        student.goto(hosted.url + "/drill")
        expect(student.get_by_test_id("drill-prompt")).to_contain_text("什么是过拟合")
        student.get_by_test_id("answer").fill(ANSWER)
        student.keyboard.press("Control+Enter")
        student.get_by_test_id("grade-result").wait_for()
        viva_score = int(student.get_by_test_id("score").inner_text())
        student.keyboard.press("3")
        expect(student.get_by_test_id("drill-counts")).to_be_visible()
        mine = 95 if viva_score < 70 else 20  # the teacher disagrees, whichever way Viva went

        teacher.goto(class_url)
        row = teacher.locator("[data-testid=student-row][data-student=li]")
        expect(row.get_by_test_id("due")).to_have_text("0")
        row.get_by_test_id("student-link").click()
        answer = teacher.get_by_test_id("graded-answer")
        expect(answer).to_contain_text(ANSWER)
        expect(answer.get_by_test_id("viva-score")).to_have_text(str(viva_score))
        answer.get_by_test_id("correct-score").fill(str(mine))
        answer.get_by_test_id("correct-note").fill("要点都说到了")
        answer.get_by_test_id("correct-save").click()
        expect(answer.get_by_test_id("corrected")).to_have_text(f"老师更正：{mine}")

        # the student sees it beside the question, and the same answer now follows it
        with hosted.service() as viva:
            (question,) = viva.as_user("li").questions(banks=["wang/ml"])
        student.goto(f"{hosted.url}/bank/q/{question.id}")
        expect(student.get_by_test_id("teacher-correction")).to_have_text(f"老师更正：{mine}")
        expect(student.get_by_test_id("corrections")).to_contain_text("要点都说到了")
        expect(student.get_by_test_id("read-only")).to_be_visible()  # no edit forms
        assert student.get_by_test_id("edit-prompt").count() == 0
        assert student.get_by_test_id("edit-reference").count() == 0
        student.goto(f"{hosted.url}/drill/q/{question.id}")
        student.get_by_test_id("answer").fill(ANSWER)
        student.keyboard.press("Control+Enter")
        student.get_by_test_id("grade-result").wait_for()
        expect(student.get_by_test_id("score")).to_have_text(str(mine))
        expect(student.get_by_test_id("grade-result")).to_contain_text("按老师的更正调整")
    finally:
        teacher.context.close()
        student.context.close()


@pytest.fixture(scope="module")
def full_class(hosted: LiveServer) -> str:
    """A class with three students (one with a mock interview): the page to look at."""
    with hosted.service() as viva:
        wang = viva.as_user("wang")
        made = wang.create_class("Phone and desktop")
        wang.share_bank(made.id, "ml")
        for name in ("zhang-san", "li-si-long-name", "wu"):
            viva.accounts.add(name, password=PASSWORD)
            viva.as_user(name).join_class(made.join_code or "")
        zhang = viva.as_user("zhang-san")
        question = zhang.questions(banks=["wang/ml"])[0]
        zhang.review(question.id, 3, now=datetime.now(UTC) - timedelta(days=5))
        zhang.set_preferences(interview_date=(datetime.now(UTC) + timedelta(days=30)).date())
        with viva.db.transaction() as conn:
            user_id = find_user_id(conn, "zhang-san")
            assert user_id is not None
            save_interview(
                conn,
                user_id,
                plan="kaoyan-cs",
                seed=1,
                started_at=datetime.now(UTC),
                finished_at=datetime.now(UTC),
                overall=72,
                report={"plan": "kaoyan-cs", "overall": 72, "turns": [], "stages": []},
            )
    return f"{hosted.url}/classes/{made.id}"


@pytest.mark.parametrize(("size", "lang"), [(s, lang) for s in SIZES for lang in LOCALES], ids=str)
def test_the_class_page_fits_and_speaks_one_language(
    browser: Any, hosted: LiveServer, full_class: str, size: str, lang: str
) -> None:
    page = _tab(browser, LOCALES[lang], size)
    try:
        _sign_in(page, hosted, "wang")
        page.goto(full_class)
        if page.locator("html").get_attribute("lang") != HTML_LANG[lang]:
            page.get_by_test_id("lang-switch").click()  # the account kept another language
            expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
        expect(page.get_by_test_id("student-row")).to_have_count(3)
        zhang = page.locator("[data-testid=student-row][data-student=zhang-san]")
        expect(zhang.get_by_test_id("student-interview")).to_have_text("72")
        expect(zhang.get_by_test_id("readiness")).to_contain_text("%")
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"the class page scrolls sideways at {size}"
        names = ["wang", "zhang-san", "li-si-long-name", "wu", "ml", "wang/ml"]
        assert language_problems(page.content(), lang, names) == []
        zhang.get_by_test_id("student-interview").click()
        expect(page.get_by_test_id("report-of")).to_contain_text("zhang-san")
    finally:
        page.context.close()
