"""What a note or a plan may hold fits the columns on PostgreSQL too, which enforces a
VARCHAR's width where SQLite stores any length: an over-long author's label stays part of the
question's text, an over-long plan name is refused with the line to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, write
from viva.bank._text import MAX_LABEL, split_number
from viva.practice.plan import MAX_PLAN_NAME, PlanError, parse_plan
from viva.service import Viva
from viva.store.schema import interviews, questions

LABEL = ".".join(str(n) for n in range(1, 13))  # 1.2.3…12: 26 characters


def test_the_widths_are_the_columns() -> None:
    assert questions.c.number.type.length == MAX_LABEL  # type: ignore[attr-defined]
    assert interviews.c.plan.type.length == MAX_PLAN_NAME  # type: ignore[attr-defined]


def test_a_label_too_long_to_be_one_stays_in_the_text() -> None:
    assert split_number("2.1.1 什么是过拟合？") == ("2.1.1", "什么是过拟合？")
    assert split_number(f"{LABEL} 什么是过拟合？") == (None, f"{LABEL} 什么是过拟合？")


def test_a_note_with_an_over_long_label_imports(viva: Viva, tmp_path: Path) -> None:
    note = write(tmp_path / "n.md", f"## 机器学习\n\n### {LABEL} 什么是过拟合？\n> 记住了噪声。\n")
    viva.import_notes([note], bank="ml")
    (question,) = viva.questions(banks=["ml"])
    assert (question.number, question.prompt) == (None, f"{LABEL} 什么是过拟合？")


def test_a_plan_name_over_the_width_is_refused_with_its_line(cli: Cli, tmp_path: Path) -> None:
    text = "name: " + "x" * (MAX_PLAN_NAME + 1) + "\nstages:\n  - name: A\n    sections: [S]\n"
    with pytest.raises(PlanError, match=r"long\.yaml:1: the plan's name is 201 characters long"):
        parse_plan(text, "long.yaml")
    plan = write(tmp_path / "long.yaml", text)
    answers = write(tmp_path / "answers.jsonl", "")
    result = cli("interview", "--plan", str(plan), "--answers", str(answers), "--json")
    assert result.exit_code == 1
    assert "the plan's name is 201 characters long (at most 200)" in result.stderr
