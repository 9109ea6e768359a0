"""Graded exemplars: answers someone already graded for the same question.

A teacher who grades part of a class by hand (`viva calibrate`) has told Viva what good and poor
answers to *this* question look like. A new answer close to a good exemplar is probably good,
close to a poor one probably poor. Three signals carry that into the calibration; they are used
only for questions with at least MIN_EXEMPLARS graded answers.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from viva.grading.embedder import Vectors

EXEMPLAR_FEATURES = ("exemplar_good", "exemplar_poor", "exemplar_neighbours")
MIN_EXEMPLARS = 3
NEIGHBOURS = 5


@dataclass(frozen=True, slots=True)
class Exemplar:
    """A graded answer to a question: its text and its score (0-1)."""

    answer: str
    score: float


class ExemplarSource(Protocol):
    """Where graded exemplars come from (the database implements it)."""

    def exemplars_for(self, question: str) -> Sequence[Exemplar]:
        """The graded answers to this question (matched on its normalised text)."""
        ...


def exemplar_key(question: str) -> str:
    """The key exemplars are filed under: the question's text, width, case and space folded."""
    text = "".join(unicodedata.normalize("NFKC", question).casefold().split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class MemoryExemplars:
    """Exemplars held in memory (benchmarks, tests, one-off batches)."""

    def __init__(self, items: Iterable[tuple[str, Exemplar]] = ()) -> None:
        self._by_key: dict[str, list[Exemplar]] = defaultdict(list)
        for question, exemplar in items:
            self._by_key[exemplar_key(question)].append(exemplar)

    def exemplars_for(self, question: str) -> Sequence[Exemplar]:
        """The exemplars filed under this question."""
        return self._by_key.get(exemplar_key(question), [])


def exemplar_signals(
    pairs: Sequence[tuple[Vectors, Vectors]],
    scores: Sequence[float],
) -> npt.NDArray[np.float64]:
    """Nearest good exemplar, nearest poor exemplar, and the similarity-weighted score of the
    nearest few. `pairs` holds, per embedding model, the answer's vector and the exemplars'
    vectors; the similarity is the mean of the models' cosines."""
    sims = np.mean([exemplars @ answer for answer, exemplars in pairs], axis=0)
    grades = np.asarray(scores, dtype=np.float64)
    good = sims[grades >= 0.5]
    poor = sims[grades < 0.5]
    order = np.argsort(-sims)[:NEIGHBOURS]
    weights = np.maximum(sims[order], 1e-6)
    return np.asarray(
        [
            float(good.max()) if good.size else 0.0,
            float(poor.max()) if poor.size else 0.0,
            float(np.average(grades[order], weights=weights)),
        ]
    )
