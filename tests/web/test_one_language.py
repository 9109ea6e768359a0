"""Every page and fragment, rendered by the real server in both interface languages, keeps to
that language outside the student's own content (see tests/web/language.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from tests.conftest import SEED
from tests.grades import ANSWER, four_states
from tests.web.conftest import LiveServer
from tests.web.language import language_problems, visible_text
from viva.grading.text import to_plain
from viva.service import Viva

pytestmark = pytest.mark.slow


def test_the_check_finds_the_other_language_and_spares_content() -> None:
    assert language_problems("<main><p>待复习 <b>3</b></p></main>", "en") == ["待复习"]
    assert language_problems("<main><p>Due now 3</p></main>", "zh") == ["Due now 3  <- Due, now"]
    assert language_problems('<p placeholder="x"><input placeholder="Search…"></p>', "zh")
    # the student's own text, and a control naming its own language, are not interface text
    page = '<p>今天 <i data-content>Transformer 的注意力</i></p><button lang="en">English</button>'
    assert language_problems(page, "zh") == []
    assert language_problems("<p>Question: 什么是过拟合？</p>", "en", ["什么是过拟合？"]) == []
    assert "alert" not in visible_text("<script>alert('中文')</script><p>ok</p>", "en")


def _content(viva: Viva, answers: list[str]) -> set[str]:
    """Everything the student (or the built-in bank) wrote, as pages may show it."""
    pieces: set[str] = set(answers)
    for summary in viva.banks():
        pieces.add(summary.name)
    for q in viva.questions(banks=["all"]):
        pieces.update([q.prompt, q.source.file, " / ".join(q.section), *q.section, *q.tags])
        pieces.update(k.text for k in q.key_points)
        pieces.update(line for line in to_plain(q.reference or "").splitlines())
        for link in q.links:
            pieces.update([link.raw, link.target, *link.target.split("#")])
    for saved in viva.interviews():
        for turn in saved.report["turns"]:
            pieces.update([turn["question"], turn["answer"] or ""])
            for key in ("covered", "partly", "missed"):
                pieces.update(turn.get(key) or [])
            for wrong in turn.get("contradicted") or []:
                pieces.update([wrong["text"], wrong.get("said") or "", wrong.get("expected") or ""])
    # feedback quotes points cut short ("遗漏：…"): their beginnings are content too
    return pieces | {p[:n] for p in pieces for n in (29, 39, 49, 79) if len(p) > n}


@pytest.fixture
def prepared(live: LiveServer, api: httpx.Client) -> dict[str, str]:
    """A student's data dir: the seed note imported, some reviews, a date, an interview."""
    assert api.post(
        "/api/import",
        files=[("files", ("seed-note.md", SEED.read_bytes(), "text/markdown"))],
        data={"bank": "seed"},
    ).is_success
    day = (date.today() + timedelta(days=30)).isoformat()
    api.put("/api/preferences", json={"interview_date": day, "new_per_day": 3})
    with live.service() as viva:
        now = datetime.now(UTC)
        for question in viva.drill_queue(now=now):
            viva.review(question.id, 3, now=now - timedelta(days=2))
        question = viva.questions(banks=["seed"])[0]
        session, seed = viva.start_interview("kaoyan-cs", seed=3, now=now)
        session.next()
        session.answer(ANSWER, 30.0, four_states())
        report, _ = viva.finish_interview(session, seed=seed, started_at=now)
    start = api.post("/interview/start", data={"plan": "tech-job"}, headers={"HX-Request": "1"})
    return {
        "question": question.id,
        "report": str(report),
        "live": start.headers["HX-Redirect"],
    }


PAGES = (
    "/",
    "/bank",
    "/bank?bank=seed",
    "/bank?bank=builtin&section=机器学习",
    "/drill",
    "/interview",
    "/progress",
    "/settings",
    "/grade/batch",
    "/bank/q/ffffffffffffffff",  # the error page
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_keeps_to_the_interface_language(
    api: httpx.Client, live: LiveServer, prepared: dict[str, str], lang: str
) -> None:
    api.put("/api/preferences", json={"ui_lang": lang})
    answer = "过拟合是模型在训练集上表现好、在测试集上表现差。可以用正则化和 Dropout 缓解。"
    pages = [
        *PAGES,
        f"/bank/q/{prepared['question']}",
        f"/drill/q/{prepared['question']}",
        f"/interview/report/{prepared['report']}",
        prepared["live"],
    ]
    shown = {path: api.get(path).text for path in pages}
    hx = {"HX-Request": "true"}
    shown["grade"] = api.post(
        "/drill/grade", data={"question_id": prepared["question"], "answer": answer}, headers=hx
    ).text
    shown["import"] = api.post(
        "/bank/import",
        files=[("files", ("seed-note.md", SEED.read_bytes(), "text/markdown"))],
        data={"bank": "seed"},
        headers=hx,
    ).text
    shown["bad upload"] = api.post(
        "/bank/import",
        files=[("files", ("slides.pdf", b"%PDF-1.4", "application/pdf"))],
        data={"bank": "seed"},
        headers=hx,
    ).text
    shown["bad setting"] = api.post(
        "/settings", data={"new_per_day": "-3", "ui_lang": lang}, headers=hx
    ).text
    shown["bad time zone"] = api.post(
        "/settings", data={"time_zone": "Mars/Olympus", "ui_lang": lang}, headers=hx
    ).text
    shown["bad batch line"] = api.post(
        "/grade/batch",
        files={"file": ("class.csv", b"question,reference,answer\nq,r,a,b\n", "text/csv")},
        headers=hx,
    ).text
    shown["batch without a column"] = api.post(
        "/grade/batch",
        files={"file": ("class.csv", b"question,answer\nq,a\n", "text/csv")},
        headers=hx,
    ).text
    shown["batch graded"] = api.post(
        "/grade/batch",
        files={
            "file": ("class.csv", "question,reference,answer\n问,答。,答。\n".encode(), "text/csv")
        },
        headers={**hx, "Prefer": "wait=120"},
    ).text
    graded = api.post(
        "/api/grade", json={"question_id": prepared["question"], "answer": answer}
    ).json()
    # what the student typed or chose
    typed = [answer, "ffffffffffffffff", "slides.pdf", ".pdf", "Mars/Olympus", "class.csv"]
    typed += ["question, reference, answer", "reference"]  # the columns a batch names
    # the points the grader read out of the reference, and the sentences it quotes for them
    typed += [k[key] for k in graded["key_points"] for key in ("text", "reference")]
    with live.service() as viva:
        content = _content(viva, typed)
    found = {name: language_problems(html, lang, content) for name, html in shown.items()}
    assert {name: problems for name, problems in found.items() if problems} == {}
    # the pages said something: the check had text to read
    assert all(len(visible_text(html, lang)) > 20 for html in shown.values())
    assert re.search(r"seed-note\.md:\d+", shown["import"])  # warnings keep their file:line
