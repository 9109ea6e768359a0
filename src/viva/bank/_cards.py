"""Multi-line Obsidian spaced-repetition cards: `question` / `?` (or `??`) / `answer`.

As the plugin reads them, by lines rather than blocks: the question is the run of non-blank lines
above the separator line, the answer the run below it (a fenced code block counts as one line, so
its blank lines do not end the answer). Either side may hold a list, a table, code or an image,
which Markdown would parse as blocks of their own. `??` makes a card both ways. The plugin's
scheduling comments (`<!--SR:…-->`), `^block` ids and `#flashcards…` tags are stripped (the tags
are kept as the card's tags).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from viva.bank._blocks import Block
from viva.bank._text import clean_card_text, is_sr_comment_line

_SEPARATORS = frozenset({"?", "??"})
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_CARD_BLOCKS = frozenset({"paragraph", "list"})


@dataclass(frozen=True, slots=True)
class Card:
    """One multi-line card: its sides as (0-based line, text) pairs."""

    line: int  # where the question starts
    front: tuple[tuple[int, str], ...]
    back: tuple[tuple[int, str], ...]
    both_ways: bool
    tags: tuple[str, ...] = ()


def multiline_cards(
    lines: Sequence[str], blocks: Sequence[Block]
) -> tuple[dict[int, list[Card]], dict[int, int]]:
    """Cards by the index of the first block they cover, and the block index after each run."""
    starts = [b.start for b in blocks]
    code_end = {b.start: b.end for b in blocks if b.kind in ("code", "math")}
    found: dict[int, list[Card]] = {}
    resume: dict[int, int] = {}
    taken_until = -1
    group = -1  # first block of the last run of cards
    for block in blocks:
        if block.kind not in _CARD_BLOCKS or not _may_hold_separator(block):
            continue
        for sep in range(max(block.start, taken_until + 1), block.end):
            if lines[sep].strip() not in _SEPARATORS:
                continue
            card = _card_at(lines, sep, code_end)
            if card is None:
                continue
            first_line, last_line = card.front[0][0], max(sep, card.back[-1][0]) + 1
            first = max(0, bisect_right(starts, first_line) - 1)
            while first < len(blocks) and blocks[first].end <= first_line:
                first += 1
            after = max(bisect_right(starts, last_line - 1), first + 1)
            if group >= 0 and first < resume[group]:
                found[group].append(card)  # shares a block with the card before it
                resume[group] = max(resume[group], after)
            else:
                group = first
                found[first] = [card]
                resume[first] = after
            taken_until = last_line - 1
    return found, resume


def _may_hold_separator(block: Block) -> bool:
    if block.kind == "paragraph":
        return "\n?" in block.text or block.text.startswith("?")
    return True


def _card_at(lines: Sequence[str], sep: int, code_end: dict[int, int]) -> Card | None:
    top = sep
    while top > 0 and _continues(lines[top - 1]) and not is_sr_comment_line(lines[top - 1]):
        top -= 1  # a scheduling comment ends the card above: it is not part of this question
    if top == sep:
        return None
    bottom = sep + 1
    while bottom < len(lines) and _continues(lines[bottom]):
        if bottom in code_end:
            bottom = code_end[bottom]
            continue
        bottom += 1
        if is_sr_comment_line(lines[bottom - 1]):
            break  # the card's scheduling comment is its last line
    tags: list[str] = []
    front = _side(lines, top, sep, tags)
    back = _side(lines, sep + 1, bottom, tags)
    if not front or not back:
        return None
    return Card(
        line=top,
        front=front,
        back=back,
        both_ways=lines[sep].strip() == "??",
        tags=tuple(dict.fromkeys(tags)),
    )


def _continues(line: str) -> bool:
    return bool(line.strip()) and _HEADING.match(line) is None


def _side(
    lines: Sequence[str], first: int, last: int, tags: list[str]
) -> tuple[tuple[int, str], ...]:
    side: list[tuple[int, str]] = []
    for n in range(first, last):
        if is_sr_comment_line(lines[n]):
            continue
        text, found = clean_card_text(lines[n]) if _has_metadata(lines[n]) else (lines[n], ())
        tags.extend(found)
        if text.strip() or side:
            side.append((n, text))
    while side and not side[-1][1].strip():
        side.pop()
    return tuple(side)


def _has_metadata(line: str) -> bool:
    return "<!--SR:" in line or "#flashcard" in line or "^" in line
