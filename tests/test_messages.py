"""Import problems and errors, written in English by the lower layers, read in Chinese too."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]

from tests.conftest import write
from viva import messages
from viva.messages import is_known, localised
from viva.service import Viva

SRC = Path(__file__).parents[1] / "src" / "viva"

VAULT = {
    "bad-yaml.md": "---\ntags: [a, b\n---\n1. 问题一？\n> 答案一。\n",
    "list-yaml.md": "---\n- a\n- b\n---\n1. 问题二？\n> 答案二。\n",
    "tags.md": "---\ntags: [" + ", ".join(f"t{n}" for n in range(80)) + ", " + "x" * 300 + "]\n"
    "---\n1. 问题三？\n> 答案三。\n",
    "links.md": "1. 问题四？\n> 见 [[Nowhere]]、[[other#没有的标题]]、![[missing.png]]"
    " 与 [[other#^blk]]。\n",
    "other.md": "## 有的标题\n1. 问题五？\n> 答案五。\n",
    "damaged.md": "1. 问题六？\n> 答案\ufffd六。\n",
    "binary.md": "\x00\x01\x02",
    "sections.md": "## 网络\n\n### 拥塞控制\n慢开始、拥塞避免、快重传、快恢复。\n\n"
    "### 什么是 ARP？\n解析地址。\n",
}


def test_every_import_problem_reads_in_chinese(viva: Viva, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    for name, text in VAULT.items():
        write(vault / name, text)
    (vault / "damaged.md").write_bytes(
        "1. 问题六？\n> 答案".encode() + b"\xff\xfe" + "六。\n".encode()
    )
    (vault / "binary.md").write_bytes(bytes(range(256)) * 4)
    report = viva.import_notes([vault], bank="v")
    kinds = {p.category for p in report.problems}
    assert len(report.problems) >= 8, [str(p) for p in report.problems]
    assert {"front-matter", "skipped-file", "section-with-text"} <= kinds
    for problem in report.problems:
        assert is_known(problem.message), problem.message
        chinese = localised(problem.message, "zh").text
        words = re.findall(r"[A-Za-z]{2,}", chinese)
        # what is left in Latin letters is the student's own (names, links) or a format name
        allowed = {
            "YAML",
            "UTF",
            "Nowhere",
            "other",
            "md",
            "blk",
            "missing",
            "png",
            "front",
            "matter",
        }
        assert set(words) <= allowed, chinese


def test_unknown_messages_become_a_general_sentence_with_the_detail_apart() -> None:
    shown = localised("the moon is made of cheese", "zh", fallback="请求没有完成。")
    assert (shown.text, shown.original) == ("请求没有完成。", "the moon is made of cheese")
    assert localised("the moon is made of cheese", "en").text == "the moon is made of cheese"
    assert localised("页面不存在", "zh").text == "页面不存在"  # already Chinese: kept


def test_several_preference_problems_are_each_translated() -> None:
    message = (
        "desired retention must be between 0.70 and 0.99 (not '2'); "
        "new per day must be a whole number 0-9999 (not '-1')"
    )
    assert localised(message, "zh").text == (
        "目标保持率须在 0.70 到 0.99 之间（不是 '2'）；每天新题数须是 0 到 9999 的整数（不是 '-1'）"
    )


def test_a_refused_form_says_which_field_and_why() -> None:
    message = "the request is not valid (answer: String should have at most 20000 characters)"
    assert localised(message, "zh").text == "请求的内容无效（回答：最多 20000 个字符）"
    odd = "the request is not valid (body.x: Something new)"
    assert localised(odd, "zh").text == "请求的内容无效（字段：格式不对）"


def _source_strings() -> str:
    """Every string the code writes (f-strings by their literal parts), apart from this table."""
    parts: list[str] = []
    for path in SRC.rglob("*.py"):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                parts.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts.extend(v.value for v in node.values if isinstance(v, ast.Constant))
    return "\x00".join(parts)


def _longest_literal(pattern: str) -> str:
    runs, run = [], ""
    for op, value in sre_parser.parse(pattern):
        if op is sre_constants.LITERAL:
            run += chr(value)
        else:
            runs.append(run)
            run = ""
    return max([*runs, run], key=lambda r: len(r.strip())).strip()


# patterns whose words are split by a value in the code ("this {what}", {SHARED_SEPARATOR!r})
_SPLIT_IN_THE_CODE = {
    "too many sign-in attempts for this account; try again in",
    "too many sign-in attempts for this address; try again in",
    "contains '/', which marks a bank a teacher shared with a class",
}


def test_every_pattern_still_matches_words_the_code_writes() -> None:
    """A message reworded in the service but not here reads in English (or as a general
    sentence) again: the reserved bank name did. Each pattern's longest literal must still be
    written somewhere in the code."""
    written = _source_strings()
    stale = [
        pattern.pattern
        for table in (messages._ZH, messages._ZH_TERMINAL)
        for pattern, _ in table
        if len(literal := _longest_literal(pattern.pattern)) >= 10
        and literal not in written
        and literal not in _SPLIT_IN_THE_CODE
    ]
    assert stale == []
