"""Teachers and classes at the service layer (a real database: SQLite, or PostgreSQL with
VIVA_TEST_DATABASE=postgresql): join codes, shared banks read-only, the class page, and a
teacher's correction feeding every member's grader."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import write
from viva.errors import NotFoundError
from viva.grading.models import Flag
from viva.service import Viva
from viva.service.bank import ReadOnlyBank
from viva.service.classes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    JOIN_LIMIT,
    ClassError,
    ClassNotFound,
    JoinThrottled,
    NotATeacher,
    WrongJoinCode,
    normalised_code,
)
from viva.store.schema import exemplars, sign_in_attempts

PASSWORD = "correct horse battery"
AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOTE = """# 机器学习

## 1. 什么是过拟合？如何缓解？
> 过拟合是指==模型在训练集上表现很好，但在测试集或新数据上表现差==，因为模型
> ==学到了训练数据中的噪声和偶然规律==。缓解方法：==增加数据、正则化（L1/L2、Dropout）、
> 早停、降低模型复杂度==。

## 2. 什么是梯度消失？
> ==反向传播时梯度逐层变小==，前面的层几乎学不到东西。
"""
ANSWER = "过拟合就是模型把训练数据背下来了，换了新数据就不行。可以多找数据，或者让模型简单一点。"
NEAR = "过拟合就是模型把训练数据背下来了，换成新数据就不行了。可以多找些数据，或让模型简单一点。"


def _people(viva: Viva, vault: Path) -> tuple[Viva, Viva, Viva]:
    """A teacher with a bank "ml", and two students (one with a bank of the same name)."""
    viva.accounts.add("wang", role="teacher", password=PASSWORD)
    viva.accounts.add("li", password=PASSWORD)
    viva.accounts.add("zhao", password=PASSWORD)
    teacher, li, zhao = (viva.as_user(n) for n in ("wang", "li", "zhao"))
    teacher.import_notes([write(vault / "ml.md", NOTE)], bank="ml")
    own = write(vault / "zhao" / "own.md", "# 我的\n## 自己的问题？\n答。\n")
    zhao.import_notes([own], bank="ml")
    return teacher, li, zhao


def test_a_teacher_makes_a_class_with_a_random_unambiguous_code(viva: Viva, vault: Path) -> None:
    teacher, li, _ = _people(viva, vault)
    made = teacher.create_class("  2027 考研  复试班 ")
    assert (made.name, made.teacher, made.is_teacher) == ("2027 考研 复试班", "wang", True)
    assert made.members == 0
    assert made.join_code is not None
    assert len(made.join_code) == CODE_LENGTH
    assert set(made.join_code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    other = teacher.create_class("另一个班")
    assert other.join_code != made.join_code
    again = teacher.regenerate_code(made.id)
    assert again.join_code != made.join_code
    with pytest.raises(WrongJoinCode):
        li.join_class(made.join_code)  # the old code joins no one
    assert li.join_class(again.join_code.lower()[:4] + "-" + again.join_code[4:]).id == made.id
    assert [c.name for c in teacher.classes()] == ["2027 考研 复试班", "另一个班"]
    with pytest.raises(ClassError, match="needs a name"):
        teacher.create_class("   ")


def test_a_student_cannot_run_a_class_nor_see_anothers(viva: Viva, vault: Path) -> None:
    teacher, li, zhao = _people(viva, vault)
    made = teacher.create_class("A")
    with pytest.raises(NotATeacher, match="only a teacher or an admin"):
        li.create_class("mine")
    li.join_class(made.join_code or "")
    for call in (
        lambda: li.class_report(made.id),
        lambda: li.regenerate_code(made.id),
        lambda: li.delete_class(made.id),
        lambda: li.share_bank(made.id, "ml"),
        lambda: li.remove_student(made.id, "zhao"),
    ):
        with pytest.raises(NotATeacher) as refused:
            call()
        assert refused.value.http_status == 403
    viva.accounts.add("chen", role="teacher", password=PASSWORD)
    chen = viva.as_user("chen")
    for call in (
        lambda: chen.class_report(made.id),
        lambda: chen.student_answers(made.id, "li"),
        lambda: chen.delete_class(made.id),
    ):
        with pytest.raises(ClassNotFound) as hidden:  # 404: another teacher's class
            call()
        assert hidden.value.http_status == 404
    (seen,) = li.classes()
    assert (seen.is_teacher, seen.join_code, seen.teacher) == (False, None, "wang")
    assert zhao.classes() == []
    with pytest.raises(ClassNotFound):
        zhao.leave_class(made.id)


def test_wrong_join_codes_are_throttled_per_account(viva: Viva, vault: Path) -> None:
    teacher, li, zhao = _people(viva, vault)
    made = teacher.create_class("A")
    for _ in range(JOIN_LIMIT):
        with pytest.raises(WrongJoinCode, match="no class has the join code"):
            li.join_class("ZZZZ2222")
    with pytest.raises(JoinThrottled, match="too many wrong join codes") as throttled:
        li.join_class(made.join_code or "")  # even the right code waits
    assert 0 < throttled.value.retry_after <= 15 * 60
    assert zhao.join_class(made.join_code or "").id == made.id  # another account is not held up
    with viva.db.transaction() as conn:  # the window passes
        conn.execute(sign_in_attempts.update().values(at=AT - timedelta(days=1)))
    assert li.join_class(made.join_code or "").members == 2
    assert normalised_code(" ab-cd 23 ") == "ABCD23"


def test_a_shared_bank_is_read_only_and_named_by_its_teacher(viva: Viva, vault: Path) -> None:
    teacher, li, zhao = _people(viva, vault)
    made = teacher.create_class("A")
    teacher.share_bank(made.id, "ml")
    with pytest.raises(NotFoundError, match="no bank called 'nope'"):
        teacher.share_bank(made.id, "nope")
    assert [b.name for b in zhao.banks()] == ["ml"]  # not a member yet
    zhao.join_class(made.join_code or "")
    banks = {b.name: b.shared_by for b in zhao.banks()}
    assert banks == {"ml": None, "wang/ml": "wang"}  # own bank and the shared one, apart
    shared = zhao.questions(banks=["wang/ml"])
    assert [q.bank for q in shared] == ["wang/ml", "wang/ml"]
    assert [q.prompt for q in zhao.questions(banks=["ml"])] == ["自己的问题？"]
    assert {q.bank for q in zhao.questions()} == {"ml", "wang/ml"}
    # drilled with the student's own schedule: the teacher's stays untouched
    zhao.review(shared[0].id, 3, now=AT)
    assert zhao.due_count(banks=["wang/ml"], now=AT) == 0
    assert teacher.due_count(banks=["ml"], now=AT) == 0
    assert len(teacher.drill_queue(banks=["ml"], now=AT)) == 2
    # read-only, with a clear error
    with pytest.raises(ReadOnlyBank, match="read-only"):
        zhao.edit_question(shared[0].id, reference="改了")
    with pytest.raises(ReadOnlyBank, match="read-only"):
        zhao.restore_note(shared[0].id)
    with pytest.raises(ReadOnlyBank, match="read-only"):
        zhao.remove_question(shared[0].id)
    with pytest.raises(ReadOnlyBank, match="shared with your class by your teacher"):
        zhao.import_notes([vault / "ml.md"], bank="wang/ml")
    with pytest.raises(Exception, match="contains '/'"):
        zhao.import_notes([vault / "ml.md"], bank="new/name")
    zhao.set_bank_enabled("wang/ml", False)  # their own choice, as for the built-in bank
    assert "wang/ml" not in zhao.default_banks()
    zhao.set_bank_enabled("wang/ml", True)
    assert li.questions(banks=None) == []  # not a member: nothing
    # unsharing, or leaving, takes it out of the listings
    teacher.unshare_bank(made.id, "ml")
    assert [b.name for b in zhao.banks()] == ["ml"]
    teacher.share_bank(made.id, "ml")
    zhao.leave_class(made.id)
    assert [b.name for b in zhao.banks()] == ["ml"]
    with pytest.raises(NotFoundError):
        zhao.questions(banks=["wang/ml"])


def test_the_class_page_sums_up_each_student(viva: Viva, vault: Path) -> None:
    teacher, li, zhao = _people(viva, vault)
    made = teacher.create_class("A")
    teacher.share_bank(made.id, "ml")
    li.join_class(made.join_code or "")
    zhao.join_class(made.join_code or "")
    li.set_preferences(interview_date=(AT + timedelta(days=20)).date().isoformat())
    first = li.questions(banks=["wang/ml"])[0]
    li.review(first.id, 3, now=AT)
    report = teacher.class_report(made.id, now=AT + timedelta(days=30))
    assert [s.name for s in report.students] == ["li", "zhao"]
    student = report.students[0]
    assert student.last_active == AT
    assert student.dashboard.due_now == 1
    assert student.dashboard.interview_date == (AT + timedelta(days=20)).date()
    assert report.students[1].last_active is None
    assert report.students[1].dashboard.studied == 0
    assert report.own_banks == ("ml",)
    assert report.to_json()["students"][0]["name"] == "li"  # type: ignore[index]
    teacher.remove_student(made.id, "zhao")
    assert [s.name for s in teacher.class_report(made.id).students] == ["li"]
    with pytest.raises(NotFoundError, match="no student of this class is called 'zhao'"):
        teacher.student_answers(made.id, "zhao")
    teacher.delete_class(made.id)
    assert teacher.classes() == []
    assert li.classes() == []
    assert [b.name for b in li.banks()] == []


@pytest.mark.model
def test_a_teachers_correction_feeds_every_members_grader(viva: Viva, vault: Path) -> None:
    teacher, li, zhao = _people(viva, vault)
    made = teacher.create_class("A")
    teacher.share_bank(made.id, "ml")
    for student in (li, zhao):
        student.join_class(made.join_code or "")
    question = li.questions(banks=["wang/ml"])[0]
    _, graded = li.grade(question.id, ANSWER)
    li.review(question.id, 3, answer=ANSWER, grade=graded, now=AT)
    _, near_before = zhao.grade(question.id, NEAR)
    (answer,) = teacher.student_answers(made.id, "li")
    assert (answer.answer, answer.score, answer.correction) == (ANSWER, graded.score, None)
    mine = 95 if graded.score < 70 else 20
    with pytest.raises(ClassError, match="from 0 to 100"):
        teacher.correct_grade(made.id, answer.review_id, 101)
    fixed = teacher.correct_grade(made.id, answer.review_id, mine, note="要点都说到了")
    assert fixed.correction is not None
    assert (round(fixed.correction.score * 100), fixed.correction.note) == (mine, "要点都说到了")
    assert fixed.correction.teacher == "wang"
    # the student sees it beside the question; the grade of the same answer follows it
    (seen,) = li.corrections(question.id)
    assert (round(seen.score * 100), seen.graded, seen.review_id) == (
        mine,
        graded.score / 100,
        answer.review_id,
    )
    _, regraded = li.grade(question.id, ANSWER)
    assert regraded.score == mine
    assert Flag.TEACHER_SCORE in regraded.flags
    # ... and so does another member's nearly identical answer
    _, near_after = zhao.grade(question.id, NEAR)
    assert abs(near_after.score - mine) < abs(near_before.score - mine)
    assert Flag.TEACHER_SCORE in near_after.flags
    # a student outside the class is graded as before
    viva.accounts.add("outsider", password=PASSWORD)
    outsider = viva.as_user("outsider")
    outsider.import_notes([vault / "ml.md"], bank="ml")
    _, theirs = outsider.grade(outsider.questions(banks=["ml"])[0].id, ANSWER)
    assert Flag.TEACHER_SCORE not in theirs.flags
    # only the teacher of the student's class corrects, and only their students' answers
    viva.accounts.add("chen", role="teacher", password=PASSWORD)
    other = viva.as_user("chen").create_class("B")
    with pytest.raises(NotFoundError):
        viva.as_user("chen").correct_grade(other.id, answer.review_id, 10)
    # the class goes: its corrections go with it
    teacher.delete_class(made.id)
    with viva.db.reader() as conn:
        kinds = conn.execute(sa.select(exemplars.c.kind)).scalars().all()
    assert "teacher" not in kinds


def test_every_class_error_reads_in_chinese(viva: Viva, vault: Path) -> None:
    from viva.errors import VivaError
    from viva.messages import is_known, localised

    teacher, li, zhao = _people(viva, vault)
    made = teacher.create_class("A")
    teacher.share_bank(made.id, "ml")
    zhao.join_class(made.join_code or "")
    shared = zhao.questions(banks=["wang/ml"])[0]
    calls = [
        lambda: li.create_class("x"),
        lambda: li.join_class("NOPE2345"),
        lambda: teacher.join_class(made.join_code or ""),
        lambda: teacher.create_class(""),
        lambda: teacher.create_class("班" * 101),
        lambda: teacher.share_bank(made.id, "nope"),
        lambda: teacher.unshare_bank(made.id, "nope"),
        lambda: teacher.student_answers(made.id, "nobody"),
        lambda: teacher.class_report(made.id + 100),
        lambda: li.leave_class(made.id),
        lambda: teacher.correct_grade(made.id, 1, -1, note="长" * 1001),
        lambda: zhao.edit_question(shared.id, reference="改"),
        lambda: zhao.import_notes([vault / "ml.md"], bank="wang/ml"),
        lambda: zhao.import_notes([vault / "ml.md"], bank="a/b"),
    ]
    for call in calls:
        with pytest.raises(VivaError) as raised:
            call()
        for text in (raised.value.message, raised.value.hint):
            if text is None:
                continue
            assert is_known(text), text
            chinese = localised(text, "zh").text
            # what is left in Latin letters is a name the user typed, or the example "my-notes"
            allowed = {"wang", "nope", "nobody", "NOPE", "notes"}
            assert not set(re.findall(r"[A-Za-z]{3,}", chinese)) - allowed, chinese
