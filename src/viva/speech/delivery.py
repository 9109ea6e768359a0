"""Delivery figures from a transcript's word timings: rate, long pauses, fillers, overtime.

Filler words. 嗯, 呃, um, uh, erm and hmm are always fillers. 那个, 就是, 然后, 啊, like and
"you know" are also ordinary words ("那个模型", "这就是过拟合", "然后我们", "I like it"), so
they count only when they stand apart from the sentence around them:

* 那个, 就是, 然后, like: set off on both sides, by punctuation, the start or end of the
  answer, a pause of 0.3 s or more, a space the recogniser put between Chinese words (it does
  so where the speaker paused), or another filler ("那个，嗯，就是" is three);
  or repeated back to back ("就是就是" — every copy but the last);
* 啊: at the start of a clause ("啊，这个问题"), not as the particle that ends one ("对啊。");
* you know: followed by a clause break ("…, you know, …", "…, you know."), unless it is a
  question ("do you know …").

This keeps precision high at the cost of missing a connective said out of habit
("然后我们……然后……"), which sounds like content to the recogniser as well.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from viva.speech.models import Delivery, Filler, Pause, RateUnit, Transcript, Word

PAUSE_SECONDS = 2.0  # a silence longer than this is a long pause
GAP_SECONDS = 0.3  # a silence this long between two words separates them like a comma

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_ALWAYS = re.compile(r"嗯+|呃+|(?<![A-Za-z])(?:u+m+|u+h+|e+r+m+|h+m+)(?![A-Za-z])", re.IGNORECASE)
_SET_OFF = re.compile(r"那个|就是|然后|(?<![A-Za-z])like(?![A-Za-z])", re.IGNORECASE)
_CLAUSE_START = re.compile(r"啊+")
_YOU_KNOW = re.compile(r"(?<![A-Za-z])you know(?![A-Za-z])", re.IGNORECASE)
_QUESTION_WORDS = frozenset(
    "do did does don't didn't if what would will should could as whether".split()
)


@dataclass(frozen=True, slots=True)
class _Text:
    """The answer as one string, with the word each character came from."""

    text: str
    word_of: tuple[int, ...]  # for every character, the index of its word
    words: tuple[Word, ...]
    language: str

    @classmethod
    def of(cls, words: Sequence[Word], language: str) -> _Text:
        parts: list[str] = []
        owners: list[int] = []
        for index, word in enumerate(words):
            parts.append(word.text)
            owners.extend([index] * len(word.text))
        return cls("".join(parts), tuple(owners), tuple(words), language)

    def start_of(self, offset: int) -> float:
        return self.words[self.word_of[offset]].start

    def _neighbour(self, offset: int, step: int) -> int | None:
        """The nearest non-space character's offset on one side (None: text edge)."""
        i = offset
        while 0 <= i < len(self.text) and self.text[i] == " ":
            i += step
        return i if 0 <= i < len(self.text) else None

    def is_break(self, left_end: int, right_start: int, fillers: set[int]) -> bool:
        """Is there a clause break between text[:left_end] and text[right_start:]?"""
        left = self._neighbour(left_end - 1, -1)
        right = self._neighbour(right_start, 1)
        if left is None or right is None:
            return True
        if _is_punct(self.text[left]) or _is_punct(self.text[right]):
            return True
        if left in fillers or right in fillers:
            return True
        if self.language == "zh" and right - left > 1 and _CJK.match(self.text[left]):
            return True  # a space between Chinese words: the recogniser heard a pause
        left_word, right_word = self.word_of[left], self.word_of[right]
        if left_word != right_word:
            gap = self.words[right_word].start - self.words[left_word].end
            return gap >= GAP_SECONDS
        return False


def _is_punct(char: str) -> bool:
    """Punctuation of any script (，。、﹑…) or a symbol."""
    return unicodedata.category(char)[0] in "PS"


def measure(
    transcript: Transcript,
    *,
    time_limit: float | None = None,
    pause_threshold: float = PAUSE_SECONDS,
) -> Delivery:
    """Delivery figures of a transcript (and the time limit of the question, if any)."""
    words = [w for w in transcript.words if w.text.strip()]
    text = _Text.of(words, transcript.language)
    fillers = find_fillers(text)
    pauses = tuple(
        Pause(a.end, b.start)
        for a, b in itertools.pairwise(words)
        if b.start - a.end > pause_threshold
    )
    speaking = words[-1].end - words[0].start if words else 0.0
    unit = RateUnit.CHARS if transcript.language == "zh" else RateUnit.WORDS
    return Delivery(
        duration=transcript.duration,
        speaking_seconds=max(0.0, speaking),
        units=_count_units(text.text, fillers, unit),
        unit=unit,
        pauses=pauses,
        fillers=fillers,
        text=text.text,
        time_limit=time_limit,
        pause_threshold=pause_threshold,
    )


def find_fillers(text: _Text) -> tuple[Filler, ...]:
    """Fillers by the rules in the module docstring, in order of appearance."""
    found: dict[int, Filler] = {}
    taken: set[int] = set()

    def add(match: re.Match[str], name: str) -> None:
        start, end = match.span()
        found[start] = Filler(name, text.start_of(start), start)
        taken.update(range(start, end))

    for match in _ALWAYS.finditer(text.text):
        add(match, _normal(match.group(0)))
    # Set-off words: repeats first, then isolation (a neighbouring filler counts as a break),
    # twice so that "那个，就是，" chains are settled whatever their order.
    candidates = list(_SET_OFF.finditer(text.text))
    for match in candidates:
        after = _SET_OFF.match(text.text[match.end() :].lstrip(" "))
        if after is not None and after.group(0).casefold() == match.group(0).casefold():
            add(match, _normal(match.group(0)))
    for _ in range(2):
        for match in candidates:
            if match.start() in found:
                continue
            if text.is_break(match.start(), match.start(), taken) and text.is_break(
                match.end(), match.end(), taken
            ):
                add(match, _normal(match.group(0)))
    for match in _CLAUSE_START.finditer(text.text):
        if match.start() not in found and text.is_break(match.start(), match.start(), taken):
            add(match, "啊")
    for match in _YOU_KNOW.finditer(text.text):
        before = _LATIN_WORD.findall(text.text[: match.start()])
        if before and before[-1].casefold() in _QUESTION_WORDS:
            continue
        if text.is_break(match.end(), match.end(), taken):
            add(match, "you know")
    return tuple(found[k] for k in sorted(found))


def _normal(raw: str) -> str:
    """One spelling per filler: "Umm" → "um", "嗯嗯" → "嗯"."""
    lowered = raw.casefold()
    if lowered[0] in "嗯呃":
        return lowered[0]
    for name, pattern in (("um", "u+m+"), ("uh", "u+h+"), ("erm", "e+r+m+"), ("hmm", "h+m+")):
        if re.fullmatch(pattern, lowered):
            return name
    return lowered


def _count_units(text: str, fillers: Sequence[Filler], unit: RateUnit) -> int:
    """Characters (Chinese; an English word counts one) or words said, fillers left out."""
    kept = list(text)
    for filler in fillers:
        for i in range(filler.offset, min(len(kept), filler.offset + _span(text, filler))):
            kept[i] = " "
    rest = "".join(kept)
    latin = len(_LATIN_WORD.findall(rest))
    if unit is RateUnit.WORDS:
        return latin
    return len(_CJK.findall(rest)) + latin


def _span(text: str, filler: Filler) -> int:
    """How many characters of `text` the filler at its offset covers."""
    match = (_ALWAYS.match(text, filler.offset) or _SET_OFF.match(text, filler.offset)) or (
        _CLAUSE_START.match(text, filler.offset) or _YOU_KNOW.match(text, filler.offset)
    )
    return match.end() - match.start() if match else len(filler.text)
