"""The importer's note model: what reading one note yields, before links are resolved.

Plain data only; `markdown.py` builds it and `vault.py` resolves it into `Question`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from viva.bank.models import KeyPoint, NoteProblem


class QuestionMode(StrEnum):
    """Which shapes make questions (`viva import --questions`)."""

    AUTO = "auto"  # every shape, decided by the text and the note's own pattern
    HEADINGS = "headings"  # every heading with a body of its own; lists are answers
    LISTS = "lists"  # every top-level list item; headings are sections
    CARDS = "cards"  # explicit markers only: Q:/A:, 问：/答：, ::, ?, callouts, <details>


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
    tags: tuple[str, ...] = ()  # the card's own `#flashcards/…` tags
    key: str | None = None  # an identity the source gives it (an Anki note's GUID): see ids.py


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
    block_ids: dict[str, tuple[int, int]] = field(default_factory=dict)  # ^id -> lines
