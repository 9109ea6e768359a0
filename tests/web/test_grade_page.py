"""Grades in the pages and the API, over HTTP against a live server: the four key-point states."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import httpx
import pytest

from tests.grades import ANSWER, four_states
from tests.web.conftest import LiveServer
from viva.store.interviews import save_interview

pytestmark = pytest.mark.slow
NOW = datetime(2026, 11, 1, 8, tzinfo=UTC)


def test_drill_grade_fragment_lists_the_states_in_order(api: httpx.Client) -> None:
    question = api.get("/api/drill/next").json()["question"]
    reference = api.get(f"/api/questions/{question['id']}").json()["reference"]
    answer = reference[: max(20, len(reference) // 2)]  # half an answer: some points missing
    fragment = api.post("/drill/grade", data={"question_id": question["id"], "answer": answer}).text
    assert 'data-testid="grade-result"' in fragment
    shown = re.findall(r'class="points (contradicted|covered|partial|missed)"', fragment)
    order = ["contradicted", "covered", "partial", "missed"]
    assert shown, fragment
    assert shown == sorted(shown, key=order.index)


def test_api_grade_takes_the_feedback_language(api: httpx.Client) -> None:
    qid = api.get("/api/drill/next").json()["question"]["id"]
    body = {"question_id": qid, "answer": "不知道"}
    english = api.post("/api/grade", json={**body, "lang": "en"})
    assert english.status_code == 200, english.text
    assert all("contradiction" in k for k in english.json()["key_points"])
    assert api.post("/api/grade", json={**body, "lang": "fr"}).status_code == 422


def test_interview_report_page_shows_the_four_states_and_old_reports(
    api: httpx.Client, live: LiveServer
) -> None:
    with live.service() as viva:
        session, seed = viva.start_interview("tech-job", seed=2, now=NOW)
        asked = session.next()
        assert asked is not None
        session.answer(ANSWER, 30.0, four_states())
        saved, _ = viva.finish_interview(session, seed=seed, started_at=NOW)
        turn = viva.interview(saved).report["turns"][0]
        # saved before: partly and contradicted told apart, the model answer and grade kept
        added = ("partly", "contradicted", "grade", "reference")
        old_turn = {k: v for k, v in turn.items() if k not in added}
        old_report = {**viva.interview(saved).report, "turns": [old_turn]}
        with viva.db.transaction() as conn:
            old = save_interview(
                conn,
                1,  # the local user (made by the migration of a new database)
                plan="tech-job",
                seed=seed,
                started_at=NOW,
                finished_at=NOW,
                overall=38,
                report=old_report,
            )
    page = api.get(f"/interview/report/{saved}").text
    points = page[page.index('data-testid="turn-points"') :].split("</ul>")[0]
    items = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", points, re.S)
    ]
    assert items == [
        "✗ 答错的要点：用 softmax 得到注意力权重（你说“ReLU”，参考答案是“softmax”）",
        "✓ 答到的要点：Query 与 Key 做点积",
        "◐ 部分答到：除以根号 d_k",
        "○ 遗漏的要点：对 Value 加权求和",
    ]
    old_page = api.get(f"/interview/report/{old}")
    assert old_page.status_code == 200
    assert "✓ 答到的要点：Query 与 Key 做点积" in old_page.text
    assert "答错的要点" not in old_page.text
    # the new report: the answer beside the model answer, the wrong word marked in the answer
    assert '<mark class="kp contradicted" title="答错的要点">ReLU</mark>' in page


def test_live_interview_page_counts_the_last_answers_states(api: httpx.Client) -> None:
    live = api.post("/api/interviews", json={"plan": "tech-job", "seed": 7}).json()
    answer = "我会从原理、优缺点和应用场景三个方面回答。"
    step = api.post(
        f"/api/interviews/live/{live['token']}/answer",
        json={"answer": answer, "version": live["version"], "seconds_used": 5},
    )
    assert step.status_code == 200, step.text
    states = {k["coverage"] for k in step.json()["grade"]["key_points"]}
    page = api.get(f"/interview/live/{live['token']}").text
    counts = re.search(r'data-testid="last-points">(.*?)</span></p>', page, re.S)
    assert (counts is not None) == bool(states)
    if counts is not None:
        marks = {"contradicted": "✗", "covered": "✓", "partly": "◐", "missed": "○"}
        assert {m for s, m in marks.items() if s in states} == set(
            re.findall(r"([✗✓◐○]) \d+", counts.group(1))
        )
