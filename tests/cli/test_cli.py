"""The `viva` command end to end (in-process runner, real SQLite file in a temp data dir)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import SEED, Cli, write
from viva import __version__


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.output == f"viva {__version__}\n"


def test_import_seed_then_bank_list_json(cli: Cli) -> None:
    imported = cli("import", str(SEED), "--json")
    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.stdout)
    assert report["counts"] == {"added": 41, "updated": 0, "retired": 0, "unchanged": 0}
    assert [(p["file"], p["line"]) for p in report["problems"]] == [
        ("seed-note.txt", 58),
        ("seed-note.txt", 130),
    ]
    assert "LLM-Survey#主流架构" in report["problems"][0]["message"]
    assert "cnn-rnn-self-attention.svg" in report["problems"][1]["message"]
    listed = cli("bank", "list", "--json")
    assert listed.exit_code == 0
    questions = json.loads(listed.stdout)
    assert len(questions) == 41
    assert sum(q["reference"] is not None for q in questions) == 38
    first = questions[0]
    assert set(first) >= {
        "id",
        "bank",
        "section",
        "number",
        "prompt",
        "reference",
        "key_points",
        "tags",
        "source",
        "links",
    }
    assert first["section"] == ["基本信息"]
    assert first["number"] == "1"
    assert first["source"] == {"file": "seed-note.txt", "line": 9}
    transformer = next(q for q in questions if q["reference"] == "[[#Transformer]]")
    assert transformer["links"][0]["resolved"] is True
    assert transformer["links"][0]["section"] == ["项目经历", "Transformer"]


def test_bank_list_filters_by_section(cli: Cli) -> None:
    cli("import", str(SEED))
    result = cli("bank", "list", "--section", "注意力机制", "--json")
    assert [q["number"] for q in json.loads(result.stdout)] == ["6", "7", "8", "9", "10"]


def test_import_prints_summary_table_and_problems(cli: Cli) -> None:
    result = cli("import", str(SEED))
    assert result.exit_code == 0
    assert "导入到题库 'default'" in result.stdout  # the interface speaks Chinese by default
    assert re.search(r"│ 新增\s+│\s+41 │", result.stdout)
    assert "1 篇笔记，41 道题（38 道有参考答案）。" in result.stdout
    assert (
        "seed-note.txt:58：嵌入 ![[LLM-Survey#主流架构]]：仓库中没有笔记 'LLM-Survey'"
        in result.stderr
    )
    assert "2 个问题：" in result.stderr
    # the student chooses English for the terminal and the web app alike
    assert cli("lang", "en").stdout == "Interface language: English (en).\n"
    again = cli("import", str(SEED))
    assert re.search(r"│ unchanged\s+│\s+41 │", again.stdout)
    assert "1 notes, all unchanged since the last import." in again.stdout
    assert cli("lang").stdout == "Interface language: English (en).\n"


def test_lang_takes_zh_or_en_only(cli: Cli) -> None:
    wrong = cli("lang", "fr")
    assert wrong.exit_code == 2
    assert "choose zh or en (not 'fr')" in wrong.output
    assert cli("lang").stdout == "界面语言：中文（zh）。\n"


def test_import_dry_run_writes_nothing(cli: Cli) -> None:
    result = cli("import", str(SEED), "--dry-run")
    assert "试运行：没有写入任何内容。" in result.stdout
    listed = cli("bank", "list", "--json")
    assert json.loads(listed.stdout) == []


def test_bank_show_renders_question_answer_and_source(cli: Cli) -> None:
    cli("import", str(SEED))
    questions = json.loads(cli("bank", "list", "--json").stdout)
    scaled = next(q for q in questions if q["prompt"].startswith("解释 Scaled"))
    shown = cli("bank", "show", scaled["id"][:8])
    assert shown.exit_code == 0
    assert "8. 解释 Scaled Dot-Product Attention 是如何计算的。" in shown.stdout
    assert "要点" in shown.stdout  # the interface's language: Chinese by default
    assert "seed-note.txt:169" in shown.stdout
    cli("lang", "en")
    assert "Key points" in cli("bank", "show", scaled["id"][:8]).stdout
    as_json = json.loads(cli("bank", "show", scaled["id"], "--json").stdout)
    assert as_json == scaled


def test_bank_search_keeps_domain_terms_whole(cli: Cli) -> None:
    cli("import", str(SEED))
    result = cli("bank", "search", "正则化", "--json")
    hits = json.loads(result.stdout)
    assert hits
    assert hits[0]["prompt"].startswith("PAC 学习、VC-Dimension、非线性特征转换、正则化")
    mixed = json.loads(cli("bank", "search", "Transformer 的 self-attention", "--json").stdout)
    assert "Transformer" in mixed[0]["prompt"]


def test_paths_lists_every_location(cli: Cli, env: dict[str, str]) -> None:
    result = json.loads(cli("paths", "--json").stdout)
    home = Path(env["VIVA_HOME"])
    assert result["home"] == str(home)
    database_url = env.get("VIVA_DATABASE_URL")
    assert result["database"] == (database_url or str(home / "viva.db"))
    assert result["assets"] == str(home / "assets")


def test_missing_path_is_a_clear_error_without_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "错误：" in result.stderr  # in the interface's language, Chinese by default
    assert f"'{tmp_path / 'nowhere'}' 不存在" in result.stderr
    assert "提示：请给出一个笔记文件，或一个笔记文件夹（Obsidian 仓库）" in result.stderr
    assert "Traceback" not in result.output
    cli("lang", "en")
    result = cli("import", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert f"Error: '{tmp_path / 'nowhere'}' does not exist" in result.stderr
    assert "Hint: give a note file or a folder of notes" in result.stderr


def test_empty_vault_says_so(cli: Cli, vault: Path) -> None:
    result = cli("import", str(vault))
    assert result.exit_code == 1
    assert "no notes found in" in result.stderr


def test_oversized_named_file_is_refused_with_name_and_size(
    cli: Cli, env: dict[str, str], tmp_path: Path
) -> None:
    big = write(tmp_path / "big.md", "1. Q?\n> " + "答" * 400_000 + "\n")
    env["VIVA_MAX_NOTE_MB"] = "1"
    result = cli("import", str(big))
    assert result.exit_code == 1
    assert "big.md: too large: 1.1 MB (limit 1 MB" in result.stderr


def test_bad_setting_is_explained(cli: Cli, env: dict[str, str]) -> None:
    env["VIVA_MAX_NOTE_MB"] = "lots"
    result = cli("paths")
    assert result.exit_code == 2
    assert "VIVA_MAX_NOTE_MB must be a positive number of megabytes (not 'lots')" in result.stderr


def test_unknown_question_id(cli: Cli) -> None:
    result = cli("bank", "show", "deadbeef")
    assert result.exit_code == 1
    assert "没有编号为 'deadbeef' 的题目" in result.stderr
    # the terminal's hint names commands (the web's names its pages)
    assert (
        "提示：`viva bank list` 列出题目编号；`viva bank search 文字` 可以查找题目" in result.stderr
    )


def test_db_current_and_upgrade_on_the_tests_database(cli: Cli, env: dict[str, str]) -> None:
    assert cli("bank", "list").exit_code == 0  # SQLite: opening the file migrated it
    status = json.loads(cli("db", "current", "--json").stdout)
    backend = "postgresql" if "VIVA_DATABASE_URL" in env else "sqlite"
    assert status["backend"] == backend
    assert status["current"] == status["head"]
    assert status["is_current"] is True
    result = cli("db", "upgrade")
    assert result.exit_code == 0
    assert f"already at schema {status['head']}; nothing to do." in result.stdout


def test_db_upgrade_makes_a_new_sqlite_file(cli: Cli, env: dict[str, str]) -> None:
    if "VIVA_DATABASE_URL" in env:
        env = {k: v for k, v in env.items() if k != "VIVA_DATABASE_URL"}
        cli = Cli(env)
    before = json.loads(cli("db", "current", "--json").stdout)
    assert (before["current"], before["is_current"]) == (None, False)
    assert "Viva also upgrades a SQLite file when it opens it" in cli("db", "current").stdout
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"upgraded from schema (empty) to {before['head']}." in result.stdout
    assert (Path(env["VIVA_HOME"]) / "viva.db").is_file()
