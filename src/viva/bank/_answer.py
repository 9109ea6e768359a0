"""Cutting answers out of a note's lines: quote markers, indents, key points, card sides.

Helpers of `_shapes.py`; they read source lines and blocks, never decide what is a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from viva.bank._blocks import Block, Point
from viva.bank._outline import CALLOUT
from viva.bank._text import (
    clean_card_text,
    highlights,
    leads_with_bold,
    plain_text,
    shorten,
    strip_block_id,
)
from viva.bank.models import KeyPoint, KeyPointKind
from viva.bank.note import AnswerLine

_QUOTE_MARK = re.compile(r"^[ \t]*>[ ]?")
_LEADING_ENTITIES = re.compile(r"^(?:&emsp;|&ensp;|&nbsp;|&#8195;|&#160;)+")
_LINKS_ONLY = re.compile(
    r"^\s*(?:[^\[\]\n:：]{1,16}[:：]\s*)?"
    r"(?:!?\[\[[^\[\]\n]+\]\][\s,，、;；/·|和及and]*)+$"
)


def quote_lines(lines: Sequence[str], first: int, last: int) -> tuple[AnswerLine, ...] | None:
    """A quote's lines without their `>` markers (at any indent: Typora writes `     >   `),
    and without the indent every line of the quote shares."""
    quoted = [AnswerLine(n, _QUOTE_MARK.sub("", lines[n], count=1)) for n in range(first, last)]
    callout = CALLOUT.match(lines[first]) if first < last else None
    if callout is not None:  # `> [!answer]` heads a callout: its title, if any, is text
        quoted[0] = AnswerLine(first, callout.group(2).strip())
    return trim(dedent(tuple(quoted)))


def answer_key_points(
    lines: Sequence[str], first: int, last: int, points: Sequence[Point]
) -> tuple[KeyPoint, ...]:
    """Key-point hints: highlights, else bold leads, else the top-level list items."""
    marked = highlights("\n".join(lines[first:last]))
    if marked:
        return marked
    bold: list[KeyPoint] = []
    items: list[KeyPoint] = []
    for point in points:
        text = shorten(plain_text(point.text.replace("\n", " ")))
        if not text:
            continue
        if leads_with_bold(point.text):
            bold.append(KeyPoint(text, KeyPointKind.BOLD))
        elif point.is_item:
            items.append(KeyPoint(text, KeyPointKind.LIST_ITEM))
    return tuple(bold) if len(bold) >= 2 else tuple(bold + items)


def is_links_paragraph(block: Block) -> bool:
    return block.kind == "paragraph" and bool(_LINKS_ONLY.match(block.text.replace("\n", " ")))


def card_prompt(lines: Sequence[tuple[int, str]]) -> str:
    """A card's side as a prompt: its first line as plain text, further lines as written."""
    texts = [t for _, t in lines]
    if not texts:
        return ""
    first = plain_text(texts[0])
    return first if len(texts) == 1 else first + "\n" + "\n".join(texts[1:])


def join(answer: tuple[AnswerLine, ...] | None) -> str:
    return "\n".join(a.text for a in answer or ())


def clean_answer_line(line: AnswerLine) -> AnswerLine:
    text = line.text
    if "&" in text:
        text = _LEADING_ENTITIES.sub("", text.lstrip())
    if "<!--SR:" in text or "^" in text:
        text = (
            strip_block_id(clean_card_text(text)[0]) if "<!--SR:" in text else strip_block_id(text)
        )
    return line if text == line.text else AnswerLine(line.line, text)


def dedent(lines: tuple[AnswerLine, ...]) -> tuple[AnswerLine, ...]:
    """Remove the spaces every non-blank line starts with (Typora indents answers)."""
    texts = [a.text for a in lines if a.text.strip()]
    if not texts:
        return lines
    indent = min(len(t) - len(t.lstrip(" ")) for t in texts)
    if indent == 0:
        return lines
    return tuple(AnswerLine(a.line, a.text[indent:] if a.text.strip() else "") for a in lines)


def trim(answer: tuple[AnswerLine, ...] | None) -> tuple[AnswerLine, ...] | None:
    if answer is None:
        return None
    start, end = 0, len(answer)
    while start < end and not answer[start].text.strip():
        start += 1
    while end > start and not answer[end - 1].text.strip():
        end -= 1
    return answer[start:end] if end > start else None


def trim_text(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines
