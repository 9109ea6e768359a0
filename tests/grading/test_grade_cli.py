"""`viva grade`, `viva grade --batch` and `viva calibrate` through the CLI (fake models)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, Cli, write
from tests.fakes import fake_models
from tests.grades import ANSWER, four_states
from viva.bank.models import Question, SourceRef
from viva.cli import render


@pytest.fixture(autouse=True)
def _fakes() -> Iterator[None]:
    with fake_models():
        yield


def seed_question(cli: Cli, prefix: str) -> dict:  # type: ignore[type-arg]
    cli("import", str(SEED))
    questions = json.loads(cli("bank", "list", "--json").stdout)
    return next(q for q in questions if q["prompt"].startswith(prefix))


def test_grade_prints_json_with_key_points_and_evidence(cli: Cli) -> None:
    q = seed_question(cli, "Transformer 模型如何解决长距离依赖问题")
    answer = (
        "自注意力机制直接计算序列中任意两个位置之间的依赖关系，而且可以并行处理所有位置的信息。"
    )
    result = cli("grade", q["id"], answer, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question_id"] == q["id"]
    assert 0 <= data["score"] <= 100
    assert data["rating"] in {"again", "hard", "good", "easy"}
    assert [k["text"] for k in data["key_points"]] == q["key_points"]
    covered = [k for k in data["key_points"] if k["coverage"] != "missed"]
    assert covered
    start, end = covered[0]["evidence"]
    assert answer[start:end]


def test_grade_reads_the_answer_from_stdin_and_renders_a_panel(cli: Cli) -> None:
    q = seed_question(cli, "Transformer 模型如何解决长距离依赖问题")
    result = cli("grade", q["id"][:8], input="位置编码把位置信息加到每个输入上。\n")
    assert result.exit_code == 0, result.output
    assert "得分 " in result.stdout  # the interface's language (zh unless set), as the feedback
    assert "建议评分" in result.stdout
    english = cli(
        "grade", q["id"][:8], "--lang", "en", input="位置编码把位置信息加到每个输入上。\n"
    )
    assert "Score " in english.stdout
    assert "suggested rating" in english.stdout
    assert "得分" not in english.stdout


def test_grade_panel_puts_what_was_wrong_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    question = Question(
        "abcd1234abcd1234", "b", ("ML",), None, "缩放点积注意力怎么算？", "…", SourceRef("a.md", 1)
    )
    render.grade_panel(question, ANSWER, four_states(), "zh")
    assert capsys.readouterr().out == (
        "╭─ 缩放点积注意力怎么算？ ─────────────────────────────────────────────────────╮\n"
        "│ 得分 38/100 · 等级 2/5 · 建议评分：困难                                      │\n"
        "│    要点                       你的回答中的依据                               │\n"
        "│ ≠  用 softmax 得到注意力权重  你说“ReLU”——参考答案是“softmax”                │\n"
        "│ ✓  Query 与 Key 做点积        Query 和 Key 做点积                            │\n"
        "│ ~  除以根号 d_k               归一化                                         │\n"
        "│ ✗  对 Value 加权求和                                                         │\n"
        "│ ≠ 说错 · ✓ 答到 · ~ 部分答到 · ✗ 遗漏                                        │\n"
        "│ 你说 ReLU，参考答案是 softmax。                                              │\n"
        "╰─ abcd1234abcd1234 ───────────────────────────────────────────────────────────╯\n"
    )


def test_grade_lang_must_be_zh_or_en(cli: Cli) -> None:
    q = seed_question(cli, "Transformer 模型如何解决长距离依赖问题")
    result = cli("grade", q["id"], "自注意力。", "--lang", "fr")
    assert result.exit_code == 1
    assert "--lang must be zh or en (not 'fr')" in result.stderr
    assert cli("grade", q["id"], "自注意力。", "--lang", "en", "--json").exit_code == 0


def test_question_without_reference_cannot_be_graded(cli: Cli) -> None:
    q = seed_question(cli, "在LLM领域，您最感兴趣的研究点是什么")
    result = cli("grade", q["id"], "大模型的可解释性。")
    assert result.exit_code == 1
    assert "has no reference answer yet, so it cannot be graded" in result.stderr


def test_link_only_answer_is_graded_against_the_linked_section(cli: Cli) -> None:
    q = seed_question(cli, "能否详细说明在 Transformer 模型方面的研究")
    result = cli(
        "grade", q["id"], "Transformer 由编码器和解码器组成，用多头自注意力和位置编码。", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["score"] > 0


def test_batch_grades_csv_and_marks_rows_it_cannot_grade(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "class.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=["id", "question", "reference", "answer", "key_points"]
        )
        writer.writeheader()
        writer.writerow(
            {
                "id": "s1",
                "question": "什么是过拟合？",
                "reference": "模型在训练集上表现好，在测试集上表现差。",
                "answer": "训练集上好，测试集上差。",
                "key_points": "训练集上表现好；测试集上表现差",
            }
        )
        writer.writerow(
            {
                "id": "s2",
                "question": "什么是过拟合？",
                "reference": "",
                "answer": "不知道",
                "key_points": "",
            }
        )
        writer.writerow(
            {
                "id": "s3",
                "question": "What is overfitting?",
                "reference": "Fitting noise in the training data.",
                "answer": "",
                "key_points": "",
            }
        )
    out = tmp_path / "graded.csv"
    result = cli("grade", "--batch", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "已评分 2/3 条回答" in result.stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["s1", "s2", "s3"]
    assert 0 < float(rows[0]["score"]) <= 1
    states = ("covered", "partly", "missed", "contradicted")
    # the four columns split the key points: each point is in exactly one of them
    assert sorted(p for s in states for p in json.loads(rows[0][s])) == sorted(
        ["训练集上表现好", "测试集上表现差"]
    )
    assert all(rows[1][s] == "" for s in states)  # not graded: no lists at all
    assert rows[1]["error"] == "empty reference: nothing to grade against"
    assert rows[2]["score"] == "0.0"
    assert rows[2]["grade"] == "0"


def test_batch_reads_jsonl_and_reports_bad_lines(cli: Cli, tmp_path: Path) -> None:
    good = write(
        tmp_path / "in.jsonl",
        json.dumps({"question": "Q?", "reference": "R is right.", "answer": "R is right."}) + "\n",
    )
    out = tmp_path / "out.jsonl"
    assert cli("grade", "--batch", str(good), "--out", str(out)).exit_code == 0
    row = json.loads(out.read_text(encoding="utf-8"))
    assert set(row) >= {
        "question",
        "reference",
        "answer",
        "score",
        "grade",
        "covered",
        "partly",
        "missed",
        "contradicted",
        "error",
    }
    assert all(isinstance(row[s], list) for s in ("covered", "partly", "missed", "contradicted"))
    bad = write(tmp_path / "bad.jsonl", '{"question": "Q?"\n')
    result = cli("grade", "--batch", str(bad), "--out", str(out))
    assert result.exit_code == 1
    assert "bad.jsonl:1: not valid JSON" in result.stderr
    missing = write(tmp_path / "missing.csv", "question,answer\nQ?,A\n")
    result = cli("grade", "--batch", str(missing), "--out", str(out))
    assert "缺少列：reference（需要的列：question, reference, answer）" in result.stderr


def test_calibrate_refits_reports_and_resets(cli: Cli, tmp_path: Path, env: dict[str, str]) -> None:
    lines = []
    for i in range(30):
        good = i % 2 == 0
        lines.append(
            {
                "question": f"问题 {i} 是什么？",
                "reference": f"答案 {i} 包含关键词 甲乙丙丁 和 戊己庚辛。",
                "answer": f"答案 {i} 包含关键词 甲乙丙丁 和 戊己庚辛。" if good else "我不太清楚。",
                "score": 1.0 if good else 0.0,
            }
        )
    data = write(
        tmp_path / "mine.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    )
    result = cli("calibrate", str(data))
    assert result.exit_code == 0, result.output
    assert "在 30 个你评过分的回答上校准" in result.stdout
    saved = _stored_calibration(env, "accurate")
    assert saved is not None
    assert saved["fitted_on"] == "mine.jsonl (30 answers)"
    cli("lang", "en")
    assert "Back to the default calibration." in cli("calibrate", "--reset").stdout
    assert _stored_calibration(env, "accurate") is None


def test_fast_profile_keeps_its_own_calibration(
    cli: Cli, tmp_path: Path, env: dict[str, str]
) -> None:
    q = seed_question(cli, "Transformer 模型如何解决长距离依赖问题")
    env["VIVA_GRADER"] = "fast"
    graded = cli("grade", q["id"], "自注意力让任意两个位置直接交互，路径长度为 1。", "--json")
    assert graded.exit_code == 0, graded.output
    lines = [
        {"question": f"问题 {i}？", "reference": "答案 甲乙丙丁。", "answer": a, "score": s}
        for i in range(12)
        for a, s in (("答案 甲乙丙丁。", 1.0), ("不知道。", 0.0))
    ]
    data = write(
        tmp_path / "mine.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    )
    assert cli("calibrate", str(data)).exit_code == 0
    home = Path(env["VIVA_HOME"])
    saved = _stored_calibration(env, "fast")
    assert saved is not None
    assert "e5" not in saved["features"]
    assert _stored_calibration(env, "accurate") is None  # the accurate profile keeps the default
    env["VIVA_GRADER"] = "accurate"
    assert cli("grade", q["id"], "路径长度为 1。", "--json").exit_code == 0
    # an old release's file of one profile under the other's name (moved into the local
    # user's row on first use) is refused with the way out
    home.mkdir(parents=True, exist_ok=True)  # on PostgreSQL no database file made it
    (home / "calibration.json").write_text(json.dumps(saved))
    wrong = cli("grade", q["id"], "路径长度为 1。")
    assert wrong.exit_code == 1
    assert "'accurate' grading profile was made for the 'fast' profile" in wrong.stderr
    assert "viva calibrate --reset" in wrong.stderr


def test_unknown_grading_profile_is_a_clear_error(cli: Cli, env: dict[str, str]) -> None:
    env["VIVA_GRADER"] = "quick"
    result = cli("bank", "list")
    assert result.exit_code != 0
    assert "VIVA_GRADER must be one of accurate, fast (not 'quick')" in result.stderr


def test_calibrate_needs_enough_answers(cli: Cli, tmp_path: Path) -> None:
    data = write(tmp_path / "few.csv", "question,reference,answer,score\nQ?,R,A,1\n")
    result = cli("calibrate", str(data))
    assert result.exit_code == 1
    assert "need at least 10 graded answers to calibrate (got 1)" in result.stderr


def test_grade_refuses_a_question_whose_reference_is_only_an_unresolved_embed(cli: Cli) -> None:
    """The seed's 7th question is answered by `![[LLM-Survey#主流架构]]`, a note not imported:
    there is nothing to grade against, and saying so beats grading a good answer 12."""
    q = seed_question(cli, "你说你对 LLM 的结构有系统性认识")
    result = cli("grade", q["id"], "LLM 大多是 Transformer 的 decoder 堆叠，自回归地预测下一个词。")
    assert result.exit_code == 1
    assert "only a link to LLM-Survey#主流架构" in result.output
    assert "Score" not in result.output


def _stored_calibration(env: dict[str, str], profile: str) -> dict[str, Any] | None:
    """The local user's calibration of a profile, as stored."""
    from viva.config import load_settings
    from viva.service import Viva
    from viva.store.fitted import load_calibration
    from viva.store.users import find_user_id

    viva = Viva(load_settings(env))
    try:
        with viva.db.reader() as conn:
            user_id = find_user_id(conn, "local")
            assert user_id is not None
            return load_calibration(conn, user_id, profile)
    finally:
        viva.close()
