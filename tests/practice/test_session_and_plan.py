"""Drill queues and the plan to an interview date (domain code, fixed clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from viva.bank.models import Question, SourceRef
from viva.grading.models import Rating
from viva.practice.planner import ExamDateError, plan_to_date
from viva.practice.scheduler import Memory, Scheduler
from viva.practice.session import drill_queue

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def question(qid: str, section: str = "S", reference: str | None = "answer") -> Question:
    return Question(qid, "b", (section,), None, f"{qid}?", reference, SourceRef("n.md", 1))


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler(fuzz=False)


def studied(scheduler: Scheduler, at: datetime, rating: Rating = Rating.GOOD) -> Memory:
    memory = scheduler.review(None, rating, now=at).after
    return scheduler.review(memory, rating, now=memory.due).after


def test_due_first_most_overdue_first_then_new_up_to_the_limit(scheduler: Scheduler) -> None:
    qs = [question(x) for x in "abcdef"] + [question("z", reference=None)]
    memories = {
        "a": studied(scheduler, NOW - timedelta(days=30)),  # long overdue
        "b": studied(scheduler, NOW - timedelta(days=3)),  # overdue by a little
        "c": studied(scheduler, NOW),  # not due
    }
    queue = drill_queue(qs, memories, scheduler, now=NOW, new_limit=2)
    assert [q.id for q in queue] == ["a", "b", "d", "e"]
    assert [q.id for q in drill_queue(qs, memories, scheduler, now=NOW, limit=1)] == ["a"]


def test_cram_asks_everything_studied_weakest_first(scheduler: Scheduler) -> None:
    qs = [question(x) for x in "abc"]
    memories = {
        "a": studied(scheduler, NOW - timedelta(days=1)),
        "b": studied(scheduler, NOW - timedelta(days=20)),
    }
    queue = drill_queue(qs, memories, scheduler, now=NOW, new_limit=0, cram=True)
    assert [q.id for q in queue] == ["b", "a"]


def test_plan_forecasts_recall_and_load(scheduler: Scheduler) -> None:
    qs = [question(f"m{i}", "数学") for i in range(4)] + [
        question(f"n{i}", "网络") for i in range(6)
    ]
    memories = {f"m{i}": studied(scheduler, NOW - timedelta(days=5)) for i in range(4)}
    items = [(q.id, q.section) for q in qs]
    plan = plan_to_date(items, memories, scheduler, now=NOW, exam_day=date(2026, 11, 21))
    assert plan.days_left == 20
    assert plan.questions == 10
    assert plan.studied == 4
    assert plan.new_per_day == 1  # 6 new over 19 study days
    assert [s.section for s in plan.sections] == [("网络",), ("数学",)]
    network, maths = plan.sections
    assert network.recall_if_stopped == 0.0
    assert 0.0 < maths.recall_if_stopped < maths.recall_with_plan <= 1.0
    assert plan.recall_with_plan > plan.recall_if_stopped
    assert len(plan.daily_load) == 20
    assert sum(n for _, n in plan.daily_load) >= 6  # at least every new question once
    assert plan.weakest[0].section == ("网络",)


def test_plan_refuses_a_past_exam_date(scheduler: Scheduler) -> None:
    with pytest.raises(ExamDateError, match="is not after today"):
        plan_to_date([("a", ("S",))], {}, scheduler, now=NOW, exam_day=date(2026, 10, 1))
