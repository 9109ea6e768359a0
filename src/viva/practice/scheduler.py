"""A thin adapter over py-fsrs (FSRS-6): the algorithm is fsrs', not ours.

A question's memory state is an fsrs `Card`, kept in its serialised (dict) form so that storage
and the optimizer see exactly what fsrs wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import fsrs

from viva.grading.models import Rating

DEFAULT_RETENTION = 0.9


@dataclass(frozen=True, slots=True)
class Memory:
    """The scheduler's state of one question (a serialised fsrs Card)."""

    card: dict[str, Any]

    @property
    def due(self) -> datetime:
        """When the question is next due."""
        return datetime.fromisoformat(self.card["due"])

    @property
    def stability(self) -> float | None:
        """Days for recall to fall to 90%; None before the first review."""
        value = self.card.get("stability")
        return None if value is None else float(value)

    @property
    def is_learning(self) -> bool:
        """Still in the short learning steps (minutes apart)."""
        return int(self.card["state"]) != int(fsrs.State.Review)


@dataclass(frozen=True, slots=True)
class Review:
    """One review: the rating given and the memory before and after it."""

    rating: Rating
    reviewed_at: datetime
    before: Memory | None  # None: the question's first review
    after: Memory


class Scheduler:
    """FSRS scheduling with a desired retention (default 0.9)."""

    def __init__(self, desired_retention: float = DEFAULT_RETENTION, *, fuzz: bool = True) -> None:
        if not 0.7 <= desired_retention <= 0.99:
            from viva.errors import VivaError

            raise VivaError(
                f"desired retention must be between 0.70 and 0.99 (not {desired_retention})",
                hint="0.9 is the usual choice: about 90% of questions recalled when due",
            )
        self.desired_retention = desired_retention
        self._fsrs = fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)

    def review(self, memory: Memory | None, rating: Rating, *, now: datetime) -> Review:
        """Apply a rating given at `now`; returns the new memory (the old one is not changed)."""
        card = (
            fsrs.Card(card_id=1, due=now)
            if memory is None
            else fsrs.Card.from_dict(cast(Any, memory.card))
        )
        after, _log = self._fsrs.review_card(card, fsrs.Rating(int(rating)), now)
        return Review(rating, now, memory, Memory(dict(after.to_dict())))

    def recall(self, memory: Memory | None, at: datetime) -> float:
        """Predicted probability of recalling the question at `at` (0 for a question never
        reviewed), with no review in between: FSRS's own forgetting curve."""
        if memory is None or memory.stability is None:
            return 0.0
        card = fsrs.Card.from_dict(cast(Any, memory.card))
        return float(self._fsrs.get_card_retrievability(card, at))
