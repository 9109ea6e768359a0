"""What a grade says: the score, each key point's coverage with evidence, flags, feedback."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Coverage(StrEnum):
    """How much of a key point the answer states."""

    COVERED = "covered"
    PARTLY = "partly"
    MISSED = "missed"


class Rating(IntEnum):
    """The spaced-repetition rating a grade suggests (the same scale as FSRS)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Flag(StrEnum):
    """Something about the answer as a whole that the student should know."""

    NO_ANSWER = "no_answer"
    OFF_TOPIC = "off_topic"
    REPEATS_QUESTION = "repeats_question"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TRUNCATED = "truncated"


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets [start, end) into the answer."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class KeyPointResult:
    """One key point: covered or not, how sure, and where the answer says it."""

    text: str
    coverage: Coverage
    confidence: float  # probability the point is covered, 0-1
    evidence: Span | None = None  # when covered or partly covered
    keywords: tuple[str, ...] = ()  # the point's content words (segmented, stemmed)
    context: str = ""  # the reference sentence that states the point: what to read if missed

    @property
    def is_missed(self) -> bool:
        """True when the answer does not state this point."""
        return self.coverage is Coverage.MISSED


@dataclass(frozen=True, slots=True)
class Grade:
    """The result of grading one answer."""

    score: int  # 0-100
    grade: int  # 0-5
    rating: Rating
    key_points: tuple[KeyPointResult, ...]
    flags: tuple[Flag, ...]
    feedback: tuple[str, ...]
    language: str  # "zh", "en" or "mixed": the answer's, for feedback
    similarity: float  # calibrated probability the whole answer matches the reference

    @property
    def covered(self) -> tuple[KeyPointResult, ...]:
        """Key points covered fully or partly."""
        return tuple(k for k in self.key_points if not k.is_missed)

    @property
    def missed(self) -> tuple[KeyPointResult, ...]:
        """Key points the answer did not state."""
        return tuple(k for k in self.key_points if k.is_missed)
