"""Readers for the public graded-answer sets in ../shared/data (never copied into the project)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass(frozen=True)
class Row:
    question: str
    reference: str
    answer: str
    score: float  # 0-1 (SemEval: 1 correct, 0 otherwise)
    label3: str = ""
    references: tuple[str, ...] = ()  # Beetle: every reference answer


def sas_le(split: str) -> list[Row]:
    """SAS-LE (Chinese): split is 'train' or 'eval'."""
    with (DATA / "zh-sas-le" / f"le_{split}.csv").open(encoding="utf-8") as f:
        return [
            Row(r["question"], r["reference_answer"], r["student_answer"], float(r["score"]))
            for r in csv.DictReader(f)
        ]


def semeval(corpus: str, split: str) -> list[Row]:
    """SemEval-2013 task 7: corpus 'sciEntsBank' or 'beetle'; split 'train', 'test-unseen-…'."""
    with (DATA / "semeval2013" / f"{corpus}_{split}.csv").open(encoding="utf-8") as f:
        rows = []
        for r in csv.DictReader(f):
            refs = tuple(x.strip() for x in r["reference_answers_all"].split(" || ") if x.strip())
            rows.append(
                Row(
                    r["question"],
                    r["reference_answer"],
                    r["student_answer"],
                    1.0 if r["label_2way"] == "correct" else 0.0,
                    r["label_3way"],
                    refs or (r["reference_answer"],),
                )
            )
        return rows


SEMEVAL_SPLITS = {
    "sciEntsBank": ("test-unseen-answers", "test-unseen-questions", "test-unseen-domains"),
    "beetle": ("test-unseen-answers", "test-unseen-questions"),
}
