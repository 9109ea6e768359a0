"""Reviews through the service and `viva drill` / `viva plan` through the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import SEED, Cli, query
from tests.fakes import fake_models
from viva.config import Settings
from viva.grading.models import Rating
from viva.service import Viva


@pytest.fixture(autouse=True)
def _fakes() -> Iterator[None]:
    with fake_models():
        yield


def test_review_undo_and_cram_keep_the_schedule_right(viva: Viva) -> None:
    viva.import_notes([SEED])
    now = datetime(2026, 11, 1, 8, tzinfo=UTC)
    first = viva.drill_queue(new=2, now=now)
    assert len(first) == 2
    qid = first[0].id
    viva.review(qid, Rating.GOOD, answer="…", now=now)
    later = now + timedelta(days=1)
    assert qid in [q.id for q in viva.drill_queue(new=0, now=later)]  # learning step passed
    viva.review(qid, Rating.GOOD, now=later)
    assert qid not in [q.id for q in viva.drill_queue(new=0, now=later)]
    # cram: asked although not due, logged, schedule untouched
    assert qid in [q.id for q in viva.drill_queue(new=0, cram=True, now=later)]
    viva.review(qid, Rating.AGAIN, cram=True, now=later)
    assert qid not in [q.id for q in viva.drill_queue(new=0, now=later)]
    # undo the cram review, then the real one: due again as after the first review
    assert viva.undo_last_review(now=later) is not None
    undone = viva.undo_last_review(now=later)
    assert undone is not None
    assert undone.question_id == qid
    assert qid in [q.id for q in viva.drill_queue(new=0, now=later)]


def test_drill_grades_records_and_counts(cli: Cli, env: dict[str, str]) -> None:
    cli("import", str(SEED))
    answers = (
        "我大一不适应大学学习，后来调整了方法。\n\n\n"  # answer, submit, accept suggested rating
        "?\n3\n"  # reveal at once, override the suggested Again with Good
    )  # then end of input at the third question: the drill stops, nothing half-recorded
    result = cli("drill", "--new", "3", "--section", "基本信息", input=answers)
    assert result.exit_code == 0, result.output
    # the drill speaks the interface's language (zh by default), as its grade panel does
    assert "共 3 道题。" in result.stdout
    assert "得分 " in result.stdout
    assert "参考答案" in result.stdout
    assert "复习了 2 道题。" in result.stdout
    assert "Reviewed" not in result.stdout
    rows = query(
        env, "SELECT rating, suggested_rating, answer, score IS NOT NULL FROM reviews ORDER BY id"
    )
    assert rows[1] == (3, None, "?", 0)  # revealed: no grade, rated Good by hand
    assert rows[0][0] == rows[0][1]  # the suggested rating was accepted
    assert rows[0][3] == 1


def test_drill_with_nothing_to_do_says_so_in_the_interfaces_language(cli: Cli, viva: Viva) -> None:
    cli("import", str(SEED))
    assert "现在没有要练的题" in cli("drill", "--new", "0").stdout
    viva.set_preferences(ui_lang="en")
    assert "Nothing to drill now" in cli("drill", "--new", "0").stdout


def test_plan_json_and_bad_dates(cli: Cli) -> None:
    cli("import", str(SEED))
    day = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    result = cli("plan", "--exam-date", day, "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["questions"] == 38
    assert plan["days_left"] == 30
    assert len(plan["daily_load"]) == 30
    shown = cli("plan", "--exam-date", day).stdout
    assert "面试日期" in shown
    assert "每天复习次数" in shown
    assert "天）。已学 0/38 道题。" in shown
    past = cli("plan", "--exam-date", "2020-01-01")
    assert past.exit_code == 1
    assert "错误：面试日期 2020-01-01 不在今天（" in past.stderr
    bad = cli("plan", "--exam-date", "next week")
    assert "must be a date like 2027-03-20 (not 'next week')" in bad.stderr


def test_stats_and_png_charts(cli: Cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli("import", str(SEED))
    cli("drill", "--new", "2", input="答案。\n\n3\n?\n1\n")
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sum(d["reviews"] for d in data["reviews_per_day"]) == 2
    assert data["retention_achieved"] is None  # only first reviews so far
    assert data["retention_desired"] == 0.9
    assert sum(m["studied"] for m in data["mastery"]) == 2
    png = tmp_path / "stats.png"
    assert cli("stats", "--png", str(png)).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    day = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    plan_png = tmp_path / "plan.png"
    assert cli("plan", "--exam-date", day, "--png", str(plan_png)).exit_code == 0
    assert plan_png.read_bytes().startswith(b"\x89PNG")


def test_optimize_explains_what_it_needs(cli: Cli) -> None:
    result = cli("optimize")
    assert result.exit_code == 1
    assert "目前只有 0 次复习记录，拟合 FSRS 参数至少需要 100 次" in result.stderr


def test_optimizer_without_pytorch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from viva.errors import VivaError
    from viva.practice.scheduler import optimize_parameters

    monkeypatch.setitem(sys.modules, "torch", None)  # not installed (the default install)
    with pytest.raises(VivaError, match="runs on PyTorch") as err:
        optimize_parameters([("q", 3, datetime(2026, 11, 1, tzinfo=UTC))])
    assert err.value.hint is not None
    assert "viva-coach[optimizer]" in err.value.hint


def test_plan_uses_the_interview_date_saved_in_the_app(cli: Cli, settings: Settings) -> None:
    cli("import", str(SEED))
    none = cli("plan")
    assert none.exit_code == 1
    assert "no interview date" in none.stderr
    assert "--exam-date 2027-03-20" in none.stderr
    day = datetime.now(UTC).date() + timedelta(days=12)
    viva = Viva(settings)
    try:
        viva.set_preferences(interview_date=day.isoformat(), ui_lang="en")
    finally:
        viva.close()
    saved = cli("plan")
    assert saved.exit_code == 0, saved.output
    assert f"Interview on {day} (12 days). 0 of 38 questions studied." in saved.stdout
    assert "Mastery by section (weakest first)" in cli("stats").stdout
    assert "No mock interview yet" in cli("history").stdout
