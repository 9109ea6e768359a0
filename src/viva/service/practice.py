"""Practice: scheduling, drills, the plan to the interview date, statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from viva.bank.models import Question
from viva.errors import VivaError
from viva.service.bank import BankService
from viva.service.preferences import ExtraNew, now_utc
from viva.store import questions as repo

if TYPE_CHECKING:  # the importer, search and grader load on first use: listing must start fast
    from viva.grading.models import Grade
    from viva.practice.daily import DailyProgress
    from viva.practice.planner import Plan
    from viva.practice.scheduler import Review, Scheduler
    from viva.practice.stats import Stats
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.reviews import StoredReview


def new_allowed(fresh: int, new_per_day: int, new_today: int) -> int:
    """New questions a drill may still introduce today."""
    return min(fresh, max(0, new_per_day - new_today))


MAX_EXTRA_NEW = 100  # "learn N more today" at one click


@dataclass(frozen=True, slots=True)
class DrillStatus:
    """What a drill of a scope has for today, and why it may have nothing."""

    due: int  # studied questions due now
    new_available: int  # new questions today's limit still allows
    unlearned: int  # gradable questions never studied
    new_today: int  # new questions started today
    new_limit: int  # today's limit of new questions (the daily one plus today's extra)

    @property
    def is_new_limit_reached(self) -> bool:
        """True when unlearned questions wait but today's limit allows no more."""
        return self.new_available == 0 and self.unlearned > 0


class PracticeService:
    """Practice: scheduling, drills, the plan to the interview date, statistics."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork, bank: BankService) -> None:
        self.runtime = runtime
        self.unit = unit
        self.bank = bank
        self.settings = runtime.settings

    def scheduler(self) -> Scheduler:
        """FSRS with the user's desired retention (and fitted parameters, if any)."""
        return self.unit.scheduler()

    def optimize(self, *, min_reviews: int = 100) -> tuple[float, ...]:
        """Fit FSRS parameters to the review history and use them from now on."""
        from viva.practice.scheduler import optimize_parameters
        from viva.store.fitted import save_fsrs_parameters
        from viva.store.reviews import review_events

        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            events = [e for e in review_events(conn, user_id) if not e.is_cram]
        if len(events) < min_reviews:
            raise VivaError(
                f"only {len(events)} reviews so far: fitting FSRS needs at least {min_reviews}",
                hint="keep drilling; fsrs' defaults serve well until then",
            )
        parameters = optimize_parameters([(e.question_id, e.rating, e.reviewed_at) for e in events])
        with self.unit.transaction() as conn:
            save_fsrs_parameters(conn, user_id, parameters, reviews=len(events), now=now_utc())
        self.unit.forget_scheduler()
        return parameters

    def drill_queue(
        self,
        *,
        banks: Sequence[str] | None = None,
        section: str | None = None,
        limit: int | None = None,
        new: int | None = None,
        cram: bool = False,
        now: datetime | None = None,
        sections: Sequence[str] = (),
    ) -> list[Question]:
        """The questions a drill asks now: due first, then new (see practice.session).

        `new=None` takes what is left of today's limits in the preferences (new questions per
        day with today's extra, due reviews per day); a number overrides the new-question
        limit for this drill. `sections`: any of these sections (`section`: that one alone).

        Only the candidates are loaded in full: a bank of 20,000 questions is filtered on ids,
        due dates and sections straight from the database.
        """
        from viva.practice.session import drill_queue
        from viva.store.reviews import counts_since, due_times, load_memories

        at = now or now_utc()
        names = self.bank.bank_names(banks)
        prefs = self.unit.preferences()
        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            reviewed_today, new_today = counts_since(conn, user_id, self.unit.start_of_day(at))
            if new is None:
                new = max(0, prefs.new_limit(self.unit.local_time(at).date()) - new_today)
                if prefs.reviews_per_day and not cram:
                    left = max(0, prefs.reviews_per_day - reviewed_today)
                    limit = left if limit is None else min(limit, left)
            index = repo.question_index(
                conn, user_id, bank_names=names, section=section, sections=sections
            )
            due = due_times(conn, user_id)
            fresh = [qid for qid, has_reference, _ in index if has_reference and qid not in due]
            studied = [qid for qid, _, _ in index if qid in due]
            if not cram:
                studied = [qid for qid in studied if due[qid] <= at]
            wanted = studied + fresh[: max(0, new)]
            questions = repo.load_questions(conn, user_id, bank_names=names, ids=wanted)
            memories = load_memories(conn, user_id, studied)
        return drill_queue(
            questions, memories, self.scheduler(), now=at, limit=limit, new_limit=new, cram=cram
        )

    def drill_counts(
        self, *, banks: Sequence[str] | None = None, now: datetime | None = None
    ) -> tuple[int, int]:
        """(due now, new questions today's limit still allows): what a drill page shows."""
        status = self.drill_status(banks=banks, now=now)
        return status.due, status.new_available

    def drill_status(
        self,
        *,
        banks: Sequence[str] | None = None,
        sections: Sequence[str] = (),
        now: datetime | None = None,
    ) -> DrillStatus:
        """Due, new and unlearned counts of the banks and sections, and today's new limit.

        Read from the indexed due dates alone: no card is parsed, no recall computed.
        """
        from viva.store.reviews import counts_since, due_times

        at = now or now_utc()
        names = self.bank.bank_names(banks)
        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            gradable = [
                qid
                for qid, has_reference, _ in repo.question_index(
                    conn, user_id, bank_names=names, sections=sections
                )
                if has_reference
            ]
            due = due_times(conn, user_id)
            _, new_today = counts_since(conn, user_id, self.unit.start_of_day(at))
        due_now = sum(1 for qid in gradable if qid in due and due[qid] <= at)
        fresh = sum(1 for qid in gradable if qid not in due)
        limit = self.unit.preferences().new_limit(self.unit.local_time(at).date())
        return DrillStatus(
            due=due_now,
            new_available=new_allowed(fresh, limit, new_today),
            unlearned=fresh,
            new_today=new_today,
            new_limit=limit,
        )

    def learn_more(self, count: int, *, now: datetime | None = None) -> int:
        """Raise today's new-question limit by `count` (tomorrow's stays as set); returns
        today's new limit."""
        if not 1 <= count <= MAX_EXTRA_NEW:
            raise VivaError(
                f"learn 1 to {MAX_EXTRA_NEW} more new questions at a time (not {count})",
                hint="or raise the new questions per day in the settings",
            )
        today = self.unit.local_time(now or now_utc()).date()
        prefs = self.unit.preferences()
        extra = prefs.extra_new
        already = extra.count if extra is not None and extra.day == today else 0
        updated = self.unit.set_preferences(extra_new=ExtraNew(today, already + count))
        return updated.new_limit(today)

    def daily_progress(self, *, now: datetime | None = None) -> DailyProgress:
        """Questions practised today against the daily goal, and the streak of days met."""
        from viva.practice.daily import daily_progress
        from viva.store.reviews import practised_since

        at = now or now_utc()
        today = self.unit.local_time(at).date()
        # a streak longer than a year is still shown as a year's worth: enough to read
        since = self.unit.start_of_day(at) - timedelta(days=400)
        with self.unit.reader() as conn:
            practised = practised_since(conn, self.unit.user_id, since)
        days = [(qid, self.unit.local_time(when).date()) for qid, when in practised]
        return daily_progress(days, self.unit.preferences().daily_goal, today)

    def review(
        self,
        question_id: str,
        rating: int,
        *,
        answer: str | None = None,
        grade: Grade | None = None,
        cram: bool = False,
        now: datetime | None = None,
    ) -> Review:
        """Record a review: the log always, the new schedule unless cramming. One transaction.

        `question_id` may be a unique prefix, as everywhere else.
        """
        from viva.grading.models import Rating
        from viva.store.reviews import load_memories, record_review
        from viva.store.users import lock_user
        from viva.wire import grade_json

        at = now or now_utc()
        question_id = self.bank.question(question_id).id  # a prefix, or no such question (404)
        user_id = self.unit.user_id
        scheduler = self.scheduler()
        with self.unit.transaction() as conn:
            # the user's reviews stay locked until the commit: two reviews of one question at
            # once (two tabs, two workers) apply one after the other, not both on one card
            lock_user(conn, user_id)
            before = load_memories(conn, user_id, [question_id], for_update=True).get(question_id)
            result = scheduler.review(before, Rating(rating), now=at)
            record_review(
                conn,
                user_id,
                question_id,
                rating=int(rating),
                suggested=None if grade is None else int(grade.rating),
                answer=answer,
                score=None if grade is None else grade.score,
                grade=None if grade is None else grade_json(grade),
                before=before,
                after=None if cram else result.after,
                reviewed_at=at,
            )
        return result

    def undo_last_review(self, now: datetime | None = None) -> StoredReview | None:
        """Take back the latest review and restore the schedule it changed."""
        from viva.store.reviews import undo_last

        user_id = self.unit.user_id
        with self.unit.transaction() as conn:
            return undo_last(conn, user_id, now or now_utc())

    def due_count(self, *, banks: Sequence[str] | None = None, now: datetime | None = None) -> int:
        """Questions due now in the named banks."""
        from viva.practice.session import due_count
        from viva.store.reviews import load_memories

        ids = [q.id for q in self.bank.questions(banks=banks)]
        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            return due_count(load_memories(conn, user_id, ids), ids, now or now_utc())

    def plan(
        self,
        exam_day: date,
        *,
        banks: Sequence[str] | None = None,
        minutes_per_day: int | None = None,
        now: datetime | None = None,
    ) -> Plan:
        """Predicted recall per section on the interview day, and the reviews it takes."""
        from viva.practice.planner import plan_to_date
        from viva.store.reviews import load_memories

        names = self.bank.bank_names(banks)
        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            index = repo.question_index(conn, user_id, bank_names=names)
            items = [(qid, section) for qid, has_reference, section in index if has_reference]
            memories = load_memories(conn, user_id)
        return plan_to_date(
            items,
            memories,
            self.scheduler(),
            now=self.unit.local_time(now or now_utc()),
            exam_day=exam_day,
            minutes_per_day=minutes_per_day,
        )

    def stats(self, *, banks: Sequence[str] | None = None, now: datetime | None = None) -> Stats:
        """Reviews per day, retention achieved vs desired, mastery per section, interview trend."""
        from dataclasses import replace

        from viva.practice.stats import compute_stats
        from viva.store.interviews import list_interviews
        from viva.store.reviews import load_memories, review_events

        names = self.bank.bank_names(banks)
        user_id = self.unit.user_id
        with self.unit.reader() as conn:
            index = repo.question_index(conn, user_id, bank_names=names)
            items = [(qid, section) for qid, has_reference, section in index if has_reference]
            memories = load_memories(conn, user_id)
            events = review_events(conn, user_id)
            interviews = [(i.finished_at, i.overall) for i in list_interviews(conn, user_id)]
        # days (reviews per day, streaks) are the user's calendar days, in their time zone
        local = self.unit.local_time
        events = [replace(e, reviewed_at=local(e.reviewed_at)) for e in events]
        interviews = [(local(at), overall) for at, overall in interviews]
        return compute_stats(
            events, memories, items, interviews, self.scheduler(), now=local(now or now_utc())
        )
