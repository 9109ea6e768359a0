"""The score rule the README documents, with golden numbers (no models)."""

from __future__ import annotations

import pytest

from viva.grading.models import Coverage, KeyPointResult
from viva.grading.score import score_from_points

C, P, M, X = Coverage.COVERED, Coverage.PARTLY, Coverage.MISSED, Coverage.CONTRADICTED


def points(*states: Coverage, match: float = 0.6) -> list[KeyPointResult]:
    return [KeyPointResult(f"point {i}", s, match) for i, s in enumerate(states)]


def test_marked_points_are_a_checklist() -> None:
    # 3 of 4 covered, one missed: 0.8 * 0.75 + 0.2 * whole
    assert score_from_points(points(C, C, C, M), 0.5, marked=True) == pytest.approx(0.7)
    # partly is half; contradicted costs half, and the share never goes below 0
    assert score_from_points(points(C, P), 0.0, marked=True) == pytest.approx(0.6)
    assert score_from_points(points(X, M), 1.0, marked=True) == pytest.approx(0.2)


def test_derived_points_mix_the_whole_match_and_the_points_match() -> None:
    assert score_from_points(points(P, M, match=0.4), 0.2, marked=False) == pytest.approx(0.3)


@pytest.mark.parametrize("marked", [True, False])
def test_every_point_covered_is_at_least_80(marked: bool) -> None:
    assert score_from_points(points(C, C, match=0.5), 0.0, marked=marked) >= 0.8


@pytest.mark.parametrize("marked", [True, False])
def test_a_contradicted_point_caps_at_hard(marked: bool) -> None:
    assert score_from_points(points(C, C, C, X, match=1.0), 1.0, marked=marked) <= 0.64


def test_a_short_answer_with_the_result_or_another_one() -> None:
    assert score_from_points(points(C, M, M), 0.1, marked=False, result=True) == 0.6
    assert score_from_points(points(C, C), 1.0, marked=False, result=False) == 0.3
    # the right result does not lift an answer that also says something wrong
    assert score_from_points(points(X, M), 0.1, marked=False, result=True) < 0.6
