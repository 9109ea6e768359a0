"""The score rule: from key-point states and matches to a score a student can check.

Documented in the README ("How answers are graded"). No model and no text here: the grader
decides each point's state and match, this turns them into the score.
"""

from __future__ import annotations

from collections.abc import Sequence

from viva.grading.models import Coverage, KeyPointResult

HARD_MAX = 64  # a contradicted point keeps the rating at Hard or below
COVERED_FLOOR = 0.8  # every key point covered, none contradicted: at least Good
MARKED_SHARE = 0.8  # the note's own key points: their share of the score
RESULT_FLOOR = 0.6  # an answer that states the reference's result (and nothing wrong)
WRONG_RESULT_CAP = 0.3  # an answer whose result is not the reference's


def score_from_points(
    points: Sequence[KeyPointResult],
    whole: float,
    *,
    marked: bool,
    mix: float = 0.5,
    result: bool | None = None,
) -> float:
    """The score rule (0-1), documented in the README; `result` says whether a short answer
    states the reference's result (True), another one (False), or is not judged that way.

    When the note marks its key points (`marked`), they are the teacher's checklist: each earns
    1 covered, 1/2 partly, 0 missed, -1/2 contradicted, and their mean share (at least 0) makes
    80% of the score, the whole answer's match the other 20%. When Viva derived the points from
    a plain reference, they are its guess at the checklist, so the score is half the whole
    answer's match and half the points' mean match (a contradicted point's counts 0). Either
    way, every point covered gives at least 0.8, the right result at least RESULT_FLOOR, a wrong
    one at most WRONG_RESULT_CAP, and any contradicted point caps the grade at Hard."""
    raw = _points_score(points, whole, marked=marked, mix=mix)
    contradicted = any(p.coverage is Coverage.CONTRADICTED for p in points)
    if result is True and not contradicted:
        raw = max(raw, RESULT_FLOOR)
    if result is False:
        raw = min(raw, WRONG_RESULT_CAP)
    if contradicted:
        raw = min(raw, HARD_MAX / 100)
    return raw


def _points_score(
    points: Sequence[KeyPointResult], whole: float, *, marked: bool, mix: float
) -> float:
    if not points:
        return whole
    if marked:
        share = sum(CREDIT[p.coverage] for p in points) / len(points)
        return MARKED_SHARE * max(0.0, share) + (1 - MARKED_SHARE) * whole
    matches = [0.0 if p.coverage is Coverage.CONTRADICTED else p.confidence for p in points]
    raw = mix * whole + (1 - mix) * sum(matches) / len(matches)
    if all(p.coverage is Coverage.COVERED for p in points):
        raw = max(raw, COVERED_FLOOR)
    return raw


CREDIT = {
    Coverage.COVERED: 1.0,
    Coverage.PARTLY: 0.5,
    Coverage.MISSED: 0.0,
    Coverage.CONTRADICTED: -0.5,
}
