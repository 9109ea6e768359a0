"""Follow-up quality (issue 14): the share of follow-ups a person judged good on four counts.

Generates the follow-ups the interview asks after complete, partial, wrong and off-topic
answers (the real grader, the interview's own code path) over the seed note and a sample of the
built-in bank, and matches them to `data/follow_ups.jsonl`, where each one was labelled by hand:

- natural: reads like something a panel says, in good Chinese / English;
- answerable: a student who knows the material can answer it;
- no_giveaway: it does not state the missing answer;
- relevant: it follows from the question and the answer.

Prints the share passing all four among the regenerated follow-ups (target >= 90%) and the share
not labelled yet (the figure counts only when that is 0: label them, then run again).

    python bench/follow_up_bench.py            # the figures
    python bench/follow_up_bench.py --write    # refresh the fixture, keeping matching labels
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from viva.config import load_settings
from viva.practice.interview import InterviewPlan, MockInterview, Stage
from viva.service import Viva

HERE = Path(__file__).parent
FIXTURE = HERE / "data" / "follow_ups.jsonl"
SEED = HERE.parent / "tests" / "data" / "seed-note.txt"
TARGET = 0.90
LABELS = ("natural", "answerable", "no_giveaway", "relevant")
OFF_TOPIC = {
    "zh": "我平时喜欢打篮球和爬山，周末也常和朋友去看电影，觉得这样能放松心情。",
    "en": "I like playing basketball and hiking, and at weekends I often watch films with friends.",
}
KINDS = ("complete", "partial", "wrong", "off_topic")
BUILTIN_EVERY = 14  # every 14th gradable built-in question (a spread over its sections)


def _lang(text: str) -> str:
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"


# a wrong answer says the first point the other way round: the first of these found is swapped
_SWAPS = (
    ("增加", "减少"),
    ("减少", "增加"),
    ("提高", "降低"),
    ("降低", "提高"),
    ("大于", "小于"),
    ("小于", "大于"),
    ("越大", "越小"),
    ("越小", "越大"),
    ("可以", "不能"),
    ("能够", "不能"),
    ("不是", "是"),
    ("不能", "能"),
    ("没有", "有"),
    ("是", "不是"),
    ("有", "没有"),
    (" is not ", " is "),
    (" is ", " is not "),
    (" can ", " cannot "),
    ("more", "less"),
    ("higher", "lower"),
    ("lower", "higher"),
    ("increase", "decrease"),
)


def _wrong(text: str) -> str:
    """The statement turned round ("…能够并行…" -> "…不能并行…")."""
    for old, new in _SWAPS:
        if old in text:
            return text.replace(old, new, 1)
    return ("我觉得不是这样：" if _lang(text) == "zh" else "I do not think so: ") + text


def _answers(questions: list[Any], index: int) -> dict[str, str]:
    """The four kinds of answer to a question: its reference, its first point, that point
    said the other way round, a hobby."""
    from viva.grading.text import to_plain

    q = questions[index]
    reference = to_plain(q.reference or "")
    first = q.key_points[0].text if q.key_points else reference.split("。")[0]
    return {
        "complete": reference,
        "partial": first,
        "wrong": _wrong(first),
        "off_topic": OFF_TOPIC[_lang(q.prompt)],
    }


def generate(viva: Viva) -> list[dict[str, Any]]:
    """Every follow-up the interview asks in the benchmark's situations, in a fixed order."""
    questions = [q for q in viva.questions(banks=["all"]) if q.has_reference]
    seed = [q for q in questions if q.bank != "builtin"]
    builtin = [q for q in questions if q.bank == "builtin"][::BUILTIN_EVERY]
    out: list[dict[str, Any]] = []
    for group in (seed, builtin):
        for index, q in enumerate(group):
            answers = _answers(group, index)
            # two kinds per question, rotating, so each kind meets every sort of question
            for kind in (KINDS[index % 4], KINDS[(index + 2) % 4]):
                out.extend(_follow_ups(viva, q, kind, answers[kind]))
    return out


def _follow_ups(viva: Viva, q: Any, kind: str, answer: str) -> list[dict[str, Any]]:
    stage = Stage("bench", tuple(q.section), 1, 120, follow_ups=2)
    plan = InterviewPlan("bench", "bench", (stage,))
    digest = hashlib.sha256(f"{q.id}:{kind}".encode()).hexdigest()
    interview = MockInterview(
        plan=plan,
        queue=[(stage, q)],
        _rng=random.Random(int(digest[:12], 16)),
        _by_id={x.id: x for x in viva.questions(banks=[q.bank]) if x.has_reference},
    )
    asked = interview.next()
    assert asked is not None
    interview.answer(answer, 30.0, viva.grade_asked(asked, answer))
    rows = []
    while (follow := interview.next()) is not None:
        rows.append(
            {
                "key": f"{q.id}:{kind}:{follow.follow_up}",
                "question": q.prompt,
                "answer_kind": kind,
                "answer": answer[:120],
                "prompt": follow.prompt,
                "kind": follow.kind,
                "template": follow.template,
            }
        )
        interview.answer("", 0.0, viva.grade_asked(follow, ""))
    return rows


def load_fixture() -> dict[tuple[str, str], dict[str, Any]]:
    """The labelled follow-ups by (key, prompt): a label holds for the words it was given to."""
    if not FIXTURE.exists():
        return {}
    rows = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines() if line.strip()]
    return {(row["key"], row["prompt"]): row for row in rows}


def main() -> None:
    write = "--write" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        viva = Viva(load_settings({"VIVA_HOME": str(Path(tmp) / "home"), "VIVA_BUILTIN_BANK": "1"}))
        try:
            viva.import_notes([SEED], bank="seed")
            rows = generate(viva)
        finally:
            viva.close()
    labelled = load_fixture()
    merged = []
    unlabelled = 0
    passing = 0
    failures: list[dict[str, Any]] = []
    for row in rows:
        old = labelled.get((row["key"], row["prompt"]))
        same = old is not None and old.get("labels")
        labels = old["labels"] if same and old else None
        merged.append(
            {**row, "labels": labels, "reason": old.get("reason", "") if same and old else ""}
        )
        if labels is None:
            unlabelled += 1
        elif all(labels[k] for k in LABELS):
            passing += 1
        else:
            failures.append(merged[-1])
    if write:
        FIXTURE.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in merged), encoding="utf-8"
        )
        print(f"wrote {len(merged)} follow-ups to {FIXTURE}")
    judged = len(rows) - unlabelled
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row["answer_kind"]] = kinds.get(row["answer_kind"], 0) + 1
    print(f"follow-ups generated: {len(rows)} ({', '.join(f'{k} {n}' for k, n in kinds.items())})")
    print(f"not labelled yet: {unlabelled}/{len(rows)} = {unlabelled / max(1, len(rows)):.1%}")
    for label in LABELS:
        good = sum(1 for r in merged if r["labels"] and r["labels"][label])
        print(f"  {label:12} {good}/{judged}")
    share = passing / judged if judged else 0.0
    met = share >= TARGET and unlabelled == 0
    print(
        f"pass all four: {passing}/{judged} = {share:.1%} (target >= {TARGET:.0%}; "
        f"{'met' if met else 'NOT met' + (' (label the rest)' if unlabelled else '')})"
    )
    for row in failures:
        print(f"  ✗ {row['prompt']}  [{row['reason']}]")


if __name__ == "__main__":
    main()
