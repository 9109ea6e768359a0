"""The answer beside the reference: key points marked in both texts."""

from __future__ import annotations

from viva.grading.compare import Piece, compare, locate, pieces
from viva.grading.models import (
    Contradiction,
    Coverage,
    Grade,
    KeyPointResult,
    Rating,
    Span,
)

REFERENCE = (
    "过拟合是模型在训练集上表现好、在测试集上表现差的现象。"
    "缓解方法有正则化（L1、L2）和 Dropout。"
    "早停也能缓解过拟合。"
)
ANSWER = "过拟合就是训练集好测试集差。可以用 Dropout。激活函数要用 ReLU。"


def point(
    text: str,
    coverage: Coverage,
    evidence: tuple[int, int] | None = None,
    context: str = "",
    contradiction: Contradiction | None = None,
) -> KeyPointResult:
    span = None if evidence is None else Span(*evidence)
    return KeyPointResult(text, coverage, 0.9, span, context=context, contradiction=contradiction)


def grade(*points: KeyPointResult) -> Grade:
    return Grade(60, 3, Rating.HARD, points, (), (), "zh", 0.6)


def shown(result: tuple[Piece, ...]) -> list[tuple[str, str | None, tuple[int, ...]]]:
    return [(p.text, None if p.state is None else p.state.value, p.points) for p in result]


def test_compare_marks_each_state_in_both_texts() -> None:
    dropout = ANSWER.index("Dropout")
    relu = ANSWER.index("ReLU")
    result = compare(
        ANSWER,
        REFERENCE,
        grade(
            point("训练集上表现好、在测试集上表现差", Coverage.COVERED, (0, 13)),
            point("正则化（L1、L2）", Coverage.MISSED),
            point("Dropout", Coverage.PARTLY, (dropout, dropout + 7)),
            point(
                "早停也能缓解过拟合",
                Coverage.CONTRADICTED,
                contradiction=Contradiction("ReLU", "早停", Span(relu, relu + 4), "term"),
            ),
        ),
    )
    answer = shown(result.answer)
    assert ("过拟合就是训练集好测试集差", "covered", (1,)) in answer
    assert ("Dropout", "partly", (3,)) in answer
    assert ("ReLU", "contradicted", (4,)) in answer
    assert "".join(p.text for p in result.answer) == ANSWER  # nothing lost or doubled
    reference = shown(result.reference)
    assert ("训练集上表现好、在测试集上表现差", "covered", (1,)) in reference
    assert ("正则化（L1、L2）", "missed", (2,)) in reference
    assert ("Dropout", "partly", (3,)) in reference
    assert ("早停也能缓解过拟合", "contradicted", (4,)) in reference
    assert "".join(p.text for p in result.reference) == REFERENCE
    assert [(p.number, p.in_answer, p.in_reference) for p in result.points] == [
        (1, True, True),
        (2, False, True),
        (3, True, True),
        (4, True, True),
    ]


def test_locate_ignores_case_width_spaces_and_punctuation() -> None:
    found = locate(REFERENCE, point("正则化(l1,l2)", Coverage.MISSED))
    assert found is not None
    assert REFERENCE[found.start : found.end] == "正则化（L1、L2）"


def test_locate_falls_back_to_the_quoted_sentence_then_to_shared_words() -> None:
    quoted = point("一个改写过的要点", Coverage.MISSED, context="早停也能缓解过拟合。")
    found = locate(REFERENCE, quoted)
    assert found is not None
    assert REFERENCE[found.start : found.end] == "早停也能缓解过拟合"
    english = "Attention weighs the values. Scaling by sqrt(d) keeps the softmax soft."
    reworded = point("scaling by sqrt d keeps softmax from saturating", Coverage.MISSED)
    found = locate(english, reworded)
    assert found is not None
    assert english[found.start : found.end] == "Scaling by sqrt(d) keeps the softmax soft"


def test_a_point_the_reference_does_not_state_is_left_unmarked() -> None:
    result = compare("", REFERENCE, grade(point("梯度消失与梯度爆炸", Coverage.MISSED)))
    assert result.points[0].in_reference is False
    assert all(p.state is None for p in result.reference)


def test_overlapping_marks_show_the_state_that_matters_most() -> None:
    text = "abcdefghij"
    spans = [(0, 6, Coverage.COVERED, 1), (4, 10, Coverage.MISSED, 2)]
    assert shown(pieces(text, spans, (Coverage.MISSED, Coverage.COVERED))) == [
        ("abcd", "covered", (1,)),
        ("ef", "missed", (1, 2)),
        ("ghij", "missed", (2,)),
    ]


def test_spans_outside_the_text_are_clipped_and_a_missed_point_has_no_answer_mark() -> None:
    result = compare(
        "短",
        "参考",
        grade(
            point("x", Coverage.COVERED, (0, 99)),
            point("y", Coverage.MISSED, (0, 1)),  # a stale span on a missed point is not shown
        ),
    )
    assert shown(result.answer) == [("短", "covered", (1,))]
    assert [p.in_answer for p in result.points] == [True, False]


def test_a_mark_never_cuts_a_formula() -> None:
    reference = "访问：数组支持随机访问，时间 $O(1)$；链表只能顺序查找。"
    result = compare("", reference, grade(point("数组支持随机访问，时间 $O(1", Coverage.MISSED)))
    marked = [p.text for p in result.reference if p.state is not None]
    assert marked == ["数组支持随机访问，时间 $O(1)$"]
