"""Progress statistics: reviews a day, retention achieved, mastery, interview scores."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from viva.practice.scheduler import Memory, Scheduler


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    """What statistics need of a stored review."""

    question_id: str
    reviewed_at: datetime
    rating: int
    is_first: bool  # the question's first review (learning, not recall)
    is_cram: bool


@dataclass(frozen=True, slots=True)
class Stats:
    """The student's progress."""

    reviews_per_day: tuple[tuple[date, int], ...]  # the last `days` days, oldest first
    retention_achieved: float | None  # share of recall reviews not rated Again; None: none yet
    retention_desired: float
    mastery: tuple[
        tuple[tuple[str, ...], int, int, float], ...
    ]  # section, questions, studied, recall
    interview_trend: tuple[tuple[datetime, int], ...]  # (finished at, overall score)


def compute_stats(
    events: Sequence[ReviewEvent],
    memories: Mapping[str, Memory],
    sections: Sequence[tuple[str, tuple[str, ...]]],
    interviews: Sequence[tuple[datetime, int]],
    scheduler: Scheduler,
    *,
    now: datetime,
    days: int = 30,
) -> Stats:
    """Everything `viva stats` shows, from the review log and the current memories."""
    start = now.date() - timedelta(days=days - 1)
    per_day = Counter(e.reviewed_at.date() for e in events if e.reviewed_at.date() >= start)
    daily = tuple(
        (start + timedelta(days=d), per_day.get(start + timedelta(days=d), 0)) for d in range(days)
    )
    recalls = [e for e in events if not e.is_first and not e.is_cram]
    achieved = sum(1 for e in recalls if e.rating > 1) / len(recalls) if recalls else None
    grouped: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for qid, section in sections:
        grouped[section].append(qid)
    mastery = tuple(
        sorted(
            (
                (
                    section,
                    len(ids),
                    sum(1 for i in ids if i in memories),
                    sum(scheduler.recall(memories.get(i), now) for i in ids) / len(ids),
                )
                for section, ids in grouped.items()
            ),
            key=lambda row: (row[3], row[0]),
        )
    )
    return Stats(daily, achieved, scheduler.desired_retention, mastery, tuple(sorted(interviews)))
