"""The importer on the hand-annotated corpus of note shapes (issue #12's targets)."""

from __future__ import annotations

import pytest

from tests.bank.corpus import ShapeScore, score_corpus, totals


@pytest.fixture(scope="module")
def scores() -> list[ShapeScore]:
    return score_corpus()


def test_corpus_precision_and_recall_per_shape(scores: list[ShapeScore]) -> None:
    low = {
        s.note: (round(s.precision, 2), round(s.recall, 2), s.misses, s.extras)
        for s in scores
        if s.precision < 0.95 or s.recall < 0.95
    }
    assert low == {}


def test_corpus_sections_numbers_and_answers(scores: list[ShapeScore]) -> None:
    result = totals(scores)
    wrong = [w for s in scores for w in s.wrong]
    assert result["sections"] >= 0.98, wrong
    assert result["numbers"] >= 0.98, wrong
    assert result["answers"] >= 0.95, wrong
