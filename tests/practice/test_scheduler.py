"""FSRS through the adapter: golden numbers with a fixed clock and no fuzzing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from viva.errors import VivaError
from viva.grading.models import Rating
from viva.practice.scheduler import Scheduler

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def test_first_reviews_follow_fsrs6_defaults() -> None:
    scheduler = Scheduler(fuzz=False)
    good = scheduler.review(None, Rating.GOOD, now=NOW)
    assert good.before is None
    assert good.after.stability == pytest.approx(2.3065)
    assert good.after.due == NOW + timedelta(minutes=10)
    assert good.after.is_learning
    graduated = scheduler.review(good.after, Rating.GOOD, now=good.after.due)
    assert not graduated.after.is_learning
    assert graduated.after.due == good.after.due + timedelta(days=2)
    easy = scheduler.review(None, Rating.EASY, now=NOW)
    assert easy.after.stability == pytest.approx(8.2956)
    assert easy.after.due == NOW + timedelta(days=8)


def test_recall_follows_the_forgetting_curve() -> None:
    scheduler = Scheduler(fuzz=False)
    memory = scheduler.review(None, Rating.GOOD, now=NOW).after
    assert scheduler.recall(None, NOW) == 0.0
    day1 = scheduler.recall(memory, NOW + timedelta(days=1))
    day10 = scheduler.recall(memory, NOW + timedelta(days=10))
    assert 1.0 > day1 > day10 > 0.0
    assert scheduler.recall(memory, NOW + timedelta(days=2.3065)) == pytest.approx(0.9, abs=0.01)


def test_review_returns_a_new_memory_and_keeps_the_old_one() -> None:
    scheduler = Scheduler(fuzz=False)
    first = scheduler.review(None, Rating.GOOD, now=NOW).after
    card_before = dict(first.card)
    again = scheduler.review(first, Rating.AGAIN, now=NOW + timedelta(minutes=10))
    assert first.card == card_before
    assert again.before == first


def test_higher_retention_schedules_sooner() -> None:
    loose, strict = Scheduler(0.8, fuzz=False), Scheduler(0.95, fuzz=False)
    start = loose.review(None, Rating.GOOD, now=NOW).after
    later = start.due
    assert (
        strict.review(start, Rating.GOOD, now=later).after.due
        < loose.review(start, Rating.GOOD, now=later).after.due
    )


def test_retention_out_of_range_is_refused() -> None:
    with pytest.raises(VivaError, match=r"between 0\.70 and 0\.99"):
        Scheduler(0.5)
