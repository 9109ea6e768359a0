"""Domain objects of speech: what was said and when, and how it was delivered.

Frozen dataclasses with tuples; times are seconds from the start of the recording. No JSON
here (see `viva.wire`), no storage, no model code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word (Chinese: usually one or two characters) with its time span."""

    text: str  # as recognised, with the leading space Whisper gives English words
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech the recogniser decoded as one piece."""

    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Correction:
    """A span of the recognised text replaced by a term of the question it sounds like."""

    heard: str  # as recognised: "此注意力"
    term: str  # what it became: "自注意力"
    start: int  # where the term begins in the corrected text


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was said in a recording."""

    text: str
    language: str  # "zh" or "en"
    duration: float  # of the whole recording, silence included
    segments: tuple[Segment, ...] = ()  # as recognised (word times keep the heard spelling)
    corrections: tuple[Correction, ...] = ()  # made to `text`, in order

    @property
    def raw_text(self) -> str:
        """The text as recognised, before any correction."""
        text = self.text
        for fix in reversed(self.corrections):
            text = text[: fix.start] + fix.heard + text[fix.start + len(fix.term) :]
        return text

    @property
    def words(self) -> tuple[Word, ...]:
        """Every word in order (segments without word times count as one word each)."""
        out: list[Word] = []
        for segment in self.segments:
            if segment.words:
                out.extend(segment.words)
            elif segment.text.strip():
                out.append(Word(segment.text, segment.start, segment.end))
        return tuple(out)


class RateUnit(StrEnum):
    """What the speaking rate counts."""

    CHARS = "chars"  # Chinese characters (an English word inside Chinese counts as one)
    WORDS = "words"  # English words


@dataclass(frozen=True, slots=True)
class Pause:
    """A silence between two words."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        """How long it lasted."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Filler:
    """A filler word (嗯, 那个 used as a filler, um, you know …) and where it was said."""

    text: str  # normalised: "那个", "um"
    start: float  # seconds
    offset: int  # character offset in `Delivery.text`


@dataclass(frozen=True, slots=True)
class Delivery:
    """How an answer sounded: shown beside the content grade, never mixed into it."""

    duration: float  # the whole recording
    speaking_seconds: float  # first word to last word
    units: int  # characters or words said (fillers excluded)
    unit: RateUnit
    pauses: tuple[Pause, ...]  # those over the threshold
    fillers: tuple[Filler, ...]
    text: str  # the text the filler offsets point into
    time_limit: float | None = None
    pause_threshold: float = 2.0

    @property
    def rate(self) -> float:
        """Characters or words per minute of speaking time (0 when nothing was said)."""
        if self.speaking_seconds <= 0:
            return 0.0
        return self.units * 60.0 / self.speaking_seconds

    @property
    def longest_pause(self) -> float:
        """The longest pause in seconds (0 when none went over the threshold)."""
        return max((p.seconds for p in self.pauses), default=0.0)

    @property
    def over_limit(self) -> float:
        """Seconds beyond the time limit (0 when within it or when there is no limit)."""
        if self.time_limit is None:
            return 0.0
        return max(0.0, self.duration - self.time_limit)

    def filler_counts(self) -> dict[str, int]:
        """How often each filler was said, most frequent first."""
        counts: dict[str, int] = {}
        for filler in self.fillers:
            counts[filler.text] = counts.get(filler.text, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
