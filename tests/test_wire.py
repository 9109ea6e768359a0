"""JSON shapes: a grade's four key-point states survive the round trip, old grades still read."""

from __future__ import annotations

from tests.grades import ANSWER, RELU, four_states
from viva.grading.models import Coverage
from viva.practice.interview import Asked, Report, Turn
from viva.wire import grade_from_json, grade_json, report_json


def test_grade_json_names_the_contradiction_and_round_trips() -> None:
    grade = four_states()
    data = grade_json(grade)
    assert [k["coverage"] for k in data["key_points"]] == [
        "covered",
        "contradicted",
        "partly",
        "missed",
    ]
    assert data["key_points"][1]["contradiction"] == {
        "said": "ReLU",
        "expected": "softmax",
        "span": [RELU, RELU + 4],
        "kind": "term",
    }
    assert data["key_points"][0]["contradiction"] is None
    assert data["flags"] == ["other_language"]
    assert grade_from_json(data) == grade


def test_grade_from_json_reads_grades_saved_before_contradictions() -> None:
    old = grade_json(four_states())
    old["key_points"] = [k for k in old["key_points"] if k["coverage"] != "contradicted"]
    for point in old["key_points"]:
        del point["contradiction"]
    grade = grade_from_json(old)
    assert [k.coverage for k in grade.key_points] == [
        Coverage.COVERED,
        Coverage.PARTLY,
        Coverage.MISSED,
    ]
    assert all(k.contradiction is None for k in grade.key_points)


def test_report_turns_list_the_four_states_apart() -> None:
    asked = Asked("专业知识", "缩放点积注意力怎么算？", "参考", ("点积",), 60, "q1")
    turn = Turn(asked, ANSWER, 41.5, four_states())
    report = Report("kaoyan-cs", 38, (("专业知识", 38, 1),), (turn,), ("注意力",), ("q1",))
    data = report_json(report)["turns"][0]
    assert data["covered"] == ["Query 与 Key 做点积"]
    assert data["partly"] == ["除以根号 d_k"]
    assert data["missed"] == ["对 Value 加权求和"]
    assert data["contradicted"] == [
        {"text": "用 softmax 得到注意力权重", "said": "ReLU", "expected": "softmax"}
    ]


def test_transcript_json_shows_the_terms_put_back() -> None:
    from viva.speech.models import Correction, Transcript
    from viva.wire import transcript_json

    transcript = Transcript(
        "自注意力计算序列中任意两个位置",
        "zh",
        3.0,
        corrections=(Correction("此注意力", "自注意力", 0), Correction("修裂", "序列", 6)),
    )
    data = transcript_json(transcript)
    assert data["text"] == "自注意力计算序列中任意两个位置"
    assert data["raw_text"] == "此注意力计算修裂中任意两个位置"
    assert data["corrections"] == [
        {"heard": "此注意力", "term": "自注意力", "start": 0},
        {"heard": "修裂", "term": "序列", "start": 6},
    ]
