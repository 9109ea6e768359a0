"""Contradictions: where an answer states a key point wrongly.

Similarity cannot tell "除以根号 d_k 防止 softmax 饱和" from "乘 d_k，再用 ReLU": the words
around the mistake are the point's own. Real students get points wrong in a few recurring ways,
and each is checked on the part of the answer that talks about the point (a window that matches
it, or shares its words):

- a swapped term: the point names one member of a group of mutually exclusive terms
  (contrasts.txt: softmax/ReLU, encoder/decoder, 栈/队列, 增大/减小 …) and the answer names another
  member there, and never the point's;
- a flipped polarity: the answer's window says the point almost word for word, with a negation
  the point does not have (能 → 不能, is → isn't), or without the one it has;
- a wrong number: the point says "三次握手" and the answer "两次握手" (same unit, another number,
  and the point's number nowhere in the answer); complexities alike (O(1) against O(n)).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from viva.bank.segment import words
from viva.grading.exact import math_form, same_math
from viva.grading.models import Contradiction, Span
from viva.grading.text import Clause, content_words

# a window is about the point when their USE cosine reaches this, or they share a content word
ALIGNED = 0.45
# a negation flip needs the window to say the point nearly word for word
SAME_STATEMENT = 0.6
SAME_WORDS = 0.5

_NEGATORS = frozenset(
    "不 没 没有 无法 不能 不会 不是 不可 不再 不必 无需 无须 并非 未 不用 不要 不应 不该 别 "
    "not no never cannot can't isn't aren't doesn't don't won't wasn't without neither nor".split()
)
_LATIN = re.compile(r"[a-z]")
_NUMBER_UNIT = re.compile(r"(?<![0-9a-z_.^/第])(-?\d+(?:\.\d+)?)\s*([\u4e00-\u9fff]|[a-z]{2,})")
_NEGATED_PHRASE = re.compile(r"(?:不|没有|没|无|非|未)[\u4e00-\u9fff]{2}")
_WRITTEN_NUMBER = re.compile(r"-?[0-9零一二两三四五六七八九十百千万亿.]+")
_COMPLEXITY = re.compile(r"o\([^()]*(?:\([^()]*\))?[^()]*\)")


@dataclass(frozen=True, slots=True)
class _Group:
    alternatives: tuple[tuple[str, ...], ...]
    generic: bool  # everyday words (增大/减小): a swap counts only where the answer is on the point


@cache
def contrast_groups() -> tuple[_Group, ...]:
    """The groups of mutually exclusive terms shipped in contrasts.txt."""
    text = resources.files("viva.grading").joinpath("contrasts.txt").read_text("utf-8")
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        generic = line.startswith("~")
        alternatives = tuple(
            tuple(s.strip().lower() for s in alt.split(",") if s.strip())
            for alt in line.lstrip("~").split("|")
        )
        groups.append(_Group(alternatives, generic))
    return tuple(groups)


def _members(group: _Group, text: str, tokens: frozenset[str]) -> dict[int, tuple[str, int]]:
    """The group's alternatives a text names: index -> (spelling, offset). A spelling inside a
    longer spelling of the group ("对称加密" in "非对称加密") names only the longer one."""
    taken: list[tuple[int, int]] = []  # spans of longer spellings already found
    found: dict[int, tuple[str, int]] = {}
    spellings = sorted(
        ((s, i) for i, alt in enumerate(group.alternatives) for s in alt),
        key=lambda si: -len(si[0]),
    )
    for spelling, index in spellings:
        if index in found:
            continue
        for at in _positions(spelling, text, tokens):
            if not any(a <= at < b for a, b in taken):
                found[index] = (spelling, at)
                taken.append((at, at + len(spelling)))
                break
    return found


def _positions(spelling: str, text: str, tokens: frozenset[str]) -> list[int]:
    """Every offset where `spelling` occurs as a term."""
    if _LATIN.search(spelling):
        pattern = rf"(?<![a-z0-9]){re.escape(spelling)}(?![a-z0-9])"
        return [m.start() for m in re.finditer(pattern, text)]
    if len(spelling) >= 3 or spelling in tokens:
        return [m.start() for m in re.finditer(re.escape(spelling), text)]
    return []


@dataclass(frozen=True, slots=True)
class _View:
    text: str  # lower-cased
    tokens: frozenset[str]
    words: frozenset[str]  # content words

    @classmethod
    def of(cls, text: str) -> _View:
        return cls(
            text.lower(),
            frozenset(words(text, keep_stopwords=True)),
            frozenset(content_words(text)),
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer read once for the checks of all its key points: the question, the whole answer,
    and each window's words and numbers (segmenting them again for every point was the cost)."""

    answer: str
    question: _View
    whole: _View
    windows: tuple[Clause, ...]
    views: tuple[_View, ...]
    numbers: tuple[tuple[tuple[str, str], ...], ...]  # per window: (number, unit)
    stated: frozenset[str]  # every number of the answer, canonical
    # the reference's own negated phrases (不可剥夺, 非抢占): terms, not a negation by the answer
    terms: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, question: str, answer: str, windows: Sequence[Clause], reference: str = ""
    ) -> Reading:
        """Read the answer and its windows (clauses and clause pairs, offsets into `answer`)."""
        return cls(
            answer,
            _View.of(question),
            _View.of(answer),
            tuple(windows),
            tuple(_View.of(w.text) for w in windows),
            tuple(tuple(_numbers(w.text)) for w in windows),
            frozenset(n for n, _ in _numbers(answer)),
            frozenset(_NEGATED_PHRASE.findall(reference)),
        )


def find_contradiction(
    point: str, reading: Reading, similarity: Sequence[float]
) -> Contradiction | None:
    """The first way the answer contradicts the point (term, number, negation), or None.

    `similarity` holds the USE cosine of the point with each of the reading's windows.
    """
    if not reading.windows:
        return None
    p = _View.of(point)
    own = p.words - reading.question.words
    aligned = [
        i
        for i, v in enumerate(reading.views)
        if similarity[i] >= ALIGNED or (own and own & v.words)
    ]
    aligned.sort(key=lambda i: -similarity[i])
    return (
        _swapped_term(p, reading, aligned, similarity)
        or _wrong_number(point, reading, aligned)
        or _flipped(point, p, reading, similarity)
    )


def _swapped_term(
    p: _View, reading: Reading, aligned: Sequence[int], similarity: Sequence[float]
) -> Contradiction | None:
    q, whole, windows, views = reading.question, reading.whole, reading.windows, reading.views
    everywhere = sorted(range(len(windows)), key=lambda i: -similarity[i])
    for group in contrast_groups():
        named = _members(group, p.text, p.tokens)
        if len(named) >= 2:
            found = _swapped_pair(group, named, p, windows, views, aligned)
            if found is not None:
                return found
            continue
        if len(named) != 1:
            continue
        (expected_index, (expected, _)) = next(iter(named.items()))
        asked = _members(group, q.text, q.tokens)  # the question's own terms are its subject
        if expected_index in _members(group, whole.text, whole.tokens):
            continue  # the answer names the point's term somewhere: no swap
        for i in aligned if group.generic else everywhere:
            in_window = _members(group, views[i].text, views[i].tokens)
            said = {k: v for k, v in in_window.items() if k != expected_index and k not in asked}
            if said:
                spelling, at = next(iter(said.values()))
                start = windows[i].start + at
                return Contradiction(
                    windows[i].text[at : at + len(spelling)],
                    expected,
                    Span(start, start + len(spelling)),
                    "term",
                )
    return None


def _swapped_pair(
    group: _Group,
    named: dict[int, tuple[str, int]],
    p: _View,
    windows: Sequence[Clause],
    views: Sequence[_View],
    aligned: Sequence[int],
) -> Contradiction | None:
    """Two terms of a group the point pairs with their roles ("GPT 用解码器，BERT 用编码器",
    "公钥加密、私钥解密"), said in the answer with the roles the other way round: each term
    stands where the other stood, next to the same words."""
    spellings = {sp for alt in group.alternatives for sp in alt}
    for i in aligned:
        found = _members(group, views[i].text, views[i].tokens)
        if set(found) != set(named):
            continue
        shared = [w for w in p.words & views[i].words if w not in spellings and len(w) > 1]
        if len(shared) < 2:
            continue
        point_roles = {k: _role(p.text, at, len(sp), shared) for k, (sp, at) in named.items()}
        window_roles = {
            k: _role(views[i].text, at, len(sp), shared) for k, (sp, at) in found.items()
        }
        pairs = [(a, b) for a in named for b in named if a < b]
        for a, b in pairs:
            for side in (0, 1):
                pa, pb = point_roles[a][side], point_roles[b][side]
                wa, wb = window_roles[a][side], window_roles[b][side]
                if pa and pb and pa != pb and (wa, wb) == (pb, pa):
                    # the answer puts term a where the reference has term b
                    spelling, at = found[a]
                    start = windows[i].start + at
                    return Contradiction(
                        windows[i].text[at : at + len(spelling)],
                        named[b][0],
                        Span(start, start + len(spelling)),
                        "term",
                    )
    return None


def _role(text: str, at: int, size: int, anchors: Sequence[str]) -> tuple[str, str]:
    """The shared words nearest before and after a term: what the text says it does."""
    before = after = ""
    best_before, best_after = -1, len(text) + 1
    for word in anchors:
        for match in re.finditer(re.escape(word), text):
            if match.end() <= at and match.start() > best_before:
                best_before, before = match.start(), word
            elif match.start() >= at + size and match.start() < best_after:
                best_after, after = match.start(), word
    return before, after


def _numbers(text: str) -> list[tuple[str, str]]:
    """(number, unit) pairs of a text in canonical form, and complexities as ("o(...)", "o")."""
    form = math_form(text)
    found = [(m.group(1), m.group(2)) for m in _NUMBER_UNIT.finditer(form)]
    found += [(m.group(0), "o") for m in _COMPLEXITY.finditer(form)]
    return found


def _wrong_number(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    wanted = _numbers(point)
    if not wanted:
        return None
    windows, answer = reading.windows, reading.answer
    for number, unit in wanted:
        if any(same_math(number, s) for s in reading.stated):
            continue
        for i in aligned:
            for said, said_unit in reading.numbers[i]:
                if said_unit == unit and not same_math(said, number):
                    at, size = _find_number(windows[i].text, said, unit)
                    start = windows[i].start + max(at, 0)
                    size = size if at >= 0 else len(windows[i].text)
                    where, length = _find_number(point, number, unit)
                    expected = point[where : where + length] if where >= 0 else number + unit
                    return Contradiction(
                        answer[start : start + size],
                        expected,
                        Span(start, start + size),
                        "number",
                    )
    return None


def _find_number(text: str, canonical: str, unit: str) -> tuple[int, int]:
    """Where a canonical number is written in `text` with its unit ("三次", "O(n)"), and how
    long that is; (-1, 0) when it cannot be found."""
    if canonical.startswith("o("):
        match = re.search(r"[OoΘθ]\s*\([^()]*(?:\([^()]*\))?[^()]*\)", text)
        return (match.start(), len(match.group(0))) if match else (-1, 0)
    for match in _WRITTEN_NUMBER.finditer(text):
        after = text[match.end() :].lstrip()
        if after.lower().startswith(unit) and same_math(math_form(match.group(0)), canonical):
            return match.start(), len(text[match.start() :]) - len(after) + len(unit)
    return -1, 0


_NOT_NEGATIONS = frozenset(
    "不同 不断 不仅 不但 不管 不论 不少 不过 不错 不久 不如 不停 不时 不妨 不得不 不然 不光 "
    "无论 非常 未来 无数 不足 无限 非线性 无监督 非对称 非对称加密 非聚簇索引 不一定".split()
)


def _is_negation(token: str) -> bool:
    """A negation word (不, 不能, 不容易, not …): a word of its own, or one that starts with
    不/没/无/非/未 and is not a word of its own meaning (不同, 非常, 无论 …)."""
    if token in _NEGATORS:
        return True
    return len(token) >= 2 and token[0] in "不没无非未" and token not in _NOT_NEGATIONS


def _negations(view: _View) -> int:
    return sum(1 for t in view.tokens if _is_negation(t))


def _flipped(
    point: str, p: _View, reading: Reading, similarity: Sequence[float]
) -> Contradiction | None:
    """Only the best-matching window: a negation elsewhere is another statement."""
    best = max(range(len(reading.windows)), key=lambda i: similarity[i])
    if similarity[best] < SAME_STATEMENT:
        return None
    own = {w for w in p.words - reading.question.words if not _is_negation(w)} or set(p.words)
    view = reading.views[best]
    # "不可剥夺和循环等待" negates nothing about 循环等待: 不可剥夺 is another term of the reference
    others = [t for t in reading.terms if t not in point]
    if others:
        text = reading.windows[best].text
        for term in others:
            text = text.replace(term, " ")
        view = _View.of(text)
    shared = len(own & view.words) / max(1, len(own))
    if shared < SAME_WORDS or (_negations(p) > 0) == (_negations(view) > 0):
        return None
    window = reading.windows[best]
    return Contradiction(window.text, point, Span(window.start, window.end), "negation")
