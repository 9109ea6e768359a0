"""The student's data in a real browser (Debian's Chromium, Playwright) against a live
`viva serve --multi-user`: export downloads a zip with the notes and the JSON, an account is
deleted from its page, a teacher grades a batch and downloads it. Desktop and phone widths,
Chinese and English."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED
from tests.web.conftest import LiveServer, start_server, stop_server

pytestmark = [pytest.mark.slow, pytest.mark.hosted]

PASSWORD = "correct horse battery"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BATCH = (
    "学号,question,reference,answer\n"
    "s1,什么是过拟合？,模型在训练集上表现好，在测试集上表现差。,训练集上好，测试集上差。\n"
    "s2,What is overfitting?,Fitting noise in the training data.,It fits the noise.\n"
)


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("data-browser"),
        "--multi-user",
        probe="/sign-in",
        VIVA_BUILTIN_BANK="0",
    )
    yield server
    stop_server(server)


def _tab(browser: Any, size: str, lang: str) -> Any:
    context = browser.new_context(
        viewport=SIZES[size], locale="zh-CN" if lang == "zh" else "en-US", accept_downloads=True
    )
    context.set_default_timeout(30_000)
    return context.new_page()


def _sign_in(page: Any, server: LiveServer, name: str, role: str = "student") -> None:
    with server.service() as viva:
        viva.accounts.add(name, role=role, password=PASSWORD)
    page.goto(server.url + "/sign-in")
    page.get_by_test_id("sign-in-name").fill(name)
    page.get_by_test_id("sign-in-password").fill(PASSWORD)
    page.get_by_test_id("sign-in-submit").click()
    expect(page.get_by_test_id("account-name")).to_have_text(name)


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(("size", "lang"), [("desktop", "zh"), ("phone", "en")])
def test_export_downloads_a_zip_with_the_notes_and_the_json(
    browser: Any, hosted: LiveServer, tmp_path: Path, size: str, lang: str
) -> None:
    page = _tab(browser, size, lang)
    try:
        name = f"export-{size}"
        _sign_in(page, hosted, name)
        page.goto(hosted.url + "/bank")
        page.get_by_test_id("import-files").set_input_files(str(SEED))
        page.get_by_test_id("import-form").locator("button[type=submit]").click()
        expect(page.get_by_test_id("import-report")).to_be_visible()
        page.goto(hosted.url + "/settings")
        button = page.get_by_test_id("export-data")
        expect(button).to_have_text("导出我的数据" if lang == "zh" else "Export my data")
        assert _fits(page)
        with page.expect_download() as caught:
            button.click()
        download = caught.value
        assert re.fullmatch(rf"viva-{name}-\d{{8}}\.zip", download.suggested_filename)
        target = tmp_path / "mine.zip"
        download.save_as(str(target))
        with zipfile.ZipFile(target) as archive:
            data = json.loads(archive.read("data.json"))
            notes = [n for n in archive.namelist() if n.startswith("files/uploads/")]
            assert [Path(n).name for n in notes] == [SEED.name]
            assert archive.read(notes[0]) == SEED.read_bytes()
            assert "README.txt" in archive.namelist()
        assert data["user"] == name
        assert [b["name"] for b in data["tables"]["banks"]] == ["my-notes"]
        assert len(data["tables"]["questions"]) == 41
    finally:
        page.context.close()


@pytest.mark.parametrize(("size", "lang"), [("phone", "zh"), ("desktop", "en")])
def test_an_account_is_deleted_from_its_page(
    browser: Any, hosted: LiveServer, size: str, lang: str
) -> None:
    page = _tab(browser, size, lang)
    try:
        name = f"leaving-{size}"
        _sign_in(page, hosted, name)
        folder = hosted.settings.home / "users" / name
        with hosted.service() as viva:
            viva.as_user(name).set_preferences(daily_goal=4)
        page.goto(hosted.url + "/settings")
        page.get_by_test_id("delete-link").click()
        page.wait_for_url(re.compile(r"/account/delete$"))
        assert _fits(page)
        page.get_by_test_id("delete-password").fill(PASSWORD)
        page.get_by_test_id("delete-confirm").fill("not the name")
        page.get_by_test_id("delete-submit").click()
        expect(page.get_by_test_id("error")).to_contain_text(
            "请输入账号名" if lang == "zh" else "type the account's name"
        )
        page.get_by_test_id("delete-confirm").fill(name)
        page.get_by_test_id("delete-submit").click()
        page.wait_for_url(re.compile(r"/sign-in\?deleted=1$"))
        expect(page.get_by_test_id("account-deleted")).to_have_text(
            "账号及其全部数据已删除。"
            if lang == "zh"
            else "The account and all its data were deleted."
        )
        page.goto(hosted.url + "/")
        page.wait_for_url(re.compile(r"/sign-in$"))  # signed out
        with hosted.service() as viva:
            assert name not in [a.name for a in viva.accounts.accounts()]
        assert not folder.exists()
    finally:
        page.context.close()


@pytest.mark.parametrize(("size", "lang"), [("desktop", "zh"), ("phone", "en")])
def test_a_teacher_uploads_a_batch_and_downloads_the_graded_csv(
    browser: Any, hosted: LiveServer, tmp_path: Path, size: str, lang: str
) -> None:
    page = _tab(browser, size, lang)
    try:
        _sign_in(page, hosted, f"teacher-{size}", role="teacher")
        page.locator("[data-nav=grade]").click()
        page.wait_for_url(re.compile(r"/grade/batch$"))
        expect(page.locator("h1")).to_have_text("批量评分" if lang == "zh" else "Batch grading")
        assert _fits(page)
        bad = tmp_path / "bad.csv"
        bad.write_text("question,answer\nq,a\n", encoding="utf-8")
        page.get_by_test_id("batch-file").set_input_files(str(bad))
        page.get_by_test_id("batch-submit").click()
        expect(page.get_by_test_id("error")).to_contain_text("reference")
        good = tmp_path / "期中.csv"
        good.write_text(BATCH, encoding="utf-8")
        page.get_by_test_id("batch-file").set_input_files(str(good))
        page.get_by_test_id("batch-submit").click()
        expect(page.get_by_test_id("batch-done")).to_contain_text(
            "已评分 2/2 条回答。" if lang == "zh" else "Graded 2 of 2 answers."
        )
        assert _fits(page)
        with page.expect_download() as caught:
            page.get_by_test_id("batch-download").click()
        download = caught.value
        assert download.suggested_filename == "期中-graded.csv"
        target = tmp_path / "graded.csv"
        download.save_as(str(target))
        raw = target.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r["学号"] for r in rows] == ["s1", "s2"]
        assert all(0 <= float(r["score"]) <= 1 and r["error"] == "" for r in rows)
    finally:
        page.context.close()


def test_a_student_is_refused_the_batch_page(browser: Any, hosted: LiveServer) -> None:
    page = _tab(browser, "phone", "zh")
    try:
        _sign_in(page, hosted, "student-batch")
        assert page.locator("[data-nav=grade]").count() == 0
        response = page.goto(hosted.url + "/grade/batch")
        assert response is not None
        assert response.status == 403
        expect(page.get_by_test_id("error")).to_contain_text("批量评分只对老师和管理员开放")
    finally:
        page.context.close()
