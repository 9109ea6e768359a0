"""The JSON API, over HTTP against a live server (uvicorn, temp data dir, real models)."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEED
from tests.web.conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.slow

MALICIOUS = """# 安全

## 恶意笔记测试？
> 答案里有 <script>alert('x')</script> 和 <img src=x onerror="alert(1)">，
> 还有 [点我](javascript:alert(2)) 与 <a href="#" onclick="alert(3)">链接</a>。
> ==要点一== 正常内容，公式 $a^2$。
> <iframe src="http://example.com"></iframe><style>body{display:none}</style>
"""


def test_home_and_bank_listing(api: httpx.Client) -> None:
    home = api.get("/api/home").json()
    assert home["questions"] == 312  # every built-in question has a reference
    assert home["due_now"] == 0
    assert home["new_available"] == 10
    banks = api.get("/api/banks").json()
    assert [b["name"] for b in banks] == ["builtin"]
    found = api.get("/api/questions", params={"q": "过拟合 正则化", "limit": 5}).json()
    assert found["total"] == 5
    assert any("过拟合" in q["prompt"] for q in found["questions"])
    one = api.get(f"/api/questions/{found['questions'][0]['id']}").json()
    assert one["key_points"]
    assert "<mark>" in one["html"]


def test_home_names_the_weakest_of_the_sections_practised(api: httpx.Client) -> None:
    # On a fresh start every section is at 0 %: "weakest" would be an arbitrary three of them.
    fresh = api.get("/api/home").json()
    assert fresh["weakest_studied"] == []
    sections = fresh["sections_not_started"]
    assert sections > 30
    assert "练几道题后，这里会列出你掌握得最差的三个部分。" in api.get("/").text
    question = api.get("/api/drill/next").json()["question"]
    api.post("/api/reviews", json={"question_id": question["id"], "rating": 1, "answer": "不会"})
    home = api.get("/api/home").json()
    assert [s["section"] for s in home["weakest_studied"]] == [question["section"]]
    assert home["sections_not_started"] == sections - 1
    page = api.get("/").text
    assert " / ".join(question["section"]) in page
    assert f"还有 {sections - 1} 个部分没开始练" in page
    assert "练几道题后" not in page


def test_grade_review_and_undo(api: httpx.Client, live: LiveServer) -> None:
    qid = api.get("/api/drill/next").json()["question"]["id"]
    with live.service() as viva:
        reference = viva.question(qid).reference or ""
    good = api.post("/api/grade", json={"question_id": qid, "answer": reference}).json()
    empty = api.post("/api/grade", json={"question_id": qid, "answer": ""}).json()
    assert good["score"] > empty["score"]
    assert empty["score"] == 0
    assert "no_answer" in empty["flags"]
    assert {"covered", "missed", "partly"} >= {k["coverage"] for k in good["key_points"]}
    reviewed = api.post(
        "/api/reviews", json={"question_id": qid, "rating": 3, "answer": reference}
    ).json()
    assert reviewed["rating"] == 3
    assert reviewed["suggested"] is not None
    assert api.get("/api/home").json()["reviews_today"] == 1
    assert api.post("/api/reviews/undo").json()["undone"] == qid
    assert api.get("/api/home").json()["reviews_today"] == 0


def test_errors_are_json_with_a_hint(api: httpx.Client) -> None:
    missing = api.get("/api/questions/ffffffffffffffff")
    assert missing.status_code == 404
    body = missing.json()
    assert set(body) == {"error", "hint"}
    assert "ffffffffffffffff" in body["error"]
    assert api.get("/api/nothing-here").status_code == 404
    bad = api.post("/api/reviews", json={"question_id": "x", "rating": 9})
    assert bad.status_code == 422
    assert "rating" in bad.json()["error"]
    prefs = api.put("/api/preferences", json={"desired_retention": 2, "new_per_day": -1})
    assert prefs.status_code == 422
    assert "retention" in prefs.json()["error"]
    assert "new per day" in prefs.json()["error"]
    assert "Traceback" not in missing.text + bad.text + prefs.text


def test_csrf_and_origin_are_checked(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url) as bare:
        refused = bare.post("/api/reviews/undo")
        assert refused.status_code == 403
        assert "token" in refused.json()["error"]
        bare.get("/api/home")
        token = bare.cookies["viva_csrf"]
        wrong = bare.post("/api/reviews/undo", headers={"X-CSRF-Token": token + "x"})
        assert wrong.status_code == 403
        foreign = bare.post(
            "/api/reviews/undo",
            headers={"X-CSRF-Token": token, "Origin": "http://evil.example"},
        )
        assert foreign.status_code == 403
        assert "another site" in foreign.json()["error"]
        fine = bare.post("/api/reviews/undo", headers={"X-CSRF-Token": token, "Origin": live.url})
        assert fine.status_code == 200
    page = httpx.get(live.url + "/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_preferences_round_trip_and_drive_the_dashboard(api: httpx.Client) -> None:
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    saved = api.put(
        "/api/preferences", json={"interview_date": day, "new_per_day": 4, "ui_lang": "en"}
    ).json()
    assert saved["interview_date"] == day
    assert saved["ui_lang"] == "en"
    home = api.get("/api/home").json()
    assert home["new_available"] == 4
    assert home["days_left"] in (29, 30)
    progress = api.get("/api/progress").json()
    assert progress["plan"]["exam_date"] == day
    assert (
        api.put("/api/preferences", json={"interview_date": None}).json()["interview_date"] is None
    )


def _upload(
    api: httpx.Client, files: list[tuple[str, bytes]], bank: str = "mine"
) -> httpx.Response:
    return api.post(
        "/api/import",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"bank": bank},
    )


def test_upload_the_seed_note(api: httpx.Client) -> None:
    report = _upload(api, [("seed-note.md", SEED.read_bytes())]).json()
    assert report["questions"] == 41
    assert report["counts"]["added"] == 41
    lines = {(p["file"], p["line"]) for p in report["problems"]}
    assert ("seed-note.md", 58) in lines
    assert ("seed-note.md", 130) in lines
    listed = api.get("/api/questions", params={"bank": "mine", "limit": 1000}).json()
    assert listed["total"] == 41
    again = _upload(api, [("seed-note.md", SEED.read_bytes())]).json()
    assert again["counts"]["unchanged"] == 41
    assert again["counts"]["added"] == 0


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_upload_a_zipped_vault_and_refuse_bad_archives(api: httpx.Client, live: LiveServer) -> None:
    vault = _zip(
        {
            "vault/seed.md": SEED.read_bytes(),
            "vault/.obsidian/app.json": b"{}",
            "vault/notes/extra.md": "## 额外的问题？\n> 答案 ==要点==\n".encode(),
        }
    )
    report = _upload(api, [("vault.zip", vault)], bank="zipped").json()
    assert report["questions"] == 42
    escape = _upload(api, [("evil.zip", _zip({"../../evil.md": b"# x"}))])
    assert escape.status_code == 400
    assert "outside" in escape.json()["error"]
    absolute = _upload(api, [("abs.zip", _zip({"/etc/evil.md": b"# x"}))])
    assert absolute.status_code == 400
    bomb = _upload(api, [("bomb.zip", _zip({"big.md": b"0" * (60 * 1024 * 1024)}))])
    assert bomb.status_code == 413
    assert "MB" in bomb.json()["error"]
    binary = _upload(api, [("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)])
    assert binary.status_code == 400
    assert ".md" in binary.json()["error"]
    fake_text = _upload(api, [("notes.md", b"\x00\x01\x02" * 100)])
    assert fake_text.status_code == 400
    broken = _upload(api, [("broken.zip", b"PK\x03\x04 not really")])
    assert broken.status_code == 400
    assert "zip" in broken.json()["error"]
    assert not (live.settings.home / "evil.md").exists()
    assert {b["name"] for b in api.get("/api/banks").json()} == {"builtin", "zipped"}


def test_upload_size_limit_is_configurable(tmp_path: Path) -> None:
    server = start_server(tmp_path, VIVA_MAX_UPLOAD_MB="1")
    try:
        with server.client() as api:
            big = _upload(api, [("big.md", b"# big\n" + b"x" * (2 * 1024 * 1024))])
            assert big.status_code == 413
            assert "1 MB" in big.json()["error"]
            assert _upload(api, [("small.md", SEED.read_bytes())]).status_code == 200
    finally:
        stop_server(server)


def test_notes_render_inert(api: httpx.Client) -> None:
    _upload(api, [("bad.md", MALICIOUS.encode())], bank="bad")
    question = api.get("/api/questions", params={"bank": "bad"}).json()["questions"][0]
    html = api.get(f"/api/questions/{question['id']}").json()["html"]
    lowered = html.lower()
    for forbidden in ("<script", "onerror", "onclick", 'href="javascript', "<iframe", "<style"):
        assert forbidden not in lowered, forbidden
    assert "[点我](javascript:alert(2))" in html  # refused as a link: shown as the text it is
    assert "<mark>要点一</mark>" in html
    assert 'class="math inline"' in html
    page = api.get(f"/bank/q/{question['id']}").text
    assert "alert('x')</script>" not in page.lower()
    # the page also holds the note's text escaped in its edit box (inert): parse, not grep
    tags = _tags(page)
    assert not [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)]
    assert not [name for name, attrs in tags if name == "script" and "src" not in attrs]
    assert not [name for name, _ in tags if name in ("iframe", "style")]


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of a page with its attributes (text inside <textarea> is not markup)."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collect().feed(page)
    return found


def test_mock_interview_over_the_api_with_a_stale_tab(api: httpx.Client) -> None:
    plans = {p["name"] for p in api.get("/api/plans").json()}
    assert {"kaoyan-cs", "tech-job"} <= plans
    live = api.post("/api/interviews", json={"plan": "tech-job", "seed": 7}).json()
    token, version = live["token"], live["version"]
    assert live["question"]["prompt"]
    assert live["answered"] == 0
    assert live["deadline"] is not None  # the clock runs on the server
    assert 0 < live["seconds_left"] <= live["question"]["seconds"]
    report_id = None
    turns = 0
    while report_id is None:
        answer = "我会从原理、优缺点和应用场景三个方面回答。" if turns < 3 else ""
        step = api.post(
            f"/api/interviews/live/{token}/answer",
            json={"answer": answer, "version": version, "seconds_used": 12.5},
        )
        assert step.status_code == 200, step.text
        body = step.json()
        turns += 1
        if turns == 1:  # the same answer again from a second tab: refused, not double-counted
            stale = api.post(
                f"/api/interviews/live/{token}/answer",
                json={"answer": "again", "version": version, "seconds_used": 1},
            )
            assert stale.status_code == 409
            assert "another tab" in stale.json()["error"]
        report_id = body["report_id"]
        if body["interview"] is not None:
            version = body["interview"]["version"]
    report = api.get(f"/api/interviews/{report_id}").json()
    assert len(report["turns"]) == turns
    # timed by the server between the question and the answer, not by what the client says
    assert report["turns"][0]["seconds_used"] != 12.5
    assert report["turns"][0]["seconds_used"] >= 0
    assert api.get(f"/api/interviews/live/{token}").status_code == 404
    assert api.get("/api/interviews").json()[0]["id"] == report_id


def test_concurrent_reviews_are_all_recorded(live: LiveServer) -> None:
    with live.service() as viva:
        ids = [q.id for q in viva.drill_queue(new=8)]
    errors: list[str] = []

    def review(qid: str) -> None:
        with live.client() as client:
            response = client.post("/api/reviews", json={"question_id": qid, "rating": 3})
            if response.status_code != 200:
                errors.append(response.text)

    threads = [threading.Thread(target=review, args=(qid,)) for qid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with live.client() as client:
        assert client.get("/api/home").json()["reviews_today"] == len(ids) == 8


def test_the_openapi_document_lists_every_action(api: httpx.Client) -> None:
    paths = api.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/grade",
        "/api/reviews",
        "/api/import",
        "/api/interviews",
        "/api/preferences",
    ):
        assert path in paths
    assert not [p for p in paths if not p.startswith("/api/")]  # pages are not in the API


def test_the_server_listens_on_loopback_only(live: LiveServer) -> None:
    port = int(live.url.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, and nothing else (no 0.0.0.0, no ::)


def test_the_time_zone_is_set_on_the_settings_page(api: httpx.Client, live: LiveServer) -> None:
    page = api.get("/settings").text
    assert 'name="time_zone"' in page
    assert '<option value="Asia/Shanghai">' in page  # offered as the student types
    hx = {"HX-Request": "true"}
    saved = api.post("/settings", data={"time_zone": "Asia/Shanghai"}, headers=hx)
    assert saved.status_code == 200
    with live.service() as viva:
        assert viva.preferences().time_zone == "Asia/Shanghai"
    # a form without the field leaves the zone as it was; an empty one goes back to the machine's
    api.post("/settings", data={"daily_goal": "15"}, headers=hx).raise_for_status()
    with live.service() as viva:
        assert viva.preferences().time_zone == "Asia/Shanghai"
    api.post("/settings", data={"time_zone": "", "has_time_zone": "1"}, headers=hx)
    with live.service() as viva:
        assert viva.preferences().time_zone == ""
    wrong = api.post("/settings", data={"time_zone": "Mars/Olympus"}, headers=hx)
    assert wrong.status_code == 422
    assert "Asia/Shanghai" in wrong.text  # says what a zone looks like
