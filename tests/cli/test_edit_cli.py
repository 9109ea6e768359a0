"""`viva bank edit / restore / add / remove / edits / export` and `viva grade --my-score`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli, write
from tests.fakes import fake_models

NOTE = """# 网络

## 1. TCP 和 UDP 的区别是什么？
> TCP ==面向连接、可靠传输==，UDP ==无连接、尽力而为==。

## 2. 拥塞控制有哪些算法？
"""


@pytest.fixture(autouse=True)
def _fakes() -> Iterator[None]:
    with fake_models():
        yield


@pytest.fixture
def ids(cli: Cli, vault: Path) -> dict[str, str]:
    """The note imported into bank 'net': question ids by the first word of the prompt."""
    write(vault / "网络.md", NOTE)
    assert cli("import", str(vault), "--bank", "net").exit_code == 0
    listed = json.loads(cli("bank", "list", "--json").stdout)
    return {q["prompt"][:2]: q["id"] for q in listed}


def show(cli: Cli, question_id: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli("bank", "show", question_id, "--json").stdout)


def test_edit_with_options_then_restore(cli: Cli, ids: dict[str, str]) -> None:
    result = cli(
        "bank", "edit", ids["TC"], "--reference", "TCP 可靠，UDP 不可靠。", "-k", "TCP 可靠"
    )
    assert result.exit_code == 0, result.output
    assert "已修改：参考答案、要点" in result.stdout
    data = show(cli, ids["TC"])
    assert data["reference"] == "TCP 可靠，UDP 不可靠。"
    assert data["key_points"] == ["TCP 可靠"]
    assert data["edited"] == ["reference", "key_points"]
    edits = json.loads(cli("bank", "edits", "--json").stdout)
    assert [(e["id"], e["fields"], e["in_note"]) for e in edits] == [
        (ids["TC"], ["reference", "key_points"], True)
    ]
    result = cli("bank", "restore", ids["TC"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"Question {ids['TC']} reads as its note again."
    assert show(cli, ids["TC"])["edited"] == []


def test_edit_in_the_editor(cli: Cli, ids: dict[str, str], tmp_path: Path) -> None:
    """$EDITOR is an external program: a small script stands in for the student typing."""
    editor = write(
        tmp_path / "editor.py",
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "text = p.read_text('utf-8')\n"
        "text = text.replace('@@ key points: one per line @@\\n',"
        " '@@ key points: one per line @@\\n- 慢启动\\n- 拥塞避免\\n')\n"
        "text = text.replace('@@ reference answer @@\\n',"
        " '@@ reference answer @@\\n慢启动、拥塞避免、快重传、快恢复。')\n"
        "p.write_text(text, 'utf-8')\n",
    )
    cli.env["EDITOR"] = f"{sys.executable} {editor}"
    result = cli("bank", "edit", ids["拥塞"])
    assert result.exit_code == 0, result.output
    data = show(cli, ids["拥塞"])
    assert data["reference"] == "慢启动、拥塞避免、快重传、快恢复。"
    assert data["key_points"] == ["慢启动", "拥塞避免"]


def test_an_editor_that_loses_the_marks_saves_nothing(
    cli: Cli, ids: dict[str, str], tmp_path: Path
) -> None:
    editor = write(
        tmp_path / "editor.py",
        "import sys, pathlib\npathlib.Path(sys.argv[1]).write_text('只剩一行', 'utf-8')\n",
    )
    cli.env["EDITOR"] = f"{sys.executable} {editor}"
    result = cli("bank", "edit", ids["TC"])
    assert result.exit_code == 1
    assert "lost one of its @@ lines" in result.stderr
    assert "Traceback" not in result.output
    assert show(cli, ids["TC"])["edited"] == []


def test_bad_edits_are_explained(cli: Cli, ids: dict[str, str]) -> None:
    result = cli("bank", "edit", ids["TC"], "--prompt", "  ")
    assert result.exit_code == 1
    assert "Error: the question is empty" in result.stderr
    result = cli("bank", "edit", ids["TC"], "-k", "a", "--no-key-points")
    assert "give --key-point or --no-key-points, not both" in result.stderr
    result = cli("bank", "edit", "ffffffffffffffff", "--prompt", "x")
    assert result.exit_code == 1
    assert "没有编号为 'ffffffffffffffff' 的题目" in result.stderr


def test_add_and_remove_a_question_of_ones_own(cli: Cli) -> None:
    result = cli("bank", "add", "什么是 TIME_WAIT？", "--reference", "==等待旧报文消失==。")
    assert result.exit_code == 0, result.output
    qid = result.stdout.split()[2]
    assert result.stdout.strip() == f"Added question {qid} to 'my-questions'."
    assert show(cli, qid)["key_points"] == ["等待旧报文消失"]
    result = cli("bank", "remove", qid)
    assert result.stdout.strip() == f"Removed question {qid} from 'my-questions'."


def test_export_writes_the_students_version(cli: Cli, ids: dict[str, str], tmp_path: Path) -> None:
    cli("bank", "edit", ids["拥塞"], "--reference", "==慢启动==和==拥塞避免==。")
    result = cli("bank", "export", "net", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"已把 1 篇笔记写入 {tmp_path / 'out'}。")
    text = (tmp_path / "out" / "网络.md").read_text("utf-8")
    assert "## 2. 拥塞控制有哪些算法？\n> ==慢启动==和==拥塞避免==。" in text
    again = cli("bank", "export", "net", str(tmp_path / "out"))
    assert again.exit_code == 1
    assert "is not empty" in again.stderr


def test_grade_with_my_score_keeps_it(cli: Cli, ids: dict[str, str]) -> None:
    answer = "TCP 要建立连接，UDP 不用。"
    result = cli("grade", ids["TC"], answer, "--my-score", "88", "--note", "说到了", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["score"] == 88
    plain = cli("grade", ids["TC"], answer)
    assert "88" in plain.stdout
    wrong = cli("grade", ids["TC"], answer, "--my-score", "101")
    assert wrong.exit_code == 1
    assert "评分应在 0 到 100 之间（不是 101）" in wrong.stderr
