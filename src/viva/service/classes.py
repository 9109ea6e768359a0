"""Teachers and classes (the hosted use): a teacher's class, its join code, the banks shared
with it, the class page, and the teacher's corrections of their students' grades.

Who may do what is decided here, not in the pages: a teacher (or an admin) runs the classes
they made; a student joins with a code and may leave. A class, a student or an answer that is
not the caller's to see is "not found" (404), never "forbidden": that would tell that it
exists. The student's own figures (due, readiness, interviews) are read through a unit of work
of the student's, so they are exactly what the student's own pages show.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from viva.errors import NotFoundError, VivaError
from viva.service.grading import MAX_DISPUTE_NOTE, own_score_problems
from viva.service.preferences import now_utc

if TYPE_CHECKING:
    from viva.service.interviews import Dashboard, InterviewService
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.classes import ClassRow, GradedReview, Member
    from viva.store.exemplars import Correction
    from viva.store.interviews import SavedInterview

TEACHING_ROLES = ("teacher", "admin")
MAX_CLASS_NAME = 100
MAX_NOTE = MAX_DISPUTE_NOTE  # a teacher's note beside a correction, as a student's dispute
# join codes: 8 characters of 31 (no 0/O, 1/I/L to misread) are about 40 bits; with at most
# JOIN_LIMIT wrong codes per account in the throttle's window, guessing one is hopeless
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
JOIN_LIMIT = 10
ANSWERS_SHOWN = 20


class ClassError(VivaError):
    """A class operation that cannot be done (an empty name, a score outside 0-100, ...)."""

    http_status = 422


class NotATeacher(VivaError):
    """A teacher's operation asked for by a student."""

    http_status = 403


class ClassNotFound(NotFoundError):
    """No such class (or not the caller's to see)."""


class WrongJoinCode(NotFoundError):
    """No class has this join code."""


class JoinThrottled(VivaError):
    """Too many wrong join codes from this account in the window."""

    http_status = 429

    def __init__(self, message: str, *, hint: str | None, retry_after: int) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A class as the caller sees it: the teacher sees the code and the members' count."""

    id: int
    name: str
    teacher: str
    is_teacher: bool
    join_code: str | None  # None for a member
    members: int
    banks: tuple[str, ...]  # as the caller names them ("teacher/bank" for a member)
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        """The class as JSON."""
        return {
            "id": self.id,
            "name": self.name,
            "teacher": self.teacher,
            "is_teacher": self.is_teacher,
            "join_code": self.join_code,
            "members": self.members,
            "banks": list(self.banks),
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class StudentRow:
    """One student on the class page."""

    name: str
    joined_at: datetime
    last_active: datetime | None
    dashboard: Dashboard  # due now, readiness (on the interview day), weakest, interviews

    def to_json(self) -> dict[str, object]:
        """The row as JSON."""
        return {
            "name": self.name,
            "joined_at": self.joined_at.isoformat(),
            "last_active": None if self.last_active is None else self.last_active.isoformat(),
            **self.dashboard.to_json(),
            "weakest_studied": [
                {"section": list(s.section), "studied": s.studied, "recall": round(s.recall, 3)}
                for s in self.dashboard.weakest_studied
            ],
        }


@dataclass(frozen=True, slots=True)
class ClassReport:
    """The class page: the class, its students and the teacher's banks it may share."""

    info: ClassInfo
    students: tuple[StudentRow, ...]
    own_banks: tuple[str, ...]  # the teacher's banks (shared or not)

    def to_json(self) -> dict[str, object]:
        """The class page as JSON."""
        return {
            **self.info.to_json(),
            "students": [s.to_json() for s in self.students],
            "own_banks": list(self.own_banks),
        }


@dataclass(frozen=True, slots=True)
class GradedAnswer:
    """A student's graded drill answer, with the teacher's correction if there is one."""

    review_id: int
    question_id: str
    prompt: str
    bank: str
    answer: str
    score: int
    reviewed_at: datetime
    correction: Correction | None

    def to_json(self) -> dict[str, object]:
        """The answer as JSON."""
        fixed = self.correction
        return {
            "review_id": self.review_id,
            "question_id": self.question_id,
            "prompt": self.prompt,
            "bank": self.bank,
            "answer": self.answer,
            "score": self.score,
            "reviewed_at": self.reviewed_at.isoformat(),
            "correction": None
            if fixed is None
            else {"score": round(fixed.score * 100), "note": fixed.note, "teacher": fixed.teacher},
        }


def new_join_code() -> str:
    """A join code: random (`secrets`), short, with no characters to misread."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalised_code(raw: str) -> str:
    """A typed join code as stored: capitals, no spaces or dashes (read aloud, typed on a
    phone)."""
    return "".join(c for c in raw.upper() if c.isalnum())[:32]


class ClassService:
    """Classes for the user of the unit of work: theirs to teach, or theirs to belong to."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork) -> None:
        self.runtime = runtime
        self.unit = unit

    # --- who the user is ------------------------------------------------------------------
    def role(self) -> str:
        """The user's role (student, teacher or admin)."""
        from viva.store.accounts import account_by_id

        with self.unit.reader() as conn:
            found = account_by_id(conn, self.unit.user_id)
        return "student" if found is None else found[0].role

    def is_teacher(self) -> bool:
        """Whether the user may make and run classes."""
        return self.role() in TEACHING_ROLES

    def _require_teacher(self) -> None:
        if not self.is_teacher():
            raise NotATeacher(
                "only a teacher or an admin can run a class",
                hint="ask the admin to make your account a teacher's (viva users role)",
            )

    def _taught(self, class_id: int) -> ClassRow:
        """The user's own class, or ClassNotFound (another teacher's class is not found)."""
        from viva.store.classes import taught_class

        self._require_teacher()
        with self.unit.reader() as conn:
            found = taught_class(conn, self.unit.user_id, class_id)
        if found is None:
            raise ClassNotFound(f"no class of yours has the id {class_id}")
        return found

    def _info(self, row: ClassRow, *, is_teacher: bool) -> ClassInfo:
        from viva.store.owners import SHARED_SEPARATOR

        banks = (
            row.banks
            if is_teacher
            else tuple(f"{row.teacher}{SHARED_SEPARATOR}{b}" for b in row.banks)
        )
        return ClassInfo(
            row.id,
            row.name,
            row.teacher,
            is_teacher,
            row.join_code if is_teacher else None,
            row.members,
            banks,
            row.created_at,
        )

    # --- classes ----------------------------------------------------------------------------
    def classes(self) -> list[ClassInfo]:
        """The classes the user teaches, then those they belong to."""
        from viva.store.classes import joined_classes, taught_classes

        with self.unit.reader() as conn:
            taught = taught_classes(conn, self.unit.user_id) if self.is_teacher() else []
            joined = joined_classes(conn, self.unit.user_id)
        return [self._info(r, is_teacher=True) for r in taught] + [
            self._info(r, is_teacher=False) for r in joined
        ]

    def create_class(self, name: str) -> ClassInfo:
        """A new class of the teacher's, with a fresh join code."""
        from viva.store.classes import create_class, taught_class

        self._require_teacher()
        name = " ".join(name.split())
        if not name:
            raise ClassError("the class needs a name", hint="e.g. 2027 考研复试班")
        if len(name) > MAX_CLASS_NAME:
            raise ClassError(
                f"the class name is {len(name)} characters long (at most {MAX_CLASS_NAME})"
            )
        with self.unit.transaction() as conn:
            class_id = create_class(conn, self.unit.user_id, name, new_join_code(), now_utc())
            row = taught_class(conn, self.unit.user_id, class_id)
        assert row is not None
        return self._info(row, is_teacher=True)

    def regenerate_code(self, class_id: int) -> ClassInfo:
        """Give the class a new join code (the old one joins no one any more)."""
        from viva.store.classes import set_join_code

        self._taught(class_id)
        with self.unit.transaction() as conn:
            set_join_code(conn, class_id, new_join_code())
        return self._info(self._taught(class_id), is_teacher=True)

    def delete_class(self, class_id: int) -> None:
        """Remove the class: its students keep their own data, the shared banks leave them."""
        from viva.store.classes import delete_class

        self._taught(class_id)
        with self.unit.transaction() as conn:
            delete_class(conn, class_id)
        self.runtime.grader.recent.clear()  # the class's corrections no longer count

    def remove_student(self, class_id: int, student: str) -> None:
        """Take a student out of the class."""
        from viva.store.classes import remove_member

        self._taught(class_id)
        member = self._member(class_id, student)
        with self.unit.transaction() as conn:
            remove_member(conn, class_id, member.user_id)

    def share_bank(self, class_id: int, bank: str) -> ClassInfo:
        """Share one of the teacher's own banks with the class (read-only for its members)."""
        from viva.store.classes import own_bank_id, share_bank

        self._taught(class_id)
        with self.unit.transaction() as conn:
            bank_id = own_bank_id(conn, self.unit.user_id, bank)
            if bank_id is None:
                raise NotFoundError(
                    f"you have no bank called {bank!r} to share",
                    hint="import your notes into a bank first; only your own banks are shared",
                )
            share_bank(conn, class_id, bank_id, now_utc())
        return self._info(self._taught(class_id), is_teacher=True)

    def unshare_bank(self, class_id: int, bank: str) -> ClassInfo:
        """Stop sharing a bank: the members no longer see it (their reviews stay theirs)."""
        from viva.store.classes import own_bank_id, unshare_bank

        self._taught(class_id)
        with self.unit.transaction() as conn:
            bank_id = own_bank_id(conn, self.unit.user_id, bank)
            if bank_id is None or not unshare_bank(conn, class_id, bank_id):
                raise NotFoundError(f"the bank {bank!r} is not shared with this class")
        return self._info(self._taught(class_id), is_teacher=True)

    # --- the student's side -----------------------------------------------------------------
    def join(self, code: str) -> ClassInfo:
        """Join the class with this code (already a member: nothing changes).

        Raises:
            WrongJoinCode: no class has it (counted: see `JOIN_LIMIT`).
            JoinThrottled: too many wrong codes from this account lately.
        """
        from viva.store.classes import add_member, class_by_code, joined_classes

        typed = normalised_code(code)
        self._check_join_throttle()
        with self.unit.transaction() as conn:
            found = class_by_code(conn, typed) if typed else None
            if found is None:
                from viva.store.accounts import add_attempts

                add_attempts(conn, [self._join_key()], now=now_utc())
            elif found[1] == self.unit.user_id:
                raise ClassError(
                    "this is your own class: your students join it with this code",
                )
            else:
                add_member(conn, found[0], self.unit.user_id, now_utc())
        if found is None:
            raise WrongJoinCode(
                f"no class has the join code {code.strip()[:32]!r}",
                hint="check the code your teacher gave you (letters and digits, no 0, O, 1 or I)",
            )
        with self.unit.reader() as conn:
            row = next(r for r in joined_classes(conn, self.unit.user_id) if r.id == found[0])
        return self._info(row, is_teacher=False)

    def _join_key(self) -> str:
        return f"join:{self.unit.user_id}"

    def _check_join_throttle(self) -> None:
        import math

        from viva.service.accounts import WINDOW
        from viva.store.accounts import count_attempts

        now = now_utc()
        with self.unit.reader() as conn:
            count, oldest = count_attempts(conn, self._join_key(), since=now - WINDOW)
        if count >= JOIN_LIMIT and oldest is not None:
            wait = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
            minutes = math.ceil(wait / 60)
            raise JoinThrottled(
                f"too many wrong join codes; try again in {minutes} minute(s)",
                hint="ask your teacher for the class's code",
                retry_after=wait,
            )

    def leave(self, class_id: int) -> None:
        """Leave a class: its shared banks leave your listings (your reviews stay yours)."""
        from viva.store.classes import remove_member

        with self.unit.transaction() as conn:
            if not remove_member(conn, class_id, self.unit.user_id):
                raise ClassNotFound(f"you are not in a class with the id {class_id}")
        self.runtime.grader.recent.clear()

    def corrections(self, question_id: str) -> list[Correction]:
        """The teachers' corrections of the user's answers to a question, newest first."""
        from viva.store.exemplars import corrections_of

        with self.unit.reader() as conn:
            return corrections_of(conn, self.unit.user_id, question_id=question_id)

    # --- the class page ---------------------------------------------------------------------
    def class_report(self, class_id: int, *, now: datetime | None = None) -> ClassReport:
        """Per student: last active, due now, readiness (on their interview day), weakest
        sections and recent mock interviews; and the banks the teacher may share."""
        from viva.store.classes import last_active, members
        from viva.store.questions import bank_summaries

        row = self._taught(class_id)
        with self.unit.reader() as conn:
            students = members(conn, class_id)
            active = last_active(conn, [m.user_id for m in students])
            own = tuple(
                b.name
                for b in bank_summaries(conn, self.unit.user_id)
                if not b.is_builtin and b.shared_by is None
            )
        rows = []
        for member in students:
            with self._student(member.name) as interviews:
                board = interviews.dashboard(now=now)
            rows.append(
                StudentRow(member.name, member.joined_at, active.get(member.user_id), board)
            )
        return ClassReport(self._info(row, is_teacher=True), tuple(rows), own)

    def _member(self, class_id: int, student: str) -> Member:
        from viva.store.classes import member_by_name

        with self.unit.reader() as conn:
            found = member_by_name(conn, class_id, student)
        if found is None:
            raise NotFoundError(f"no student of this class is called {student!r}")
        return found

    @contextmanager
    def _student(self, name: str) -> Iterator[InterviewService]:
        """The student's own interview service (their banks, schedule and preferences), in a
        unit of work of theirs: what their home page computes."""
        from viva.service.bank import BankService
        from viva.service.grading import GradingService
        from viva.service.interviews import InterviewService
        from viva.service.unit import UnitOfWork

        with (
            self.unit.reader() as conn,
            UnitOfWork(self.runtime, user=name, connection=conn) as unit,
        ):
            bank = BankService(self.runtime, unit)
            yield InterviewService(
                self.runtime, unit, bank, GradingService(self.runtime, unit, bank)
            )

    def student_interviews(self, class_id: int, student: str) -> list[SavedInterview]:
        """A student's mock interviews, newest first (the teacher of their class only)."""
        self._taught(class_id)
        self._member(class_id, student)
        with self._student(student) as interviews:
            return interviews.interviews()

    def student_interview(self, class_id: int, student: str, interview_id: int) -> SavedInterview:
        """One of a student's mock interviews, to read its report."""
        self._taught(class_id)
        self._member(class_id, student)
        with self._student(student) as interviews:
            return interviews.interview(interview_id)

    def student_answers(
        self, class_id: int, student: str, *, limit: int = ANSWERS_SHOWN
    ) -> list[GradedAnswer]:
        """A student's latest graded drill answers, with the corrections made to them."""
        from viva.store.classes import graded_reviews
        from viva.store.exemplars import corrections_of

        self._taught(class_id)
        member = self._member(class_id, student)
        with self.unit.reader() as conn:
            found = graded_reviews(conn, member.user_id, limit=limit)
            fixed = corrections_of(conn, member.user_id, review_ids=[r.id for r in found])
        return self._answers(student, found, fixed)

    def _answers(
        self, student: str, found: list[GradedReview], fixed: list[Correction]
    ) -> list[GradedAnswer]:
        from viva.store.questions import load_questions

        by_review: dict[int | None, Correction] = {}
        for correction in fixed:  # newest first: the first of a review is its latest
            by_review.setdefault(correction.review_id, correction)
        with self._student(student) as interviews:
            unit = interviews.unit
            with unit.reader() as conn:
                questions = {
                    q.id: q
                    for q in load_questions(
                        conn,
                        unit.user_id,
                        ids=sorted({r.question_id for r in found}),
                        include_retired=True,
                    )
                }
        missing = sorted({r.question_id for r in found} - set(questions))
        if missing:  # a bank the teacher no longer shares: the teacher still has its questions
            with self.unit.reader() as conn:
                for q in load_questions(conn, self.unit.user_id, ids=missing, include_retired=True):
                    questions[q.id] = q
        return [
            GradedAnswer(
                r.id,
                r.question_id,
                questions[r.question_id].prompt,
                questions[r.question_id].bank,
                r.answer,
                r.score,
                r.reviewed_at,
                by_review.get(r.id),
            )
            for r in found
            if r.question_id in questions
        ]

    def correct_grade(
        self, class_id: int, review_id: int, score: float, *, note: str | None = None
    ) -> GradedAnswer:
        """The teacher's score (0-100) of a student's graded answer: kept as an exemplar of
        the question for the class, so it feeds the grader of every member (as `viva
        calibrate`'s exemplars do), and shown to the student beside their answer.

        Raises:
            ClassNotFound / NotFoundError: not the teacher's class, or not a member's answer.
            ClassError: a score outside 0-100 or an over-long note.
        """
        from viva.store.accounts import account_by_id
        from viva.store.classes import graded_review, is_member
        from viva.store.exemplars import corrections_of, save_correction

        self._taught(class_id)
        note, problems = own_score_problems(score, note)
        if problems:
            raise ClassError("; ".join(problems), hint="give your own score of this answer")
        with self.unit.reader() as conn:
            review = graded_review(conn, review_id)
            if review is None or not is_member(conn, class_id, review.user_id):
                raise NotFoundError(f"no answer of a student of this class has the id {review_id}")
            found = account_by_id(conn, review.user_id)
        assert found is not None
        student = found[0].name
        shown = self._answers(student, [review], [])
        if not shown:
            raise NotFoundError(
                f"the question of answer {review_id} is no longer in a bank you can see",
                hint="share the bank with the class again to correct its answers",
            )
        (answer,) = shown
        with self.unit.transaction() as conn:
            save_correction(
                conn,
                review.user_id,
                class_id=class_id,
                review_id=review.id,
                question_id=review.question_id,
                question=answer.prompt,
                answer=review.answer.strip(),
                score=score / 100,
                graded=review.score / 100,
                note=note,
                now=now_utc(),
            )
            fixed = corrections_of(conn, review.user_id, review_ids=[review.id])
        self.runtime.grader.forget(review.question_id)
        return self._answers(student, [review], fixed)[0]
