"""The heading tree of a note: which headings are questions, and the section of each.

A heading is a question when it reads as one; a heading that is not names the section of what
follows. A question heading closes every sibling and deeper heading before it, and its answer
runs to the next heading of its level or higher, or to the next question heading (so a question
with sub-question headings gives separate questions). Rules, in order (`--questions auto`):

1. ends in `?`/`？` -> question;
2. has sub-headings, or no body of its own -> section; except a book's entry with a three-part
   number (`### 2.15.2 常见的降维方法`) whose sub-headings are only parts of its answer (no
   deeper number, none a question) -> question;
3. its body holds questions of its own (a list of `?` items, `Q:` pairs, cards) -> section,
   unless it reads as a question, opens with its answer and holds only marked questions (`Q:`,
   `> [!question]`) -> question, the marked ones questions of their own;
4. reads as a question (interrogative or imperative) -> question;
5. numbered in digits (`### 9. 常见激活函数`, `### 2.1.1 …`; not `## 一、…`) below level 1 ->
   question, unless it reads as an English topic in Title Case (`### 6. Model Development`) and
   fewer than half of its numbered siblings read as questions;
6. otherwise -> section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from viva.bank._blocks import Block
from viva.bank._text import (
    QUESTION_END,
    inline_card,
    plain_text,
    reads_as_question,
    reads_as_topic,
    split_number,
)
from viva.bank.note import Heading, QuestionMode

QA_Q = re.compile(
    r"^\s*(?:\*\*|__)?(?:(?:Q|q|问|问题|Question|题目)\s*(\d{0,3})\s*(?:\*\*|__)?\s*[:：](?![:：])"
    r"|【(?:问|问题|题目|Q)】[:：]?)(?:\*\*|__)?\s*"
)
QA_A = re.compile(
    r"^\s*(?:\*\*|__)?(?:(?:A|a|答|答案|Answer|回答|参考答案|解答)\s*\d{0,3}\s*(?:\*\*|__)?\s*"
    r"[:：](?![:：])"
    r"|【(?:答|答案|回答|A)】[:：]?)(?:\*\*|__)?\s*"
)
CALLOUT = re.compile(r"^[ \t]*>[ \t]*\[!(\w+)\][+-]?[ \t]*(.*)$")
QUESTION_CALLOUTS = frozenset({"question", "faq", "help", "q"})
ANSWER_CALLOUTS = frozenset({"answer", "success", "check", "done", "solution", "a"})
BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?=\S)(.+?)(?<=\S)\1\s*$")
SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HeadingRole:
    """What one heading block is."""

    heading: Heading
    section: tuple[str, ...]  # the question's section, or the path this heading opens
    body_end: int  # questions: the block index where the answer stops


def heading_text(block: Block) -> str:
    """The heading's plain text."""
    return plain_text(block.text.replace("\n", " "))


def outline(
    blocks: Sequence[Block], total_lines: int, mode: QuestionMode
) -> tuple[dict[int, HeadingRole], set[int]]:
    """Each heading block's role, and the heading blocks that lie inside a question's answer."""
    indexes = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    texts = [heading_text(blocks[i]) for i in indexes]
    is_question = _decide(blocks, indexes, texts, mode)
    roles: dict[int, HeadingRole] = {}
    inside: set[int] = set()
    stack: list[tuple[int, str, bool]] = []  # level, text, names the questions after it
    open_question: int | None = None  # level of the question whose answer we are in
    for k, index in enumerate(indexes):
        block = blocks[index]
        level, text = block.level, texts[k]
        if open_question is not None and level > open_question and not is_question[k]:
            inside.add(index)
        else:
            open_question = None
        end_line = total_lines
        body_end = len(blocks)
        for later in range(k + 1, len(indexes)):
            other = blocks[indexes[later]]
            if other.level <= level:
                end_line = other.start
                body_end = min(body_end, indexes[later])
                break
            if is_question[later] and body_end == len(blocks):
                body_end = indexes[later]
        if index in inside:
            path = (*(t for _, t, _ in stack), text)
            roles[index] = HeadingRole(
                Heading(level, text, block.start, end_line, path, False), path, body_end
            )
            continue
        if is_question[k]:
            # closes every sibling and deeper heading, except an empty sibling heading: that one
            # names the section of the question headings after it (`### 注意力机制`)
            while stack and stack[-1][0] >= level and not (stack[-1][0] == level and stack[-1][2]):
                stack.pop()
        else:
            while stack and stack[-1][0] >= level:
                stack.pop()
        section = tuple(t for _, t, _ in stack)
        if is_question[k]:
            open_question = level
            heading = Heading(level, text, block.start, end_line, (*section, text), True)
        else:
            # nothing of its own and no sub-headings: `### 注意力机制` then `### 6. …？`
            empty = (
                k + 1 < len(indexes)
                and indexes[k + 1] == index + 1
                and not (blocks[indexes[k + 1]].level > level)
            )
            stack.append((level, text, empty))
            section = (*section, text)
            heading = Heading(level, text, block.start, end_line, section, False)
        roles[index] = HeadingRole(heading, section, body_end)
    return roles, inside


def _decide(
    blocks: Sequence[Block], indexes: list[int], texts: list[str], mode: QuestionMode
) -> list[bool]:
    count = len(indexes)
    has_body = [
        (indexes[k + 1] if k + 1 < count else len(blocks)) > indexes[k] + 1 for k in range(count)
    ]
    has_sub = [
        k + 1 < count and blocks[indexes[k + 1]].level > blocks[indexes[k]].level
        for k in range(count)
    ]
    if mode is QuestionMode.HEADINGS:
        return [
            texts[k].endswith(QUESTION_END) or (has_body[k] and not has_sub[k])
            for k in range(count)
        ]
    if mode is not QuestionMode.AUTO:
        return [False] * count
    split = [split_number(t) for t in texts]
    verdict: list[bool | None] = [None] * count
    for k in range(count):
        prompt = split[k][1]
        level = blocks[indexes[k]].level
        body = blocks[indexes[k] + 1 : indexes[k + 1] if k + 1 < count else len(blocks)]
        if prompt.endswith(QUESTION_END):
            verdict[k] = True
        elif has_sub[k] or not has_body[k]:
            verdict[k] = False
        elif holds_questions(body):
            # `### Explain dropout.`, its answer, then `**Q: Why does it help?**`: a question
            # whose answer stops at the marked one; else a section of the questions it holds
            verdict[k] = reads_as_question(prompt) and answers_first(body)
        elif reads_as_question(prompt):
            verdict[k] = True
        elif not _is_arabic(split[k][0]) or level == 1:
            verdict[k] = False  # `## 一、操作系统` numbers a part of the note, not a question
    # rule 5: numbered headings decided by their text and their numbered siblings
    parents = _parents(blocks, indexes)
    groups: dict[tuple[int, int], list[int]] = {}
    for k in range(count):
        if _is_arabic(split[k][0]):
            groups.setdefault((parents[k], blocks[indexes[k]].level), []).append(k)
    for members in groups.values():
        asking = sum(1 for j in members if verdict[j])
        for k in members:
            if verdict[k] is None:
                verdict[k] = not (reads_as_topic(split[k][1]) and asking * 2 < len(members))
    # rule 2, refined: a book's leaf entry (`### 2.15.2 常见的降维方法`) whose sub-headings are
    # parts of its answer (`#### PCA`: no deeper number, no question) is a question
    for k in range(count):
        number = split[k][0]
        if verdict[k] or not has_sub[k] or number is None or number.count(".") < 2:
            continue
        if reads_as_topic(split[k][1]) or holds_questions(_own(blocks, indexes, k)):
            continue
        level = blocks[indexes[k]].level
        later = k + 1
        parts_only = True
        while later < count and blocks[indexes[later]].level > level:
            deeper = split[later][0]
            if verdict[later] or (deeper is not None and deeper.startswith(number + ".")):
                parts_only = False
                break
            later += 1
        verdict[k] = parts_only
    return [bool(v) for v in verdict]


def _own(blocks: Sequence[Block], indexes: list[int], k: int) -> Sequence[Block]:
    """The blocks between a heading and the next heading."""
    return blocks[indexes[k] + 1 : indexes[k + 1] if k + 1 < len(indexes) else len(blocks)]


def _is_arabic(number: str | None) -> bool:
    return number is not None and number[0].isdigit()


def _parents(blocks: Sequence[Block], indexes: list[int]) -> list[int]:
    parents: list[int] = []
    stack: list[tuple[int, int]] = []  # (level, k)
    for k, index in enumerate(indexes):
        level = blocks[index].level
        while stack and stack[-1][0] >= level:
            stack.pop()
        parents.append(stack[-1][1] if stack else -1)
        stack.append((level, k))
    return parents


def holds_questions(body: Sequence[Block]) -> bool:
    """True when these blocks hold question shapes of their own: their heading is a section."""
    for block in body:
        if block.kind == "list":
            asked = [i for i in block.items if i.text and i.text.rstrip().endswith(QUESTION_END)]
            if asked:
                return True
        elif starts_question(block):
            return True
    return False


def explicit_question(block: Block) -> bool:
    """A block marked as a question by its author: a `Q:`/`问：` paragraph or a question
    callout. Inside a question heading's answer it starts a question of its own."""
    if block.kind == "paragraph":
        return QA_Q.match(block.text.split("\n", 1)[0]) is not None
    if block.kind == "quote":
        return question_callout(block.text) is not None
    return False


def answers_first(body: Sequence[Block]) -> bool:
    """The body opens with an answer, and every question it holds is marked (`Q:`, a callout)."""
    if not body or starts_question(body[0]):
        return False
    for block in body:
        if block.kind == "list" and holds_questions([block]):
            return False
        if starts_question(block) and not explicit_question(block):
            return False
    return True


def starts_question(block: Block) -> bool:
    """A block that opens a question of its own: ends whatever answer comes before it."""
    if block.kind == "heading" or block.kind == "hr":
        return True
    if block.kind == "paragraph":
        first = block.text.split("\n", 1)[0]
        if QA_Q.match(first):
            return True
        if any(line.strip() in ("?", "??") for line in block.text.split("\n")):
            return True
        if "::" in block.text and any(inline_card(line) for line in block.text.split("\n")):
            return True
        return is_paragraph_question(first)
    if block.kind == "quote":
        return question_callout(block.text) is not None
    if block.kind == "html":
        return SUMMARY.search(block.text) is not None
    if block.kind == "list":
        texts = [i.text for i in block.items]
        return bool(texts) and all(t and t.rstrip().endswith(QUESTION_END) for t in texts)
    return False


def is_paragraph_question(text: str) -> bool:
    """A one-line paragraph that asks: `**1. 什么是过拟合？**`, `1、什么是进程？`, `第 3 题 …`."""
    if "\n" in text or len(text) > 200:
        return False
    bold = BOLD_LINE.match(text)
    inner = plain_text(bold.group(2)) if bold else plain_text(text)
    number, prompt = split_number(inner)
    if not any(c.isalnum() for c in prompt):
        return False  # "?" alone is a card separator, not a question
    if prompt.endswith(QUESTION_END):
        return bold is not None or number is not None or len(prompt) <= 150
    return (bold is not None or number is not None) and reads_as_question(prompt)


def answer_split(lines: Sequence[str]) -> int | None:
    """Where a paragraph that asks and then answers turns to its answer: at an `答：`/`A:` line,
    or after a first line that is a question on its own (`**1. 什么是过拟合？**`, `1、…？`)."""
    if len(lines) < 2:
        return None
    for k in range(1, len(lines)):
        if QA_A.match(lines[k]):
            return k
    return 1 if is_paragraph_question(lines[0]) else None


def question_callout(first_line: str) -> tuple[str, str] | None:
    """(type, title) of a `> [!question] title` callout line."""
    match = CALLOUT.match(first_line.split("\n", 1)[0])
    if match is None or match.group(1).lower() not in QUESTION_CALLOUTS:
        return None
    return match.group(1).lower(), match.group(2)
