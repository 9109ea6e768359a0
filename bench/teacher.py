"""The teacher-ordered set and the short-exact set (bench/data/), with plain-cosine baselines.

teacher_set.jsonl: 481 answers to 66 questions (the seed note and the built-in bank; Chinese,
English and mixed), each of a known kind (complete, paraphrase, partial, one_wrong,
confident_wrong, off_topic, dont_know, english, mixed) and each (answer, key point) labelled
covered / partly / missed / contradicted by a teacher. short_exact.jsonl: 96 questions with a
short result (number, formula, term, verdict), each with a correct and an incorrect short answer.
Nothing is fitted on either set: the grader is the shipped one.

    .venv/bin/python bench/teacher.py [--profile=accurate|fast]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from itertools import product
from pathlib import Path

import numpy as np

from viva.grading.calibration import default_calibration
from viva.grading.embedder import MemoryCache, embed_cached, get_embedder
from viva.grading.models import Coverage, Grade
from viva.grading.scorer import Grader, GradeRequest
from viva.grading.text import to_plain

DATA = Path(__file__).parent / "data"
CORRECT = {"complete", "paraphrase"}
WRONG = {"one_wrong", "confident_wrong"}
OFF = {"off_topic", "dont_know"}
CREDIT = {"covered": 1.0, "partly": 0.5, "missed": 0.0, "contradicted": 0.0}


def load(name: str) -> list[dict]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def truth_share(row: dict) -> float:
    return float(np.mean([CREDIT[label] for label in row["labels"]]))


def kind_class(row: dict) -> str:
    """complete/paraphrase -> correct; english/mixed by their labels; the others as named."""
    kind = row["kind"]
    if kind in ("english", "mixed"):
        share = truth_share(row)
        return "correct" if share >= 0.99 else "partial" if share > 0 else "off"
    if kind in CORRECT:
        return "correct"
    if kind in WRONG:
        return "wrong"
    if kind in OFF:
        return "off"
    return "partial"


def order_pairs(rows: Sequence[dict], scores: Sequence[float]) -> dict[str, tuple[int, int]]:
    """Pairs of answers to the same question a teacher orders: (held, total) per relation."""
    by_question: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        by_question[row["question_id"]].append((kind_class(row), score))
    relations = {
        "correct > partial": ({"correct"}, {"partial"}),
        "correct > wrong": ({"correct"}, {"wrong"}),
        "on-topic > off-topic": ({"correct", "partial"}, {"off"}),
    }
    out = {}
    for name, (high, low) in relations.items():
        held = total = 0
        for answers in by_question.values():
            for (ka, sa), (kb, sb) in product(answers, answers):
                if ka in high and kb in low:
                    total += 1
                    held += sa > sb
        out[name] = (held, total)
    return out


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def cosine_scores(model: str, rows: Sequence[dict], cache: MemoryCache) -> list[float]:
    embedder = get_embedder(model)
    refs = embed_cached(embedder, [to_plain(r["reference"]) for r in rows], cache)
    answers = embed_cached(embedder, [r["answer"] for r in rows], None)
    return [float(a @ b) for a, b in zip(refs, answers, strict=True)]


def report_teacher(grader: Grader, cache: MemoryCache) -> None:
    rows = load("teacher_set.jsonl")
    grades = grader.grade_many(
        [
            GradeRequest(
                r["question"], to_plain(r["reference"]), r["answer"], tuple(r["key_points"])
            )
            for r in rows
        ]
    )
    scores = [float(g.score) for g in grades]
    truth = [truth_share(r) for r in rows]
    questions = len({r["question_id"] for r in rows})
    print(f"\n== Teacher-ordered set: {len(rows)} answers to {questions} questions ==")
    by_kind: dict[str, list[float]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        by_kind[row["kind"]].append(score)
    print("mean score by kind: " + ", ".join(f"{k} {np.mean(v):.0f}" for k, v in by_kind.items()))
    good = by_kind["complete"] + by_kind["paraphrase"]
    print(f"complete + paraphrase mean: {np.mean(good):.1f}  (target >= 80)")
    baselines = {m: cosine_scores(m, rows, cache) for m in ("e5", "use")}
    print(f"{'':28s} {'viva':>8s} {'e5 cos':>8s} {'USE cos':>8s}")
    held_all = dict.fromkeys(("viva", "e5", "use"), 0)
    total_all = 0
    orders = {
        "viva": order_pairs(rows, scores),
        "e5": order_pairs(rows, baselines["e5"]),
        "use": order_pairs(rows, baselines["use"]),
    }
    for relation in orders["viva"]:
        cells = []
        for name in ("viva", "e5", "use"):
            held, total = orders[name][relation]
            held_all[name] += held
            cells.append(f"{held / total:8.3f}")
        total_all += orders["viva"][relation][1]
        print(f"order {relation:22s} " + " ".join(cells) + f"  ({total} pairs)")
    print(
        f"{'order, all pairs':28s} "
        + " ".join(f"{held_all[n] / total_all:8.3f}" for n in ("viva", "e5", "use"))
        + "  (target >= 0.95)"
    )
    print(
        f"{'Pearson with share stated':28s} {pearson(scores, truth):8.3f}"
        f" {pearson(baselines['e5'], truth):8.3f} {pearson(baselines['use'], truth):8.3f}"
        "  (target >= 0.85)"
    )
    for lang in ("zh", "en", "mixed"):
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        print(
            f"  Pearson, {lang:5s} answers ({len(idx):3d}) "
            f"{pearson([scores[i] for i in idx], [truth[i] for i in idx]):8.3f}"
        )
    report_points(rows, grades)


def report_points(rows: Sequence[dict], grades: Sequence[Grade]) -> None:
    found = labelled = false = correct_points = aligned = 0
    confusion: dict[tuple[str, str], int] = defaultdict(int)
    for row, grade in zip(rows, grades, strict=True):
        if len(grade.key_points) != len(row["labels"]):
            continue  # the grader reworded the points (a fragment read in its sentence)
        aligned += 1
        for label, point in zip(row["labels"], grade.key_points, strict=True):
            said = point.coverage.value
            confusion[(label, said)] += 1
            if label == "contradicted":
                labelled += 1
                found += point.coverage is Coverage.CONTRADICTED
            if label == "covered":
                correct_points += 1
                false += point.coverage is Coverage.CONTRADICTED
    print(f"key points ({aligned} answers whose points the grader kept as written):")
    print(
        f"  contradicted points found: {found}/{labelled} = {found / max(1, labelled):.3f}"
        "  (target >= 0.70)"
    )
    print(
        f"  correctly stated points called contradicted: {false}/{correct_points}"
        f" = {false / max(1, correct_points):.3f}  (target <= 0.05)"
    )
    states = ("covered", "partly", "missed", "contradicted")
    print("  labelled \\ graded " + " ".join(f"{s:>12s}" for s in states))
    for label in states:
        print(f"  {label:17s} " + " ".join(f"{confusion[(label, s)]:12d}" for s in states))


def report_short(grader: Grader, cache: MemoryCache) -> None:
    items = load("short_exact.jsonl")
    requests = [
        GradeRequest(i["question"], to_plain(i["reference"]), answer)
        for i in items
        for answer in (i["correct"], i["incorrect"])
    ]
    grades = grader.grade_many(requests)
    right = [g.score for g in grades[0::2]]
    wrong = [g.score for g in grades[1::2]]
    print(f"\n== Short exact answers: {len(items)} items, a correct and an incorrect answer each")
    by_type: dict[str, list[bool]] = defaultdict(list)
    for item, r, w in zip(items, right, wrong, strict=True):
        by_type[item["type"]].append(r >= 60 and w <= 30)
    met = [ok for oks in by_type.values() for ok in oks]
    print(
        f"correct >= 60 and incorrect <= 30: {sum(met)}/{len(met)} = {np.mean(met):.3f}"
        "  (target >= 0.90)"
    )
    print("  by type: " + ", ".join(f"{t} {np.mean(v):.2f}" for t, v in by_type.items()))
    print(f"  mean score: correct {np.mean(right):.0f}, incorrect {np.mean(wrong):.0f}")
    ranked = np.mean([r > w for r, w in zip(right, wrong, strict=True)])
    e5 = cosine_scores(
        "e5",
        [
            {"reference": i["reference"], "answer": a}
            for i in items
            for a in (i["correct"], i["incorrect"])
        ],
        cache,
    )
    e5_ranked = np.mean([a > b for a, b in zip(e5[0::2], e5[1::2], strict=True)])
    print(f"correct ranked above incorrect: viva {ranked:.3f}, baseline e5 cosine {e5_ranked:.3f}")


def main() -> None:
    chosen = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--profile=")]
    cache = MemoryCache()
    grader = Grader(default_calibration(chosen[0] if chosen else "accurate"), cache=cache)
    report_teacher(grader, cache)
    report_short(grader, cache)


if __name__ == "__main__":
    main()
