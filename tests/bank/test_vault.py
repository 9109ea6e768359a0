"""Links across the notes of a vault: headings, embeds, assets, and what stays unresolved."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write
from viva.bank.importer import build_from_paths
from viva.bank.models import BankBuild, LinkKind, LinkRole


def build(vault: Path) -> BankBuild:
    return build_from_paths("b", [vault], max_bytes=1_000_000)


def test_embed_of_a_heading_in_another_note_is_expanded(vault: Path) -> None:
    write(
        vault / "LLM-Survey.md",
        "# Survey\n\n## 主流架构\n\nDecoder-only 与 Encoder-Decoder。\n\n## 其他\n\nx\n",
    )
    write(vault / "qa.md", "## LLM\n\n1. 讲讲 LLM 的结构？\n> ![[LLM-Survey#主流架构]]\n")
    result = build(vault)
    q = next(q for q in result.questions if q.prompt == "讲讲 LLM 的结构？")
    assert q.reference == "Decoder-only 与 Encoder-Decoder。"
    assert q.links[0].is_resolved
    assert q.links[0].is_embed
    assert q.links[0].note == "LLM-Survey.md"
    assert result.problems == ()


def test_embed_of_a_whole_note_and_link_to_a_heading_elsewhere(vault: Path) -> None:
    write(vault / "defs" / "TCP.md", "---\ntags: [x]\n---\nTCP 是可靠的字节流。\n")
    write(
        vault / "qa.md",
        "1. 什么是 TCP？\n> ![[TCP]] 参见 [[TCP#Nowhere]] 与 [[Missing]]\n",
    )
    result = build(vault)
    q = result.questions[0]
    assert q.reference == "TCP 是可靠的字节流。 参见 [[TCP#Nowhere]] 与 [[Missing]]"
    assert [str(p) for p in result.problems] == [
        "qa.md:2: link [[TCP#Nowhere]]: no heading 'Nowhere' in defs/TCP.md",
        "qa.md:2: link [[Missing]]: note 'Missing' is not in the vault",
    ]


def test_link_to_a_question_heading_names_that_question(vault: Path) -> None:
    write(
        vault / "dl.md",
        "## DL\n\n### 什么是注意力？\n> 加权。\n\n延伸：[[#什么是多头注意力？]]\n\n"
        "### 什么是多头注意力？\n> 多组投影。\n",
    )
    result = build(vault)
    attention, multi = result.questions
    (link,) = attention.links
    assert link.role is LinkRole.FOLLOW_UP
    assert link.question_id == multi.id
    assert attention.reference == "加权。"


def test_assets_are_found_next_to_the_note_or_anywhere_by_name(vault: Path) -> None:
    write(vault / "img" / "cnn.svg", "<svg/>")
    write(vault / "diagram.png", "png")
    write(vault / "n.md", "1. 图？\n> ![[cnn.svg]] ![alt](diagram.png) ![x](https://e.org/a.png)\n")
    q = build(vault).questions[0]
    assets = [link for link in q.links if link.kind is LinkKind.ASSET]
    assert [(a.target, a.is_resolved) for a in assets] == [("cnn.svg", True), ("diagram.png", True)]
    assert all(a.file and Path(a.file).is_file() for a in assets)


def test_code_spans_hide_links(vault: Path) -> None:
    write(vault / "n.md", "1. 语法？\n> 写成 `[[#X]]` 即可。\n")
    result = build(vault)
    assert result.questions[0].links == ()
    assert result.problems == ()
