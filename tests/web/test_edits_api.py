"""Editing questions, adding them and disputing grades over the JSON API (a live server)."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import LiveServer
from tests.web.test_api import _upload

pytestmark = pytest.mark.slow

NOTE = """# 网络

## 1. TCP 和 UDP 的区别是什么？
> TCP ==面向连接、可靠传输==，UDP ==无连接、尽力而为==。

## 2. 拥塞控制有哪些算法？
"""


def _question(api: httpx.Client, start: str) -> dict:  # type: ignore[type-arg]
    listed = api.get("/api/questions", params={"bank": "net"}).json()["questions"]
    return next(q for q in listed if q["prompt"].startswith(start))


def test_edit_then_reimport_then_restore(api: httpx.Client) -> None:
    assert _upload(api, [("网络.md", NOTE.encode())], bank="net").status_code == 200
    tcp = _question(api, "TCP")
    edited = api.patch(
        f"/api/questions/{tcp['id']}",
        json={"reference": "TCP ==可靠==，UDP ==不可靠==。", "prompt": "TCP 与 UDP？"},
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["edited"] == ["prompt", "reference", "key_points"]
    assert body["key_points"] == ["可靠", "不可靠"]
    assert "<mark>可靠</mark>" in body["html"]
    changed = NOTE.replace("尽力而为", "不保证送达").encode()
    report = _upload(api, [("网络.md", changed)], bank="net").json()
    assert report["edits_over_changed"] == [{"id": tcp["id"], "prompt": "TCP 与 UDP？"}]
    assert api.get(f"/api/questions/{tcp['id']}").json()["prompt"] == "TCP 与 UDP？"
    page = api.get(f"/bank/q/{tcp['id']}").text
    assert 'data-testid="edited-badge"' in page
    assert 'data-testid="edit-note-changed"' in page  # the note moved on under the edit
    assert [e["id"] for e in api.get("/api/edits").json()] == [tcp["id"]]
    restored = api.delete(f"/api/questions/{tcp['id']}/edit").json()
    assert restored["edited"] == []
    assert "不保证送达" in restored["reference"]


def test_bad_edits_and_disputes_are_refused_with_their_reasons(api: httpx.Client) -> None:
    _upload(api, [("网络.md", NOTE.encode())], bank="net")
    tcp = _question(api, "TCP")
    empty = api.patch(f"/api/questions/{tcp['id']}", json={"prompt": " "})
    assert empty.status_code == 422
    assert empty.json()["error"] == "the question is empty"
    missing = api.patch("/api/questions/ffffffffffffffff", json={"prompt": "x"})
    assert missing.status_code == 404
    score = api.post(f"/api/questions/{tcp['id']}/disputes", json={"answer": "x", "score": 150})
    assert score.status_code == 422
    assert "score" in score.json()["error"]
    unanswered = _question(api, "拥塞")
    no_reference = api.post(
        f"/api/questions/{unanswered['id']}/disputes", json={"answer": "慢启动", "score": 50}
    )
    assert no_reference.status_code == 400
    assert "no reference answer yet" in no_reference.json()["error"]


def test_add_a_question_and_dispute_its_grade(api: httpx.Client) -> None:
    added = api.post(
        "/api/questions",
        json={
            "prompt": "TIME_WAIT 有什么用？",
            "reference": "==保证最后的 ACK 到达==，并==让旧连接的报文消失==。",
            "section": "网络 / TCP",
        },
    )
    assert added.status_code == 200, added.text
    question = added.json()
    assert (question["bank"], question["section"]) == ("my-questions", ["网络", "TCP"])
    answer = "等最后一个 ACK 送到，旧报文也都过期。"
    disputed = api.post(
        f"/api/questions/{question['id']}/disputes",
        json={"answer": answer, "score": 90, "note": "都答到了"},
    )
    assert disputed.status_code == 200, disputed.text
    assert disputed.json()["score"] == 90
    assert "your_score" in disputed.json()["flags"]
    again = api.post("/api/grade", json={"question_id": question["id"], "answer": answer})
    assert again.json()["score"] == 90
    assert api.delete(f"/api/questions/{question['id']}").json() == {"removed": question["id"]}


def test_edits_need_the_csrf_token(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, headers={"Origin": live.url}) as bare:
        bare.get("/api/preferences")
        refused = bare.post("/api/questions", json={"prompt": "x"})
        assert refused.status_code == 403
        refused = bare.post("/bank/new", data={"prompt": "x"})
        assert refused.status_code == 403
