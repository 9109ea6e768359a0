"""Grading answers, batches of them, and the user's calibration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from viva.bank.models import Question
from viva.errors import VivaError
from viva.service.bank import BankService
from viva.service.preferences import now_utc

if TYPE_CHECKING:  # the importer, search and grader load on first use: listing must start fast
    from viva.grading.calibration import Calibration
    from viva.grading.models import Grade
    from viva.grading.scorer import Grader, GradeRequest
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.db import UserConnections
    from viva.store.exemplars import Dispute


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What `viva grade --batch` did."""

    rows: int
    graded: int
    errors: int
    output: Path


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    """Agreement with the user's own grades before and after refitting."""

    answers: int
    pearson_before: float
    pearson_after: float  # 5-fold cross-validated: measured on answers the fit did not see
    rmse_before: float
    rmse_after: float
    profile: str  # the grading profile it was fitted for (kept in the user's row)


class QuestionNotGradable(VivaError):
    """The question has no reference answer to grade against."""


class DisputeError(VivaError):
    """A disputed grade that cannot be kept (no answer, a score outside 0-100)."""

    http_status = 422


MAX_DISPUTE_NOTE = 1000


def own_score_problems(score: float, note: str | None) -> tuple[str | None, list[str]]:
    """A person's own score of an answer (a student's dispute, a teacher's correction): the
    note trimmed (None when empty), and what is wrong with them."""
    problems = []
    if not 0 <= score <= 100:
        problems.append(f"the score must be from 0 to 100 (not {score:g})")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_DISPUTE_NOTE:
        problems.append(f"the note is {len(note)} characters long (at most {MAX_DISPUTE_NOTE})")
    return note, problems


class GradingService:
    """Grading answers, batches of them, and the user's calibration."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork, bank: BankService) -> None:
        self.runtime = runtime
        self.unit = unit
        self.bank = bank
        self.settings = runtime.settings

    # --- grading ------------------------------------------------------------------------
    def calibration(self) -> Calibration:
        """The calibration in use: the user's if they made one, else the default."""
        from viva.grading.calibration import Calibration, CalibrationError, default_calibration
        from viva.store.fitted import load_calibration

        profile = self.settings.grading_profile
        with self.unit.reader() as conn:
            data = load_calibration(conn, self.unit.user_id, profile)
        if data is None:
            return default_calibration(profile)
        calibration = Calibration.from_dict(data)
        if calibration.profile != profile:
            raise CalibrationError(
                f"your calibration of the {profile!r} grading profile was made for the"
                f" {calibration.profile!r} profile",
                hint="run `viva calibrate --reset`, then calibrate again",
            )
        return calibration

    @contextmanager
    def grader(self) -> Iterator[Grader]:
        """The grader (models load on the first answer), with the database as its cache and
        the user's calibration; one caller at a time, reading through this unit of work's
        connection."""
        calibration = self.calibration()
        with self.runtime.grader.use(self.unit, self._build_grader, calibration) as grader:
            yield grader

    def _build_grader(self, connections: UserConnections) -> Grader:
        from viva.grading.embedder import set_model_dir
        from viva.grading.scorer import Grader
        from viva.store.exemplars import SqlExemplars
        from viva.store.vectors import SqlEmbeddingCache

        set_model_dir(self.settings.models_dir)
        return Grader(
            self.calibration(),
            cache=SqlEmbeddingCache(connections),
            exemplars=SqlExemplars(connections),
        )

    def grade_request(self, question: Question) -> GradeRequest:
        """What the grader needs of a bank question (an answer filled in later)."""
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        reference = question.reference
        link = question.answered_by
        if link is not None and link.question_id is None:
            # "[[#Transformer]]": the questions of that section are the answer
            parts = [
                q.reference
                for q in self.bank.questions(banks=[question.bank])
                if q.source.file == link.note
                and q.section[: len(link.section)] == link.section
                and q.reference
                and q.id != question.id
            ]
            reference = "\n".join(p for p in parts if p) or reference
        # an unresolved link or embed is a pointer to text Viva does not have: not reference
        unresolved = [link for link in question.links if not link.is_resolved]
        for link in unresolved:
            reference = (reference or "").replace(link.raw, " ")
        if not reference or not to_plain(reference).strip():
            if unresolved:
                targets = ", ".join(link.target for link in unresolved)
                raise QuestionNotGradable(
                    f"question {question.id} cannot be graded: its reference answer is only a"
                    f" link to {targets}, which is not in your notes",
                    hint="import the note it links to together with this one, or write the"
                    " answer out in the note",
                )
            raise QuestionNotGradable(
                f"question {question.id} has no reference answer yet, so it cannot be graded",
                hint="write its answer in your note and re-import it",
            )
        points = tuple(k.text for k in question.key_points)
        return GradeRequest(question.prompt, to_plain(reference), "", points)

    def grade(
        self, id_or_prefix: str, answer: str, *, lang: str | None = None
    ) -> tuple[Question, Grade]:
        """Grade an answer to a bank question; feedback in `lang` (default: the interface's)."""
        from dataclasses import replace

        from viva.bank.sync import fingerprint

        question = self.bank.question(id_or_prefix)
        lang = lang or self.unit.preferences().ui_lang
        key = (self.unit.user_id, question.id, fingerprint(question), answer, lang)
        cached = self.runtime.grader.recent.get(key)
        if cached is not None:  # the web app grades, then records the review of the same answer
            return question, cached
        request = replace(self.grade_request(question), answer=answer, lang=lang)
        with self.grader() as grader:
            grade = grader.grade(request)
            self.runtime.grader.remember(key, grade)
        return question, grade

    def dispute_grade(
        self,
        id_or_prefix: str,
        answer: str,
        score: float,
        *,
        note: str | None = None,
        lang: str | None = None,
    ) -> tuple[Question, Grade]:
        """ "This grade is wrong": file the student's own score (0-100) of their answer as an
        exemplar of the question; returns the answer graded again, which now follows it (and
        so do later answers that say nearly the same).

        Raises:
            DisputeError: no answer, a score outside 0-100, or an over-long note.
        """
        from viva.store.exemplars import save_dispute

        note, problems = own_score_problems(score, note)
        if not answer.strip():
            problems.insert(0, "there is no answer to score")
        if problems:
            raise DisputeError("; ".join(problems), hint="give your own score of this answer")
        question, before = self.grade(id_or_prefix, answer, lang=lang)
        with self.unit.transaction() as conn:
            save_dispute(
                conn,
                self.unit.user_id,
                question_id=question.id,
                question=question.prompt,
                answer=answer.strip(),
                score=score / 100,
                graded=before.score / 100,
                note=note,
                now=now_utc(),
            )
        self.runtime.grader.forget(question.id)
        return self.grade(question.id, answer, lang=lang)

    def disputes(self, id_or_prefix: str) -> list[Dispute]:
        """The grades of a question the student corrected, newest first."""
        from viva.store.exemplars import disputes_of

        question = self.bank.question(id_or_prefix)
        with self.unit.reader() as conn:
            return disputes_of(conn, self.unit.user_id, question.id)

    def grade_one(self, request: GradeRequest) -> Grade:
        """Grade one request (an interview's question or follow-up)."""
        with self.grader() as grader:
            return grader.grade(request)

    def grade_batch(
        self,
        source: Path,
        output: Path,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        chunk: int = 32,
        name: str | None = None,
    ) -> BatchReport:
        """Grade every row of a CSV/JSONL file; rows that cannot be graded get an `error`.
        `name`: what messages call the file (an upload's own name; default: its path)."""
        from viva.grading.batch import key_points_of, read_rows, write_rows
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        rows, fmt = read_rows(source, name=name)
        out: list[dict[str, object]] = [dict(r) for r in rows]
        todo: list[tuple[int, GradeRequest]] = []
        for index, row in enumerate(rows):
            reference = to_plain(str(row.get("reference") or ""))
            if not reference.strip():
                out[index]["error"] = "empty reference: nothing to grade against"
                continue
            todo.append(
                (
                    index,
                    GradeRequest(
                        str(row.get("question") or ""),
                        reference,
                        str(row.get("answer") or ""),
                        key_points_of(row),
                    ),
                )
            )
        done = len(rows) - len(todo)
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            with self.grader() as grader:
                graded = grader.grade_many([r for _, r in part])
            for (index, _), grade in zip(part, graded, strict=True):
                out[index].update(
                    score=round(grade.score / 100, 3),
                    grade=grade.grade,
                    covered=[k.text for k in grade.covered],
                    partly=[k.text for k in grade.partly],
                    missed=[k.text for k in grade.missed],
                    contradicted=[k.text for k in grade.contradicted],
                    flags=[f.value for f in grade.flags],
                )
            done += len(part)
            if on_progress is not None:
                on_progress(done, len(rows))
        for row in out:
            row.setdefault("error", "")
        write_rows(output, out, fmt)
        errors = sum(1 for r in out if r["error"])
        return BatchReport(rows=len(rows), graded=len(rows) - errors, errors=errors, output=output)

    def calibrate(self, source: Path) -> CalibrationReport:
        """Refit the calibration on the user's graded answers and use it from now on."""
        import json

        import numpy as np

        from viva.grading.batch import key_points_of, read_rows
        from viva.grading.calibration import CalibrationError, fit_calibration
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        rows, _ = read_rows(source, (*("question", "reference", "answer"), "score"))
        try:
            targets = np.asarray([float(r["score"]) for r in rows])
        except (TypeError, ValueError):
            raise CalibrationError(
                f"{source}: the score column must hold numbers (0-1, or 0-100)"
            ) from None
        if targets.max() > 1.0:
            targets = targets / 100.0
        requests = [
            GradeRequest(
                str(r["question"]),
                to_plain(str(r["reference"])),
                str(r["answer"]),
                key_points_of(r),
            )
            for r in rows
        ]
        with self.grader() as grader:
            base = grader.calibration
            graded, signals = grader.grade_with_signals(requests)  # one embedding pass for both
        before = np.asarray([g.score / 100 for g in graded])
        fitted = fit_calibration(base, signals, targets, f"{source.name} ({len(rows)} answers)")
        folds = np.arange(len(rows)) % 5
        after = np.zeros(len(rows))
        for fold in range(5):
            train, test = folds != fold, folds == fold
            if not test.any():
                continue
            refit = fit_calibration(base, signals[train], targets[train], "", min_rows=2)
            after[test] = refit.probability(signals[test])
        # the graded answers also become exemplars of their questions for later grading
        from viva.store.exemplars import SqlExemplars

        SqlExemplars(self.unit).save(
            [
                (str(r["question"]), str(r["answer"]), float(t))
                for r, t in zip(rows, targets, strict=True)
            ],
            source=source.name,
            now=now_utc(),
        )
        from viva.store.fitted import save_calibration

        with self.unit.transaction() as conn:
            save_calibration(
                conn,
                self.unit.user_id,
                self.settings.grading_profile,
                json.loads(json.dumps(fitted.to_dict())),  # plain JSON values (no tuples)
                now=now_utc(),
            )

        def pearson(a: np.ndarray, b: np.ndarray) -> float:
            return float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else 0.0

        def rmse(a: np.ndarray, b: np.ndarray) -> float:
            return float(np.sqrt(np.mean((a - b) ** 2)))

        return CalibrationReport(
            answers=len(rows),
            pearson_before=pearson(before, targets),
            pearson_after=pearson(after, targets),
            rmse_before=rmse(before, targets),
            rmse_after=rmse(after, targets),
            profile=self.settings.grading_profile,
        )

    def reset_calibration(self) -> bool:
        """Go back to the shipped calibration; True when a user calibration was removed."""
        from viva.store.fitted import delete_calibration

        with self.unit.transaction() as conn:
            return delete_calibration(conn, self.unit.user_id, self.settings.grading_profile)
