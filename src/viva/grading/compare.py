"""The answer beside the reference: each key point's state marked in both texts.

A grade carries where the answer states (or contradicts) each key point; this module finds
where the reference states it, and cuts both texts into pieces, each with the state to show
and the numbers of the points it concerns. Pure: the web page (and the interview report)
only render the pieces.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from viva.grading.models import Coverage, Grade, KeyPointResult, Span

#: Where two marks overlap, the state that shows: in the answer a wrong statement matters most;
#: in the reference, what the student got wrong, then what they left out.
ANSWER_PRIORITY = (Coverage.CONTRADICTED, Coverage.PARTLY, Coverage.COVERED)
REFERENCE_PRIORITY = (Coverage.CONTRADICTED, Coverage.MISSED, Coverage.PARTLY, Coverage.COVERED)
MIN_OVERLAP = 0.6  # share of a point's characters a sentence must hold to stand for it

_SENTENCE_END = re.compile(r"[。！？；!?;\n]+|\.(?=\s|$)")
_TEX = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
_CLOSING = frozenset(")）]】」』”’\"'")
_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text with one state to show (None: not part of any key point)."""

    text: str
    state: Coverage | None = None
    points: tuple[int, ...] = ()  # 1-based numbers of the key points it concerns


@dataclass(frozen=True, slots=True)
class PointPlace:
    """One key point, its state, and whether each text shows it."""

    number: int
    text: str
    coverage: Coverage
    in_answer: bool
    in_reference: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    """The answer and the reference cut into marked pieces, and the key points' places."""

    answer: tuple[Piece, ...]
    reference: tuple[Piece, ...]
    points: tuple[PointPlace, ...]


def compare(answer: str, reference: str, grade: Grade) -> Comparison:
    """Mark each key point of `grade` in the answer (its evidence or wrong statement) and in
    the reference (where the reference states it)."""
    in_answer: list[tuple[int, int, Coverage, int]] = []
    in_reference: list[tuple[int, int, Coverage, int]] = []
    places = []
    answer_math, reference_math = _math(answer), _math(reference)
    for number, point in enumerate(grade.key_points, 1):
        span = answer_span(point, len(answer))
        if span is not None:
            span = _around_math(span, answer_math)
            in_answer.append((span.start, span.end, point.coverage, number))
        found = locate(reference, point)
        if found is not None:
            found = _around_math(found, reference_math)
            in_reference.append((found.start, found.end, point.coverage, number))
        places.append(
            PointPlace(number, point.text, point.coverage, span is not None, found is not None)
        )
    return Comparison(
        answer=pieces(answer, in_answer, ANSWER_PRIORITY),
        reference=pieces(reference, in_reference, REFERENCE_PRIORITY),
        points=tuple(places),
    )


def answer_span(point: KeyPointResult, length: int) -> Span | None:
    """Where the answer states the point (a contradicted one: where it says the wrong thing),
    clipped to the answer; None for a missed point."""
    if point.is_missed:
        return None
    found = point.contradiction.span if point.contradiction is not None else point.evidence
    if found is None:
        return None
    start = max(0, min(length, found.start))
    end = max(start, min(length, found.end))
    return Span(start, end) if end > start else None


def locate(reference: str, point: KeyPointResult) -> Span | None:
    """Where `reference` states the point: the point's own words, else the sentence the grader
    quoted for it, else the sentence sharing most of its words (None when none shares enough)."""
    folded, where = _folded(reference)
    for wanted in (point.text, point.context):
        needle = _folded(wanted)[0]
        if not needle:
            continue
        at = folded.find(needle)
        if at >= 0:
            start, end = where[at], where[at + len(needle) - 1] + 1
            if wanted.rstrip()[-1:] in _CLOSING:  # "正则化（L1、L2）": keep its bracket
                while end < len(reference) and reference[end] in _CLOSING:
                    end += 1
            return Span(start, end)
    return _closest_sentence(reference, point.text)


def pieces(
    text: str, spans: Sequence[tuple[int, int, Coverage, int]], priority: Sequence[Coverage]
) -> tuple[Piece, ...]:
    """`text` cut at every span's ends; each piece shows the state that ranks first in
    `priority` among the spans covering it, and names all their points."""
    rank = {state: n for n, state in enumerate(priority)}
    kept = [
        (max(0, s), min(len(text), e), state, n)
        for s, e, state, n in spans
        if state in rank and min(len(text), e) > max(0, s)
    ]
    cuts = sorted({0, len(text), *(s for s, *_ in kept), *(e for _, e, *_ in kept)})
    out: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        if end <= start:
            continue
        covering = [(state, n) for s, e, state, n in kept if s <= start and end <= e]
        state = min((c[0] for c in covering), key=rank.__getitem__, default=None)
        numbers = tuple(sorted({n for _, n in covering}))
        if out and out[-1].state == state and out[-1].points == numbers:
            out[-1] = Piece(out[-1].text + text[start:end], state, numbers)
        else:
            out.append(Piece(text[start:end], state, numbers))
    return tuple(out)


def _math(text: str) -> list[tuple[int, int]]:
    """Where `text` has TeX ($...$, $$...$$): a mark must not cut it, or it cannot be typeset."""
    return [m.span() for m in _TEX.finditer(text)]


def _around_math(span: Span, math: Sequence[tuple[int, int]]) -> Span:
    """`span` widened to whole formulas where it cuts into one."""
    start, end = span.start, span.end
    for left, right in math:
        if left < end and right > start:
            start, end = min(start, left), max(end, right)
    return Span(start, end)


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` compared loosely (case, full/half width, spaces and punctuation ignored), with
    the index in `text` of each character kept."""
    kept: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if folded.isalnum():
                kept.append(folded)
                where.append(index)
    return "".join(kept), where


def _closest_sentence(reference: str, point: str) -> Span | None:
    wanted = set(_WORD.findall(unicodedata.normalize("NFKC", point).casefold()))
    if not wanted:
        return None
    best: tuple[float, int, int] | None = None
    start = 0
    for end_match in [*_SENTENCE_END.finditer(reference), None]:
        end = len(reference) if end_match is None else end_match.start()
        sentence = reference[start:end]
        words = set(_WORD.findall(unicodedata.normalize("NFKC", sentence).casefold()))
        share = len(wanted & words) / len(wanted)
        if share >= MIN_OVERLAP and (best is None or share > best[0]):
            left = len(sentence) - len(sentence.lstrip())
            right = len(sentence.rstrip())
            best = (share, start + left, start + right)
        if end_match is not None:
            start = end_match.end()
    if best is None or best[2] <= best[1]:
        return None
    return Span(best[1], best[2])
