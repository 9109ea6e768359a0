"""Fit the shipped calibrations (src/viva/grading/calibration*.json) on public data.

Fitted on SemEval-2013 SciEntsBank *train* only (English, 2-way labels), so that every other
figure bench/grading.py prints (the SciEntsBank and Beetle test splits, the Chinese SAS-LE set,
the key-point set) is measured on data the calibrations never saw. One embedding pass serves both
profiles: "accurate" (every signal) and "fast" (no e5 signal, so grading never runs e5).

    .venv/bin/python bench/fit_calibration.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np

from datasets import Row, semeval
from viva.grading.calibration import (
    PROFILES,
    Calibration,
    calibration_file,
    fit_calibration,
    fit_weights,
)
from viva.grading.embedder import MemoryCache, Vectors, embed_cached, get_embedder
from viva.grading.exemplars import EXEMPLAR_FEATURES, MIN_EXEMPLARS, exemplar_signals
from viva.grading.scorer import Grader, GradeRequest, signals_for_fitting

OUT = Path(__file__).parents[1] / "src" / "viva" / "grading"


def exemplar_rows(
    rows: list[Row], calibration: Calibration, signals: np.ndarray, models: list[Vectors]
) -> tuple[np.ndarray, list[float]]:
    """Each answer's used signals plus its exemplar signals from the other graded answers to the
    same question (leave-one-out: an answer never serves as its own exemplar)."""
    by_question: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_question[r.question].append(i)
    extended, targets = [], []
    for i, r in enumerate(rows):
        others = [j for j in by_question[r.question] if j != i and rows[j].answer != r.answer]
        if len(others) < MIN_EXEMPLARS:
            continue
        extra = exemplar_signals(
            [(vectors[i], vectors[others]) for vectors in models],
            [rows[j].score for j in others],
        )
        extended.append(np.concatenate([calibration.used(signals[i]), extra]))
        targets.append(r.score)
    return np.asarray(extended), targets


def main() -> None:
    rows = semeval("sciEntsBank", "train")
    start = time.perf_counter()
    accurate = Calibration(weights=(0.0,) * len(PROFILES["accurate"]), bias=0.0)
    grader = Grader(accurate, cache=MemoryCache())
    signals = signals_for_fitting(
        grader, [GradeRequest(r.question, r.reference, r.answer) for r in rows]
    )
    answers = [r.answer for r in rows]
    e5 = embed_cached(get_embedder("e5"), answers, grader.cache)
    use = embed_cached(get_embedder("use"), answers, grader.cache)
    fitted_on = f"SemEval-2013 SciEntsBank train, 2-way ({len(rows)} answers)"
    print(f"signals of {len(rows)} answers in {time.perf_counter() - start:.0f} s")
    for profile, features in PROFILES.items():
        base = Calibration(weights=(0.0,) * len(features), bias=0.0, features=features)
        calibration = fit_calibration(base, signals, [r.score for r in rows], fitted_on)
        models = [e5, use] if calibration.needs_semantic else [use]
        extended, targets = exemplar_rows(rows, calibration, signals, models)
        exemplar_weights, exemplar_bias = fit_weights(extended, targets)
        calibration = replace(
            calibration, exemplar_weights=exemplar_weights, exemplar_bias=exemplar_bias
        )
        path = OUT / calibration_file(profile)
        path.write_text(json.dumps(calibration.to_dict(), indent=2, ensure_ascii=False) + "\n")
        print(f"\n{profile}: {path.name}")
        for name, w in zip(features, calibration.weights, strict=True):
            print(f"  {name:12s} {w:+.3f}")
        print(f"  {'bias':12s} {calibration.bias:+.3f}")
        print(f"  exemplar model on {len(extended)} answers with >= {MIN_EXEMPLARS} exemplars:")
        for name, w in zip(features + EXEMPLAR_FEATURES, exemplar_weights, strict=True):
            print(f"    {name:20s} {w:+.3f}")


if __name__ == "__main__":
    main()
