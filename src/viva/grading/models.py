"""What a grade says: the score, each key point's coverage with evidence, flags, feedback."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Coverage(StrEnum):
    """What the answer does with a key point: states it, states half of it, leaves it out, or
    states something that contradicts it (a swapped term, a wrong number, the opposite verdict)."""

    COVERED = "covered"
    PARTLY = "partly"
    MISSED = "missed"
    CONTRADICTED = "contradicted"


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
    OTHER_LANGUAGE = "other_language"  # answered in another language than the reference's
    TEACHER_SCORE = "teacher_score"  # ... toward a teacher's correction of such an answer
    YOUR_SCORE = "your_score"  # moved toward the student's own score of a near-identical answer


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets [start, end) into the answer."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Where the answer says something that the reference corrects."""

    said: str  # what the answer says, as written ("ReLU", "3", "错误", or the clause)
    expected: str  # what the reference says instead ("softmax", "2", "正确", or its statement)
    span: Span  # where `said` is in the answer
    kind: str  # "term", "number", "negation" or "verdict"


@dataclass(frozen=True, slots=True)
class KeyPointResult:
    """One key point: covered or not, how sure, and where the answer says it."""

    text: str
    coverage: Coverage
    confidence: float  # probability the point is covered, 0-1
    evidence: Span | None = None  # when covered or partly covered
    keywords: tuple[str, ...] = ()  # the point's content words (segmented, stemmed)
    context: str = ""  # the reference sentence that states the point: what to read if missed
    contradiction: Contradiction | None = None  # when contradicted: what was said instead

    @property
    def is_missed(self) -> bool:
        """True when the answer does not state this point."""
        return self.coverage is Coverage.MISSED

    @property
    def is_stated(self) -> bool:
        """True when the answer states the point correctly, fully or in part."""
        return self.coverage in (Coverage.COVERED, Coverage.PARTLY)

    @property
    def further_reading(self) -> str:
        """The reference sentence to read for this point, "" when it says no more than the
        point itself (a point that is a whole sentence)."""
        ends = "。．.；;！!？? \n"
        return "" if self.context.rstrip(ends) == self.text.rstrip(ends) else self.context


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

    def _with(self, coverage: Coverage) -> tuple[KeyPointResult, ...]:
        return tuple(k for k in self.key_points if k.coverage is coverage)

    @property
    def covered(self) -> tuple[KeyPointResult, ...]:
        """Key points stated fully."""
        return self._with(Coverage.COVERED)

    @property
    def partly(self) -> tuple[KeyPointResult, ...]:
        """Key points stated in part."""
        return self._with(Coverage.PARTLY)

    @property
    def missed(self) -> tuple[KeyPointResult, ...]:
        """Key points the answer did not state."""
        return self._with(Coverage.MISSED)

    @property
    def contradicted(self) -> tuple[KeyPointResult, ...]:
        """Key points the answer states wrongly."""
        return self._with(Coverage.CONTRADICTED)


@dataclass(frozen=True, slots=True)
class GradeRequest:
    """One answer to grade: the question, its reference (plain text), key points, the answer."""

    question: str
    reference: str
    answer: str
    key_points: tuple[str, ...] = ()  # empty: derived from the reference
    lang: str | None = None  # the feedback's language ("zh"/"en"); None: the answer's
