"""A saved mock-interview report as Markdown, for sending to a teacher (`viva report --format
md`, and the web report's download link). Works on the saved JSON (see `wire.report_json`),
old reports included: fields added later are read with a default.

The student's answer and the model answer are quoted one after the other with the key points
marked in both: **bold** covered, *italic* partly, ~~struck~~ wrong in the answer, and
==highlighted== (Obsidian's mark) in the model answer what was missed or got wrong.
"""

from __future__ import annotations

from typing import Any

_TEXT = {
    "title": ("模拟面试报告 #{id}", "Mock interview #{id}"),
    "overall": ("总分 {score}/100", "overall {score}/100"),
    "table": ("| 环节 | 得分 | 题数 |", "| stage | score | questions |"),
    "not_filled": (
        "未进行（题库中没有这一环节的题目）",
        "not asked (no bank has questions for it)",
    ),
    "weakest": ("最薄弱的话题：", "Weakest topics: "),
    "review": ("建议接下来复习：", "Review next:"),
    "question": ("第 {n} 题", "Question {n}"),
    "follow_up": ("追问 {n}", "follow-up {n}"),
    "score": (
        "得分 {score}/100 · 用时 {used:.0f} / {allowed} 秒",
        "Score {score}/100 · {used:.0f} of {allowed} s",
    ),
    "timed_out": (" · 时间到", " · time ran out"),
    "answer": ("**你的回答**", "**Your answer**"),
    "reference": ("**参考答案**", "**Model answer**"),
    "no_answer": ("（没有回答）", "(no answer)"),
    "legend": (
        "标记：**粗体** 答到 · *斜体* 部分答到 · ~~删除线~~ 说错 · "
        "==高亮== 参考答案中漏掉或答错的要点",
        "Marks: **bold** covered · *italic* partly · ~~struck~~ wrong · ==highlighted== what the "
        "answer missed or got wrong, in the model answer",
    ),
    "wrong": ("说错", "Got wrong"),
    "covered": ("答到", "Covered"),
    "partly": ("部分答到", "Partly"),
    "missed": ("漏掉", "Missed"),
    "you_said": (
        "（你说“{said}”，参考答案是“{expected}”）",
        " (you said “{said}”; the reference says “{expected}”)",
    ),
    "sep": ("；", "; "),
    "colon": ("：", ": "),
}

_ANSWER_MARKS = {"covered": "**", "partly": "*", "contradicted": "~~"}
_REFERENCE_MARKS = {"covered": "**", "partly": "*", "contradicted": "==", "missed": "=="}


def _t(key: str, lang: str, **values: Any) -> str:
    text = _TEXT[key][1 if lang == "en" else 0]
    return text.format(**values) if values else text


def _quote(segments: list[dict[str, Any]], marks: dict[str, str]) -> str:
    """Segments as a Markdown blockquote, each marked segment wrapped line by line."""
    out = []
    for segment in segments:
        wrap = marks.get(segment["mark"] or "", "")
        pieces = segment["text"].split("\n")
        out.append(
            "\n".join(f"{wrap}{p.strip()}{wrap}" if wrap and p.strip() else p for p in pieces)
        )
    return "> " + "".join(out).strip().replace("\n", "\n> ")


def report_markdown(
    saved: int, data: dict[str, Any], lang: str = "en", finished: str | None = None
) -> str:
    """A saved report as Markdown in `lang` ("zh" or "en")."""
    from viva.wire import grade_from_json, marked_texts

    title = data.get("title_en" if lang == "en" else "title") or data["plan"]
    head = f"# {_t('title', lang, id=saved)} · {title}"
    lines = [
        head,
        "",
        _t("overall", lang, score=data["overall"]) + (f" · {finished}" if finished else ""),
        "",
    ]
    lines += [_t("table", lang), "|---|---:|---:|"]
    for s in data.get("plan_stages") or data["stages"]:
        name = s.get("name_en", s["stage"]) if lang == "en" else s["stage"]
        if s.get("score") is None:
            lines.append(f"| {name} | — | {_t('not_filled', lang)} |")
        else:
            lines.append(f"| {name} | {s['score']} | {s['questions']} |")
    if data["weakest"]:
        lines += ["", _t("weakest", lang) + _t("sep", lang).join(data["weakest"])]
    prompts = {t["question_id"]: t["question"] for t in data["turns"] if t["follow_up_of"] is None}
    review = [prompts[q] for q in data["review_next"] if q in prompts]
    if review:
        lines += ["", _t("review", lang), *(f"- {p}" for p in review)]
    if any("grade" in t for t in data["turns"]):
        lines += ["", _t("legend", lang)]
    sep, colon = _t("sep", lang), _t("colon", lang)
    names = {
        s["stage"]: s.get("name_en", s["stage"]) if lang == "en" else s["stage"]
        for s in data.get("plan_stages", [])
    }
    for n, turn in enumerate(data["turns"], 1):
        number = turn.get("number") or n
        label = _t("question", lang, n=number)
        if turn["follow_up_of"] is not None:
            label += " · " + _t("follow_up", lang, n=turn.get("follow_up") or 1)
        lines += [
            "",
            f"## {label} · {names.get(turn['stage'], turn['stage'])}{colon}{turn['question']}",
            "",
            _t(
                "score",
                lang,
                score=turn["score"],
                used=turn["seconds_used"],
                allowed=turn["seconds_allowed"],
            )
            + (_t("timed_out", lang) if turn.get("timed_out") else ""),
            "",
        ]
        answer = turn["answer"] or ""
        if "grade" in turn and answer:
            said, stated = marked_texts(
                answer, turn.get("reference", ""), grade_from_json(turn["grade"])
            )
            lines += [_t("answer", lang), "", _quote(said, _ANSWER_MARKS)]
        else:
            lines += [
                _t("answer", lang),
                "",
                "> " + (answer or _t("no_answer", lang)).replace("\n", "\n> "),
            ]
            stated = [{"text": turn.get("reference", ""), "mark": None}]
        if turn.get("reference"):
            lines += ["", _t("reference", lang), "", _quote(stated, _REFERENCE_MARKS)]
        # reports saved before partly and contradicted were told apart list them under covered
        wrong = [
            c["text"] + _t("you_said", lang, said=c["said"], expected=c["expected"])
            for c in turn.get("contradicted", ())
        ]
        for key, items in (
            ("wrong", wrong),
            ("covered", turn["covered"]),
            ("partly", turn.get("partly", ())),
            ("missed", turn["missed"]),
        ):
            if items:
                lines += ["", _t(key, lang) + colon + sep.join(items)]
    return "\n".join(lines) + "\n"
