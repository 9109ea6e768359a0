"""Mock interviews: plans, the draw, follow-ups, the report; scripted through the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SEED, Cli, write
from tests.fakes import fake_models
from tests.grades import ANSWER, four_states
from viva.cli.render import report_markdown
from viva.grading.models import Contradiction, Span
from viva.practice.interview import (
    Asked,
    PlanError,
    Report,
    Turn,
    challenge_prompt,
    load_plan,
    parse_plan,
)
from viva.service import Viva
from viva.wire import report_json

NOW = datetime(2026, 11, 1, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fakes() -> Iterator[None]:
    with fake_models():
        yield


def test_builtin_plans_load() -> None:
    kaoyan = load_plan("kaoyan-cs")
    assert [s.name for s in kaoyan.stages] == [
        "自我介绍",
        "英文问答",
        "基本情况",
        "专业知识",
        "项目经历",
        "科研规划",
    ]
    assert 15 * 60 <= sum(s.count * s.seconds for s in kaoyan.stages) <= 25 * 60
    assert load_plan("tech-job").stages[0].name == "自我介绍"


def test_plan_errors_name_every_bad_line() -> None:
    text = "name: x\nstages:\n  - name: A\n    sections: [S]\n    count: 0\n  - sections: []\n"
    with pytest.raises(PlanError) as err:
        parse_plan(text, "my-plan.yaml")
    message = err.value.message
    assert "my-plan.yaml:3: `count` must be a whole number >= 1 (not 0)" in message
    assert "my-plan.yaml:6: stage 2 needs a name" in message
    with pytest.raises(PlanError, match=r"my-plan\.yaml:3: not valid YAML"):
        parse_plan("name: x\nstages: [\n", "my-plan.yaml")


def test_unknown_plan_is_explained() -> None:
    from viva.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no interview plan called 'nope'"):
        load_plan("nope")


def test_incomplete_answer_triggers_a_graded_follow_up_and_a_saved_report(viva: Viva) -> None:
    viva.import_notes([SEED])
    plan = write_plan = Path(__file__).parent / "_plan.yaml"
    write_plan.write_text(
        "name: seed\nstages:\n  - name: 专业知识\n    sections: [注意力机制]\n    count: 2\n"
        "    seconds: 60\n    follow_ups: 1\n",
        encoding="utf-8",
    )
    try:
        session, seed = viva.start_interview(str(plan), seed=3, now=NOW)
    finally:
        write_plan.unlink()
    first = session.next()
    assert first is not None
    assert first.follow_up_of is None
    grade = viva.grade_asked(first, "嗯，这个我只知道一点点。")
    session.answer("嗯，这个我只知道一点点。", 12.0, grade)
    follow = session.next()
    assert follow is not None
    assert follow.follow_up_of == 0
    assert follow.prompt != first.prompt
    not_covered = [k.text for k in grade.key_points if k.coverage.value != "covered"]
    if follow.kind not in ("retry", "refocus"):  # a point the answer did not cover, not recited
        assert follow.key_points[0] in not_covered
        assert follow.key_points[0] not in follow.prompt
    else:  # "try again": graded against the question's own points
        assert set(follow.key_points) <= set(not_covered) | set(first.key_points)
    assert (follow.number, follow.follow_up) == (1, 1)
    session.answer("", 0.0, viva.grade_asked(follow, ""))
    second = session.next()
    assert second is not None
    assert second.follow_up_of is None
    assert second.question_id != first.question_id
    session.answer(second.reference, 30.0, viva.grade_asked(second, second.reference))
    while (extra := session.next()) is not None:
        session.answer("", 0.0, viva.grade_asked(extra, ""))
    saved, report = viva.finish_interview(session, seed=seed, started_at=NOW)
    assert report.stages[0][0] == "专业知识"
    assert len(report.turns) >= 3
    assert report.review_next[0] == first.question_id
    assert viva.interview(saved).report["turns"][1]["follow_up_of"] == 0


def test_same_seed_draws_the_same_interview(viva: Viva) -> None:
    viva.import_notes([SEED])
    a, _ = viva.start_interview("kaoyan-cs", seed=11, now=NOW)
    b, _ = viva.start_interview("kaoyan-cs", seed=11, now=NOW)
    assert [q.id for _, q in a.queue] == [q.id for _, q in b.queue]
    assert len({q.id for _, q in a.queue}) == len(a.queue)  # no repeats


def test_scripted_interview_report_history_and_export(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(SEED))
    answers = write(
        tmp_path / "a.jsonl", '"Transformer 用自注意力并行处理序列。"\n{"answer": "不清楚"}\n'
    )
    result = cli("interview", "--answers", str(answers), "--seed", "5", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["seed"] == 5
    assert report["turns"][0]["answer"] == "Transformer 用自注意力并行处理序列。"
    assert report["turns"][1]["answer"] == "不清楚"
    assert {s["stage"] for s in report["stages"]} <= {
        "自我介绍",
        "英文问答",
        "基本情况",
        "专业知识",
        "项目经历",
        "科研规划",
    }
    history = cli("history")
    assert "模拟面试" in history.stdout
    assert "总分" in history.stdout
    assert report["title"] in history.stdout
    cli("lang", "en")  # the plan's English title in an English interface
    assert report["title_en"] in cli("history").stdout
    markdown = cli("report", "--format", "md", "--lang", "en")
    assert markdown.stdout.startswith(f"# Mock interview #{report['id']}")
    assert json.loads(cli("report", str(report["id"]), "--format", "json").stdout)["seed"] == 5


def test_interview_without_keyboard_or_answers_says_how(cli: Cli) -> None:
    result = cli("interview")
    assert result.exit_code == 1
    assert "--answers answers.jsonl --json" in result.stderr


def test_interview_with_no_matching_questions_is_explained(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path / "v" / "n.md", "## 杂项\n\n1. 你好吗？\n> 很好。\n")
    cli("import", str(tmp_path / "v"))
    result = cli("interview", "--answers", str(write(tmp_path / "a.jsonl", '"x"\n')))
    assert result.exit_code == 1
    assert "所选题库和部分里没有适合这个面试流程任何环节的题目" in result.stderr


def test_good_answers_sometimes_go_deeper_into_the_section(viva: Viva, tmp_path: Path) -> None:
    viva.import_notes([SEED])
    plan = write(
        tmp_path / "plan.yaml",
        "name: deep\nstages:\n  - name: 专业知识\n    sections: [Transformer]\n    count: 1\n"
        "    seconds: 60\n    follow_ups: 1\n",
    )
    deeper = 0
    for seed in range(12):
        session, _ = viva.start_interview(str(plan), seed=seed, now=NOW)
        first = session.next()
        assert first is not None
        session.answer(first.reference, 30.0, viva.grade_asked(first, first.reference))
        nxt = session.next()
        if nxt is not None and nxt.follow_up_of == 0 and nxt.question_id != first.question_id:
            deeper += 1
            assert nxt.prompt != first.prompt
    assert 0 < deeper < 12  # sometimes, not always


def test_contradicted_point_is_challenged_before_missed_ones(viva: Viva, tmp_path: Path) -> None:
    viva.import_notes([SEED])
    plan = write(
        tmp_path / "plan.yaml",
        "name: wrong\nstages:\n  - name: 专业知识\n    sections: [注意力机制]\n    count: 1\n"
        "    seconds: 60\n    follow_ups: 2\n",
    )
    session, _ = viva.start_interview(str(plan), seed=1, now=NOW)
    first = session.next()
    assert first is not None
    grade = (
        four_states()
    )  # one point each: covered, contradicted (ReLU for softmax), partly, missed
    session.answer(ANSWER, 30.0, grade)
    challenge, missed = session.next(), None
    assert challenge is not None
    assert challenge.prompt == "你刚才说的是“ReLU”，确定吗？再想想这里应该是什么。"
    assert "softmax" not in challenge.prompt  # the answer is not given away
    assert challenge.key_points == ("用 softmax 得到注意力权重",)
    assert challenge.reference == "点积结果经 softmax 得到注意力权重。"
    session.answer("是 softmax。", 10.0, viva.grade_asked(challenge, "是 softmax。"))
    missed = session.next()
    assert missed is not None
    assert missed.follow_up_of == 0
    assert missed.key_points == ("对 Value 加权求和",)


def test_challenge_prompts_name_what_was_said_in_both_languages() -> None:
    relu = Contradiction("ReLU", "softmax", Span(0, 4), "term")
    assert (
        challenge_prompt("en", relu)
        == "You said “ReLU” — are you sure? Think again about what belongs there."
    )
    three = Contradiction("3", "2", Span(0, 1), "number")
    assert challenge_prompt("zh", three) == "你刚才说是“3”，再算一下，这个数对吗？"
    verdict = Contradiction("错误", "正确", Span(0, 2), "verdict")
    assert "“错误”" in challenge_prompt("zh", verdict)


def test_markdown_report_lists_the_four_states_and_reads_old_reports() -> None:
    asked = Asked("专业知识", "缩放点积注意力怎么算？", "参考", ("点积",), 60, "q1")
    turn = Turn(asked, ANSWER, 41.5, four_states())
    report = Report("kaoyan-cs", 38, (("专业知识", 38, 1),), (turn,), (), ())
    data = report_json(report)
    text = report_markdown(5, data)
    assert (
        "Got wrong: 用 softmax 得到注意力权重 (you said “ReLU”; the reference says “softmax”)"
        "\n\nCovered: Query 与 Key 做点积\n\nPartly: 除以根号 d_k\n\nMissed: 对 Value 加权求和\n"
    ) in text
    for key in ("partly", "contradicted"):  # saved before the four states were told apart
        del data["turns"][0][key]
    old = report_markdown(5, data)
    assert "Got wrong" not in old
    assert "Partly" not in old
    assert "Covered: Query 与 Key 做点积\n\nMissed: 对 Value 加权求和\n" in old


def test_scripted_kaoyan_interview_over_the_seed_note_runs_all_six_stages(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Issue 14: the seed note has no 自我介绍, English or 科研规划 answers; the built-in bank
    lends them, and the student is told so before the first question."""
    cli = Cli({**env, "VIVA_BUILTIN_BANK": "1"})
    assert cli("import", str(SEED)).exit_code == 0
    answers = write(tmp_path / "a.jsonl", "\n".join(['"我先讲结论，再讲原因。"'] * 40) + "\n")
    shown = cli("interview", "--plan", "kaoyan-cs", "--answers", str(answers), "--seed", "4")
    assert shown.exit_code == 0, shown.output
    before_first = shown.stdout.split("── 自我介绍 ──")[0]
    assert "计算机考研复试 · 约 22–36 分钟" in before_first
    assert "自我介绍、英文问答与科研规划来自内置题库。" in before_first
    result = cli(
        "interview", "--plan", "kaoyan-cs", "--answers", str(answers), "--seed", "4", "--json"
    )
    report = json.loads(result.stdout)
    names = ["自我介绍", "英文问答", "基本情况", "专业知识", "项目经历", "科研规划"]
    assert [s["stage"] for s in report["stages"]] == names
    assert [s["stage"] for s in report["plan_stages"]] == names
    assert all(s["score"] is not None for s in report["plan_stages"])
    main = [t for t in report["turns"] if t["follow_up_of"] is None]
    assert [t["number"] for t in main] == list(range(1, 13))  # follow-ups are not numbered
    for turn in report["turns"]:
        if turn["follow_up_of"] is not None:
            parent = report["turns"][turn["follow_up_of"]]
            assert turn["number"] == parent["number"]
            assert turn["follow_up"] >= 1
    assert report["title"] == "计算机考研复试"
    english = cli("report", str(report["id"]), "--lang", "en").stdout
    assert english.startswith(f"# Mock interview #{report['id']} · Computer science graduate")
    assert "| Self-introduction |" in english


def test_a_stage_no_bank_can_fill_is_announced_and_reported(cli: Cli, tmp_path: Path) -> None:
    """Without the built-in bank, the seed note cannot fill 自我介绍: said before the start and
    shown in the report, never dropped silently."""
    cli("import", str(SEED))
    answers = write(tmp_path / "a.jsonl", '"不清楚"\n' * 40)
    shown = cli("interview", "--answers", str(answers), "--seed", "2", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    head = shown.stdout.split("──")[0]
    assert "Self-introduction: no bank has a question for it, so this stage is skipped." in head
    assert re.search(r"Self-introduction +│ +— │ not asked", shown.stdout)
    saved = json.loads(cli("report", "--format", "json").stdout)
    intro = saved["plan_stages"][0]
    assert (intro["stage"], intro["score"], intro["drawn"]) == ("自我介绍", None, 0)
    markdown = cli("report", "--lang", "zh").stdout
    assert "| 自我介绍 | — | 未进行（题库中没有这一环节的题目） |" in markdown
