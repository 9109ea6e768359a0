"""Graded exemplars: answers someone already graded for the same question.

A teacher who grades part of a class by hand (`viva calibrate`) has told Viva what good and poor
answers to *this* question look like. A new answer close to a good exemplar is probably good,
close to a poor one probably poor. Three signals carry that into the calibration; they are used
only for questions with at least MIN_EXEMPLARS graded answers.

A student who disputes a grade ("this grade is wrong": their own score) has graded one answer
themselves. That one answer is enough for what is nearly the same answer: a later answer close
to it (USE cosine from DISPUTE_FROM) moves toward the student's score, all the way when it says
the same in other words (DISPUTE_FULL); an answer that says something else is graded as before.
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
# USE cosines of an answer with a disputed one. Chosen on paraphrases of a few answers (not on
# any evaluation set): the same answer reworded or with a word changed sits at 0.96-0.99, a
# different answer to the same question at 0.65-0.75, another topic below 0.3
# (tests/grading/test_disputes.py measures them with the real model).
DISPUTE_FROM = 0.80
DISPUTE_FULL = 0.95


@dataclass(frozen=True, slots=True)
class Exemplar:
    """A graded answer to a question: its text and its score (0-1); `is_dispute` when the
    student gave that score to correct a grade of theirs."""

    answer: str
    score: float
    is_dispute: bool = False
    is_teacher: bool = False  # the score is a teacher's correction (it counts as a dispute)


def dispute_pull(similarities: Sequence[float], scores: Sequence[float]) -> tuple[float, float]:
    """(weight 0-1, score 0-1) of the disputed answer nearest to this one: how far the grade
    moves toward the student's own score, and that score. Weight 0 when none is near."""
    best = max(range(len(similarities)), key=lambda i: similarities[i], default=None)
    if best is None:
        return 0.0, 0.0
    span = DISPUTE_FULL - DISPUTE_FROM
    weight = min(1.0, max(0.0, (similarities[best] - DISPUTE_FROM) / span))
    return weight, float(scores[best])


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
