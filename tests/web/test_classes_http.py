"""Classes over HTTP: a live `viva serve --multi-user` (uvicorn subprocess) and httpx clients
signed in as a teacher and students; the personal use has no classes at all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import write
from tests.web.conftest import LiveServer, start_server, stop_server
from tests.web.test_accounts_http import PASSWORD, _browser_like, _sign_in
from viva.service import Viva
from viva.service.classes import JOIN_LIMIT
from viva.store.interviews import save_interview
from viva.store.reviews import record_review
from viva.store.users import find_user_id

pytestmark = pytest.mark.slow

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
NOTE = (
    "# 网络\n## TCP 和 UDP 的区别？\nTCP 可靠；UDP 不可靠。\n"
    "## 三次握手为什么是三次？\n防止旧连接。\n"
)


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("classes"), "--multi-user", probe="/sign-in", VIVA_BUILTIN_BANK="0"
    )
    yield server
    stop_server(server)


def _add(server: LiveServer, name: str, role: str = "student") -> None:
    with server.service() as viva:
        viva.accounts.add(name, role=role, password=PASSWORD)


def _class_of(server: LiveServer, teacher: str, tmp_path: Path, *students: str) -> dict[str, Any]:
    """`class_of` on the server's data."""
    with server.service() as viva:
        return class_of(viva, teacher, tmp_path, *students)


def class_of(
    viva: Viva, teacher: str, tmp_path: Path, *students: str, password: str = PASSWORD
) -> dict[str, Any]:
    """A teacher with a bank "net" shared with a new class that `students` joined (accounts
    with `password`); the first student has a graded drill answer and a saved interview.
    Returns the ids."""
    viva.accounts.add(teacher, role="teacher", password=password)
    for name in students:
        viva.accounts.add(name, password=password)
    mine = viva.as_user(teacher)
    mine.import_notes([write(tmp_path / teacher / "net.md", NOTE)], bank="net")
    made = mine.create_class(f"{teacher} 的班")
    mine.share_bank(made.id, "net")
    for name in students:
        viva.as_user(name).join_class(made.join_code or "")
    first = viva.as_user(students[0])
    question = first.questions(banks=[f"{teacher}/net"])[0]
    with viva.db.transaction() as conn:
        user_id = find_user_id(conn, students[0])
        assert user_id is not None
        review_id = record_review(
            conn,
            user_id,
            question.id,
            rating=3,
            suggested=3,
            answer=f"{students[0]} 的回答：TCP 可靠",
            score=55,
            grade=None,
            before=None,
            after=None,
            reviewed_at=AT,
        )
        interview_id = save_interview(
            conn,
            user_id,
            plan="kaoyan-cs",
            seed=1,
            started_at=AT,
            finished_at=AT,
            overall=64,
            report={"plan": "kaoyan-cs", "overall": 64, "turns": [], "stages": []},
        )
    return {
        "class": made.id,
        "code": made.join_code,
        "student": students[0],
        "review": review_id,
        "interview": interview_id,
        "question": question.id,
    }


@pytest.mark.usefixtures("live")
def test_the_personal_use_has_no_classes(api: httpx.Client) -> None:
    assert api.get("/classes").status_code == 404
    assert api.get("/api/classes").status_code == 404
    assert api.post("/api/classes", json={"name": "x"}).status_code == 404
    assert 'data-nav="classes"' not in api.get("/").text


def test_a_teacher_runs_a_class_and_a_student_joins_it(hosted: LiveServer) -> None:
    _add(hosted, "t-run", "teacher")
    _add(hosted, "s-run")
    with hosted.service() as viva:
        viva.as_user("t-run").import_notes(
            [write(hosted.settings.home / "t-run-notes" / "net.md", NOTE)], bank="net"
        )
    with _browser_like(hosted) as teacher, _browser_like(hosted) as student:
        assert _sign_in(teacher, "t-run").status_code == 200
        assert _sign_in(student, "s-run").status_code == 200
        assert 'data-nav="classes"' in teacher.get("/").text
        refused = student.post("/api/classes", json={"name": "mine"})
        assert refused.status_code == 403
        assert refused.json()["error"] == "only a teacher or an admin can run a class"
        made = teacher.post("/api/classes", json={"name": "网络班"}).json()
        assert made["name"] == "网络班"
        assert made["is_teacher"] is True
        shared = teacher.post(f"/api/classes/{made['id']}/banks", json={"bank": "net"}).json()
        assert shared["banks"] == ["net"]
        assert student.post("/api/classes/join", json={"code": "WRONG234"}).status_code == 404
        joined = student.post("/api/classes/join", json={"code": made["join_code"].lower()})
        assert joined.status_code == 200, joined.text
        assert joined.json()["join_code"] is None  # a member is not shown the code
        assert joined.json()["banks"] == ["t-run/net"]
        banks = {b["name"]: b["shared_by"] for b in student.get("/api/banks").json()}
        assert banks["t-run/net"] == "t-run"
        listed = student.get("/api/questions", params={"bank": "t-run/net"}).json()
        assert [q["bank"] for q in listed["questions"]] == ["t-run/net", "t-run/net"]
        question = listed["questions"][0]
        edit = student.patch(f"/api/questions/{question['id']}", json={"reference": "改"})
        assert edit.status_code == 403
        assert "read-only" in edit.json()["error"]
        review = student.post("/api/reviews", json={"question_id": question["id"], "rating": 3})
        assert review.status_code == 200, review.text
        page = teacher.get(f"/classes/{made['id']}")
        assert page.status_code == 200
        assert 'data-student="s-run"' in page.text
        assert made["join_code"] in page.text
        report = teacher.get(f"/api/classes/{made['id']}").json()
        assert [s["name"] for s in report["students"]] == ["s-run"]
        assert report["students"][0]["due_now"] == 0
        assert report["students"][0]["last_active"] is not None
        as_member = student.get(f"/classes/{made['id']}")  # a teacher's page: not a member's
        assert as_member.status_code == 403
        assert "data-student" not in as_member.text
        assert student.get(f"/api/classes/{made['id']}").status_code == 403
        classes_page = student.get("/classes").text
        assert "网络班" in classes_page
        assert made["join_code"] not in classes_page
        assert student.post(f"/api/classes/{made['id']}/leave").json() == {"left": True}
        assert "t-run/net" not in {b["name"] for b in student.get("/api/banks").json()}


def test_wrong_join_codes_are_limited(hosted: LiveServer) -> None:
    _add(hosted, "s-guess")
    with _browser_like(hosted) as student:
        assert _sign_in(student, "s-guess").status_code == 200
        for _ in range(JOIN_LIMIT):
            wrong = student.post("/api/classes/join", json={"code": "ZZZZ9999"})
            assert wrong.status_code == 404
        held = student.post("/api/classes/join", json={"code": "ZZZZ9999"})
        assert held.status_code == 429
        assert held.json()["error"].startswith("too many wrong join codes")


def test_a_correction_shows_to_the_student(hosted: LiveServer, tmp_path: Path) -> None:
    ids = _class_of(hosted, "t-fix", tmp_path, "s-fix")
    with _browser_like(hosted) as teacher, _browser_like(hosted) as student:
        assert _sign_in(teacher, "t-fix").status_code == 200
        assert _sign_in(student, "s-fix").status_code == 200
        answers = teacher.get(f"/api/classes/{ids['class']}/students/s-fix/answers").json()
        assert [(a["review_id"], a["score"], a["correction"]) for a in answers] == [
            (ids["review"], 55, None)
        ]
        bad = teacher.post(
            f"/api/classes/{ids['class']}/reviews/{ids['review']}/correction", json={"score": 140}
        )
        assert bad.status_code == 422
        fixed = teacher.post(
            f"/api/classes/{ids['class']}/reviews/{ids['review']}/correction",
            json={"score": 85, "note": "要点都对"},
        )
        assert fixed.status_code == 200, fixed.text
        assert fixed.json()["correction"] == {"score": 85, "note": "要点都对", "teacher": "t-fix"}
        seen = student.get(f"/bank/q/{ids['question']}").text
        assert 'data-testid="teacher-correction">老师更正：85<' in seen
        report = teacher.get(
            f"/classes/{ids['class']}/students/s-fix/interviews/{ids['interview']}"
        )
        assert report.status_code == 200
        assert 'data-testid="overall">64<' in report.text
        assert "download-md" not in report.text  # read-only: the student's own download only


def _class_routes(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route of a class that takes an id, with class A's ids: (method, path, request)."""
    c, student, review, interview = ids["class"], ids["student"], ids["review"], ids["interview"]
    htmx = {"headers": {"HX-Request": "true"}}
    return [
        ("GET", f"/classes/{c}", {}),
        ("POST", f"/classes/{c}/code", htmx),
        ("POST", f"/classes/{c}/banks", {"data": {"bank": "net", "shared": "0"}, **htmx}),
        ("POST", f"/classes/{c}/students/{student}/remove", htmx),
        ("GET", f"/classes/{c}/students/{student}", {}),
        ("GET", f"/classes/{c}/students/{student}/interviews/{interview}", {}),
        ("POST", f"/classes/{c}/reviews/{review}/correct", {"data": {"score": "5"}, **htmx}),
        ("POST", f"/classes/{c}/delete", htmx),
        ("GET", f"/api/classes/{c}", {}),
        ("POST", f"/api/classes/{c}/code", {}),
        ("POST", f"/api/classes/{c}/banks", {"json": {"bank": "net"}}),
        ("DELETE", f"/api/classes/{c}/banks/net", {}),
        ("DELETE", f"/api/classes/{c}/students/{student}", {}),
        ("GET", f"/api/classes/{c}/students/{student}/answers", {}),
        ("GET", f"/api/classes/{c}/students/{student}/interviews/{interview}", {}),
        ("POST", f"/api/classes/{c}/reviews/{review}/correction", {"json": {"score": 5}}),
        ("DELETE", f"/api/classes/{c}", {}),
    ]


def test_class_ids_reach_nothing_for_a_member_or_another_teacher(
    hosted: LiveServer, tmp_path: Path
) -> None:
    a = _class_of(hosted, "t-a", tmp_path, "s-a1", "s-a2")
    b = _class_of(hosted, "t-b", tmp_path, "s-b1")
    leaks = []
    with (
        _browser_like(hosted) as member,
        _browser_like(hosted) as other_teacher,
        _browser_like(hosted) as teacher_a,
    ):
        assert _sign_in(member, "s-a2").status_code == 200  # a student of class A
        assert _sign_in(other_teacher, "t-b").status_code == 200  # the teacher of class B
        assert _sign_in(teacher_a, "t-a").status_code == 200
        for who, client in (("s-a2", member), ("t-b", other_teacher)):
            for method, path, extra in _class_routes(a):
                response = client.request(method, path, **extra)
                # a student asking for a teacher's operation is told it is one (403) and
                # shown nothing; anyone else: not found, as if the class did not exist
                allowed = (403,) if who.startswith("s-") else (404,)
                shown = response.text
                if response.status_code not in allowed or "s-a1" in shown or a["code"] in shown:
                    leaks.append(f"{who} {method} {path}: {response.status_code}")
        # a member of B cannot leave (or learn of) class A; class B's teacher reaches B only
        with _browser_like(hosted) as outsider:
            assert _sign_in(outsider, "s-b1").status_code == 200
            assert outsider.post(f"/api/classes/{a['class']}/leave").status_code == 404
            assert outsider.post(f"/classes/{a['class']}/leave").status_code == 404
        assert other_teacher.get(f"/api/classes/{b['class']}").status_code == 200
        assert leaks == []
        # the probe can fail: class A's teacher reaches all of it through the same routes
        for method, path, extra in _class_routes(a)[:-2]:
            if (
                "/delete" in path
                or "/remove" in path
                or (method == "DELETE" and "/students/" in path)
            ):
                continue
            response = teacher_a.request(method, path, **extra)
            assert response.status_code in (200, 204), f"{method} {path}: {response.text}"
