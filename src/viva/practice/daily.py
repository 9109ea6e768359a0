"""The daily loop: questions practised per day against a goal, and the streak of days met.

Pure: the caller passes the reviews' local days and today's date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class DailyProgress:
    """Today against the goal, and how many days in a row the goal was met."""

    goal: int  # questions a day (0: no goal set)
    done_today: int  # distinct questions practised today
    streak: int  # days in a row, up to today (or yesterday while today is not yet met)
    is_met_today: bool

    @property
    def left_today(self) -> int:
        """Questions still to practise today to meet the goal."""
        return max(0, self.goal - self.done_today)


def questions_per_day(reviews: Iterable[tuple[str, date]]) -> dict[date, int]:
    """Distinct questions practised on each day, from (question id, local day) pairs.

    Answering one question twice in a day (a learning step, a retry) counts once.
    """
    seen: dict[date, set[str]] = defaultdict(set)
    for question_id, day in reviews:
        seen[day].add(question_id)
    return {day: len(ids) for day, ids in seen.items()}


def streak(per_day: Mapping[date, int], goal: int, today: date) -> int:
    """Days in a row on which the goal was met, ending today, or yesterday if today is not met
    yet (a streak is not lost until the day is over). With no goal, a day with any practice
    counts."""
    needed = max(1, goal)
    day = today if per_day.get(today, 0) >= needed else today - timedelta(days=1)
    count = 0
    while per_day.get(day, 0) >= needed:
        count += 1
        day -= timedelta(days=1)
    return count


def daily_progress(reviews: Iterable[tuple[str, date]], goal: int, today: date) -> DailyProgress:
    """Today's count, the goal and the streak, from (question id, local day) pairs."""
    per_day = questions_per_day(reviews)
    done = per_day.get(today, 0)
    return DailyProgress(
        goal=goal,
        done_today=done,
        streak=streak(per_day, goal, today),
        is_met_today=done >= max(1, goal),
    )
