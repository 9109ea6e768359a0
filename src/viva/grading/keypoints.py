"""Key points for grading: the note's own (cleaned), else the reference's informative clauses.

A note's highlights are not always checkable statements: a bare formula (`$O(n)$`), a comma
fragment ("实现状态的更新") or a whole paragraph. A fragment is read in its reference sentence; a
paragraph is split into its clauses. A reference written as an enumeration ("（1）…（2）…",
"①…②…", "1) … 2) …") gives one point per item.
"""

from __future__ import annotations

import re

from viva.grading.text import Clause, clauses, content_words

MAX_POINTS = 8
MIN_WORDS = 2
FRAGMENT_WORDS = 4  # fewer new content words than this: read the point in its sentence
# a sentence this short is one statement, not its clauses: counted as Chinese characters, an
# English word as two (so 60 is some 60 汉字 or 30 words)
SENTENCE_POINT = 60
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
LONG_POINT = 90  # characters: a highlight longer than this is a paragraph, split it
# an enumeration marker inside a line: （1） (2) ① 1) 1、 — each item is a point of its own
_ITEM = re.compile(r"(?:[（(]\s*\d{1,2}\s*[）)]|[①-⑳]|(?<![\w.])\d{1,2}\s*[)）、](?!\d))")


def enumerated(reference: str) -> list[str]:
    """The items of a reference written as an enumeration, or [] when it is not one."""
    marks = list(_ITEM.finditer(reference))
    if len(marks) < 2:
        return []
    items = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(reference)
        item = reference[mark.end() : end].strip(" \n;；，,。")
        if item:
            items.append(item)
    return items


_LIST_HEAD = re.compile(r"^[^。！？!?\n]{0,40}?[：:—]+\s*")
_LIST_SEP = re.compile(r"[、；;，,]")
# "A、B和C": the last item may join two; "请求与保持" in the middle is one item
_LAST_AND = re.compile(r"(?<=\S)(?:以及|和|及|与)(?=\S)")
LIST_ITEM = 14  # characters: longer pieces are clauses, not list items


def listed(reference: str) -> list[str]:
    """The items of a one-sentence list answer ("RFID的组成：标签、阅读器和天线。"), or []."""
    text = reference.strip().rstrip("。.;；")
    if re.search(r"[。！？!?\n]", text):
        return []
    head = _LIST_HEAD.match(text)
    body = text[head.end() :] if head else text
    if re.search(r"[；;]", body) and re.search(r"[，,]", body):
        return []  # "初入大学时，不太适应……；后来……": clauses in two levels, not a list of terms
    items = [i.strip(" 等") for i in _LIST_SEP.split(body) if i.strip(" 等")]
    if len(items) >= 2:
        items[-1:] = [i for i in _LAST_AND.split(items[-1], maxsplit=1) if i]
    if len(items) < 3 or any(len(i) > LIST_ITEM for i in items):
        return []
    return items


def key_points_from_reference(reference: str, question: str) -> tuple[str, ...]:
    """Split a reference into clauses and keep those that say something beyond the question.

    An enumerated reference gives its items. A clause that only restates the question
    ("管道运输的优缺点：") or is too short to check is dropped; neighbouring short clauses are
    merged by `clauses`. At most MAX_POINTS, the most informative kept in their original order.
    """
    asked = set(content_words(question))
    items = enumerated(reference) or listed(reference)
    pieces = items if items else statements(reference, asked)
    least = 1 if items else MIN_WORDS  # an item of a list may be one term ("阅读器")
    scored: list[tuple[int, int, str]] = []
    for index, piece in enumerate(pieces):
        new = set(content_words(piece)) - asked
        if len(new) >= least:
            scored.append((len(new), index, piece))
    if len(scored) <= 1:
        return ()  # one statement: the whole reference already is it
    kept = sorted(sorted(scored, reverse=True)[:MAX_POINTS], key=lambda s: s[1])
    return tuple(text for _, _, text in kept)


# a clause that opens a condition or a means leans on the next one ("如果我有幸被导师认可，那么
# 我将……", "通过备战考研的学习，我坚定了方向", "If the string is shorter, the pitch is higher");
# one that concludes or goes on leans on the one before ("……，从而减少参数")
_OPENS = re.compile(
    r"^(?:因此|所以|而且|并且|同时|但是|但)?(?:如果|假如|假设|若|要是|只要|只有|通过|由于|因为|当|"
    r"虽然|尽管|为了|一旦|除非)|^(?:if|when|because|since|although|though|while|once|unless|"
    r"by|as long as)\b",
    re.IGNORECASE,
)
# "初入大学时，……", "训练好以后，……", "数据少的话，……": a time or a condition, said first
# "原因主要在于，……": what it names follows
_OPENS_AT_END = re.compile(r"(?:时|时候|之后|以后|之前|以前|的话|在于|就是|包括)$")
_GOES_ON = re.compile(
    r"^(?:那么|那|就|则|便|从而|进而|以便|以免|导致|使得|才|否则|再)|^(?:then|so that|thus|"
    r"thereby|otherwise)\b",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"^[（(【\[][^（）()【】\[\]]*[）)】\]][。.；;]?$")
_SENTENCE_GAP = re.compile(r"[。！？!?；;\n]|\.\s")
_FULL_STOP = re.compile(r"[。！？!?\n]|\.\s")  # "A；B" in one key point may be one contrast
JOINED_POINT = 2 * LONG_POINT  # characters: joining stops before a point grows past this


def statements(reference: str, asked: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The reference's statements: a sentence short enough to check (SENTENCE_POINT) whole,
    with any list in it ("组成原理、操作系统等课程"); in a longer one, a clause that opens a
    condition, a means or a time ("如果……", "通过……", "初入大学时") or introduces what follows
    ("……：") is joined to the next, one that concludes or goes on ("那么……", "从而……") to the one
    before (up to JOINED_POINT characters). A bracketed aside ("( 提出期望 )", a note to oneself)
    and a heading that restates the question (`asked`: its words) are no statements."""
    parts = [
        c
        for c in clauses(reference)
        if not _ASIDE.match(c.text) and not _restated_heading(reference, c, asked)
    ]
    out: list[tuple[int, int]] = []  # spans into the reference
    lean_forward = False
    for part in parts:
        if out:
            start, end = out[-1]
            same_sentence = not _SENTENCE_GAP.search(reference[end : part.start])
            joined = part.end - start <= JOINED_POINT
            whole = same_sentence and _one_statement(reference, start, part.end)
            listing = reference[end : part.start].strip() == "、"  # "组成原理、操作系统等课程"
            if (
                whole
                or listing
                or (same_sentence and joined and (lean_forward or _GOES_ON.match(part.text)))
            ):
                out[-1] = (start, part.end)
                lean_forward = _opens(part.text) or _heads(reference, part)
                continue
        out.append((part.start, part.end))
        lean_forward = _opens(part.text) or _heads(reference, part)
    return [reference[start:end].strip() for start, end in out]


def _one_statement(reference: str, start: int, end: int) -> bool:
    """The clauses from `start` to `end` all belong to a sentence short enough to check as one
    statement ("但是我在数学方面的学习能力，还是能够满足……公式推导，以及进一步的计算、解决遇到的
    问题。"): its comma pieces alone are fragments no one would grade against."""
    gap = _SENTENCE_GAP.search(reference, end)
    sentence_end = gap.start() if gap else len(reference)
    before = [m.end() for m in _SENTENCE_GAP.finditer(reference, 0, start)]
    sentence = reference[before[-1] if before else 0 : sentence_end]
    size = len(_HAN.findall(sentence)) + 2 * len(_LATIN_WORD.findall(sentence))
    return size <= SENTENCE_POINT


def _restated_heading(reference: str, clause: Clause, asked: set[str] | frozenset[str]) -> bool:
    """ "管道运输的优缺点：" before its answer: the question again, no statement."""
    return _heads(reference, clause) and not set(content_words(clause.text)) - asked


def _opens(clause: str) -> bool:
    return bool(_OPENS.match(clause) or _OPENS_AT_END.search(clause))


def _heads(reference: str, clause: Clause) -> bool:
    """The clause introduces what follows ("主要有三个因素：")."""
    return reference[clause.end : clause.end + 1] in ("：", ":")


def usable_key_points(points: tuple[str, ...], reference: str, question: str) -> tuple[str, ...]:
    """The note's key points made checkable: a fragment or a bare formula becomes the reference
    sentence that contains it, a paragraph its clauses; duplicates go."""
    asked = set(content_words(question))
    out: list[str] = []
    for point in points:
        point = point.strip()
        if not point:
            continue
        new = set(content_words(point)) - asked
        if len(point) > LONG_POINT or _FULL_STOP.search(point.rstrip("。！？!?. \n")):
            # a paragraph, or an item of more than one sentence: its statements
            split = key_points_from_reference(point, question)
            out.extend(split or (point,))
        elif len(new) < FRAGMENT_WORDS:
            # a bare formula or a piece of a sentence: checkable only in its sentence
            sentence = _sentence_of(point, reference)
            if sentence and len(set(content_words(sentence)) - asked) >= MIN_WORDS:
                out.append(sentence)
            elif len(new) >= MIN_WORDS:
                out.append(point)
        else:
            out.append(point)
    return tuple(dict.fromkeys(out))[: MAX_POINTS + 4]


def _sentence_of(point: str, reference: str) -> str:
    """The sentence of the reference that contains `point` ("" when it is not there, or the
    sentence is too long to be one point)."""
    sentence = sentence_of(point, reference)
    return sentence if len(sentence) <= 2 * LONG_POINT else ""


def sentence_of(point: str, reference: str) -> str:
    """The sentence (or line) of the reference that contains `point`, "" when none does."""
    at = reference.find(point)
    if at < 0:
        return ""
    start = max(reference.rfind(c, 0, at) for c in "。！？；\n") + 1
    ends = [i for i in (reference.find(c, at + len(point)) for c in "。！？；\n") if i >= 0]
    end = min(ends) + 1 if ends else len(reference)
    return reference[start:end].strip()
