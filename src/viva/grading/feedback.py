"""Feedback sentences in the answer's language (Chinese for Chinese and mixed answers)."""

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
}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def feedback_lines(
    score: int,
    points: tuple[KeyPointResult, ...],
    flags: tuple[Flag, ...],
    lang: str,
    reference: str,
) -> tuple[str, ...]:
    """A few sentences: the verdict, what was missed, what to do next."""
    zh = lang != "en"
    lines = [_FLAG_TEXT[f][0 if zh else 1] for f in flags]
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
                + (f"，{len(partly)} 个只提到一部分。" if partly else "。")
            )
        else:
            lines.append(
                f"You covered {len(covered)} of {len(points)} key points"
                + (f"; {len(partly)} only in part." if partly else ".")
            )
    if missed:
        first = _short(missed[0].text)
        lines.append(
            f"遗漏：{first}" + ("等。" if len(missed) > 1 else "。")
            if zh
            else f"Missed: {first}" + (" and more." if len(missed) > 1 else ".")
        )
    if score >= 85:
        lines.append("回答完整，继续保持。" if zh else "A complete answer: keep it up.")
    elif score < 40 and not flags:
        lines.append(
            "建议先读一遍参考答案再复述。"
            if zh
            else "Read the reference once, then try again aloud."
        )
    return tuple(lines)
