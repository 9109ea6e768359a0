"""A grade built by hand with one key point in each of the four states (for rendering tests)."""

from __future__ import annotations

from viva.grading.models import (
    Contradiction,
    Coverage,
    Flag,
    Grade,
    KeyPointResult,
    Rating,
    Span,
)

ANSWER = "先把 Query 和 Key 做点积，再用 ReLU 归一化。"
RELU = ANSWER.index("ReLU")


def four_states() -> Grade:
    """A grade with one key point in each state."""
    return Grade(
        score=38,
        grade=2,
        rating=Rating.HARD,
        key_points=(
            KeyPointResult("Query 与 Key 做点积", Coverage.COVERED, 0.92, Span(3, 18)),
            KeyPointResult(
                "用 softmax 得到注意力权重",
                Coverage.CONTRADICTED,
                0.81,
                Span(RELU, RELU + 4),
                ("softmax", "注意力", "权重"),
                "点积结果经 softmax 得到注意力权重。",
                Contradiction("ReLU", "softmax", Span(RELU, RELU + 4), "term"),
            ),
            KeyPointResult("除以根号 d_k", Coverage.PARTLY, 0.55, Span(RELU + 5, RELU + 8)),
            KeyPointResult("对 Value 加权求和", Coverage.MISSED, 0.08, context="再对 V 加权求和。"),
        ),
        flags=(Flag.OTHER_LANGUAGE,),
        feedback=("你说 ReLU，参考答案是 softmax。",),
        language="zh",
        similarity=0.61,
    )
