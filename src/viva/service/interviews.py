"""Mock interviews: drawing, grading turns, saving reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from viva.errors import NotFoundError
from viva.service._core import now_utc
from viva.service.practice import PracticeService

if TYPE_CHECKING:  # the importer, search and grader load on first use: listing must start fast
    from viva.grading.models import Grade
    from viva.practice.interview import Asked, MockInterview, Report
    from viva.store.interviews import SavedInterview


class InterviewService(PracticeService):
    """Mock interviews: drawing, grading turns, saving reports."""

    # --- mock interviews -----------------------------------------------------------------
    def start_interview(
        self,
        plan: str = "kaoyan-cs",
        *,
        banks: Sequence[str] | None = None,
        seed: int | None = None,
        minutes: float | None = None,
        lang: str | None = None,
        now: datetime | None = None,
    ) -> tuple[MockInterview, int]:
        """Draw an interview from a plan (built-in name or YAML path); returns it and its seed.

        `minutes` rescales every answer's time so the whole panel fits; `lang` sets the
        language of the panel's follow-ups.
        """
        import random
        from dataclasses import replace

        from viva.practice.interview import MockInterview, load_plan
        from viva.store.reviews import load_memories

        interview_plan = load_plan(plan)
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
        names = list(banks) if banks else ["all"]
        questions = self.questions(banks=names)
        with self.db.reader() as conn:
            memories = load_memories(conn, [q.id for q in questions])
        interview = MockInterview.start(
            interview_plan,
            questions,
            memories,
            self.scheduler(),
            now=now or now_utc(),
            seed=chosen_seed,
        )
        return interview, chosen_seed

    def grade_asked(self, asked: Asked, answer: str) -> Grade:
        """Grade an answer to an interview question or follow-up."""
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        return self.grader().grade(
            GradeRequest(asked.prompt, to_plain(asked.reference), answer, asked.key_points)
        )

    def finish_interview(
        self,
        interview: MockInterview,
        *,
        seed: int,
        started_at: datetime,
        now: datetime | None = None,
    ) -> tuple[int, Report]:
        """Build the report and save it; returns its id."""
        from viva.practice.interview import build_report
        from viva.store.interviews import save_interview
        from viva.wire import report_json

        ids = [t.asked.question_id for t in interview.turns if t.asked.question_id]
        sections = {q.id: q.section for q in self.questions(banks=["all"]) if q.id in ids}
        report = build_report(interview, sections)
        with self.db.transaction() as conn:
            saved = save_interview(
                conn,
                plan=report.plan,
                seed=seed,
                started_at=started_at,
                finished_at=now or now_utc(),
                overall=report.overall,
                report=report_json(report),
            )
        return saved, report

    def interviews(self) -> list[SavedInterview]:
        """Past interviews, newest first."""
        from viva.store.interviews import list_interviews

        with self.db.reader() as conn:
            return list_interviews(conn)

    def interview(self, interview_id: int | None = None) -> SavedInterview:
        """One saved interview (the latest by default)."""
        from viva.store.interviews import get_interview

        with self.db.reader() as conn:
            found = get_interview(conn, interview_id)
        if found is None:
            raise NotFoundError(
                "no mock interview yet"
                if interview_id is None
                else f"no mock interview has the id {interview_id}",
                hint="`viva interview` runs one; `viva history` lists them",
            )
        return found
