"""Grading quality and speed, with the baselines computed in the same run.

Quality. The shipped calibration was fitted on SciEntsBank train only (fit_calibration.py), so
every other corpus below is reported zero-shot, leave-one-corpus-out:
- the teacher-ordered set and the short-exact set (bench/teacher.py, bench/data/);
- SAS-LE (Chinese) eval: Pearson, Spearman, RMSE of the score, zero-shot; then after refitting
  the calibration on le_train (what `viva calibrate` does); baselines: character tf-idf cosine and
  e5 cosine.
- SemEval-2013 SciEntsBank and Beetle, every test split: accuracy, macro-F1, weighted-F1, 2-way and
  3-way, thresholds / 3-way classifier fitted on that corpus' train split only; baseline: e5
  cosine + one threshold. Beetle is graded against the best-matching of its references.
- Key-point coverage on bench/data/keypoint_coverage.jsonl (hand-labelled): AUC and accuracy.
Speed and memory: one answer (about 100 Chinese characters, 5 key points, reference cached) p50 and
p95; batch answers per second; peak RSS.

    .venv/bin/python bench/grading.py [--quick] [--profile=accurate|fast]

Both grading profiles are measured by default: "accurate" (e5 and USE) and "fast" (USE only).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from datasets import SEMEVAL_SPLITS, Row, sas_le, semeval
from teacher import report_short, report_teacher
from viva.grading.calibration import PROFILES, default_calibration, fit_calibration
from viva.grading.embedder import MemoryCache, get_embedder
from viva.grading.exemplars import Exemplar, MemoryExemplars
from viva.grading.models import Coverage
from viva.grading.scorer import Grader, GradeRequest

KEYPOINTS = Path(__file__).parent / "data" / "keypoint_coverage.jsonl"
P50_TARGET = {"accurate": 100, "fast": 30}  # one answer on 2 cores (issue 16)


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b)[0])


def rmse(a: Sequence[float], b: Sequence[float]) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def f1s(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return (
        accuracy_score(gold, pred),
        f1_score(gold, pred, average="macro"),
        f1_score(gold, pred, average="weighted"),
    )


def best_threshold(scores: Sequence[float], labels: Sequence[float]) -> float:
    s = np.asarray(scores)
    y = np.asarray(labels) > 0.5
    candidates = np.unique(s)
    accuracy = [((s >= t) == y).mean() for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


class Bench:
    def __init__(self, profile: str, cache: MemoryCache) -> None:
        self.cache = cache
        self.grader = Grader(default_calibration(profile), cache=self.cache)

    def scores(self, rows: Sequence[Row], *, best_reference: bool = False) -> list[float]:
        return self.graded(rows, best_reference=best_reference)[0]

    def signals(self, rows: Sequence[Row]) -> np.ndarray:
        return self.graded(rows)[1]

    def graded(
        self, rows: Sequence[Row], *, best_reference: bool = False
    ) -> tuple[list[float], np.ndarray]:
        """Scores (against the best-matching reference, if asked) and each row's signals
        against its main reference, from one grading pass."""
        refs = [r.references if best_reference else (r.reference,) for r in rows]
        flat = [(i, ref) for i, r in enumerate(refs) for ref in r]
        grades, signals = self.grader.grade_with_signals(
            [GradeRequest(rows[i].question, ref, rows[i].answer) for i, ref in flat]
        )
        best = [0.0] * len(rows)
        main = np.zeros((len(rows), signals.shape[1]))
        for k, ((i, ref), g) in enumerate(zip(flat, grades, strict=True)):
            best[i] = max(best[i], g.score / 100)
            if ref == rows[i].reference or ref == refs[i][0]:
                main[i] = signals[k]
        return best, main

    def e5_cosine(self, rows: Sequence[Row], *, best_reference: bool = False) -> list[float]:
        from viva.grading.embedder import embed_cached

        e5 = get_embedder("e5")
        answers = embed_cached(e5, [r.answer for r in rows], self.cache)
        out = []
        for r, a in zip(rows, answers, strict=True):
            refs = r.references if best_reference else (r.reference,)
            out.append(float(np.max(embed_cached(e5, list(refs), self.cache) @ a)))
        return out


def tfidf_cosine(rows: Sequence[Row]) -> list[float]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    refs = [r.reference for r in rows]
    answers = [r.answer for r in rows]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit(refs + answers)
    a, b = vectorizer.transform(refs), vectorizer.transform(answers)
    return list(np.asarray(a.multiply(b).sum(1)).ravel())


def report_le(bench: Bench) -> None:
    print("\n== SAS-LE (Chinese), le_eval.csv, 176 answers ==")
    train, test = sas_le("train"), sas_le("eval")
    gold = [r.score for r in test]
    rows = [
        ("baseline: char tf-idf cosine", tfidf_cosine(test)),
        ("baseline: e5 cosine", bench.e5_cosine(test)),
        ("viva, zero-shot (no LE data)", bench.scores(test)),
    ]
    base = bench.grader.calibration
    bench.grader.calibration = fit_calibration(
        base, bench.signals(train), [r.score for r in train], "le_train"
    )
    rows.append(("viva after calibrate le_train", bench.scores(test)))
    bench.grader.calibration = base
    print(f"{'method':34s} {'Pearson':>8s} {'Spearman':>9s} {'RMSE':>6s}")
    for name, pred in rows:
        print(
            f"{name:34s} {pearson(pred, gold):8.3f} {spearman(pred, gold):9.3f}"
            f" {rmse(pred, gold):6.3f}"
        )


def report_semeval(bench: Bench, quick: bool) -> None:
    from sklearn.linear_model import LogisticRegression

    for corpus, splits in SEMEVAL_SPLITS.items():
        best = corpus == "beetle"
        train = semeval(corpus, "train")
        if quick:
            train = train[::4]
        train_scores, train_signals = bench.graded(train, best_reference=best)
        train_e5 = bench.e5_cosine(train, best_reference=best)
        threshold = best_threshold(train_scores, [r.score for r in train])
        e5_threshold = best_threshold(train_e5, [r.score for r in train])
        three = LogisticRegression(max_iter=2000).fit(
            np.column_stack([train_scores, train_signals]), [r.label3 for r in train]
        )
        # graded exemplars: the train answers to the same question (an answer is never its own)
        exemplars = MemoryExemplars((r.question, Exemplar(r.answer, r.score)) for r in train)
        ex_threshold = None
        if bench.grader.calibration.exemplar_weights is not None:
            bench.grader.exemplars = exemplars
            ex_scores = bench.scores(train, best_reference=best)
            bench.grader.exemplars = None
            ex_threshold = best_threshold(ex_scores, [r.score for r in train])
        note = " (best-matching reference)" if best else ""
        print(f"\n== SemEval-2013 {corpus}{note}: thresholds fitted on train ==")
        print(
            f"{'split':24s} {'method':22s} {'2-way acc':>9s} {'m-F1':>6s} {'w-F1':>6s}"
            f" {'3-way acc':>9s} {'m-F1':>6s} {'w-F1':>6s}"
        )
        for split in splits:
            test = semeval(corpus, split)
            if quick:
                test = test[::4]
            gold2 = ["correct" if r.score else "incorrect" for r in test]
            gold3 = [r.label3 for r in test]
            e5 = bench.e5_cosine(test, best_reference=best)
            pred = ["correct" if s >= e5_threshold else "incorrect" for s in e5]
            a = f1s(gold2, pred)
            print(f"{split:24s} {'baseline e5 cosine':22s} {a[0]:9.3f} {a[1]:6.3f} {a[2]:6.3f}")
            scores, test_signals = bench.graded(test, best_reference=best)
            pred = ["correct" if s >= threshold else "incorrect" for s in scores]
            a = f1s(gold2, pred)
            p3 = list(three.predict(np.column_stack([scores, test_signals])))
            b = f1s(gold3, p3)
            print(
                f"{split:24s} {'viva':22s} {a[0]:9.3f} {a[1]:6.3f} {a[2]:6.3f}"
                f" {b[0]:9.3f} {b[1]:6.3f} {b[2]:6.3f}"
            )
            if ex_threshold is not None:
                bench.grader.exemplars = exemplars
                scores = bench.scores(test, best_reference=best)
                bench.grader.exemplars = None
                pred = ["correct" if s >= ex_threshold else "incorrect" for s in scores]
                a = f1s(gold2, pred)
                used = "" if split == "test-unseen-answers" else "  (no exemplars: new questions)"
                print(
                    f"{split:24s} {'viva + train exemplars':22s} {a[0]:9.3f} {a[1]:6.3f}"
                    f" {a[2]:6.3f}{used}"
                )
    print("published anchor: fine-tuned BERT, SciEntsBank 3-way unseen answers, accuracy ~0.76")


def report_keypoints(bench: Bench) -> None:
    from sklearn.metrics import roc_auc_score

    if not KEYPOINTS.exists():
        print("\n(key-point set missing: bench/data/keypoint_coverage.jsonl)")
        return
    items = [json.loads(line) for line in KEYPOINTS.read_text("utf-8").splitlines() if line.strip()]
    grades = bench.grader.grade_many(
        [GradeRequest(i["question"], i["key_point"], i["answer"], (i["key_point"],)) for i in items]
    )
    probs = [g.key_points[0].confidence for g in grades]
    predicted = [g.key_points[0].coverage.value for g in grades]
    labels = [i["label"] for i in items]
    binary = [
        (p, lab == "covered") for p, lab in zip(probs, labels, strict=True) if lab != "partly"
    ]
    auc = roc_auc_score([b for _, b in binary], [p for p, _ in binary])
    stated = [lab != "missed" for lab in labels]
    predicted_stated = [p != Coverage.MISSED.value for p in predicted]
    acc2 = float(np.mean([a == b for a, b in zip(stated, predicted_stated, strict=True)]))
    acc3 = float(np.mean([a == b for a, b in zip(labels, predicted, strict=True)]))
    print(f"\n== Key-point coverage, {len(items)} hand-labelled pairs ==")
    print(f"AUC covered vs missed (partly left out): {auc:.3f}")
    print(f"accuracy stated (covered+partly) vs missed: {acc2:.3f}")
    print(f"accuracy 3-way covered / partly / missed : {acc3:.3f}")
    for lang in ("zh", "en", "mixed"):
        sub = [
            (p, lab == "covered")
            for p, lab, i in zip(probs, labels, items, strict=True)
            if lab != "partly" and i["lang"] == lang
        ]
        if len({b for _, b in sub}) == 2:
            print(
                f"  AUC {lang:5s}: {roc_auc_score([b for _, b in sub], [p for p, _ in sub]):.3f}"
                f" ({len(sub)} pairs)"
            )


def one_by_one(bench: Bench, requests: Sequence[GradeRequest]) -> tuple[float, float]:
    """p50 and p95 in ms of grading the requests one at a time; the first one, which embeds the
    reference and key points (cached afterwards), is not timed."""
    bench.grader.grade(requests[0])
    times = []
    for request in requests[1:]:
        start = time.perf_counter()
        bench.grader.grade(request)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def report_speed(bench: Bench) -> None:
    """Run in a process of its own (see main), so the peak RSS is that of grading alone."""
    profile = bench.grader.calibration.profile
    print(f"\n== Speed and memory, profile {profile} (models loaded, reference cached) ==")
    question = "Transformer 中为什么要使用多头注意力？"
    reference = (
        "多头注意力把 Q、K、V 投影到多个子空间，==每个头在不同子空间学习不同的依赖关系==，"
        "==最后拼接再线性变换==；==总计算量与单头相当==，==能同时关注不同位置的信息==，"
        "==提高了表示能力和训练稳定性==。"
    )
    points = (
        "每个头在不同子空间学习不同的依赖关系",
        "最后拼接再线性变换",
        "总计算量与单头相当",
        "能同时关注不同位置的信息",
        "提高了表示能力和训练稳定性",
    )
    answers = [
        f"多头注意力就是把输入投影到 {k} 组不同的子空间里，每个头分别计算注意力，可以关注不同位置和"
        "不同类型的关系，比如句法和语义，最后把各个头的结果拼接起来再做一次线性变换。它的总计算量"
        "和单头差不多，但表示能力更强。"
        for k in range(60)
    ]
    p50, p95 = one_by_one(bench, [GradeRequest(question, reference, a, points) for a in answers])
    print(
        f"one answer ({len(answers[1])} chars, 5 key points):"
        f" p50 {p50:.0f} ms, p95 {p95:.0f} ms  (target p50 <= {P50_TARGET[profile]} ms)"
    )
    english = [
        f"Multi-head attention projects the input into {k} different subspaces; each head "
        "computes attention on its own, so heads can attend to different positions and "
        "relations such as syntax and semantics. The heads are concatenated and passed through "
        "a final linear layer, at about the cost of a single head."
        for k in range(60)
    ]
    p50, p95 = one_by_one(bench, [GradeRequest(question, reference, a, points) for a in english])
    print(
        f"one English answer to the Chinese reference ({len(english[1])} chars; its words are"
        f" matched across languages): p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    rows = sas_le("eval")
    requests = [GradeRequest(r.question, r.reference, r.answer) for r in rows]
    bench.grader.grade_many(requests)  # embeds the references once (answers are never cached)
    start = time.perf_counter()
    bench.grader.grade_many(requests)
    elapsed = time.perf_counter() - start
    print(
        f"batch: {len(requests)} answers in {elapsed:.2f} s"
        f" = {len(requests) / elapsed:.0f} answers/s"
        "  (target >= 40/s; SAS-LE eval, references cached)"
    )
    print(f"peak RSS of a process that only grades: {peak_rss_mb():.0f} MB  (target <= 500 MB)")


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would carry
    the peak of the parent this process was started from (the whole benchmark's)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    quick = "--quick" in sys.argv
    chosen = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--profile=")]
    profiles = chosen or list(PROFILES)
    if "--speed-only" in sys.argv:
        report_speed(Bench(profiles[0], MemoryCache()))
        return
    started = time.perf_counter()
    cache = MemoryCache()  # references and key points embedded once for both profiles
    for profile in profiles:
        print(f"\n######## grading profile: {profile} ########")
        bench = Bench(profile, cache)
        report_teacher(bench.grader, cache)
        report_short(bench.grader, cache)
        report_le(bench)
        report_keypoints(bench)
        report_semeval(bench, quick)
    for profile in profiles:
        sys.stdout.flush()
        subprocess.run(
            [sys.executable, __file__, "--speed-only", f"--profile={profile}"], check=True
        )
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
