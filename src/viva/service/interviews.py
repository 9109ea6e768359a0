"""Mock interviews: drawing, grading turns, saving reports."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from viva.errors import NotFoundError, VivaError
from viva.service.bank import BankService
from viva.service.grading import GradingService
from viva.service.practice import new_allowed
from viva.service.preferences import now_utc

PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

if TYPE_CHECKING:  # the importer, search and grader load on first use: listing must start fast
    import sqlalchemy as sa

    from viva.bank.models import Question
    from viva.grading.models import Grade
    from viva.practice.interview import Asked, InterviewPlan, MockInterview, Report, Turn
    from viva.practice.plan import StageFill
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.interviews import SavedInterview


@dataclass(frozen=True, slots=True)
class SectionRecall:
    """How well one section is known."""

    section: tuple[str, ...]
    questions: int
    studied: int
    recall: float  # mean predicted recall now (a question never studied counts 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "section": list(self.section),
            "questions": self.questions,
            "studied": self.studied,
            "recall": round(self.recall, 3),
        }


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The home page: what to do today and how ready the student is."""

    due_now: int
    new_available: int  # new questions today's limit still allows
    reviews_today: int
    questions: int  # gradable questions in the banks
    studied: int
    interview_date: date | None
    days_left: int | None
    readiness: float  # mean predicted recall now over every gradable question
    readiness_on_day: float | None  # ... on the interview day if nothing more is done
    weakest: tuple[SectionRecall, ...]  # the three sections with the lowest recall
    recent: tuple[SavedInterview, ...]  # the latest mock interviews
    # the three lowest of the sections practised at all (what the home page and a teacher show:
    # the weakest overall are usually sections not started yet, in no telling order)
    weakest_studied: tuple[SectionRecall, ...] = ()
    sections_not_started: int = 0  # sections with no question drilled yet

    def to_json(self) -> dict[str, Any]:
        """The home page's figures as JSON."""
        on_day = self.readiness_on_day
        return {
            "due_now": self.due_now,
            "new_available": self.new_available,
            "reviews_today": self.reviews_today,
            "questions": self.questions,
            "studied": self.studied,
            "interview_date": None
            if self.interview_date is None
            else self.interview_date.isoformat(),
            "days_left": self.days_left,
            "readiness": round(self.readiness, 3),
            "readiness_on_day": None if on_day is None else round(on_day, 3),
            "weakest": [s.to_json() for s in self.weakest],
            "weakest_studied": [s.to_json() for s in self.weakest_studied],
            "sections_not_started": self.sections_not_started,
            "recent_interviews": [
                {
                    "id": i.id,
                    "plan": i.plan,
                    "finished_at": i.finished_at.isoformat(),
                    "overall": i.overall,
                }
                for i in self.recent
            ],
        }


class InterviewConflict(VivaError):
    """The interview went on elsewhere (another tab answered first)."""

    http_status = 409


@dataclass
class LiveInterview:
    """An interview in progress that is answered one request at a time (the web app)."""

    token: str
    version: int  # send it back with the answer: a stale tab is told, not double-counted
    seed: int
    banks: tuple[str, ...]
    started_at: datetime
    interview: MockInterview
    recordings: dict[int, int] = field(default_factory=dict)  # turn index -> recording id
    asked_at: datetime | None = None  # when the waiting question was put
    deadline: datetime | None = None  # when its time runs out: kept here, so a reload goes on

    def seconds_left(self, now: datetime) -> float:
        """Time left for the waiting question (0 once its deadline has passed)."""
        if self.deadline is None:
            return 0.0
        return max(0.0, (self.deadline - now).total_seconds())

    def ask(self, now: datetime) -> None:
        """Start the clock of the waiting question."""
        waiting = self.interview.next()
        self.asked_at = now
        self.deadline = None if waiting is None else now + timedelta(seconds=waiting.seconds)

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        """The waiting question and how far the interview has come (the reference stays on
        the server)."""
        from viva.wire import asked_json, fill_json

        waiting = self.interview.next()
        plan = self.interview.plan
        return {
            "token": self.token,
            "version": self.version,
            "seed": self.seed,
            "plan": plan.name,
            "title": plan.title,
            "title_en": plan.title_en or plan.title,
            "answered": self.interview.asked_count,
            "questions_asked": self.interview.questions_asked,
            "questions_total": self.interview.questions_total,
            "remaining": self.interview.remaining,
            "stages": [fill_json(plan, f) for f in self.interview.fills],
            "question": None if waiting is None else asked_json(waiting),
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "seconds_left": round(self.seconds_left(now or now_utc()), 1),
        }

    def state(self) -> dict[str, Any]:
        """What is stored between requests."""
        from viva.wire import grade_json

        return {
            **self.interview.snapshot(grade_json),
            "recordings": [[turn, rid] for turn, rid in sorted(self.recordings.items())],
            "clock": {
                "asked_at": None if self.asked_at is None else self.asked_at.isoformat(),
                "deadline": None if self.deadline is None else self.deadline.isoformat(),
            },
        }


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What an answer to a live interview led to."""

    turn: Turn
    live: LiveInterview | None  # None once the interview is over
    saved_id: int | None  # the saved report, once over


class InterviewService:
    """Mock interviews: drawing, grading turns, saving reports; the home page's summary."""

    def __init__(
        self, runtime: Runtime, unit: UnitOfWork, bank: BankService, grading: GradingService
    ) -> None:
        self.runtime = runtime
        self.unit = unit
        self.bank = bank
        self.grading = grading
        self.settings = runtime.settings

    def dashboard(
        self, *, banks: Sequence[str] | None = None, now: datetime | None = None
    ) -> Dashboard:
        """Due and new counts, readiness now and on the interview day, weakest sections."""
        from collections import defaultdict

        from viva.store import questions as repo
        from viva.store.interviews import list_interviews
        from viva.store.reviews import counts_since, load_memories

        at = now or now_utc()
        prefs = self.unit.preferences()
        names = self.bank.bank_names(banks)
        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            index = [
                (qid, section)
                for qid, has_reference, section in repo.question_index(
                    conn, user_id, bank_names=names
                )
                if has_reference
            ]
            memories = load_memories(conn, user_id, [qid for qid, _ in index])
            reviewed_today, new_today = counts_since(conn, user_id, self.unit.start_of_day(at))
            recent = tuple(list_interviews(conn, user_id)[:5])
        scheduler = self.unit.scheduler()
        due = sum(1 for m in memories.values() if m.due <= at)
        fresh = len(index) - len(memories)
        by_section: dict[tuple[str, ...], list[float]] = defaultdict(list)
        studied_in: dict[tuple[str, ...], int] = defaultdict(int)
        for qid, section in index:
            memory = memories.get(qid)
            by_section[section].append(scheduler.recall(memory, at) if memory else 0.0)
            studied_in[section] += memory is not None
        sections = sorted(
            (
                SectionRecall(s, len(r), studied_in[s], sum(r) / len(r))
                for s, r in by_section.items()
            ),
            key=lambda s: (s.recall, s.section),
        )
        total = len(index) or 1
        readiness = sum(sum(r) for r in by_section.values()) / total
        on_day = None
        days_left = None
        if prefs.interview_date is not None:
            local = self.unit.local_time(at)
            days_left = (prefs.interview_date - local.date()).days
            day = datetime.combine(prefs.interview_date, time(9), tzinfo=local.tzinfo)
            if day > at:
                on_day = sum(scheduler.recall(m, day) for m in memories.values()) / total
        return Dashboard(
            due_now=due,
            new_available=new_allowed(fresh, prefs.new_limit(at.astimezone().date()), new_today),
            reviews_today=reviewed_today,
            questions=len(index),
            studied=len(memories),
            interview_date=prefs.interview_date,
            days_left=days_left,
            readiness=readiness,
            readiness_on_day=on_day,
            weakest=tuple(sections[:3]),
            recent=recent,
            weakest_studied=tuple([s for s in sections if s.studied][:3]),
            sections_not_started=sum(1 for s in sections if not s.studied),
        )

    # --- mock interviews -----------------------------------------------------------------
    def start_interview(
        self,
        plan: str | InterviewPlan = "kaoyan-cs",
        *,
        banks: Sequence[str] | None = None,
        seed: int | None = None,
        minutes: float | None = None,
        lang: str | None = None,
        now: datetime | None = None,
        sections: Sequence[str] = (),
    ) -> tuple[MockInterview, int]:
        """Draw an interview from a plan (built-in name, YAML path or a loaded plan); returns it
        and its seed.

        `minutes` rescales every answer's time so the whole panel fits; `lang` sets the
        language of the panel's follow-ups; `sections` keeps only questions of these sections
        (a stage left with none borrows from the other banks, as a stage without sections does).
        """
        import random
        from dataclasses import replace

        from viva.practice.interview import MockInterview, load_plan
        from viva.store.reviews import load_memories

        if seed is not None and not 0 <= seed < 2**63:
            raise VivaError(
                f"the seed must be a whole number from 0 to 2^63-1 (not {seed})",
                hint="any number of up to 18 digits draws a repeatable interview",
            )
        interview_plan = load_plan(plan) if isinstance(plan, str) else plan
        if minutes is not None:
            total = sum(s.count * s.seconds for s in interview_plan.stages) or 1
            factor = minutes * 60 / total
            interview_plan = replace(
                interview_plan,
                stages=tuple(
                    replace(s, seconds=max(15, round(s.seconds * factor)))
                    for s in interview_plan.stages
                ),
            )
        if lang is not None:
            interview_plan = replace(
                interview_plan,
                stages=tuple(replace(s, lang=s.lang or lang) for s in interview_plan.stages),
            )
        chosen_seed = seed if seed is not None else random.SystemRandom().randrange(1, 10**6)
        questions, extra = self._interview_questions(banks, sections)
        with self.unit.reader() as conn:
            memories = load_memories(conn, self.unit.user_id, [q.id for q in (*questions, *extra)])
        interview = MockInterview.start(
            interview_plan,
            questions,
            memories,
            self.unit.scheduler(),
            now=now or now_utc(),
            seed=chosen_seed,
            extra=extra,
        )
        return interview, chosen_seed

    def _interview_banks(self, banks: Sequence[str] | None) -> list[str]:
        """The banks an interview asks from: the chosen ones that are still there and enabled;
        none chosen, the student's own (the built-in bank only lends, see below), or the
        built-in bank when the student has none."""
        from viva.service.bank import BUILTIN_BANK

        enabled = self.bank.default_banks()
        if banks and "all" in banks:
            return enabled
        chosen = [b for b in self.bank.bank_names(banks) if b in enabled] if banks else []
        return chosen or [b for b in enabled if b != BUILTIN_BANK] or enabled

    def _interview_questions(
        self, banks: Sequence[str] | None, sections: Sequence[str] = ()
    ) -> tuple[list[Question], list[Question]]:
        """The chosen banks' questions (of `sections`, when given), and those of every other
        enabled bank a stage may borrow from: the student's other banks, then the built-in."""
        from viva.service.bank import BUILTIN_BANK

        names = self._interview_banks(banks)
        others = [b.name for b in self.bank.banks() if b.is_enabled and b.name not in set(names)]
        others.sort(key=lambda name: name == BUILTIN_BANK)  # own banks lend first
        questions = self.bank.questions(banks=names, sections=sections)
        extra = self.bank.questions(banks=others) if others else []
        rank = {name: i for i, name in enumerate(others)}
        extra.sort(key=lambda q: rank.get(q.bank, len(rank)))
        return questions, extra

    def interview_fills(
        self,
        plan: str | InterviewPlan,
        *,
        banks: Sequence[str] | None = None,
        sections: Sequence[str] = (),
    ) -> tuple[StageFill, ...]:
        """How each stage of a plan would be filled from the banks (shown before the start)."""
        from viva.practice.plan import plan_fills

        chosen = self.named_plan(plan) if isinstance(plan, str) else plan
        questions, extra = self._interview_questions(banks, sections)
        return plan_fills(chosen, questions, extra)

    def interview_plans(self) -> list[InterviewPlan]:
        """The interview plans a name can choose: built in, then saved in the data dir."""
        from viva.practice.interview import parse_plan

        return [
            parse_plan(path.read_text(encoding="utf-8"), f"{name}.yaml")
            for name, path in self._plan_files().items()
        ]

    def named_plan(self, name: str) -> InterviewPlan:
        """A plan by name only (built in, or `<data dir>/plans/<name>.yaml`): never a path.

        The web app takes plans this way, so a request cannot make the server read a file of
        its choosing; an unknown name and a name that is no name get the same answer.
        """
        from viva.practice.interview import parse_plan

        files = self._plan_files()
        path = files.get(name) if isinstance(name, str) else None
        if path is None:
            shown = name if len(name) <= 80 else name[:77] + "..."
            raise NotFoundError(
                f"no interview plan called {shown!r}",
                hint=f"plans: {', '.join(files)} (save your own as "
                f"{self.settings.plans_dir / 'NAME.yaml'})",
            )
        return parse_plan(path.read_text(encoding="utf-8"), f"{name}.yaml")

    def _plan_files(self) -> dict[str, Path]:
        from viva.practice.interview import builtin_plans

        files = dict(builtin_plans())
        folder = self.settings.plans_dir
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                if PLAN_NAME.fullmatch(path.stem) and path.is_file():
                    files.setdefault(path.stem, path)  # a built-in name keeps the built-in
        return files

    # --- interviews answered one request at a time (the web app) -------------------------
    def begin_interview(
        self,
        plan: str = "kaoyan-cs",
        *,
        banks: Sequence[str] | None = None,
        minutes: float | None = None,
        lang: str | None = None,
        seed: int | None = None,
        now: datetime | None = None,
        sections: Sequence[str] = (),
    ) -> LiveInterview:
        """Draw an interview and store it in progress; its first question is waiting.

        `plan` is a name (see `named_plan`), never a path: the web app calls this.
        """
        import secrets

        from viva.store.live_interviews import create_live, purge_stale

        at = now or now_utc()
        names = tuple(self._interview_banks(banks))
        interview, used_seed = self.start_interview(
            self.named_plan(plan),
            banks=names,
            seed=seed,
            minutes=minutes,
            lang=lang,
            now=at,
            sections=sections,
        )
        lenders = tuple(dict.fromkeys(b for f in interview.fills for b in f.lenders))
        drawn_from = names + tuple(b for b in lenders if b not in names)
        interview.next()
        live = LiveInterview(secrets.token_urlsafe(16), 1, used_seed, drawn_from, at, interview)
        live.ask(at)
        with self.unit.transaction() as conn:
            purge_stale(conn, self.unit.user_id, at - timedelta(days=7))
            create_live(
                conn,
                self.unit.user_id,
                token=live.token,
                seed=used_seed,
                banks=live.banks,
                started_at=at,
                state=live.state(),
            )
        return live

    def live_interview(self, token: str) -> LiveInterview:
        """An interview in progress, as it was left."""
        from viva.practice.interview import MockInterview
        from viva.store.live_interviews import get_live
        from viva.wire import grade_from_json

        with self.unit.reader() as conn:
            stored = get_live(conn, self.unit.user_id, token)
        if stored is None:
            raise NotFoundError(
                "this mock interview is over or was never started",
                hint="finished interviews are under history; start a new one",
            )
        questions = self.bank.questions(banks=[b for b in stored.banks if b in self._known_banks()])
        interview = MockInterview.restore(stored.state, questions, grade_from_json)
        recordings = {int(t): int(r) for t, r in stored.state.get("recordings", [])}
        clock = stored.state.get("clock") or {}
        return LiveInterview(
            stored.token,
            stored.version,
            stored.seed,
            stored.banks,
            stored.started_at,
            interview,
            recordings,
            _instant(clock.get("asked_at")),
            _instant(clock.get("deadline")),
        )

    def _known_banks(self) -> set[str]:
        return {b.name for b in self.bank.banks() if b.is_enabled}

    def answer_interview(
        self,
        token: str,
        answer: str,
        *,
        version: int,
        seconds_used: float,
        recording_id: int | None = None,
        now: datetime | None = None,
    ) -> AnswerOutcome:
        """Grade the answer to the waiting question and move on; the last one saves the report.

        `version` is the one the answer was given against: if the interview moved on since
        (another tab), nothing is recorded and InterviewConflict says so. `recording_id`: the
        spoken answer's recording, whose delivery figures the report shows beside the grade.
        """
        from viva.store.live_interviews import delete_live, update_live

        at = now or now_utc()
        live = self.live_interview(token)
        if live.version != version:
            raise self._conflict()
        asked = live.interview.next()
        if asked is None:  # cannot happen for a stored one, but never grade into the void
            raise self._conflict()
        grade = self.grade_asked(asked, answer)
        # the server's clock decides: the page only shows it
        if live.asked_at is not None:
            seconds_used = (at - live.asked_at).total_seconds()
        timed_out = live.deadline is not None and at >= live.deadline
        turn = live.interview.answer(answer, max(0.0, seconds_used), grade, timed_out=timed_out)
        if recording_id is not None:
            live.recordings[len(live.interview.turns) - 1] = recording_id
        following = live.interview.next()
        if following is not None:
            live.ask(at)
            with self.unit.transaction() as conn:
                if not update_live(
                    conn,
                    self.unit.user_id,
                    token,
                    version=version,
                    state=live.state(),
                    now=at,
                ):
                    raise self._conflict()
            live.version += 1
            return AnswerOutcome(turn, live, None)
        with self.unit.transaction() as conn:
            if not delete_live(conn, self.unit.user_id, token, version=version):
                raise self._conflict()
            saved, _ = self._save_report(
                conn,
                live.interview,
                seed=live.seed,
                started_at=live.started_at,
                now=at,
                recordings=live.recordings,
            )
        return AnswerOutcome(turn, None, saved)

    @staticmethod
    def _conflict() -> InterviewConflict:
        return InterviewConflict(
            "this interview went on in another tab: that answer was not recorded",
            hint="reload the page to see where the interview is now",
        )

    def grade_asked(self, asked: Asked, answer: str) -> Grade:
        """Grade an answer to an interview question or follow-up."""
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        request = GradeRequest(
            asked.prompt,
            to_plain(asked.reference),
            answer,
            asked.key_points,
            lang=self.unit.preferences().ui_lang,
        )
        return self.grading.grade_one(request)

    def finish_interview(
        self,
        interview: MockInterview,
        *,
        seed: int,
        started_at: datetime,
        now: datetime | None = None,
    ) -> tuple[int, Report]:
        """Build the report and save it; returns its id."""
        with self.unit.transaction() as conn:
            return self._save_report(conn, interview, seed=seed, started_at=started_at, now=now)

    def _save_report(
        self,
        conn: sa.Connection,
        interview: MockInterview,
        *,
        seed: int,
        started_at: datetime,
        now: datetime | None,
        recordings: dict[int, int] | None = None,
    ) -> tuple[int, Report]:
        from viva.practice.interview import build_report
        from viva.store import questions as repo
        from viva.store.interviews import save_interview
        from viva.store.recordings import get_recording
        from viva.wire import report_json

        ids = [t.asked.question_id for t in interview.turns if t.asked.question_id]
        sections = {q.id: q.section for q in repo.load_questions(conn, self.unit.user_id, ids=ids)}
        report = build_report(interview, sections)
        document = report_json(report)
        for turn, recording_id in (recordings or {}).items():
            found = get_recording(conn, self.unit.user_id, recording_id)
            if found is not None and turn < len(document["turns"]):
                # beside the grade, never in it: the delivery of the spoken answer
                document["turns"][turn]["recording_id"] = recording_id
                document["turns"][turn]["delivery"] = found.delivery
        saved = save_interview(
            conn,
            self.unit.user_id,
            plan=report.plan,
            seed=seed,
            started_at=started_at,
            finished_at=now or now_utc(),
            overall=report.overall,
            report=document,
        )
        return saved, report

    def interviews(self) -> list[SavedInterview]:
        """Past interviews, newest first."""
        from viva.store.interviews import list_interviews

        with self.unit.reader() as conn:
            return list_interviews(conn, self.unit.user_id)

    def interview(self, interview_id: int | None = None) -> SavedInterview:
        """One saved interview (the latest by default)."""
        from viva.store.interviews import get_interview

        with self.unit.reader() as conn:
            found = get_interview(conn, self.unit.user_id, interview_id)
        if found is None:
            raise NotFoundError(
                "no mock interview yet"
                if interview_id is None
                else f"no mock interview has the id {interview_id}",
                hint="`viva interview` runs one; `viva history` lists them",
            )
        return found


def _instant(value: Any) -> datetime | None:
    """A stored ISO timestamp (None for interviews stored before the clock was kept)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else None
