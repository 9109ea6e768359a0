"""Score the importer on the hand-annotated corpus in tests/data/import-corpus (issue #12).

Shared by `tests/bank/test_import_corpus.py` (the targets) and `bench/import_bench.py` (the
figures). A found question matches an expected one by its prompt (as ids fold it); precision and
recall are per note (each note is one shape), section, number and answer agreement over matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from viva.bank.ids import normalise_prompt
from viva.bank.importer import build_from_paths

CORPUS = Path(__file__).parents[1] / "data" / "import-corpus"


@dataclass(frozen=True, slots=True)
class ShapeScore:
    """How one note of the corpus imported."""

    note: str
    expected: int
    found: int
    matched: int
    sections: int  # matches with the expected section
    numbers: int
    answers: int  # matches whose answer is exactly the expected text
    misses: tuple[str, ...]  # expected prompts not found
    extras: tuple[str, ...]  # found prompts not expected
    wrong: tuple[str, ...]  # matched prompts with a wrong section, number or answer

    @property
    def precision(self) -> float:
        """Found questions that were expected."""
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Expected questions that were found."""
        return self.matched / self.expected if self.expected else 1.0


def score_corpus(folder: Path = CORPUS) -> list[ShapeScore]:
    """Import the corpus as one vault and score every note against its expectations."""
    build = build_from_paths("corpus", [folder], max_bytes=10_000_000)
    scores: list[ShapeScore] = []
    for expected_file in sorted(folder.glob("*.expected.json")):
        note = expected_file.name.removesuffix(".expected.json") + ".md"
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        found = [q for q in build.questions if q.source.file == note]
        by_prompt = {normalise_prompt(q.prompt): q for q in found}
        matched = sections = numbers = answers = 0
        misses: list[str] = []
        wrong: list[str] = []
        for section, number, prompt, answer in expected:
            question = by_prompt.pop(normalise_prompt(prompt), None)
            if question is None:
                misses.append(prompt)
                continue
            matched += 1
            ok_section = " / ".join(question.section) == section
            ok_number = question.number == number
            ok_answer = question.reference == answer
            sections += ok_section
            numbers += ok_number
            answers += ok_answer
            if not (ok_section and ok_number and ok_answer):
                wrong.append(
                    f"{prompt!r}: section {question.section}, number {question.number!r}, "
                    f"answer {question.reference!r}"
                )
        scores.append(
            ShapeScore(
                note=note,
                expected=len(expected),
                found=len(found),
                matched=matched,
                sections=sections,
                numbers=numbers,
                answers=answers,
                misses=tuple(misses),
                extras=tuple(q.prompt for q in by_prompt.values()),
                wrong=tuple(wrong),
            )
        )
    return scores


def totals(scores: list[ShapeScore]) -> dict[str, float]:
    """Section, number and answer agreement over every match of the corpus."""
    matched = sum(s.matched for s in scores) or 1
    return {
        "sections": sum(s.sections for s in scores) / matched,
        "numbers": sum(s.numbers for s in scores) / matched,
        "answers": sum(s.answers for s in scores) / matched,
    }
