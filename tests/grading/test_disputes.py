"""Disputed grades: the student's own score of an answer steers the grades of answers that say
nearly the same, and leaves other answers alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write
from viva.grading.exemplars import DISPUTE_FROM, DISPUTE_FULL, dispute_pull
from viva.grading.models import Flag
from viva.service import DisputeError, Viva


def test_dispute_pull_follows_the_nearest_disputed_answer() -> None:
    assert dispute_pull([], []) == (0.0, 0.0)
    assert dispute_pull([0.5, 0.99], [0.2, 0.9]) == (1.0, 0.9)
    weight, score = dispute_pull([DISPUTE_FROM + (DISPUTE_FULL - DISPUTE_FROM) / 2], [0.3])
    assert (round(weight, 6), score) == (0.5, 0.3)
    assert dispute_pull([DISPUTE_FROM - 0.01], [1.0])[0] == 0.0


NOTE = """# 机器学习

## 1. 什么是过拟合？如何缓解？
> 过拟合是指==模型在训练集上表现很好，但在测试集或新数据上表现差==，因为模型
> ==学到了训练数据中的噪声和偶然规律==。缓解方法：==增加数据、正则化（L1/L2、Dropout）、
> 早停、降低模型复杂度==。
"""
ANSWER = "过拟合就是模型把训练数据背下来了，换了新数据就不行。可以多找数据，或者让模型简单一点。"
NEAR = "过拟合就是模型把训练数据背下来了，换成新数据就不行了。可以多找些数据，或让模型简单一点。"
OTHER = "欠拟合是模型太简单，训练集和测试集上都表现差，需要更复杂的模型。"


@pytest.mark.model
def test_after_a_dispute_a_near_identical_answer_moves_toward_the_students_score(
    viva: Viva, vault: Path
) -> None:
    note = write(vault / "ml.md", NOTE)
    viva.import_notes([note.parent], bank="ml")
    (question,) = viva.questions(banks=["ml"])
    _, graded = viva.grade(question.id, ANSWER)
    _, near_before = viva.grade(question.id, NEAR)
    _, other_before = viva.grade(question.id, OTHER)
    mine = 95 if graded.score < 70 else 20  # the student disagrees, whichever way Viva went

    _, regraded = viva.dispute_grade(question.id, ANSWER, mine, note="要点其实都说到了")

    assert regraded.score == mine  # the very answer the student scored
    assert Flag.YOUR_SCORE in regraded.flags
    _, near_after = viva.grade(question.id, NEAR)
    assert abs(near_after.score - mine) < abs(near_before.score - mine)
    assert abs(near_after.score - mine) <= 5  # the same answer in other words: nearly all the way
    assert Flag.YOUR_SCORE in near_after.flags
    _, other_after = viva.grade(question.id, OTHER)
    assert other_after.score == other_before.score  # another answer is graded as before
    assert Flag.YOUR_SCORE not in other_after.flags
    (dispute,) = viva.disputes(question.id)
    assert (dispute.score, dispute.graded, dispute.note) == (
        mine / 100,
        graded.score / 100,
        "要点其实都说到了",
    )


@pytest.mark.model
def test_the_dispute_thresholds_sit_between_rewordings_and_other_answers() -> None:
    """The figures DISPUTE_FROM and DISPUTE_FULL were read from (grading/exemplars.py)."""
    from viva.grading.embedder import get_embedder

    use = get_embedder("use")
    reworded = [
        (ANSWER, NEAR),
        (
            "TCP is connection-oriented and reliable; UDP is connectionless.",
            "TCP is connection oriented and reliable, while UDP is connectionless.",
        ),
    ]
    different = [
        (ANSWER, "过拟合指模型在训练数据上效果好而在新数据上泛化差，解决方法包括 dropout 和早停。"),
        (ANSWER, OTHER),
        (
            "TCP is connection-oriented and reliable; UDP is connectionless.",
            "UDP sends datagrams without a handshake, so it is faster but may lose packets.",
        ),
    ]

    def cosine(a: str, b: str) -> float:
        vectors = use.embed([a, b])
        return float(vectors[0] @ vectors[1])

    assert min(cosine(a, b) for a, b in reworded) >= DISPUTE_FULL
    assert max(cosine(a, b) for a, b in different) < DISPUTE_FROM


def test_a_dispute_needs_an_answer_and_a_score_from_0_to_100(viva: Viva, vault: Path) -> None:
    note = write(vault / "ml.md", NOTE)
    viva.import_notes([note.parent], bank="ml")
    (question,) = viva.questions(banks=["ml"])
    with pytest.raises(DisputeError) as caught:
        viva.dispute_grade(question.id, "  ", 120)
    assert "there is no answer to score" in caught.value.message
    assert "from 0 to 100 (not 120)" in caught.value.message
    assert viva.disputes(question.id) == []
