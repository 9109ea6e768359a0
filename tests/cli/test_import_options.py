"""`viva import` options (--questions, --include, --exclude) and the grouped problem report."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, write

MIXED = (
    "## Common Questions\n\n"
    "- Tell me about yourself\n- Explain the CAP theorem\n\n"
    "Q: What is a TLB?\nA: A cache of page-table entries.\n\n"
    "## 3. 缓存穿透\n\n查询不存在的数据，请求都落到数据库。\n"
)


def prompts(cli: Cli, *args: str) -> list[str]:
    result = cli("import", *args, "--json", "--bank", "opts")
    assert result.exit_code == 0, result.output
    listed = json.loads(cli("bank", "list", "--bank", "opts", "--json").stdout)
    return [q["prompt"] for q in listed]


def test_questions_auto_reads_every_shape(cli: Cli, tmp_path: Path) -> None:
    note = write(tmp_path / "v" / "mixed.md", MIXED)
    assert prompts(cli, str(note)) == [
        "Tell me about yourself",
        "Explain the CAP theorem",
        "What is a TLB?",
        "缓存穿透",
    ]


def test_questions_cards_reads_only_explicit_markers(cli: Cli, tmp_path: Path) -> None:
    note = write(tmp_path / "v" / "mixed.md", MIXED)
    assert prompts(cli, str(note), "--questions", "cards") == ["What is a TLB?"]


def test_questions_headings_makes_every_leaf_heading_a_question(cli: Cli, tmp_path: Path) -> None:
    note = write(tmp_path / "v" / "mixed.md", MIXED)
    assert prompts(cli, str(note), "--questions", "headings") == ["Common Questions", "缓存穿透"]


def test_questions_lists_makes_every_item_a_question(cli: Cli, tmp_path: Path) -> None:
    note = write(tmp_path / "v" / "plain.md", "## Steps\n\n1. Install it\n2. Run it\n")
    assert prompts(cli, str(note)) == []
    assert prompts(cli, str(note), "--questions", "lists") == ["Install it", "Run it"]


def test_include_and_exclude_by_glob_and_tag(cli: Cli, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write(
        vault / "interview" / "os.md", "---\ntags: [interview/os]\n---\n## 什么是进程？\n\n答案。\n"
    )
    write(vault / "tutorial" / "setup.md", "## What is setup?\n\nInstall.\n")
    write(vault / "daily.md", "---\ntags: [diary]\n---\n## How was today?\n\nFine.\n")
    assert prompts(cli, str(vault), "--include", "interview/*") == ["什么是进程？"]
    assert sorted(prompts(cli, str(vault), "--include", "#interview")) == ["什么是进程？"]
    assert sorted(prompts(cli, str(vault), "--exclude", "#diary", "--exclude", "tutorial/*")) == [
        "什么是进程？"
    ]


def test_excluded_note_still_answers_an_embed(cli: Cli, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write(vault / "q.md", "## What is X?\n\n![[lib#Definition]]\n")
    write(vault / "lib.md", "## Definition\n\nX is a thing.\n")
    result = cli("import", str(vault), "--exclude", "lib.md", "--json", "--bank", "e")
    report = json.loads(result.stdout)
    assert report["problems"] == []
    listed = json.loads(cli("bank", "list", "--bank", "e", "--json").stdout)
    assert [(q["prompt"], q["reference"]) for q in listed] == [("What is X?", "X is a thing.")]


def test_problems_are_grouped_by_kind_with_the_first_three_places(cli: Cli, tmp_path: Path) -> None:
    images = "".join(f"\n### Q{n}?\n\n![[missing-{n}.png]]\n" for n in range(5))
    write(tmp_path / "v" / "a.md", "---\ntags: [a\n---\n" + images)
    result = cli("import", str(tmp_path / "v"))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[lines.index("6 个问题：") :] == [
        "6 个问题：",
        "  前置元数据：1",
        "    a.md:2：前置元数据（front matter）不是有效的 YAML，其中的标签已忽略",
        "  找不到的图片：5",
        "    a.md:7：图片 ![[missing-0.png]]：仓库中没有文件 'missing-0.png'",
        "    a.md:11：图片 ![[missing-1.png]]：仓库中没有文件 'missing-1.png'",
        "    a.md:15：图片 ![[missing-2.png]]：仓库中没有文件 'missing-2.png'",
        "    ……还有 2 个",
        "  `viva import … --json` 列出全部问题。",
    ]
    cli("lang", "en")
    lines = cli("import", str(tmp_path / "v"), "--bank", "e").stderr.splitlines()
    assert lines[lines.index("6 problems:") + 1 : lines.index("6 problems:") + 4] == [
        "  front matter: 1",
        "    a.md:2: front matter is not valid YAML (expected ',' or ']', but got '<stream end>');"
        " its tags were ignored",
        "  images not found: 5",
    ]
    full = json.loads(cli("import", str(tmp_path / "v"), "--json", "--bank", "j").stdout)
    assert [p["kind"] for p in full["problems"]] == ["front-matter"] + ["missing-asset"] * 5
