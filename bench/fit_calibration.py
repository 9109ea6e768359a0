"""Fit the shipped calibration (src/viva/grading/calibration.json) on public data.

Fitted on SemEval-2013 SciEntsBank *train* only (English, 2-way labels), so that every other
figure bench/grading.py prints (the SciEntsBank and Beetle test splits, the Chinese SAS-LE set,
the key-point set) is measured on data the calibration never saw.

    .venv/bin/python bench/fit_calibration.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np

from datasets import semeval
from viva.grading.calibration import FEATURES, Calibration, fit_weights
from viva.grading.embedder import MemoryCache, embed_cached, get_embedder
from viva.grading.exemplars import EXEMPLAR_FEATURES, MIN_EXEMPLARS, exemplar_signals
from viva.grading.scorer import Grader, GradeRequest, signals_for_fitting

OUT = Path(__file__).parents[1] / "src" / "viva" / "grading" / "calibration.json"


def main() -> None:
    rows = semeval("sciEntsBank", "train")
    start = time.perf_counter()
    placeholder = Calibration(weights=(0.0,) * len(FEATURES), bias=0.0)
    grader = Grader(placeholder, cache=MemoryCache())
    requests = [GradeRequest(r.question, r.reference, r.answer) for r in rows]
    signals = signals_for_fitting(grader, requests)
    weights, bias = fit_weights(signals, [r.score for r in rows])
    # the exemplar model: the same signals plus three from the other graded answers to the
    # same question (leave-one-out: an answer never serves as its own exemplar)
    e5, use = get_embedder("e5"), get_embedder("use")
    answers_e5 = embed_cached(e5, [r.answer for r in rows], grader.cache)
    answers_use = embed_cached(use, [r.answer for r in rows], grader.cache)
    by_question: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_question[r.question].append(i)
    extended, targets = [], []
    for i, r in enumerate(rows):
        others = [j for j in by_question[r.question] if j != i and rows[j].answer != r.answer]
        if len(others) < MIN_EXEMPLARS:
            continue
        extra = exemplar_signals(
            (answers_e5[i], answers_use[i]),
            (answers_e5[others], answers_use[others]),
            [rows[j].score for j in others],
        )
        extended.append(np.concatenate([signals[i], extra]))
        targets.append(r.score)
    exemplar_weights, exemplar_bias = fit_weights(np.asarray(extended), targets)
    calibration = Calibration(
        weights=weights,
        bias=bias,
        fitted_on=f"SemEval-2013 SciEntsBank train, 2-way ({len(rows)} answers)",
        exemplar_weights=exemplar_weights,
        exemplar_bias=exemplar_bias,
    )
    OUT.write_text(json.dumps(calibration.to_dict(), indent=2, ensure_ascii=False) + "\n")
    print(f"fitted on {len(rows)} answers in {time.perf_counter() - start:.0f} s")
    for name, w in zip(FEATURES, weights, strict=True):
        print(f"  {name:12s} {w:+.3f}")
    print(f"  {'bias':12s} {bias:+.3f}")
    print(f"exemplar model on {len(extended)} answers with >= {MIN_EXEMPLARS} exemplars:")
    for name, w in zip(FEATURES + EXEMPLAR_FEATURES, exemplar_weights, strict=True):
        print(f"  {name:20s} {w:+.3f}")


if __name__ == "__main__":
    main()
