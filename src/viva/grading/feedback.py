"""Feedback sentences in the interface's language: what was wrong first, then what was missed."""

from __future__ import annotations

from viva.grading.models import Coverage, Flag, KeyPointResult

_FLAG_TEXT = {
    Flag.NO_ANSWER: ("没有作答。", "No answer was given."),
    Flag.OFF_TOPIC: ("回答似乎偏离了问题。", "The answer seems to be about something else."),
    Flag.REPEATS_QUESTION: (
        "回答基本只是复述了问题，还没有给出内容。",
        "The answer mostly restates the question without answering it.",
    ),
    Flag.TOO_SHORT: (
        "回答过短，展开说明关键点。",
        "The answer is very short: develop the key points.",
    ),
    Flag.TOO_LONG: (
        "回答过长，先说结论再分点。",
        "The answer is very long: lead with the conclusion.",
    ),
    Flag.TRUNCATED: (
        "回答超过 20000 字，只评了前面部分。",
        "Only the first 20,000 characters were graded.",
    ),
    Flag.OTHER_LANGUAGE: (
        "你用另一种语言作答，已按中英对照评分。",
        "You answered in another language than the reference; it was graded across languages.",
    ),
    Flag.TEACHER_SCORE: (
        "老师给几乎相同的回答更正过评分，这次的得分按老师的评分调整了。",
        "Your teacher corrected the grade of a nearly identical answer: this score follows it.",
    ),
    Flag.YOUR_SCORE: (
        "你曾给几乎相同的回答自己打过分，这次的得分按你的评分调整了。",
        "You scored a nearly identical answer yourself before: this score follows yours.",
    ),
}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrong_line(point: KeyPointResult, zh: bool) -> str:
    """ "你说 ReLU，参考答案是 softmax。" for a contradicted point."""
    found = point.contradiction
    if found is None:
        return f"答错了：{_short(point.text)}。" if zh else f"Wrong: {_short(point.text)}."
    said, expected = _short(found.said, 30), _short(found.expected, 50)
    if found.kind == "negation":
        return (
            f"你说“{said}”，参考答案正相反：{expected}。"
            if zh
            else f"You said “{said}”, but the reference says the opposite: {expected}."
        )
    return (
        f"你说“{said}”，参考答案是“{expected}”。"
        if zh
        else f"You said “{said}”; the reference says “{expected}”."
    )


def feedback_lines(
    score: int,
    points: tuple[KeyPointResult, ...],
    flags: tuple[Flag, ...],
    lang: str,
    reference: str,
) -> tuple[str, ...]:
    """A few sentences in `lang` ("zh" or "en"): the wrong statements, the verdict, what was
    missed, what to do next."""
    zh = lang != "en"
    wrong = [p for p in points if p.coverage is Coverage.CONTRADICTED]
    lines = [_wrong_line(p, zh) for p in wrong]
    lines += [_FLAG_TEXT[f][0 if zh else 1] for f in flags]
    if Flag.NO_ANSWER in flags:
        lines.append(
            "参考答案：" + _short(reference, 80) if zh else "Reference: " + _short(reference, 80)
        )
        return tuple(lines)
    covered = [p for p in points if p.coverage is Coverage.COVERED]
    partly = [p for p in points if p.coverage is Coverage.PARTLY]
    missed = [p for p in points if p.coverage is Coverage.MISSED]
    if points:
        if zh:
            lines.append(
                f"覆盖了 {len(covered)}/{len(points)} 个要点"
                + (f"，{len(partly)} 个只提到一部分" if partly else "")
                + (f"，{len(wrong)} 个说错了" if wrong else "")
                + "。"
            )
        else:
            lines.append(
                f"You covered {len(covered)} of {len(points)} key points"
                + (f"; {len(partly)} only in part" if partly else "")
                + (f"; {len(wrong)} stated wrongly" if wrong else "")
                + "."
            )
    if missed:
        first = _short(missed[0].text)
        lines.append(
            f"遗漏：{first}" + ("等。" if len(missed) > 1 else "。")
            if zh
            else f"Missed: {first}" + (" and more." if len(missed) > 1 else ".")
        )
    if wrong:
        lines.append(
            "先把说错的地方对照参考答案改正，再复述一遍。"
            if zh
            else "Correct what was wrong against the reference, then say it again."
        )
    elif score >= 85:
        lines.append("回答完整，继续保持。" if zh else "A complete answer: keep it up.")
    elif score < 40 and not flags:
        lines.append(
            "建议先读一遍参考答案再复述。"
            if zh
            else "Read the reference once, then try again aloud."
        )
    return tuple(lines)
