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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from datasets import semeval
from viva.grading.calibration import FEATURES, Calibration, fit_weights
from viva.grading.embedder import MemoryCache
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
    calibration = Calibration(
        weights=weights,
        bias=bias,
        fitted_on=f"SemEval-2013 SciEntsBank train, 2-way ({len(rows)} answers)",
    )
    OUT.write_text(json.dumps(calibration.to_dict(), indent=2, ensure_ascii=False) + "\n")
    print(f"fitted on {len(rows)} answers in {time.perf_counter() - start:.0f} s")
    for name, w in zip(FEATURES, weights, strict=True):
        print(f"  {name:12s} {w:+.3f}")
    print(f"  {'bias':12s} {bias:+.3f}")


if __name__ == "__main__":
    main()
