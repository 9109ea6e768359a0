"""Grades a student can trust (issue 16): each failure class, with the real models.

The checks are rankings and states, not exact floats: right beats wrong, a wrong statement is
named, a short exact result is credited, "不知道" is no answer.
"""

from __future__ import annotations

import pytest

from viva.grading.calibration import default_calibration
from viva.grading.embedder import MemoryCache
from viva.grading.models import Coverage, Flag, Grade, Rating
from viva.grading.scorer import Grader, GradeRequest

pytestmark = pytest.mark.model

SDPA_Q = "解释 Scaled Dot-Product Attention 是如何计算的。"
SDPA_REF = (
    "先计算 Query 和 Key 的点积得到注意力分数，再除以 $\\sqrt{d_k}$ 进行缩放：维度较高时点积会变得"
    "很大，导致 softmax 饱和、梯度很小。缩放后经过 softmax 得到注意力权重，最后对 Value 加权求和。"
)
SDPA_POINTS = (
    "Query 和 Key 做点积得到注意力分数",
    "除以根号 d_k 防止点积过大导致 softmax 饱和",
    "softmax 得到的权重对 Value 加权求和",
)
TREE_Q = "高度为 h 的满二叉树有多少个结点？"
TREE_REF = "高度为 h 的满二叉树共有 $2^h-1$ 个结点：第 i 层有 $2^{i-1}$ 个，逐层求和得到。"


@pytest.fixture(scope="module")
def grader() -> Grader:
    return Grader(default_calibration(), cache=MemoryCache())


def sdpa(grader: Grader, answer: str, lang: str | None = None) -> Grade:
    return grader.grade(GradeRequest(SDPA_Q, SDPA_REF, answer, SDPA_POINTS, lang=lang))


def test_good_answer_in_own_words_scores_good(grader: Grader) -> None:
    result = sdpa(
        grader,
        "就是 Q 跟 K 先做点积算相似度，然后除以根号 d_k 缩放一下，不然维度大了点积太大，"
        "softmax 会饱和、梯度很小；缩放完过 softmax 得到权重，再拿权重对 V 加权求和。",
    )
    assert result.score >= 80
    assert result.rating >= Rating.GOOD
    assert not result.contradicted


def test_confidently_wrong_answer_names_the_wrong_term(grader: Grader) -> None:
    wrong = sdpa(
        grader,
        "先把 Query 和 Value 做点积得到分数，再用 ReLU 把分数变成权重，"
        "最后乘 d_k 是为了防止梯度太小。",
    )
    assert wrong.rating <= Rating.HARD
    said = {k.contradiction.said.lower() for k in wrong.contradicted if k.contradiction}
    assert "relu" in said
    assert wrong.feedback[0].startswith("你说")  # the wrong statement is named first


def test_right_beats_partial_beats_wrong(grader: Grader) -> None:
    right = sdpa(
        grader,
        "Q 和 K 点积得到分数，除以根号 d_k 防止 softmax 饱和，softmax 之后对 V 加权求和。",
    )
    partial = sdpa(grader, "Q 和 K 做点积得到注意力分数。")
    wrong = sdpa(grader, "Q 和 K 做点积，再用 ReLU 归一化，对 V 加权求和。")
    assert right.score > partial.score
    assert right.score > wrong.score


@pytest.mark.parametrize("answer", ["2^h - 1", "2 的 h 次方减 1", "$2^{h}-1$", "一共 2^h-1 个"])
def test_short_exact_result_is_credited(grader: Grader, answer: str) -> None:
    result = grader.grade(GradeRequest(TREE_Q, TREE_REF, answer))
    assert result.score >= 60
    assert Flag.TOO_SHORT not in result.flags
    assert Flag.REPEATS_QUESTION not in result.flags


@pytest.mark.parametrize("answer", ["2^h + 1", "2 的 h 次方", "h^2"])
def test_short_wrong_result_is_contradicted(grader: Grader, answer: str) -> None:
    result = grader.grade(GradeRequest(TREE_Q, TREE_REF, answer))
    assert result.score <= 30
    assert result.contradicted


def test_complexity_in_another_notation(grader: Grader) -> None:
    question = "快速排序的平均时间复杂度是多少？"
    reference = "快速排序平均时间复杂度为 $O(n\\log n)$，最坏情况为 $O(n^2)$。"
    right = grader.grade(GradeRequest(question, reference, "O(nlogn)"))
    wrong = grader.grade(GradeRequest(question, reference, "O(n^2)"))
    assert right.score >= 60
    assert wrong.score <= 30


def test_true_false_verdict_decides(grader: Grader) -> None:
    question = "判断正误并说明理由：TCP 是无连接的协议。"
    reference = "错误。TCP 是面向连接的协议，通信前要三次握手建立连接；UDP 才是无连接的。"
    right = grader.grade(GradeRequest(question, reference, "错误，TCP 要先三次握手建立连接。"))
    wrong = grader.grade(GradeRequest(question, reference, "正确，TCP 不需要建立连接。"))
    assert right.score >= 60
    assert wrong.score <= 30
    assert any(k.contradiction and k.contradiction.kind == "verdict" for k in wrong.contradicted)


@pytest.mark.parametrize("answer", ["不知道", "这个我不太清楚，没复习到", "I don't know", "不会。"])
def test_dont_know_is_no_answer(grader: Grader, answer: str) -> None:
    result = sdpa(grader, answer)
    assert result.flags[0] is Flag.NO_ANSWER
    assert Flag.OFF_TOPIC not in result.flags
    assert result.score == 0


def test_feedback_in_the_interface_language(grader: Grader) -> None:
    chinese_answer = sdpa(grader, "Q 和 K 做点积得到注意力分数。", lang="en")
    assert any(line.startswith("You covered") for line in chinese_answer.feedback)
    assert not any("\u4e00" <= line[0] <= "\u9fff" for line in chinese_answer.feedback)
    english = sdpa(
        grader,
        "Take the dot product of Q and K, divide by the square root of d_k so softmax does "
        "not saturate, then weight V by the softmax output.",
        lang="zh",
    )
    assert Flag.OTHER_LANGUAGE in english.flags
    assert any("另一种语言" in line for line in english.feedback)
    assert english.score >= 50  # still graded across languages


def test_enumerated_reference_gives_one_point_per_item(grader: Grader) -> None:
    question = "管道运输有哪些优点？"
    reference = "（1）运量大，能连续输送；（2）占地少，建设周期短；（3）受气候影响小，可靠性高。"
    result = grader.grade(GradeRequest(question, reference, "运量大，受天气影响小。"))
    assert len(result.key_points) == 3
    states = [k.coverage for k in result.key_points]
    assert states[1] is Coverage.MISSED
    assert states[0] is not Coverage.MISSED


def test_choosing_among_the_questions_own_options_is_no_repetition(grader: Grader) -> None:
    """When the question names the possible outcomes, the right one is in its words: saying
    it is an answer, not the question repeated (an answer equal to the reference scored 10)."""
    question = (
        "Denise made a circuit to light a bulb or run a motor with a special switch. "
        "What will happen when she moves the switch to the left?"
    )
    reference = "The bulb will light."
    right = grader.grade(GradeRequest(question, reference, "The bulb will light."))
    wrong = grader.grade(GradeRequest(question, reference, "The motor will run."))
    assert Flag.REPEATS_QUESTION not in right.flags
    assert right.score >= 80
    assert right.score > wrong.score


def test_the_other_reply_to_a_yes_no_question_is_named(grader: Grader) -> None:
    question = "John watered one plant more and fed it more. Was this a fair test? Explain."
    reference = "No. John changed 2 variables at the same time, so he cannot know which mattered."
    wrong = grader.grade(
        GradeRequest(question, reference, "Yes, because he changed the water and the food.")
    )
    right = grader.grade(
        GradeRequest(question, reference, "No, he changed two variables at the same time.")
    )
    assert wrong.contradicted
    assert wrong.score <= 30
    assert right.score > wrong.score
