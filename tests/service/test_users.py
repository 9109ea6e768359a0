"""Two users on one database: each sees only their own data.

Users are made through the service (`Viva.add_user`; sign-in comes with #18). Every object id
of one user is asked for as the other, through every service call that takes an id: each
must be "not found" (0 leaks), and the owner still finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, write
from viva.errors import NotFoundError
from viva.service import Viva
from viva.service.users import UserError
from viva.store.interviews import save_interview
from viva.store.jobs import create_job
from viva.store.recordings import save_recording
from viva.store.users import find_user_id

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _give_data(viva: Viva, name: str, tmp_path: Path) -> dict[str, Any]:
    """Notes, reviews, an edit, an own question, an interview (saved and live), a recording."""
    note = write(
        tmp_path / name / "net.md", "# 网络\n## TCP 和 UDP 的区别？\nTCP 可靠；UDP 不可靠。\n"
    )
    viva.import_notes([SEED, note], bank="notes")
    questions = viva.questions(banks=["notes"])
    viva.review(questions[0].id, 3, now=AT)
    viva.edit_question(questions[1].id, reference=f"{name} 的参考答案。")
    own = viva.add_question(f"{name} 自己的问题？", reference="答案。")
    live = viva.begin_interview("kaoyan-cs", banks=["notes"], seed=1, now=AT)
    with viva.db.transaction() as conn:
        user_id = find_user_id(conn, viva.user)
        assert user_id is not None
        interview_id = save_interview(
            conn,
            user_id,
            plan="kaoyan-cs",
            seed=1,
            started_at=AT,
            finished_at=AT,
            overall=60,
            report={"plan": "kaoyan-cs", "overall": 60, "answers": []},
        )
        recording_id = save_recording(
            conn,
            user_id,
            created_at=AT,
            question_id=questions[0].id,
            kind="drill",
            path="2026-03/a.wav",
            duration=1.0,
            language="zh",
            transcript=name,
            delivery={},
        )
        job_id = f"{name}-job".ljust(32, "0")
        create_job(conn, user_id, job_id=job_id, kind="import", arguments={}, now=AT)
    audio = viva.recordings_dir / "2026-03" / "a.wav"
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(name.encode())
    return {
        "question": questions[0].id,
        "edited": questions[1].id,
        "own": own.id,
        "interview": interview_id,
        "recording": recording_id,
        "token": live.token,
        "version": live.version,
        "job": job_id,
    }


def _calls(ids: dict[str, Any]) -> dict[str, Callable[[Viva], object]]:
    """Every service call that takes an id, with the other user's ids."""
    q, own = ids["question"], ids["own"]
    return {
        "question": lambda v: v.question(q),
        "question by prefix": lambda v: v.question(q[:6]),
        "grade": lambda v: v.grade(q, "答案"),
        "dispute_grade": lambda v: v.dispute_grade(q, "答案", 90),
        "disputes": lambda v: v.disputes(q),
        "review": lambda v: v.review(q, 3),
        "edit_question": lambda v: v.edit_question(ids["edited"], reference="改"),
        "restore_note": lambda v: v.restore_note(ids["edited"]),
        "note_version": lambda v: v.note_version(ids["edited"]),
        "remove_question": lambda v: v.remove_question(own),
        "edit own question": lambda v: v.edit_question(own, prompt="改？"),
        "question_terms": lambda v: v.question_terms(q),
        "interview": lambda v: v.interview(ids["interview"]),
        "live_interview": lambda v: v.live_interview(ids["token"]),
        "answer_interview": lambda v: v.answer_interview(
            ids["token"], "答案", version=ids["version"], seconds_used=5
        ),
        "recording": lambda v: v.recording(ids["recording"]),
        "delete_recording": lambda v: v.delete_recording(ids["recording"]),
        "job": lambda v: v.job(ids["job"]),
    }


def test_no_object_of_one_user_is_found_by_another(viva: Viva, tmp_path: Path) -> None:
    alice = viva.add_user("alice")
    bob = viva.add_user("bob")
    owned = {"alice": _give_data(alice, "alice", tmp_path), "bob": _give_data(bob, "bob", tmp_path)}
    # the same note in two users' banks of one name: different question ids
    assert owned["alice"]["question"] != owned["bob"]["question"]
    leaks = []
    for owner, other in (("alice", bob), ("bob", alice)):
        for name, call in _calls(owned[owner]).items():
            try:
                call(other)
            except NotFoundError:
                continue
            leaks.append(f"{other.user} reached {owner}'s object through {name}")
    assert leaks == []
    # what each one sees is theirs alone
    for mine, theirs in ((alice, "bob"), (bob, "alice")):
        assert {b.name for b in mine.banks()} == {"notes", "my-questions"}
        assert all(theirs not in q.prompt for q in mine.questions(banks=["my-questions"]))
        assert [r.transcript for r in mine.recordings()] == [mine.user]
        assert [i.id for i in mine.interviews()] == [owned[mine.user]["interview"]]
        assert mine.edit_state(owned[theirs]["edited"]) is None
        assert [e.question_id for e in mine.edits()] == [owned[mine.user]["edited"]]
    # the owner still reaches all of it (the calls above changed nothing of theirs)
    assert alice.question(owned["alice"]["question"]).id == owned["alice"]["question"]
    assert alice.recording(owned["alice"]["recording"]).transcript == "alice"
    assert alice.live_interview(owned["alice"]["token"]).token == owned["alice"]["token"]
    assert alice.job(owned["alice"]["job"]).state == "queued"
    stats = alice.stats(now=AT)
    assert sum(n for _, n in stats.reviews_per_day) == 1
    assert [overall for _, overall in stats.interview_trend] == [60]


def test_undo_takes_back_the_latest_review_of_that_user_only(viva: Viva) -> None:
    alice = viva.add_user("alice")
    bob = viva.add_user("bob")
    for user in (alice, bob):
        user.import_notes([SEED], bank="notes")
    mine = alice.questions()[0].id
    alice.review(mine, 3, now=AT)
    bob.review(bob.questions()[0].id, 1, now=AT.replace(hour=10))  # later, another user
    undone = alice.undo_last_review()
    assert undone is not None
    assert undone.question_id == mine
    assert bob.undo_last_review() is not None
    assert alice.undo_last_review() is None


def test_preferences_and_time_zones_are_per_user(viva: Viva) -> None:
    alice = viva.add_user("alice")
    alice.set_preferences(new_per_day=3, time_zone="Asia/Shanghai")
    assert viva.preferences().new_per_day == 10  # the local user keeps the defaults
    assert alice.preferences().time_zone == "Asia/Shanghai"
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai: a review then counts for the
    # 2nd there, so at 08:00 UTC on the 2nd the day's new-question budget is already used
    alice.import_notes([SEED], bank="notes")
    first = alice.questions()[0].id
    alice.review(first, 3, now=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    _, new_allowed = alice.drill_counts(now=datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert new_allowed == 2
    bob = viva.add_user("bob")
    bob.set_preferences(new_per_day=3, time_zone="America/Los_Angeles")
    bob.import_notes([SEED], bank="notes")
    bob.review(bob.questions()[0].id, 3, now=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    _, new_allowed = bob.drill_counts(now=datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert new_allowed == 3  # 15:30 on 1 March there: yesterday


def test_bad_user_names_and_unknown_users_are_explained(viva: Viva) -> None:
    viva.add_user("alice")
    with pytest.raises(UserError, match="already called 'alice'"):
        viva.add_user("alice")
    with pytest.raises(UserError, match="is not 1-64 letters"):
        viva.add_user("../evil")
    with pytest.raises(NotFoundError, match="no user is called 'nobody'"):
        viva.as_user("nobody").banks()
    with pytest.raises(Exception, match="time zone must be an IANA name"):
        viva.set_preferences(time_zone="Mars/Olympus")
