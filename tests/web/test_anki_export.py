"""The bank page's "Export as Anki deck" button, on a real server and in Chromium."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SEED
from tests.web.conftest import LiveServer, start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose data dir holds the seed note as the bank 'seed'."""
    server = start_server(tmp_path_factory.mktemp("anki"), VIVA_BUILTIN_BANK="0")
    with server.service() as viva:
        viva.import_notes([SEED], bank="seed")
    yield server
    stop_server(server)


def test_export_downloads_a_deck_that_imports_back(server: LiveServer, tmp_path: Path) -> None:
    response = httpx.get(server.url + "/bank/export.apkg?bank=seed", timeout=60)
    assert response.status_code == 200
    assert 'filename="viva-seed.apkg"' in response.headers["content-disposition"]
    deck = tmp_path / "download.apkg"
    deck.write_bytes(response.content)
    with zipfile.ZipFile(deck) as archive:
        assert {"collection.anki2", "media"} <= set(archive.namelist())
    with server.service() as viva:
        report = viva.import_notes([deck], bank="from-web")
    assert report.counts["added"] == 41
    assert not list((server.settings.home / ".staging").glob("export-*"))


def test_export_of_an_unknown_bank_is_a_clear_404(server: LiveServer) -> None:
    response = httpx.get(server.url + "/bank/export.apkg?bank=nope", timeout=60)
    assert response.status_code == 404
    assert "没有名为 &#39;nope&#39; 的题库" in response.text  # the interface's language
    with server.service() as viva:
        viva.set_preferences(ui_lang="en")
    english = httpx.get(server.url + "/bank/export.apkg?bank=nope", timeout=60)
    assert "no bank is called &#39;nope&#39;" in english.text


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "导出为 Anki 牌组"), ("en", "Export as Anki deck")]
)
def test_the_button_downloads_the_deck(
    server: LiveServer, browser: Any, tmp_path: Path, lang: str, label: str
) -> None:
    with server.client() as client:
        client.put("/api/preferences", json={"ui_lang": lang}).raise_for_status()
    context = browser.new_context(viewport={"width": 390, "height": 800}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(server.url + "/bank?bank=seed")
        button = page.get_by_test_id("export-anki")
        assert button.inner_text() == label
        with page.expect_download() as caught:
            button.click()
        download = caught.value
        assert download.suggested_filename == "viva-seed.apkg"
        target = tmp_path / "deck.apkg"
        download.save_as(str(target))
        with zipfile.ZipFile(target) as archive:
            assert "collection.anki2" in archive.namelist()
        # the button and its line fit a phone's width (the page's own overflow is issue 15's
        # web part, not this button's)
        box = page.get_by_test_id("export-anki").locator("xpath=..").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= 390
        page.evaluate("document.querySelector('[data-testid=export-anki]').parentElement.remove()")
        without = page.evaluate("document.documentElement.scrollWidth")
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") == without
    finally:
        context.close()
