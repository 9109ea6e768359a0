"""`Viva`: the one object the CLI and the web app call. It owns the settings and the database.

It composes the core (bank, and later grading and practice) with storage; it holds no business
rule of its own beyond "what to load, what to store, in which transaction".
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from viva.bank.models import BankBuild, NoteProblem, Question, Severity
from viva.bank.sync import IMPORTER_VERSION, SyncPlan, is_within, plan_sync
from viva.config import Settings
from viva.errors import BankNotFound, ImportFailed, NotFoundError, QuestionNotFound, VivaError
from viva.store import questions as repo
from viva.store.db import Database

if TYPE_CHECKING:  # the importer, search and grader load on first use: listing must start fast
    from viva.bank.reader import NoteText
    from viva.bank.search import SearchHit
    from viva.grading.calibration import Calibration
    from viva.grading.models import Grade
    from viva.grading.scorer import Grader, GradeRequest
    from viva.practice.interview import Asked, MockInterview, Report
    from viva.practice.planner import Plan
    from viva.practice.scheduler import Review, Scheduler
    from viva.practice.stats import Stats
    from viva.store.interviews import SavedInterview
    from viva.store.reviews import StoredReview

BUILTIN_BANK = "builtin"
DEFAULT_BANK = "default"

#: Called with (stage, done, total) while an import runs; stages: read, parse, write.
ImportProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, with --dry-run, would do)."""

    bank: str
    is_dry_run: bool
    notes: int
    questions: int
    with_reference: int
    plan: SyncPlan
    problems: tuple[NoteProblem, ...] = ()
    is_unchanged_vault: bool = False  # every note identical to the last import: nothing parsed

    @property
    def counts(self) -> dict[str, int]:
        """added / updated / retired / unchanged."""
        return self.plan.counts()

    @property
    def skipped(self) -> tuple[NoteProblem, ...]:
        """Files that were not imported."""
        return tuple(p for p in self.problems if p.severity is Severity.SKIPPED)

    @property
    def warnings(self) -> tuple[NoteProblem, ...]:
        """Imported, but something was missing or unresolved."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


@dataclass(frozen=True, slots=True)
class Paths:
    """Where Viva keeps each thing (for `viva paths`)."""

    home: Path
    database: str
    assets: Path
    models: Path
    recordings: Path
    builtin_bank: Path
    extra: dict[str, str] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC)


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
    path: Path


class QuestionNotGradable(VivaError):
    """The question has no reference answer to grade against."""


class Viva:
    """The composition root: settings + database + the core packages."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.effective_database_url)
        self._builtin_checked = False
        self._grader: Grader | None = None

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()

    # --- paths --------------------------------------------------------------------------
    def paths(self) -> Paths:
        """Every place Viva reads or writes."""
        s = self.settings
        return Paths(
            home=s.home,
            database=str(s.db_path) if s.database_url is None else _hide_password(s.database_url),
            assets=s.assets_dir,
            models=s.models_dir,
            recordings=s.recordings_dir,
            builtin_bank=builtin_dir(),
        )

    # --- importing ----------------------------------------------------------------------
    def import_notes(
        self,
        paths: Sequence[Path],
        *,
        bank: str = DEFAULT_BANK,
        dry_run: bool = False,
        on_progress: ImportProgress | None = None,
        now: datetime | None = None,
    ) -> ImportReport:
        """Import note files or vault folders into `bank`, in one transaction.

        Raises:
            ImportFailed: nothing importable, or a named file cannot be read (nothing written).
        """
        if bank == BUILTIN_BANK:
            raise ImportFailed(
                f"the bank name {bank!r} is reserved for Viva's built-in questions",
                hint="import into another bank, e.g. --bank my-notes",
            )
        return self._import(paths, bank=bank, dry_run=dry_run, on_progress=on_progress, now=now)

    def _import(
        self,
        paths: Sequence[Path],
        *,
        bank: str,
        dry_run: bool,
        on_progress: ImportProgress | None,
        now: datetime | None,
        is_builtin: bool = False,
    ) -> ImportReport:
        from viva.bank.importer import build_bank, read_notes
        from viva.bank.reader import discover

        started = now or _now()
        files, others, roots = discover(paths)

        def progress(stage: str) -> Callable[[int, int], None] | None:
            if on_progress is None:
                return None
            return lambda done, total: on_progress(stage, done, total)

        texts, skipped = read_notes(
            files, max_bytes=self.settings.max_note_bytes, on_progress=progress("read")
        )
        with self.db.reader() as conn:
            bank_id = repo.find_bank_id(conn, bank)
            stored_notes = repo.stored_notes(conn, bank_id) if bank_id is not None else {}
            unchanged = bank_id is not None and _is_unchanged(texts, stored_notes, roots)
            if unchanged:
                assert bank_id is not None
                stored = repo.stored_questions(conn, bank_id)
        if unchanged:
            ids = tuple(
                qid for qid, q in stored.items() if q.is_active and is_within(q.note_source, roots)
            )
            return ImportReport(
                bank=bank,
                is_dry_run=dry_run,
                notes=len(texts),
                questions=len(ids),
                with_reference=-1,
                plan=SyncPlan(unchanged=ids),
                problems=tuple(skipped) + self._last_problems(bank_id),
                is_unchanged_vault=True,
            )
        build = build_bank(
            bank,
            texts,
            other_files=others,
            roots=roots,
            problems=skipped,
            on_progress=progress("parse"),
        )
        with self.db.reader() as conn:
            stored = repo.stored_questions(conn, bank_id) if bank_id is not None else {}
        plan = plan_sync(build.questions, stored, build.roots)
        report = ImportReport(
            bank=bank,
            is_dry_run=dry_run,
            notes=len(build.notes),
            questions=len(build.questions),
            with_reference=sum(1 for q in build.questions if q.has_reference),
            plan=plan,
            problems=build.problems,
        )
        if dry_run:
            return report
        if on_progress is not None:
            on_progress("write", 0, len(build.questions))
        asset_names = self._copy_assets(build)
        with self.db.transaction() as conn:
            bank_id = repo.ensure_bank(conn, bank, is_builtin=is_builtin, now=started)
            repo.apply_import(conn, bank_id, build, plan, now=started, asset_names=asset_names)
            repo.record_run(
                conn,
                bank_id,
                build,
                report.counts,
                started_at=started,
                finished_at=now or _now(),
            )
        if on_progress is not None:
            on_progress("write", len(build.questions), len(build.questions))
        return report

    def _last_problems(self, bank_id: int | None) -> tuple[NoteProblem, ...]:
        if bank_id is None:
            return ()
        with self.db.reader() as conn:
            return tuple(repo.last_run_problems(conn, bank_id))

    def _copy_assets(self, build: BankBuild) -> dict[str, str]:
        """Copy the images notes embed into the data dir, named by content (deduplicated)."""
        names: dict[str, str] = {}
        files = {link.file for q in build.questions for link in q.links if link.file}
        for file in sorted(files):
            source = Path(file)
            try:
                data = source.read_bytes()
            except OSError:
                continue
            name = hashlib.sha256(data).hexdigest()[:24] + source.suffix.lower()
            target = self.settings.assets_dir / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(target.suffix + ".part")
                shutil.copyfile(source, partial)
                partial.replace(target)
            names[file] = name
        return names

    # --- the built-in bank --------------------------------------------------------------
    def ensure_builtin(self) -> None:
        """Load or refresh the built-in bank when the installed copy differs from the stored one."""
        if self._builtin_checked or not self.settings.include_builtin:
            return
        self._builtin_checked = True
        folder = builtin_dir()
        if not any(folder.glob("*.md")):
            return
        # another process may load it at the same moment: its copy is as good as ours
        with contextlib.suppress(sa.exc.IntegrityError):
            self._import(
                [folder],
                bank=BUILTIN_BANK,
                dry_run=False,
                on_progress=None,
                now=None,
                is_builtin=True,
            )

    def set_bank_enabled(self, name: str, enabled: bool) -> None:
        """Include or exclude a bank (e.g. the built-in one) from listings and practice."""
        self.ensure_builtin()
        with self.db.transaction() as conn:
            bank_id = repo.find_bank_id(conn, name)
            if bank_id is None:
                raise self._bank_not_found(conn, name)
            repo.set_bank_enabled(conn, bank_id, enabled, _now())

    def export_builtin(self, target: Path) -> list[Path]:
        """Copy the built-in bank's notes to `target` as Markdown the user can edit and import."""
        target = target.expanduser()
        if target.exists() and any(target.iterdir()):
            raise VivaError(
                f"{str(target)!r} is not empty",
                hint="choose a new or empty folder, so no note of yours is overwritten",
            )
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for source in sorted(builtin_dir().glob("*.md")):
            destination = target / source.name
            shutil.copyfile(source, destination)
            written.append(destination)
        return written

    # --- reading ------------------------------------------------------------------------
    def banks(self) -> list[repo.BankSummary]:
        """Every bank with its counts."""
        self.ensure_builtin()
        with self.db.reader() as conn:
            return repo.bank_summaries(conn)

    def default_banks(self) -> list[str]:
        """The banks a listing shows when none is named: the user's own, else the built-in."""
        summaries = [b for b in self.banks() if b.is_enabled]
        own = [b.name for b in summaries if not b.is_builtin]
        return own or [b.name for b in summaries if b.is_builtin]

    def questions(
        self, *, banks: Sequence[str] | None = None, section: str | None = None
    ) -> list[Question]:
        """Active questions of the named banks (default: see `default_banks`)."""
        names = self._bank_names(banks)
        with self.db.reader() as conn:
            return repo.load_questions(conn, bank_names=names, section=section)

    def question(self, id_or_prefix: str) -> Question:
        """One question by id (or an unambiguous prefix of at least 4 characters)."""
        self.ensure_builtin()
        wanted = id_or_prefix.strip().lower()
        with self.db.reader() as conn:
            found = repo.load_questions(conn, ids=[wanted], include_retired=True)
            if found:
                return found[0]
            matches = repo.find_question_ids(conn, wanted) if len(wanted) >= 4 else []
            if len(matches) == 1:
                return repo.load_questions(conn, ids=matches, include_retired=True)[0]
        if len(matches) > 1:
            raise QuestionNotFound(
                f"{id_or_prefix!r} matches {len(matches)} questions",
                hint="type more characters of the id",
            )
        raise QuestionNotFound(
            f"no question has the id {id_or_prefix!r}",
            hint="`viva bank list` shows the ids; `viva bank search TEXT` finds a question",
        )

    def search(
        self, text: str, *, banks: Sequence[str] | None = None, limit: int = 10
    ) -> list[SearchHit]:
        """BM25 search over the questions and answers of the named banks."""
        from viva.bank.search import search_questions

        return search_questions(self.questions(banks=banks), text, limit=limit)

    def _bank_names(self, banks: Sequence[str] | None) -> list[str]:
        if not banks:
            return self.default_banks()
        known = {b.name: b for b in self.banks()}
        if "all" in banks:
            return [b.name for b in known.values() if b.is_enabled]
        for name in banks:
            if name not in known:
                with self.db.reader() as conn:
                    raise self._bank_not_found(conn, name)
        return list(banks)

    def _bank_not_found(self, conn: sa.Connection, name: str) -> BankNotFound:
        names = [b.name for b in repo.bank_summaries(conn)]
        shown = ", ".join(names) if names else "none yet"
        return BankNotFound(
            f"no bank is called {name!r} (banks: {shown})",
            hint="`viva import PATH --bank NAME` creates a bank",
        )

    # --- grading ------------------------------------------------------------------------
    @property
    def calibration_path(self) -> Path:
        """The user's own calibration (absent: the shipped default is used)."""
        return self.settings.home / "calibration.json"

    def calibration(self) -> Calibration:
        """The calibration in use: the user's if they made one, else the default."""
        import json

        from viva.grading.calibration import Calibration, CalibrationError, default_calibration

        if not self.calibration_path.exists():
            return default_calibration()
        try:
            data = json.loads(self.calibration_path.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise CalibrationError(
                f"cannot read {self.calibration_path}: {err}",
                hint="run `viva calibrate --reset` to go back to the default",
            ) from None
        return Calibration.from_dict(data)

    def grader(self) -> Grader:
        """The grader (models load on the first answer), with the database as its cache."""
        if self._grader is None:
            from viva.grading.scorer import Grader
            from viva.store.vectors import SqlEmbeddingCache

            self._grader = Grader(self.calibration(), cache=SqlEmbeddingCache(self.db))
        return self._grader

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
                for q in self.questions(banks=[question.bank])
                if q.source.file == link.note
                and q.section[: len(link.section)] == link.section
                and q.reference
                and q.id != question.id
            ]
            reference = "\n".join(p for p in parts if p) or reference
        if not reference or not to_plain(reference).strip():
            raise QuestionNotGradable(
                f"question {question.id} has no reference answer yet, so it cannot be graded",
                hint="write its answer in your note and re-import it",
            )
        points = tuple(k.text for k in question.key_points)
        return GradeRequest(question.prompt, to_plain(reference), "", points)

    def grade(self, id_or_prefix: str, answer: str) -> tuple[Question, Grade]:
        """Grade an answer to a bank question."""
        from dataclasses import replace

        question = self.question(id_or_prefix)
        request = replace(self.grade_request(question), answer=answer)
        return question, self.grader().grade(request)

    def grade_batch(
        self,
        source: Path,
        output: Path,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        chunk: int = 32,
    ) -> BatchReport:
        """Grade every row of a CSV/JSONL file; rows that cannot be graded get an `error`."""
        from viva.grading.batch import key_points_of, read_rows, write_rows
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        rows, fmt = read_rows(source)
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
        grader = self.grader()
        done = len(rows) - len(todo)
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            for (index, _), grade in zip(
                part, grader.grade_many([r for _, r in part]), strict=True
            ):
                out[index].update(
                    score=round(grade.score / 100, 3),
                    grade=grade.grade,
                    covered=[k.text for k in grade.covered],
                    missed=[k.text for k in grade.missed],
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
        from viva.grading.calibration import CalibrationError, fit_weights, with_weights
        from viva.grading.scorer import GradeRequest, signals_for_fitting
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
        grader = self.grader()
        base = grader.calibration
        before = np.asarray([g.score / 100 for g in grader.grade_many(requests)])
        signals = signals_for_fitting(grader, requests)
        weights, bias = fit_weights(signals, targets)
        folds = np.arange(len(rows)) % 5
        after = np.zeros(len(rows))
        for fold in range(5):
            train, test = folds != fold, folds == fold
            if not test.any():
                continue
            fold_weights, fold_bias = fit_weights(signals[train], targets[train], min_rows=2)
            after[test] = with_weights(base, fold_weights, fold_bias, "").probability(signals[test])
        fitted = with_weights(base, weights, bias, f"{source.name} ({len(rows)} answers)")
        self.settings.home.mkdir(parents=True, exist_ok=True)
        partial = self.calibration_path.with_suffix(".part")
        partial.write_text(json.dumps(fitted.to_dict(), indent=2, ensure_ascii=False), "utf-8")
        partial.replace(self.calibration_path)
        self._grader = None

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
            path=self.calibration_path,
        )

    def reset_calibration(self) -> bool:
        """Go back to the shipped calibration; True when a user calibration was removed."""
        self._grader = None
        if self.calibration_path.exists():
            self.calibration_path.unlink()
            return True
        return False

    # --- practice -----------------------------------------------------------------------
    @property
    def fsrs_parameters_path(self) -> Path:
        """FSRS parameters fitted by `viva optimize` (absent: fsrs' defaults)."""
        return self.settings.home / "fsrs-parameters.json"

    def scheduler(self) -> Scheduler:
        """FSRS with the user's desired retention (and fitted parameters, if any)."""
        import json

        from viva.practice.scheduler import Scheduler

        parameters = None
        if self.fsrs_parameters_path.exists():
            data = json.loads(self.fsrs_parameters_path.read_text("utf-8"))
            parameters = tuple(float(w) for w in data["parameters"])
        return Scheduler(self.settings.desired_retention, parameters=parameters)

    def optimize(self, *, min_reviews: int = 100) -> tuple[float, ...]:
        """Fit FSRS parameters to the review history and use them from now on."""
        import json

        from viva.practice.scheduler import optimize_parameters
        from viva.store.reviews import review_events

        with self.db.reader() as conn:
            events = [e for e in review_events(conn) if not e.is_cram]
        if len(events) < min_reviews:
            raise VivaError(
                f"only {len(events)} reviews so far: fitting FSRS needs at least {min_reviews}",
                hint="keep drilling; fsrs' defaults serve well until then",
            )
        parameters = optimize_parameters([(e.question_id, e.rating, e.reviewed_at) for e in events])
        self.settings.home.mkdir(parents=True, exist_ok=True)
        partial = self.fsrs_parameters_path.with_suffix(".part")
        partial.write_text(
            json.dumps({"parameters": parameters, "reviews": len(events)}, indent=2), "utf-8"
        )
        partial.replace(self.fsrs_parameters_path)
        return parameters

    def drill_queue(
        self,
        *,
        banks: Sequence[str] | None = None,
        section: str | None = None,
        limit: int | None = None,
        new: int = 10,
        cram: bool = False,
        now: datetime | None = None,
    ) -> list[Question]:
        """The questions a drill asks now: due first, then new (see practice.session).

        Only the candidates are loaded in full: a bank of 20,000 questions is filtered on ids,
        due dates and sections straight from the database.
        """
        from viva.practice.session import drill_queue
        from viva.store.reviews import due_times, load_memories

        at = now or _now()
        names = self._bank_names(banks)
        with self.db.reader() as conn:
            index = repo.question_index(conn, bank_names=names, section=section)
            due = due_times(conn)
            fresh = [qid for qid, has_reference, _ in index if has_reference and qid not in due]
            studied = [qid for qid, _, _ in index if qid in due]
            if not cram:
                studied = [qid for qid in studied if due[qid] <= at]
            wanted = studied + fresh[: max(0, new)]
            questions = repo.load_questions(conn, bank_names=names, ids=wanted)
            memories = load_memories(conn, studied)
        return drill_queue(
            questions, memories, self.scheduler(), now=at, limit=limit, new_limit=new, cram=cram
        )

    def review(
        self,
        question_id: str,
        rating: int,
        *,
        answer: str | None = None,
        grade: Grade | None = None,
        cram: bool = False,
        now: datetime | None = None,
    ) -> Review:
        """Record a review: the log always, the new schedule unless cramming. One transaction."""
        from viva.grading.models import Rating
        from viva.store.reviews import load_memories, record_review
        from viva.wire import grade_json

        at = now or _now()
        with self.db.transaction() as conn:
            before = load_memories(conn, [question_id]).get(question_id)
            result = self.scheduler().review(before, Rating(rating), now=at)
            record_review(
                conn,
                question_id,
                rating=int(rating),
                suggested=None if grade is None else int(grade.rating),
                answer=answer,
                score=None if grade is None else grade.score,
                grade=None if grade is None else grade_json(grade),
                before=before,
                after=None if cram else result.after,
                reviewed_at=at,
            )
        return result

    def undo_last_review(self, now: datetime | None = None) -> StoredReview | None:
        """Take back the latest review and restore the schedule it changed."""
        from viva.store.reviews import undo_last

        with self.db.transaction() as conn:
            return undo_last(conn, now or _now())

    def due_count(self, *, banks: Sequence[str] | None = None, now: datetime | None = None) -> int:
        """Questions due now in the named banks."""
        from viva.practice.session import due_count
        from viva.store.reviews import load_memories

        ids = [q.id for q in self.questions(banks=banks)]
        with self.db.reader() as conn:
            return due_count(load_memories(conn, ids), ids, now or _now())

    def plan(
        self,
        exam_day: date,
        *,
        banks: Sequence[str] | None = None,
        minutes_per_day: int | None = None,
        now: datetime | None = None,
    ) -> Plan:
        """Predicted recall per section on the interview day, and the reviews it takes."""
        from viva.practice.planner import plan_to_date
        from viva.store.reviews import load_memories

        names = self._bank_names(banks)
        with self.db.reader() as conn:
            index = repo.question_index(conn, bank_names=names)
            items = [(qid, section) for qid, has_reference, section in index if has_reference]
            memories = load_memories(conn)
        return plan_to_date(
            items,
            memories,
            self.scheduler(),
            now=now or _now(),
            exam_day=exam_day,
            minutes_per_day=minutes_per_day,
        )

    def stats(self, *, banks: Sequence[str] | None = None, now: datetime | None = None) -> Stats:
        """Reviews per day, retention achieved vs desired, mastery per section, interview trend."""
        from viva.practice.stats import compute_stats
        from viva.store.interviews import list_interviews
        from viva.store.reviews import load_memories, review_events

        names = self._bank_names(banks)
        with self.db.reader() as conn:
            index = repo.question_index(conn, bank_names=names)
            items = [(qid, section) for qid, has_reference, section in index if has_reference]
            memories = load_memories(conn)
            events = review_events(conn)
            interviews = [(i.finished_at, i.overall) for i in list_interviews(conn)]
        return compute_stats(
            events, memories, items, interviews, self.scheduler(), now=now or _now()
        )

    # --- mock interviews -----------------------------------------------------------------
    def start_interview(
        self,
        plan: str = "kaoyan-cs",
        *,
        banks: Sequence[str] | None = None,
        seed: int | None = None,
        minutes: float | None = None,
        lang: str | None = None,
        now: datetime | None = None,
    ) -> tuple[MockInterview, int]:
        """Draw an interview from a plan (built-in name or YAML path); returns it and its seed.

        `minutes` rescales every answer's time so the whole panel fits; `lang` sets the
        language of the panel's follow-ups.
        """
        import random
        from dataclasses import replace

        from viva.practice.interview import MockInterview, load_plan
        from viva.store.reviews import load_memories

        interview_plan = load_plan(plan)
        if minutes is not None:
            total = sum(s.count * s.seconds for s in interview_plan.stages) or 1
            factor = minutes * 60 / total
            interview_plan = replace(
                interview_plan,
                stages=tuple(
                    replace(s, seconds=max(15, round(s.seconds * factor)))
                    for s in interview_plan.stages
                ),
            )
        if lang is not None:
            interview_plan = replace(
                interview_plan,
                stages=tuple(replace(s, lang=s.lang or lang) for s in interview_plan.stages),
            )
        chosen_seed = seed if seed is not None else random.SystemRandom().randrange(1, 10**6)
        names = list(banks) if banks else ["all"]
        questions = self.questions(banks=names)
        with self.db.reader() as conn:
            memories = load_memories(conn, [q.id for q in questions])
        interview = MockInterview.start(
            interview_plan,
            questions,
            memories,
            self.scheduler(),
            now=now or _now(),
            seed=chosen_seed,
        )
        return interview, chosen_seed

    def grade_asked(self, asked: Asked, answer: str) -> Grade:
        """Grade an answer to an interview question or follow-up."""
        from viva.grading.scorer import GradeRequest
        from viva.grading.text import to_plain

        return self.grader().grade(
            GradeRequest(asked.prompt, to_plain(asked.reference), answer, asked.key_points)
        )

    def finish_interview(
        self,
        interview: MockInterview,
        *,
        seed: int,
        started_at: datetime,
        now: datetime | None = None,
    ) -> tuple[int, Report]:
        """Build the report and save it; returns its id."""
        from viva.practice.interview import build_report
        from viva.store.interviews import save_interview
        from viva.wire import report_json

        ids = [t.asked.question_id for t in interview.turns if t.asked.question_id]
        sections = {q.id: q.section for q in self.questions(banks=["all"]) if q.id in ids}
        report = build_report(interview, sections)
        with self.db.transaction() as conn:
            saved = save_interview(
                conn,
                plan=report.plan,
                seed=seed,
                started_at=started_at,
                finished_at=now or _now(),
                overall=report.overall,
                report=report_json(report),
            )
        return saved, report

    def interviews(self) -> list[SavedInterview]:
        """Past interviews, newest first."""
        from viva.store.interviews import list_interviews

        with self.db.reader() as conn:
            return list_interviews(conn)

    def interview(self, interview_id: int | None = None) -> SavedInterview:
        """One saved interview (the latest by default)."""
        from viva.store.interviews import get_interview

        with self.db.reader() as conn:
            found = get_interview(conn, interview_id)
        if found is None:
            raise NotFoundError(
                "no mock interview yet"
                if interview_id is None
                else f"no mock interview has the id {interview_id}",
                hint="`viva interview` runs one; `viva history` lists them",
            )
        return found


def builtin_dir() -> Path:
    """The folder of the built-in bank's notes inside the installed package."""
    return Path(str(resources.files("viva.bank").joinpath("builtin")))


def _is_unchanged(
    texts: Sequence[NoteText], stored: dict[str, repo.StoredNote], roots: Sequence[str]
) -> bool:
    """True when every note is byte-identical to the last import and none vanished or appeared."""
    current = {t.file.rel: t.sha256 for t in texts}
    in_scope = {
        path: note
        for path, note in stored.items()
        if note.is_active and is_within(note.source, roots)
    }
    if set(current) != set(in_scope):
        return False
    return all(
        in_scope[path].sha256 == sha and in_scope[path].importer_version == IMPORTER_VERSION
        for path, sha in current.items()
    )


def _hide_password(url: str) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)
