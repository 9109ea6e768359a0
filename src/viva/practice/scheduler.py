"""A thin adapter over py-fsrs (FSRS-6): the algorithm is fsrs', not ours.

A question's memory state is an fsrs `Card`, kept in its serialised (dict) form so that storage
and the optimizer see exactly what fsrs wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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

    def __init__(
        self,
        desired_retention: float = DEFAULT_RETENTION,
        *,
        fuzz: bool = True,
        parameters: tuple[float, ...] | None = None,
    ) -> None:
        if not 0.7 <= desired_retention <= 0.99:
            from viva.errors import VivaError

            raise VivaError(
                f"desired retention must be between 0.70 and 0.99 (not {desired_retention})",
                hint="0.9 is the usual choice: about 90% of questions recalled when due",
            )
        self.desired_retention = desired_retention
        weights = parameters if parameters is not None else fsrs.Scheduler().parameters
        self._fsrs = fsrs.Scheduler(
            parameters=weights, desired_retention=desired_retention, enable_fuzzing=fuzz
        )
        # forecasts must not depend on the random fuzz spreading real due dates
        self._plain = fsrs.Scheduler(
            parameters=weights, desired_retention=desired_retention, enable_fuzzing=False
        )

    def review(self, memory: Memory | None, rating: Rating, *, now: datetime) -> Review:
        """Apply a rating given at `now`; returns the new memory (the old one is not changed)."""
        card = (
            fsrs.Card(card_id=1, due=now)
            if memory is None
            else fsrs.Card.from_dict(cast(Any, memory.card))
        )
        after, _log = self._fsrs.review_card(card, fsrs.Rating(int(rating)), now)
        return Review(rating, now, memory, Memory(dict(after.to_dict())))

    def follow_good(
        self, memory: Memory | None, start: datetime, end: datetime, cache: dict[Any, Any]
    ) -> tuple[list[datetime], float]:
        """Review at every due date from `start` until `end`, always rated Good.

        Returns the review times and the predicted recall at `end`. A memory (or a new
        question, `memory` None, first seen at `start`) always takes the same path relative to
        its first review, so paths are computed once per distinct state and shifted (`cache`).
        """
        if memory is None:
            key: Any = "new"
            first = start
            card = fsrs.Card(card_id=1, due=start)
        else:
            c = memory.card
            # states this close follow the same path for a forecast's purpose: stability to
            # two significant digits, difficulty to 0.1 (of 1-10)
            stability = float(c["stability"] or 0)
            key = (
                c["state"],
                c["step"],
                float(f"{stability:.2g}"),
                round(float(c["difficulty"] or 0), 1),
            )
            first = max(memory.due, start)
            card = fsrs.Card.from_dict(cast(Any, c))
        path = cache.get(key)
        if path is None:
            path = self._path(card, first, end - start)
            cache[key] = path
        times = [first + offset for offset, _ in path]
        taken = [t for t in times if t < end]
        if not taken:
            return [], self.recall(memory, end) if memory is not None else 0.0
        offset, last = path[len(taken) - 1]
        shift = first + offset - cast(datetime, last.last_review)
        moved = fsrs.Card(
            card_id=1,
            state=last.state,
            step=last.step,
            stability=last.stability,
            difficulty=last.difficulty,
            due=last.due + shift,
            last_review=cast(datetime, last.last_review) + shift,
        )
        return taken, float(self._plain.get_card_retrievability(moved, end))

    def _path(self, card: fsrs.Card, first: datetime, span: timedelta) -> list[tuple[Any, Any]]:
        """Good reviews from `first` on, over `span`: (offset from first, card after)."""
        path = []
        at = first
        horizon = first + span
        while at < horizon:
            card, _ = self._plain.review_card(card, fsrs.Rating.Good, at)
            path.append((at - first, card))
            at = card.due
        return path

    def recall(self, memory: Memory | None, at: datetime) -> float:
        """Predicted probability of recalling the question at `at` (0 for a question never
        reviewed), with no review in between: FSRS's own forgetting curve."""
        if memory is None or memory.stability is None:
            return 0.0
        card = fsrs.Card.from_dict(cast(Any, memory.card))
        return float(self._fsrs.get_card_retrievability(card, at))


def optimize_parameters(
    logs: Sequence[tuple[str, int, datetime]],
) -> tuple[float, ...]:
    """Fit FSRS parameters to a review history with fsrs' own optimizer.

    `logs` are (question id, rating, reviewed at). Needs fsrs' optional dependencies (PyTorch).

    Raises:
        VivaError: PyTorch is not installed, or the history is too short to fit.
    """
    from viva.errors import VivaError

    try:
        import torch  # noqa: F401  (fsrs' optimizer is defined only when torch imports)
    except ImportError:
        raise VivaError(
            "FSRS's optimizer runs on PyTorch, which Viva does not install by default "
            "(it adds hundreds of MB and seconds of start-up to every command)",
            hint="pip install 'viva-coach[optimizer]', then run `viva optimize` again",
        ) from None
    from fsrs import Optimizer, ReviewLog

    ids: dict[str, int] = {}
    review_logs = [
        ReviewLog(
            card_id=ids.setdefault(qid, len(ids) + 1),
            rating=fsrs.Rating(rating),
            review_datetime=at,
            review_duration=None,
        )
        for qid, rating, at in logs
    ]
    return tuple(float(w) for w in Optimizer(review_logs).compute_optimal_parameters())
