"""Export, account deletion, retention and batch grading over HTTP: a live `viva serve
--multi-user` (and a personal one) in a subprocess, httpx as the browser, real models."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import SEED
from tests.web.conftest import LiveServer, start_server, stop_server
from tests.web.test_accounts_http import _browser_like, _sign_in

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
BATCH = (
    "id,question,reference,answer\n"
    's1,什么是过拟合？,模型在训练集上表现好，在测试集上表现差。,"训练集上好，测试集上差。"\n'
    "s2,什么是过拟合？,,不知道\n"
)


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("hosted-data"),
        "--multi-user",
        probe="/sign-in",
        VIVA_BUILTIN_BANK="0",
        VIVA_RECORDINGS_KEEP_DAYS="30",
    )
    with server.service() as viva:
        viva.accounts.add("teacher-wu", role="teacher", password=PASSWORD)
    yield server
    stop_server(server)


@contextmanager
def _signed_in(server: LiveServer, name: str, role: str = "student") -> Iterator[httpx.Client]:
    with server.service() as viva:
        viva.accounts.add(name, role=role, password=PASSWORD)
    with _browser_like(server) as client:
        assert _sign_in(client, name).status_code == 200
        yield client


def _import_seed(client: httpx.Client) -> None:
    imported = client.post(
        "/api/import",
        files=[("files", ("seed-note.md", SEED.read_bytes(), "text/markdown"))],
        data={"bank": "seed"},
    )
    assert imported.status_code == 200, imported.text


def test_export_downloads_a_zip_of_the_signed_in_user_only(hosted: LiveServer) -> None:
    with _signed_in(hosted, "zhou") as zhou, _signed_in(hosted, "qian") as qian:
        _import_seed(zhou)
        page = zhou.get("/settings")
        assert 'data-testid="export-data"' in page.text
        assert 'href="/account/delete"' in page.text
        assert "30" in page.text  # the server's maximum is said beside the setting
        for url in ("/api/export", "/settings/export.zip"):
            got = zhou.get(url)
            assert got.status_code == 200, got.text
            assert got.headers["content-type"] == "application/zip"
            assert "viva-zhou-" in got.headers["content-disposition"]
            archive = zipfile.ZipFile(io.BytesIO(got.content))
            data = json.loads(archive.read("data.json"))
            assert data["user"] == "zhou"
            assert [b["name"] for b in data["tables"]["banks"]] == ["seed"]
            uploaded = [n for n in archive.namelist() if n.startswith("files/uploads/")]
            assert len(uploaded) == 1
            assert archive.read(uploaded[0]) == SEED.read_bytes()
        theirs = zipfile.ZipFile(io.BytesIO(qian.get("/api/export").content))
        data = json.loads(theirs.read("data.json"))
        assert data["user"] == "qian"
        assert data["tables"]["banks"] == []
        assert not [n for n in theirs.namelist() if n.startswith("files/")]
    with _browser_like(hosted) as anonymous:
        assert anonymous.get("/api/export").status_code == 401


def test_deleting_the_own_account_needs_the_password_and_the_name(hosted: LiveServer) -> None:
    with _signed_in(hosted, "sun") as sun:
        _import_seed(sun)
        folder = hosted.settings.home / "users" / "sun"
        assert folder.is_dir()
        assert sun.get("/account/delete").status_code == 200
        wrong = sun.post("/api/account/delete", json={"password": "nope", "confirm": "sun"})
        assert wrong.status_code == 401
        assert wrong.json()["error"] == "the password is wrong: nothing was deleted"
        typo = sun.post("/api/account/delete", json={"password": PASSWORD, "confirm": "Sun"})
        assert typo.status_code == 422
        assert "type the account's name 'sun'" in typo.json()["error"]
        page = sun.post(
            "/account/delete",
            data={"password": "nope", "confirm": "sun"},
            headers={"HX-Request": "true"},
        )
        assert page.status_code == 401
        assert "密码不正确，没有删除任何数据" in page.text  # the account's language: Chinese
        done = sun.post("/api/account/delete", json={"password": PASSWORD, "confirm": "sun"})
        assert done.status_code == 200, done.text
        assert done.json()["deleted"] == "sun"
        assert 'viva_session=""' in done.headers["set-cookie"]
        assert sun.get("/api/home").status_code == 401
    assert not folder.exists()
    with _browser_like(hosted) as client:
        assert _sign_in(client, "sun").status_code == 401
        notice = client.get("/sign-in?deleted=1")
        assert 'data-testid="account-deleted"' in notice.text


def test_the_retention_setting_is_saved_from_the_settings_form(hosted: LiveServer) -> None:
    with _signed_in(hosted, "li") as li:
        saved = li.post(
            "/settings",
            data={"recordings_keep_days": "14", "ui_lang": "zh"},
            headers={"HX-Request": "true"},
        )
        assert saved.status_code == 200, saved.text
        assert li.get("/api/preferences").json()["recordings_keep_days"] == 14
        bad = li.post(
            "/settings",
            data={"recordings_keep_days": "-1", "ui_lang": "zh"},
            headers={"HX-Request": "true"},
        )
        assert bad.status_code == 422
        assert "录音保留天数须是 0 到 3650 的整数" in bad.text
        api = li.put("/api/preferences", json={"recordings_keep_days": 0})
        assert api.json()["recordings_keep_days"] == 0


def test_students_cannot_reach_batch_grading(hosted: LiveServer) -> None:
    with _signed_in(hosted, "zhao") as zhao:
        assert 'href="/grade/batch"' not in zhao.get("/").text
        page = zhao.get("/grade/batch")
        assert page.status_code == 403
        assert "批量评分只对老师和管理员开放" in page.text
        api = zhao.post("/api/grade/batch", files={"file": ("a.csv", BATCH.encode(), "text/csv")})
        assert api.status_code == 403
        assert api.json()["error"] == "batch grading is for teachers and admins"


def test_a_teacher_grades_a_batch_and_downloads_it_with_a_bom(hosted: LiveServer) -> None:
    with _browser_like(hosted) as teacher:
        assert _sign_in(teacher, "teacher-wu").status_code == 200
        assert 'href="/grade/batch"' in teacher.get("/").text
        assert teacher.get("/grade/batch").status_code == 200
        bad = teacher.post(
            "/api/grade/batch",
            files={"file": ("class.csv", b"question,reference,answer\nq,r,a,extra\n", "text/csv")},
        )
        assert bad.status_code == 400
        assert bad.json()["error"] == (
            "class.csv:2: 4 fields, but the first line names 3 (question, reference, answer)"
        )
        missing = teacher.post(
            "/grade/batch",
            files={"file": ("class.csv", b"question,answer\nq,a\n", "text/csv")},
            headers={"HX-Request": "true"},
        )
        assert missing.status_code == 400
        assert "class.csv 缺少列：reference" in missing.text
        graded = teacher.post(
            "/api/grade/batch", files={"file": ("class.csv", BATCH.encode(), "text/csv")}
        )
        assert graded.status_code == 200, graded.text
        result = graded.json()
        assert (result["rows"], result["graded"], result["errors"]) == (2, 1, 1)
        download = teacher.get(result["download"])
        assert download.status_code == 200
        assert download.content.startswith(b"\xef\xbb\xbf")
        assert "class-graded.csv" in download.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert [r["id"] for r in rows] == ["s1", "s2"]
        assert 0 < float(rows[0]["score"]) <= 1
        assert rows[1]["error"] == "empty reference: nothing to grade against"
        # the same job as a page: the fragment ends in the summary and the download link
        fragment = teacher.get(f"/grade/batch/{result['job']}").text
        assert 'data-testid="batch-done"' in fragment
        assert f'href="/grade/batch/{result["job"]}/graded"' in fragment
    with _signed_in(hosted, "chu", role="teacher") as other:
        # another teacher cannot fetch it
        assert other.get(result["download"]).status_code == 404
        assert other.get(f"/grade/batch/{result['job']}").status_code == 404


def test_the_personal_use_grades_batches_and_has_no_account_to_delete(
    live: LiveServer, api: httpx.Client
) -> None:
    assert api.get("/grade/batch").status_code == 200
    assert 'href="/grade/batch"' in api.get("/").text
    assert api.get("/account/delete").status_code == 404
    assert api.post(
        "/api/account/delete", json={"password": "x", "confirm": "local"}
    ).status_code in (
        404,
        405,
    )
    settings = api.get("/settings").text
    assert str(live.settings.home) in settings  # where all the data is, to remove it
    assert 'href="/account/delete"' not in settings
    zipped = zipfile.ZipFile(io.BytesIO(api.get("/settings/export.zip").content))
    assert json.loads(zipped.read("data.json"))["user"] == "local"
