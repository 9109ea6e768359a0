"""The daily loop: goal and streak, today's new-question limit raised, the scope of a drill."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import SEED, Cli
from viva.config import Settings, load_settings
from viva.practice.daily import daily_progress, questions_per_day, streak
from viva.service import Scope, Viva
from viva.service.preferences import PreferenceError

TODAY = date(2026, 11, 20)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_questions_per_day_counts_a_question_once_a_day() -> None:
    reviews = [("a", TODAY), ("a", TODAY), ("b", TODAY), ("a", days_ago(1))]
    assert questions_per_day(reviews) == {TODAY: 2, days_ago(1): 1}


def test_streak_counts_days_met_in_a_row() -> None:
    per_day = {TODAY: 20, days_ago(1): 25, days_ago(2): 20, days_ago(3): 19, days_ago(4): 30}
    assert streak(per_day, 20, TODAY) == 3  # day 3 fell short: the run stops there


def test_a_streak_is_kept_until_today_is_over() -> None:
    per_day = {TODAY: 4, days_ago(1): 20, days_ago(2): 20}
    assert streak(per_day, 20, TODAY) == 2  # today not met yet: yesterday's run still counts
    assert streak({days_ago(2): 20}, 20, TODAY) == 0  # a day missed: gone


def test_with_no_goal_any_practice_keeps_the_streak() -> None:
    assert streak({TODAY: 1, days_ago(1): 1}, 0, TODAY) == 2


def test_daily_progress_tells_what_is_left() -> None:
    progress = daily_progress([("a", TODAY), ("b", TODAY), ("c", days_ago(1))], 5, TODAY)
    assert (progress.done_today, progress.left_today, progress.streak) == (2, 3, 0)
    assert not progress.is_met_today


@pytest.fixture
def with_builtin(tmp_path: Path) -> Iterator[Viva]:
    viva = Viva(load_settings({"VIVA_HOME": str(tmp_path / "home"), "VIVA_BUILTIN_BANK": "1"}))
    yield viva
    viva.close()


def test_the_service_counts_today_and_the_streak(with_builtin: Viva) -> None:
    viva = with_builtin
    now = datetime.now(UTC)
    viva.set_preferences(daily_goal=2)
    first, second, third = viva.drill_queue(new=3, now=now)
    for question in (first, second):  # yesterday: goal met
        viva.review(question.id, 3, now=now - timedelta(days=1))
    viva.review(third.id, 3, now=now)
    viva.review(third.id, 3, now=now, cram=True)  # the same question again: counted once
    progress = viva.daily_progress(now=now)
    assert (progress.goal, progress.done_today, progress.streak) == (2, 1, 1)
    viva.review(first.id, 3, now=now)
    assert viva.daily_progress(now=now).streak == 2


def test_learn_more_raises_todays_new_limit_only(with_builtin: Viva) -> None:
    viva = with_builtin
    now = datetime.now(UTC)
    viva.set_preferences(new_per_day=2)
    for question in viva.drill_queue(now=now):
        viva.review(question.id, 3, now=now)
    status = viva.drill_status(now=now)
    assert status.is_new_limit_reached
    assert (status.new_available, status.new_limit, status.new_today) == (0, 2, 2)
    assert status.unlearned == 312 - 2
    assert viva.learn_more(5, now=now) == 7
    assert viva.drill_status(now=now).new_available == 5
    assert len([q for q in viva.drill_queue(now=now) if q.id]) == 5
    assert viva.learn_more(5, now=now) == 12  # twice in a day adds up
    tomorrow = viva.drill_status(now=now + timedelta(days=1))
    assert tomorrow.new_limit == 2  # tomorrow is back to the daily number
    with pytest.raises(Exception, match="learn 1 to 100"):
        viva.learn_more(0, now=now)


def test_the_builtin_bank_stays_beside_the_students_own(with_builtin: Viva) -> None:
    viva = with_builtin
    viva.import_notes([SEED], bank="seed")
    assert viva.default_banks() == ["seed", "builtin"]  # the student's own first
    assert {q.bank for q in viva.questions()} == {"seed", "builtin"}
    assert {h.question.bank for h in viva.search("Transformer", limit=50)} == {"seed", "builtin"}
    viva.set_bank_enabled("builtin", False)  # the student can still turn it off
    assert viva.default_banks() == ["seed"]
    assert {q.bank for q in viva.questions()} == {"seed"}


def test_a_scope_narrows_drills_to_its_banks_and_sections(with_builtin: Viva) -> None:
    viva = with_builtin
    viva.import_notes([SEED], bank="seed")
    viva.set_preferences(drill_scope={"banks": ["seed"], "sections": ["项目经历", "未来研究"]})
    scope = viva.resolved_scope(viva.preferences().drill_scope)
    assert scope == Scope(("seed",), ("项目经历", "未来研究"))
    queue = viva.drill_queue(banks=scope.banks, sections=scope.sections, new=50)
    assert {q.section[0] for q in queue} == {"项目经历"}  # 未来研究 has no answers to grade
    assert len(queue) == 15  # 项目经历 5, its Transformer 5 and 注意力机制 5
    status = viva.drill_status(banks=scope.banks, sections=scope.sections)
    assert status.unlearned == 15
    # a bank that is gone (or turned off) drops out; none left: every enabled bank
    viva.set_preferences(drill_scope={"banks": ["gone"], "sections": []})
    assert viva.resolved_scope(viva.preferences().drill_scope).banks == ("seed", "builtin")


def test_interviews_draw_from_their_scope(with_builtin: Viva) -> None:
    viva = with_builtin
    viva.import_notes([SEED], bank="seed")
    interview, _ = viva.start_interview("kaoyan-cs", banks=["seed"], sections=["项目经历"], seed=7)
    banks_and_sections = {(q.bank, q.section[0]) for _, q in interview.queue}
    # the chosen bank gives only the chosen section; stages it cannot fill borrow elsewhere
    assert {s for b, s in banks_and_sections if b == "seed"} == {"项目经历"}
    assert {b for b, _ in banks_and_sections} == {"seed", "builtin"}
    lent = {f.stage: f.lenders for f in interview.fills if f.borrowed}
    assert lent
    assert all(lenders == ("builtin",) for lenders in lent.values())


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("seed", "must be"),
        ({"banks": "seed"}, "must be a list of names"),
        ({"banks": [""]}, "must be names of"),
        ({"sections": ["x" * 301]}, "must be names of"),
        ({"banks": [], "other": []}, "must be"),
    ],
)
def test_a_bad_scope_is_refused_with_its_value(viva: Viva, value: object, problem: str) -> None:
    with pytest.raises(PreferenceError, match=problem):
        viva.set_preferences(drill_scope=value)


def test_preferences_keep_the_scope_goal_and_todays_extra(viva: Viva) -> None:
    viva.set_preferences(
        daily_goal=15, interview_scope={"banks": ["a", "a", " b "], "sections": ["S"]}
    )
    again = Viva(viva.settings)
    try:
        prefs = again.preferences()
        assert prefs.daily_goal == 15
        assert prefs.interview_scope == Scope(("a", "b"), ("S",))
        assert prefs.drill_scope.is_everything
        assert prefs.to_json()["interview_scope"] == {"banks": ["a", "b"], "sections": ["S"]}
    finally:
        again.close()
    with pytest.raises(PreferenceError, match="daily goal must be a whole number"):
        viva.set_preferences(daily_goal=-1)


def test_cli_drill_asks_from_the_scope_saved_in_the_app(cli: Cli, settings: Settings) -> None:
    assert cli("import", str(SEED), "--bank", "seed").exit_code == 0
    viva = Viva(settings)
    try:
        viva.set_preferences(drill_scope={"sections": ["基本信息"]}, new_per_day=1)
    finally:
        viva.close()
    result = cli("drill", input="")  # end of input at the first question: nothing recorded
    assert result.exit_code == 0, result.output
    # the interface speaks Chinese unless the student chose English
    assert "按网页里保存的范围：seed — 基本信息。" in result.stdout
    assert "[1/1] 基本信息" in result.stdout
    assert "今天：0/20 道题 · 连续 0 天。" in result.stdout
    limited = cli("drill", "--section", "基本信息", "--new", "0")
    assert "可以试试 --new 20" in limited.stdout  # --new 0 chosen: not today's limit
