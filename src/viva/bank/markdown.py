"""Read one Markdown/Obsidian note into questions: the importer's note model.

The note is parsed once with markdown-it-py (CommonMark + front matter + dollar math); the
question shapes are recognised on its top-level blocks, and answers are cut from the source lines
by the tokens' line maps, so that an answer's text, highlights and formulas stay exactly as the
author wrote them. Shapes (see docs/notes-format.md):

- a list item question followed by a `>` blockquote answer (the seed note's main shape);
- a heading that reads as a question (ends in ? or ？, or starts with a number and has a body),
  answered by its body up to the next heading of the same or a higher level;
- `Q:`/`A:` and `问：`/`答：` pairs;
- Obsidian spaced-repetition cards: `question::answer`, `question:::answer` (both ways), and
  `question` / `?` (or `??`) / `answer` blocks.

A heading that is not a question names the section of the questions after it. Link resolution
across notes lives in `vault.py`; nothing here touches the disk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from viva.bank.models import KeyPoint, KeyPointKind, NoteProblem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_QUESTION_END = ("?", "？")
_NUMBER = re.compile(r"^\s*(?:[Qq]\s*)?(\d{1,4})\s*(?:[.、．):：）]|\s)\s*(?=\S)")
_QA_Q = re.compile(r"^\s*(?:Q|q|问|问题)\s*[:：]\s*")
_QA_A = re.compile(r"^\s*(?:A|a|答|答案)\s*[:：]\s*")
# Obsidian links and Markdown images (vault.py resolves them)
WIKI_LINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HIGHLIGHT = re.compile(r"==(?=\S)((?:[^=\n]|=(?!=))+?)(?<=\S)==")
_QUOTE_MARK = re.compile(r"^[ ]{0,3}> ?")
_LINKS_ONLY = re.compile(
    r"^\s*(?:[^\[\]\n:：]{1,16}[:：]\s*)?"
    r"(?:!?\[\[[^\[\]\n]+\]\][\s,，、;；/·|和及and]*)+$"
)
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?:\s|$)")
_SR_MULTI = frozenset({"?", "??"})
_KEY_POINT_MAX = 120


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the note and the lines its section spans."""

    level: int
    text: str  # plain text
    line: int  # 0-based line of the heading
    end: int  # 0-based, exclusive: where the next heading of the same or a higher level starts
    path: tuple[str, ...]  # the section path a link to this heading names
    is_question: bool


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One line of an answer with its 0-based line in the source file."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class RawQuestion:
    """A question as found in one note, before links are resolved and ids assigned."""

    section: tuple[str, ...]
    number: str | None
    prompt: str
    line: int  # 0-based
    answer: tuple[AnswerLine, ...] | None
    key_points: tuple[KeyPoint, ...] = ()
    follow_ups: tuple[AnswerLine, ...] = ()  # "延伸：[[#...]]" lines after the answer


@dataclass(frozen=True, slots=True)
class ParsedNote:
    """A note's structure: front matter, headings and questions."""

    rel: str
    title: str
    tags: tuple[str, ...]
    lines: tuple[str, ...]
    body_start: int  # first line after the front matter
    headings: tuple[Heading, ...]
    questions: tuple[RawQuestion, ...]
    problems: tuple[NoteProblem, ...] = field(default=())


@cache
def markdown_parser() -> MarkdownIt:
    """The one parser configuration used for notes (shared with rendering later)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(dollarmath_plugin, double_inline=True)
    return md


def parse_note(text: str, rel: str) -> ParsedNote:
    """Parse a note's text into its headings and questions. Never raises on bad Markdown."""
    # the parser treats \r and \r\n as line ends: so must the line maps we cut answers with
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = markdown_parser().parse(text)
    lines = tuple(text.split("\n"))
    return _NoteReader(rel, lines, tokens).read()


def plain_text(markdown: str) -> str:
    """Inline Markdown to the text a person reads: marks removed, link labels kept."""
    out = WIKI_LINK.sub(_wiki_label, markdown)
    out = re.sub(r"!?\[([^\]\n]*)\]\([^)\n]*\)", r"\1", out)
    out = re.sub(r"(\*\*|__|==|~~|`)", "", out)
    out = re.sub(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])", r"\1", out)
    out = out.replace("\\", "") if "\\$" in out or "\\*" in out else out
    return re.sub(r"[ \t]+", " ", out).strip()


def _wiki_label(match: re.Match[str]) -> str:
    target = match.group(2)
    if "|" in target:
        return target.split("|", 1)[1]
    return target.split("#")[-1] if match.group(1) == "" else ""


def split_number(text: str) -> tuple[str | None, str]:
    """Split an author's label off a question: "6. 什么是…" -> ("6", "什么是…")."""
    match = _NUMBER.match(text)
    if match is None:
        return None, text.strip()
    return match.group(1), text[match.end() :].strip()


class _NoteReader:
    """One pass over a note's top-level blocks (a class only to share the parse state)."""

    def __init__(self, rel: str, lines: Sequence[str], tokens: Sequence[Token]) -> None:
        self.rel = rel
        self.lines = tuple(lines)
        self.tokens = tokens
        self.problems: list[NoteProblem] = []
        self.questions: list[RawQuestion] = []
        self.section: list[tuple[int, str]] = []
        self.body_start = 0
        self.tags: tuple[str, ...] = ()
        self.title = ""

    # --- the pass -------------------------------------------------------------------------
    def read(self) -> ParsedNote:
        blocks = self._top_level_blocks()
        headings = self._headings(blocks)
        question_at = {h.line: h for h in headings if h.is_question}
        i = 0
        while i < len(blocks):
            start, end = blocks[i]
            tok = self.tokens[start]
            kind = tok.type
            if kind == "front_matter":
                self._front_matter(tok)
            elif kind == "heading_open":
                line = _line(tok)
                heading = question_at.get(line)
                if heading is None:
                    level = int(tok.tag[1])
                    while self.section and self.section[-1][0] >= level:
                        self.section.pop()
                    self.section.append((level, self._inline_plain(start + 1)))
                    if level == 1 and not self.title:
                        self.title = self.section[-1][1]
                else:
                    i = self._heading_question(heading, blocks, i)
                    continue
            elif kind in ("bullet_list_open", "ordered_list_open"):
                i = self._list_questions(blocks, i)
                continue
            elif kind == "paragraph_open":
                i = self._paragraph_questions(blocks, i)
                continue
            del end
            i += 1
        if not self.title:
            self.title = self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return ParsedNote(
            rel=self.rel,
            title=self.title,
            tags=self.tags,
            lines=self.lines,
            body_start=self.body_start,
            headings=tuple(headings),
            questions=tuple(self.questions),
            problems=tuple(self.problems),
        )

    def _top_level_blocks(self) -> list[tuple[int, int]]:
        """(first token, one past the last token) of each level-0 block."""
        blocks: list[tuple[int, int]] = []
        depth = 0
        start = 0
        for index, tok in enumerate(self.tokens):
            if depth == 0:
                start = index
            depth += tok.nesting
            if depth == 0:
                blocks.append((start, index + 1))
        return blocks

    def _headings(self, blocks: list[tuple[int, int]]) -> list[Heading]:
        raw: list[tuple[int, int, str]] = []  # level, line, plain text
        answer_like: set[int] = set()  # headings directly followed by a quote or a paragraph
        for index, (start, _) in enumerate(blocks):
            tok = self.tokens[start]
            if tok.type == "heading_open":
                raw.append((int(tok.tag[1]), _line(tok), self._inline_plain(start + 1)))
                if index + 1 < len(blocks):
                    after = self.tokens[blocks[index + 1][0]].type
                    if after in ("blockquote_open", "paragraph_open"):
                        answer_like.add(_line(tok))
        total = len(self.lines)
        headings: list[Heading] = []
        stack: list[tuple[int, str]] = []
        for index, (level, line, text) in enumerate(raw):
            end = total
            for later_level, later_line, _ in raw[index + 1 :]:
                if later_level <= level:
                    end = later_line
                    break
            # "## 1. 机器学习" followed by a list of questions is a section, not a question:
            # a numbered heading is a question only when an answer (quote or text) follows it
            # and it has no sub-headings.
            has_sub = index + 1 < len(raw) and raw[index + 1][0] > level
            is_question = text.endswith(_QUESTION_END) or (
                line in answer_like
                and not has_sub
                and split_number(text)[0] is not None
                and level > 1
            )
            if is_question:
                path = (*(t for _, t in stack), text)
            else:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, text))
                path = tuple(t for _, t in stack)
            headings.append(Heading(level, text, line, end, path, is_question))
        return headings

    def _front_matter(self, tok: Token) -> None:
        import yaml

        self.body_start = tok.map[1] if tok.map else 0
        try:
            data = yaml.safe_load(tok.content)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = (mark.line + 2) if mark is not None else 1
            problem = getattr(err, "problem", None) or "cannot be read"
            self.problems.append(
                NoteProblem(
                    self.rel,
                    line,
                    f"front matter is not valid YAML ({problem}); its tags were ignored",
                )
            )
            return
        if isinstance(data, dict):
            self.tags = _tags(data.get("tags", data.get("tag")))
            title = data.get("title")
            if isinstance(title, str) and title.strip():
                self.title = title.strip()
        elif data is not None:
            self.problems.append(
                NoteProblem(self.rel, 1, "front matter should be a YAML mapping (key: value)")
            )

    # --- shape 1: list item + blockquote -------------------------------------------------
    def _list_questions(self, blocks: list[tuple[int, int]], i: int) -> int:
        start, end = blocks[i]
        items = self._items(start, end)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        quote_follows = (
            following is not None and self.tokens[following[0]].type == "blockquote_open"
        )
        consumed = i + 1
        for n, (item_start, item_end) in enumerate(items):
            opener = self.tokens[item_start]
            if self.tokens[item_start + 1].type != "paragraph_open":
                continue
            text = self._inline_plain(item_start + 2)
            number = opener.info or None
            nested = self._nested_quote(item_start, item_end)
            is_last = n == len(items) - 1
            answer_range: tuple[int, int] | None = None
            if nested is not None:
                answer_range = nested
            elif is_last and quote_follows and following is not None:
                answer_range = following
                consumed = i + 2
            elif not text.endswith(_QUESTION_END):
                continue
            if number is None:
                label, text = split_number(text)
                number = label
            answer = self._quote_lines(*answer_range) if answer_range else None
            key_points = self._key_points(*answer_range) if answer_range else ()
            follow_ups: tuple[AnswerLine, ...] = ()
            if answer_range is not None and consumed == i + 2:
                consumed, follow_ups = self._follow_up_after(blocks, consumed)
            self._add(number, text, _line(opener), answer, key_points, follow_ups)
        return consumed

    def _items(self, start: int, end: int) -> list[tuple[int, int]]:
        items: list[tuple[int, int]] = []
        level = self.tokens[start].level + 1
        item_start = -1
        for index in range(start + 1, end - 1):
            tok = self.tokens[index]
            if tok.level != level:
                continue
            if tok.type == "list_item_open":
                item_start = index
            elif tok.type == "list_item_close":
                items.append((item_start, index + 1))
        return items

    def _nested_quote(self, item_start: int, item_end: int) -> tuple[int, int] | None:
        """A blockquote inside the list item, right after its first paragraph."""
        level = self.tokens[item_start].level + 1
        for index in range(item_start + 1, item_end):
            tok = self.tokens[index]
            if tok.level == level and tok.type == "blockquote_open":
                depth = 0
                for close in range(index, item_end):
                    depth += self.tokens[close].nesting
                    if depth == 0:
                        return index, close + 1
        return None

    # --- shape 2: heading + body ----------------------------------------------------------
    def _heading_question(self, heading: Heading, blocks: list[tuple[int, int]], i: int) -> int:
        number, prompt = split_number(heading.text)
        j = i + 1
        body: list[tuple[int, int]] = []
        while j < len(blocks):
            tok = self.tokens[blocks[j][0]]
            if tok.type == "heading_open" and int(tok.tag[1]) <= heading.level:
                break
            body.append(blocks[j])
            j += 1
        follow_ups: tuple[AnswerLine, ...] = ()
        if len(body) > 1 and self._is_links_paragraph(*body[-1]):
            follow_ups = self._block_lines(*body[-1])
            body = body[:-1]
        answer: tuple[AnswerLine, ...] | None = None
        key_points: tuple[KeyPoint, ...] = ()
        if len(body) == 1 and self.tokens[body[0][0]].type == "blockquote_open":
            answer = self._quote_lines(*body[0])
            key_points = self._key_points(*body[0])
        elif body:
            first = _line(self.tokens[body[0][0]])
            last = _end_line(self.tokens, body[-1])
            answer = tuple(AnswerLine(n, self.lines[n]) for n in range(first, last))
            key_points = self._key_points(body[0][0], body[-1][1])
        self._add(number, prompt, heading.line, _trim(answer), key_points, follow_ups)
        return j

    # --- shape 3: Q:/A:, and spaced-repetition cards -----------------------------------
    def _paragraph_questions(self, blocks: list[tuple[int, int]], i: int) -> int:
        start, end = blocks[i]
        first = _line(self.tokens[start])
        last = _end_line(self.tokens, (start, end))
        para = [(n, self.lines[n]) for n in range(first, last)]
        if _QA_Q.match(para[0][1]):
            return self._qa_pair(blocks, i, para)
        multi = next((k for k, (_, text) in enumerate(para) if text.strip() in _SR_MULTI), None)
        if multi is not None and 0 < multi < len(para) - 1:
            question = " ".join(t.strip() for _, t in para[:multi])
            answer = tuple(AnswerLine(n, t) for n, t in para[multi + 1 :])
            both_ways = para[multi][1].strip() == "??"
            self._add_card(question, para[0][0], answer, both_ways)
            return i + 1
        for n, text in para:
            card = _inline_card(text)
            if card is not None:
                question, answer_text, both_ways = card
                self._add_card(question, n, (AnswerLine(n, answer_text),), both_ways)
        return i + 1

    def _qa_pair(self, blocks: list[tuple[int, int]], i: int, para: list[tuple[int, str]]) -> int:
        q_lines: list[str] = []
        answer: list[AnswerLine] = []
        in_answer = False
        for n, text in para:
            if not in_answer and _QA_A.match(text):
                in_answer = True
                rest = _QA_A.sub("", text, count=1)
                if rest.strip():
                    answer.append(AnswerLine(n, rest))
            elif in_answer:
                answer.append(AnswerLine(n, text))
            else:
                q_lines.append(_QA_Q.sub("", text, count=1) if not q_lines else text.strip())
        j = i + 1
        answer_blocks: list[tuple[int, int]] = []
        if not in_answer and j < len(blocks):
            # "Q: …" and "A: …" as two paragraphs
            nxt = blocks[j]
            if self.tokens[nxt[0]].type == "paragraph_open":
                n0 = _line(self.tokens[nxt[0]])
                if _QA_A.match(self.lines[n0]):
                    in_answer = True
                    last = _end_line(self.tokens, nxt)
                    rest = _QA_A.sub("", self.lines[n0], count=1)
                    answer.extend([AnswerLine(n0, rest)] if rest.strip() else [])
                    answer.extend(AnswerLine(n, self.lines[n]) for n in range(n0 + 1, last))
                    answer_blocks.append(nxt)
                    j += 1
        while in_answer and j < len(blocks):
            tok = self.tokens[blocks[j][0]]
            if tok.type in ("heading_open", "hr", "front_matter"):
                break
            if tok.type == "paragraph_open" and _QA_Q.match(self.lines[_line(tok)]):
                break
            first, last = _line(tok), _end_line(self.tokens, blocks[j])
            start_at = answer[-1].line + 1 if answer else first
            answer.extend(AnswerLine(n, self.lines[n]) for n in range(start_at, last))
            answer_blocks.append(blocks[j])
            j += 1
        prompt = " ".join(part.strip() for part in q_lines)
        number, prompt = split_number(plain_text(prompt))
        final = _trim(tuple(answer)) if in_answer else None
        key_points: tuple[KeyPoint, ...] = ()
        if answer_blocks:
            key_points = self._key_points(answer_blocks[0][0], answer_blocks[-1][1])
        elif final:
            key_points = _highlights("\n".join(a.text for a in final))
        self._add(number, prompt, para[0][0], final, key_points, ())
        return j

    def _add_card(
        self, question: str, line: int, answer: tuple[AnswerLine, ...], both_ways: bool
    ) -> None:
        text = "\n".join(a.text for a in answer)
        self._add(None, plain_text(question), line, answer, _highlights(text), ())
        if both_ways:
            reverse = (AnswerLine(line, question),)
            self._add(None, plain_text(text), line, reverse, (), ())

    # --- helpers --------------------------------------------------------------------------
    def _add(
        self,
        number: str | None,
        prompt: str,
        line: int,
        answer: tuple[AnswerLine, ...] | None,
        key_points: tuple[KeyPoint, ...],
        follow_ups: tuple[AnswerLine, ...],
    ) -> None:
        if not prompt:
            return
        if answer is not None and not any(a.text.strip() for a in answer):
            answer = None
        self.questions.append(
            RawQuestion(
                section=tuple(text for _, text in self.section),
                number=number,
                prompt=prompt,
                line=line,
                answer=answer,
                key_points=key_points,
                follow_ups=follow_ups,
            )
        )

    def _follow_up_after(
        self, blocks: list[tuple[int, int]], j: int
    ) -> tuple[int, tuple[AnswerLine, ...]]:
        if j < len(blocks) and self._is_links_paragraph(*blocks[j]):
            return j + 1, self._block_lines(*blocks[j])
        return j, ()

    def _is_links_paragraph(self, start: int, _end: int) -> bool:
        tok = self.tokens[start]
        if tok.type != "paragraph_open":
            return False
        content = self.tokens[start + 1].content
        return bool(_LINKS_ONLY.match(content.replace("\n", " ")))

    def _block_lines(self, start: int, end: int) -> tuple[AnswerLine, ...]:
        first, last = _line(self.tokens[start]), _end_line(self.tokens, (start, end))
        return tuple(AnswerLine(n, self.lines[n]) for n in range(first, last))

    def _quote_lines(self, start: int, _end: int) -> tuple[AnswerLine, ...] | None:
        tok = self.tokens[start]
        if tok.type != "blockquote_open" or tok.map is None:
            return None
        first, last = tok.map
        return _trim(
            tuple(
                AnswerLine(n, _QUOTE_MARK.sub("", self.lines[n], count=1))
                for n in range(first, last)
            )
        )

    def _inline_plain(self, index: int) -> str:
        tok = self.tokens[index]
        return plain_text(tok.content.replace("\n", " ")) if tok.type == "inline" else ""

    def _key_points(self, start: int, end: int) -> tuple[KeyPoint, ...]:
        """Key-point hints: highlights, else bold leads, else the top-level list items."""
        tokens = self.tokens[start:end]
        first, last = _line(tokens[0]), _end_line(self.tokens, (start, end))
        source = "\n".join(self.lines[first:last])
        marked = _highlights(source)
        if marked:
            return marked
        inner = [t for t in tokens if t.type not in ("blockquote_open", "blockquote_close")]
        if not inner:
            return ()
        base = min(t.level for t in inner)
        bold: list[KeyPoint] = []
        items: list[KeyPoint] = []
        list_depth = 0
        for index, tok in enumerate(inner):
            if tok.type in ("bullet_list_open", "ordered_list_open"):
                list_depth += 1
            elif tok.type in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
            if tok.type != "inline":
                continue
            top_paragraph = tok.level == base + 1 and list_depth == 0
            top_item = tok.level == base + 3 and list_depth == 1
            if not (top_paragraph or top_item):
                continue
            if top_item and inner[index - 2].type != "list_item_open":
                continue  # only an item's first paragraph
            children = tok.children or []
            text = _shorten(plain_text(tok.content.replace("\n", " ")))
            if not text:
                continue
            if _leads_with_bold(children):
                bold.append(KeyPoint(text, KeyPointKind.BOLD))
            elif top_item:
                items.append(KeyPoint(text, KeyPointKind.LIST_ITEM))
        return tuple(bold) if len(bold) >= 2 else tuple(bold + items)


def _leads_with_bold(children: Sequence[Token]) -> bool:
    for child in children:
        if child.type in ("strong_open", "em_open"):
            return any(c.type == "strong_open" for c in children[:3])
        if child.type == "text" and not child.content.strip():
            continue
        return False
    return False


def _highlights(source: str) -> tuple[KeyPoint, ...]:
    return tuple(
        KeyPoint(text, KeyPointKind.HIGHLIGHT)
        for text in (plain_text(m.group(1)) for m in _HIGHLIGHT.finditer(source))
        if text
    )


def _shorten(text: str) -> str:
    if len(text) <= _KEY_POINT_MAX:
        return text
    match = _SENTENCE_END.search(text, 12)
    if match is not None and match.end() <= _KEY_POINT_MAX:
        return text[: match.end()].strip()
    return text[:_KEY_POINT_MAX].rstrip() + "…"


def _inline_card(text: str) -> tuple[str, str, bool] | None:
    """`question::answer` or `question:::answer` on one line (code spans excepted)."""
    if "::" not in text:
        return None
    masked = re.sub(r"`[^`]*`", lambda m: "\0" * len(m.group(0)), text)
    at = masked.find(":::")
    width, both_ways = (3, True) if at >= 0 else (2, False)
    if at < 0:
        at = masked.find("::")
    if at < 0:
        return None
    question, answer = text[:at].strip(), text[at + width :].strip()
    if not question or not answer or answer.startswith(":"):
        return None
    return question, answer, both_ways


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    tags: list[str] = []
    for item in items:
        tag = str(item).strip().lstrip("#")
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _trim(answer: tuple[AnswerLine, ...] | None) -> tuple[AnswerLine, ...] | None:
    if answer is None:
        return None
    lines = list(answer)
    while lines and not lines[0].text.strip():
        lines.pop(0)
    while lines and not lines[-1].text.strip():
        lines.pop()
    return tuple(lines) if lines else None


def _line(tok: Token) -> int:
    return tok.map[0] if tok.map else 0


def _end_line(tokens: Sequence[Token], block: tuple[int, int]) -> int:
    tok = tokens[block[0]]
    return tok.map[1] if tok.map else _line(tok) + 1
