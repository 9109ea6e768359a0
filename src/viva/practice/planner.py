"""Plan to the interview date: predicted recall on the day, and the reviews it takes.

The prediction uses FSRS's own memory model (the scheduler's forgetting curve): each studied
question is followed forward, reviewed whenever it falls due and answered well ("Good"), and each
new question is introduced at an even pace; the day-by-day count of those reviews is the load.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from viva.errors import VivaError
from viva.practice.scheduler import Memory, Scheduler


@dataclass(frozen=True, slots=True)
class SectionForecast:
    """One section's expected recall on the interview day."""

    section: tuple[str, ...]
    questions: int
    studied: int
    recall_if_stopped: float  # mean predicted recall with no more reviews (new count as 0)
    recall_with_plan: float  # ... when the plan's reviews are done


@dataclass(frozen=True, slots=True)
class Plan:
    """The forecast and the work it takes."""

    exam_day: date
    days_left: int
    questions: int
    studied: int
    new_per_day: int
    reviews_per_day: float  # mean over the days left
    recall_if_stopped: float
    recall_with_plan: float
    sections: tuple[SectionForecast, ...]  # weakest first
    daily_load: tuple[tuple[date, int], ...]  # reviews (new included) per day until the exam

    @property
    def weakest(self) -> tuple[SectionForecast, ...]:
        """The three sections with the lowest expected recall if nothing more is done."""
        return self.sections[:3]


class ExamDateError(VivaError):
    """The interview date is not in the future."""


def plan_to_date(
    questions: Sequence[tuple[str, tuple[str, ...]]],
    memories: Mapping[str, Memory],
    scheduler: Scheduler,
    *,
    now: datetime,
    exam_day: date,
    minutes_per_day: int | None = None,
    seconds_per_review: int = 90,
) -> Plan:
    """Forecast recall on `exam_day` and the daily reviews that get there.

    `questions` are the gradable questions as (id, section). `minutes_per_day` caps new
    questions per day to what fits after the due reviews.
    """
    days_left = (exam_day - now.date()).days
    if days_left < 1:
        raise ExamDateError(
            f"the interview date {exam_day.isoformat()} is not after today ({now.date()})",
            hint="give a future date, e.g. --exam-date 2027-03-20",
        )
    exam_at = datetime.combine(exam_day, time(9, 0), tzinfo=now.tzinfo)
    gradable = list(questions)
    new = [qid for qid, _ in gradable if qid not in memories]
    load: Counter[date] = Counter()
    with_plan: dict[str, float] = {}
    stopped: dict[str, float] = {}
    paths: dict[object, object] = {}
    for qid, _ in gradable:
        memory = memories.get(qid)
        if memory is not None:
            stopped[qid] = scheduler.recall(memory, exam_at)
            times, with_plan[qid] = scheduler.follow_good(memory, now, exam_at, paths)
            load.update(t.date() for t in times)
        else:
            stopped[qid] = 0.0
    study_days = max(1, days_left - 1)  # nothing new on the last day
    new_per_day = math.ceil(len(new) / study_days) if new else 0
    if minutes_per_day is not None and new:
        busiest = max(load.values(), default=0)
        budget = max(0, minutes_per_day * 60 // seconds_per_review - busiest)
        new_per_day = min(new_per_day, max(1, budget // 4))  # a new card costs ~4 early reviews
    for index, qid in enumerate(new):
        day = now + timedelta(days=index // max(1, new_per_day))
        if day >= exam_at:
            with_plan[qid] = 0.0
            continue
        times, with_plan[qid] = scheduler.follow_good(None, day, exam_at, paths)
        load.update(t.date() for t in times)
    by_section: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for qid, section in gradable:
        by_section[section].append(qid)
    sections = sorted(
        (
            SectionForecast(
                section=section,
                questions=len(ids),
                studied=sum(1 for i in ids if i in memories),
                recall_if_stopped=_mean(stopped[i] for i in ids),
                recall_with_plan=_mean(with_plan[i] for i in ids),
            )
            for section, ids in by_section.items()
        ),
        key=lambda s: (s.recall_if_stopped, s.section),
    )
    days = [now.date() + timedelta(days=d) for d in range(days_left)]
    daily = tuple((d, load.get(d, 0)) for d in days)
    return Plan(
        exam_day=exam_day,
        days_left=days_left,
        questions=len(gradable),
        studied=len(gradable) - len(new),
        new_per_day=new_per_day,
        reviews_per_day=sum(n for _, n in daily) / len(daily),
        recall_if_stopped=_mean(stopped.values()),
        recall_with_plan=_mean(with_plan.values()),
        sections=tuple(sections),
        daily_load=daily,
    )


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0
