"""A note's top-level Markdown blocks, parsed by markdown-it-py in bounded pieces.

The importer needs the block structure (headings, paragraphs, lists and their items, quotes,
code, tables) with line ranges, never the inline tokens: the parser runs block rules only, and
long notes are cut at safe boundaries (a blank line before a line that starts at column 0, or
between one-line list items, never inside fenced code, math or a raw-HTML block) and parsed piece
by piece, each piece's tokens turned into small `Block`s and dropped. Memory then follows the
note's blocks, not markdown-it's tokens, and time stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from viva.bank._text import block_id

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

CHUNK_LINES = 2000
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_LINE = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_RAW_HTML = re.compile(
    r"^ {0,3}<(?:!--|pre[\s>]|script[\s>]|style[\s>]|textarea[\s>]|\?|!\[CDATA\[)", re.I
)
_RAW_END = re.compile(r"-->|</pre>|</script>|</style>|</textarea>|\?>|\]\]>", re.I)


@dataclass(frozen=True, slots=True)
class Point:
    """A key-point candidate: the inline source of a paragraph or a list item's first paragraph."""

    text: str
    is_item: bool


@dataclass(frozen=True, slots=True)
class Item:
    """A top-level list item: its number, first paragraph and what follows inside it."""

    start: int
    end: int
    number: str | None  # ordered lists: the item's number as written
    text: str | None  # inline source of its first paragraph (None if it starts otherwise)
    body: int  # first line after the first paragraph
    quote: tuple[int, int] | None  # a blockquote inside the item
    quote_points: tuple[Point, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level block with its 0-based line range [start, end)."""

    kind: str  # heading paragraph list quote code math table html hr front_matter other
    start: int
    end: int
    level: int = 0  # headings
    text: str = ""  # headings and paragraphs: inline source; html and front matter: content
    items: tuple[Item, ...] = ()
    inner: tuple[Point, ...] = ()  # quotes: candidates of the quote's own content

    @property
    def points(self) -> tuple[Point, ...]:
        """Key-point candidates when this block is part of an answer body (made on demand: a
        list of 800,000 items should not hold them all)."""
        if self.kind == "paragraph":
            return (Point(self.text, False),)
        return tuple(Point(i.text, True) for i in self.items if i.text is not None)


@cache
def _parser(front_matter: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    if front_matter:
        md.use(front_matter_plugin)
    md.use(dollarmath_plugin, double_inline=True)
    md.disable("inline")  # inline children are never read: block rules give every line range
    return md


def parse_blocks(lines: Sequence[str]) -> tuple[list[Block], dict[str, tuple[int, int]]]:
    """The note's top-level blocks and its `^block` ids (id -> line range)."""
    blocks: list[Block] = []
    ids: dict[str, tuple[int, int]] = {}
    for first, last in _chunks(lines):
        _parse_piece(lines, first, last, blocks, ids, front_matter=first == 0)
    return blocks, ids


def _parse_piece(
    lines: Sequence[str],
    first: int,
    last: int,
    blocks: list[Block],
    ids: dict[str, tuple[int, int]],
    *,
    front_matter: bool,
) -> None:
    text = "\n".join(lines[first:last])
    tokens = _parser(front_matter).parse(text)
    for start, end in _top_level(tokens):
        tok = tokens[start]
        if tok.map is None:
            continue
        a, b = tok.map[0] + first, tok.map[1] + first
        if tok.type == "html_block":
            cut = _heading_inside(lines, a, b)
            if cut is not None:  # Obsidian ends an HTML line at a heading; CommonMark does not
                blocks.append(Block("html", a, cut, text=tok.content))
                _parse_piece(lines, cut, b, blocks, ids, front_matter=False)
                continue
        block = _block(tokens, start, end, first, a, b)
        if block.kind == "quote":  # its first line tells a callout (`> [!question] …`)
            block = Block("quote", a, b, text=lines[a], inner=block.inner)
        blocks.append(block)
        _collect_ids(tokens, start, end, first, lines, blocks, ids)


def _block(tokens: Sequence[Token], start: int, end: int, shift: int, a: int, b: int) -> Block:
    tok = tokens[start]
    kind = tok.type
    if kind == "heading_open":
        return Block("heading", a, b, level=int(tok.tag[1]), text=tokens[start + 1].content)
    if kind == "paragraph_open":
        content = tokens[start + 1].content
        return Block("paragraph", a, b, text=content)
    if kind in ("bullet_list_open", "ordered_list_open"):
        return Block("list", a, b, items=_items(tokens, start, end, shift))
    if kind == "blockquote_open":
        return Block("quote", a, b, inner=_points(tokens, start + 1, end - 1))
    if kind in ("fence", "code_block"):
        return Block("code", a, b)
    if kind in ("math_block", "math_block_label"):
        return Block("math", a, b)
    if kind == "table_open":
        return Block("table", a, b)
    if kind == "html_block":
        return Block("html", a, b, text=tok.content)
    if kind == "hr":
        return Block("hr", a, b)
    if kind == "front_matter":
        return Block("front_matter", a, b, text=tok.content)
    return Block("other", a, b)


def _items(tokens: Sequence[Token], start: int, end: int, shift: int) -> tuple[Item, ...]:
    level = tokens[start].level + 1
    ordered = tokens[start].type == "ordered_list_open"
    items: list[Item] = []
    index = start + 1
    while index < end - 1:
        opener = tokens[index]
        close = _close(tokens, index)
        if opener.type == "list_item_open" and opener.map is not None:
            text: str | None = None
            body = opener.map[0] + shift + 1
            if tokens[index + 1].type == "paragraph_open":
                text = tokens[index + 2].content
                para = tokens[index + 1].map
                body = (para[1] if para else opener.map[0] + 1) + shift
            quote: tuple[int, int] | None = None
            quote_points: tuple[Point, ...] = ()
            for inner in range(index + 1, close):
                tok = tokens[inner]
                if tok.level == level + 1 and tok.type == "blockquote_open" and tok.map:
                    quote = (tok.map[0] + shift, tok.map[1] + shift)
                    quote_points = _points(tokens, inner + 1, _close(tokens, inner))
                    break
            items.append(
                Item(
                    start=opener.map[0] + shift,
                    end=opener.map[1] + shift,
                    number=(opener.info or None) if ordered else None,
                    text=text,
                    body=body,
                    quote=quote,
                    quote_points=quote_points,
                )
            )
        index = close + 1
    return tuple(items)


def _points(tokens: Sequence[Token], start: int, end: int) -> tuple[Point, ...]:
    """Paragraphs and first paragraphs of list items directly inside [start, end)."""
    points: list[Point] = []
    index = start
    while index < end:
        tok = tokens[index]
        close = _close(tokens, index)
        if tok.type == "paragraph_open":
            points.append(Point(tokens[index + 1].content, False))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            inner = index + 1
            while inner < close:
                item_close = _close(tokens, inner)
                if tokens[inner + 1].type == "paragraph_open":
                    points.append(Point(tokens[inner + 2].content, True))
                inner = item_close + 1
        index = close + 1
    return tuple(points)


def _close(tokens: Sequence[Token], index: int) -> int:
    """The index of the token that closes the one at `index` (itself for a leaf)."""
    if tokens[index].nesting != 1:
        return index
    depth = 0
    for at in range(index, len(tokens)):
        depth += tokens[at].nesting
        if depth == 0:
            return at
    return len(tokens) - 1


def _top_level(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, tok in enumerate(tokens):
        if depth == 0:
            start = index
        depth += tok.nesting
        if depth == 0:
            blocks.append((start, index + 1))
    return blocks


def _collect_ids(
    tokens: Sequence[Token],
    start: int,
    end: int,
    shift: int,
    lines: Sequence[str],
    blocks: list[Block],
    ids: dict[str, tuple[int, int]],
) -> None:
    """Obsidian block ids: `text ^id` names its paragraph (or list item); `^id` alone, the block
    before it."""
    item: tuple[int, int] | None = None
    for tok in tokens[start:end]:
        if tok.map is None:
            continue
        if tok.type == "list_item_open":
            item = (tok.map[0] + shift, tok.map[1] + shift)
        if tok.type != "paragraph_open":
            continue
        a, b = tok.map[0] + shift, tok.map[1] + shift
        found = block_id(lines[b - 1]) if b > a else None
        if found is None:
            continue
        if b - a == 1 and lines[a].strip() == f"^{found}" and tok.level == 0 and len(blocks) > 1:
            before = blocks[-2]
            ids.setdefault(found, (before.start, before.end))
        elif item is not None and item[0] <= a < item[1]:
            ids.setdefault(found, item)
        else:
            ids.setdefault(found, (a, b))


def _heading_inside(lines: Sequence[str], a: int, b: int) -> int | None:
    if _RAW_HTML.match(lines[a]):
        return None
    for n in range(a + 1, b):
        if _ATX.match(lines[n]):
            return n
    return None


def _chunks(lines: Sequence[str]) -> list[tuple[int, int]]:
    """[first, last) line ranges that parse alone exactly as they parse within the note."""
    total = len(lines)
    chunks: list[tuple[int, int]] = []
    first = 0
    n = _front_matter_end(lines)
    fence: str | None = None
    in_math = False
    in_raw = False
    while n < total:
        line = lines[n]
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            n += 1
            continue
        if in_math:
            in_math = not line.rstrip().endswith("$$")
            n += 1
            continue
        if in_raw:
            in_raw = _RAW_END.search(line) is None
            n += 1
            continue
        if n - first >= CHUNK_LINES and n > 0 and _is_boundary(lines, n):
            chunks.append((first, n))
            first = n
        match = _FENCE.match(line)
        if match is not None:
            fence = match.group(1)
        elif line.lstrip().startswith("$$"):
            rest = line.strip()[2:]
            in_math = not rest.endswith("$$")
        elif _RAW_HTML.match(line):
            in_raw = _RAW_END.search(line) is None
        n += 1
    chunks.append((first, total))
    return chunks


def _is_boundary(lines: Sequence[str], n: int) -> bool:
    line, before = lines[n], lines[n - 1]
    if not line or line[0] in " \t":
        return False
    if not before.strip():
        return True
    return _LIST_LINE.match(line) is not None and _LIST_LINE.match(before) is not None


def _front_matter_end(lines: Sequence[str]) -> int:
    if not lines or lines[0].rstrip() != "---":
        return 0
    for n in range(1, len(lines)):
        if lines[n].rstrip() in ("---", "..."):
            return n + 1
    return len(lines)
