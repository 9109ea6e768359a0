"""Banks: importing notes, the built-in bank, listing and searching questions."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from viva.bank.models import BankBuild, NoteProblem, Question, Severity
from viva.bank.sync import IMPORTER_VERSION, SyncPlan, is_within, plan_sync
from viva.errors import BankNotFound, ImportFailed, QuestionNotFound, VivaError
from viva.service.preferences import Scope, now_utc
from viva.store import questions as repo
from viva.store.owners import SHARED_SEPARATOR
from viva.store.users import lock_user

if TYPE_CHECKING:  # the importer, search and grader load on first use: listing must start fast
    from viva.bank.importer import ImportOptions
    from viva.bank.note import ParsedNote
    from viva.bank.reader import NoteFile, NoteText
    from viva.bank.search import SearchHit
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork


BUILTIN_BANK = "builtin"
DEFAULT_BANK = "default"
ANKI_SUFFIXES = (".apkg", ".colpkg")  # Anki packages: `viva import` reads them as decks
OWN_BANK = "my-questions"  # questions the student adds in Viva (no note behind them)

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
    # (id, prompt as the student edited it) of edited questions that left their note: the
    # edit is kept (the question returns with it if the note brings it back), but not drilled
    edits_orphaned: tuple[tuple[str, str], ...] = ()
    # ... of edited questions whose note text changed: the student's version still stands
    edits_over_changed: tuple[tuple[str, str], ...] = ()

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

    def to_json(self) -> dict[str, Any]:
        """What the import did, with every problem's file and line (`viva import --json`)."""
        from viva.wire import problem_json

        plan = self.plan
        return {
            "bank": self.bank,
            "dry_run": self.is_dry_run,
            "notes": self.notes,
            "questions": self.questions,
            "counts": self.counts,
            "added": [*plan.added, *plan.restored],
            "updated": list(plan.updated),
            "retired": list(plan.retired),
            "problems": [problem_json(p) for p in self.problems],
            "edits_orphaned": [{"id": i, "prompt": p} for i, p in self.edits_orphaned],
            "edits_over_changed": [{"id": i, "prompt": p} for i, p in self.edits_over_changed],
        }


@dataclass(frozen=True, slots=True)
class StagedNotes:
    """Notes unpacked in a staging folder, moved to `final` once their import is committed.

    The database records `final` (where the notes will be), and only a later import of the same
    `final` updates or retires their questions. `prefix` starts every vault-relative path (and
    so every question id): two archives that both hold `ML.md` stay apart.
    """

    staged: Path  # a note file or a folder, as unpacked: what is read
    final: Path  # where it lives once imported
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class SectionCount:
    """One section of a bank and how many questions it holds (its sub-sections included)."""

    bank: str
    depth: int  # 0 for a top-level section
    name: str
    path: str  # "A / B", as `--section` takes it
    questions: int


@dataclass(frozen=True, slots=True)
class AnkiExport:
    """What `viva export anki` wrote."""

    path: Path
    banks: tuple[str, ...]
    notes: int
    media: int
    without_reference: int


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


class BankService:
    """Banks: importing notes, the built-in bank, listing and searching questions."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork) -> None:
        self.runtime = runtime
        self.unit = unit
        self.settings = runtime.settings

    # --- paths --------------------------------------------------------------------------
    def paths(self) -> Paths:
        """Every place Viva reads or writes."""
        s = self.settings
        return Paths(
            home=s.home,
            database=str(s.db_path) if s.database_url is None else _hide_password(s.database_url),
            assets=s.assets_dir,
            models=s.models_dir,
            recordings=self.unit.recordings_dir,
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
        options: ImportOptions | None = None,
    ) -> ImportReport:
        """Import note files or vault folders into `bank`, in one transaction.

        `options` choose the question shapes and the notes (`--questions`, `--include`,
        `--exclude`); a dry run computes exactly what the import would write.

        Raises:
            ImportFailed: nothing importable, or a named file cannot be read (nothing written).
        """
        self.check_writable(bank)
        if any(Path(p).suffix.lower() in ANKI_SUFFIXES for p in paths):
            return self.import_anki(
                paths, bank=bank, dry_run=dry_run, on_progress=on_progress, now=now, options=options
            )
        return self._import(
            paths, bank=bank, dry_run=dry_run, on_progress=on_progress, now=now, options=options
        )

    def import_staged(
        self,
        items: Sequence[StagedNotes],
        *,
        bank: str,
        on_progress: ImportProgress | None = None,
    ) -> ImportReport:
        """Import staged uploads, then move them into place (web uploads, as a job).

        Read from the staging folder, committed, and only then moved: an import that fails or
        is killed leaves the previous files and the previous bank, never new files beside an old
        bank. The staged copies are removed whatever happens.
        """
        try:
            self.check_writable(bank)
            with self.runtime.upload_lock:
                report = self._import(
                    [item.staged for item in items],
                    bank=bank,
                    dry_run=False,
                    on_progress=on_progress,
                    now=None,
                    staged=items,
                )
                if not report.is_unchanged_vault:
                    for item in items:
                        _swap_into_place(item.staged, item.final)
                return report
        finally:
            for item in items:
                _remove(item.staged)

    def _import(
        self,
        paths: Sequence[Path],
        *,
        bank: str,
        dry_run: bool,
        on_progress: ImportProgress | None,
        now: datetime | None,
        is_builtin: bool = False,
        staged: Sequence[StagedNotes] = (),
        options: ImportOptions | None = None,
        read: Mapping[str, ParsedNote] | None = None,
    ) -> ImportReport:
        from viva.bank.importer import ImportOptions, build_bank, read_notes
        from viva.bank.reader import discover

        options = options or ImportOptions()
        started = now or now_utc()
        files, others, read_roots = discover(paths)
        roots = read_roots  # what this import covers (and may retire)
        if staged:
            files = [_prefixed(f, staged) for f in files]
            roots = [str(item.final.resolve()) for item in staged]

        def progress(stage: str) -> Callable[[int, int], None] | None:
            if on_progress is None:
                return None
            return lambda done, total: on_progress(stage, done, total)

        texts, skipped = read_notes(
            files, max_bytes=self.settings.max_note_bytes, on_progress=progress("read")
        )
        skipped.extend(_damaged_warnings(texts))
        with self.unit.reader() as conn:
            bank_id = repo.find_bank_id(conn, self.unit.user_id, bank)
            stored_notes = (
                repo.stored_notes(conn, self.unit.user_id, bank_id) if bank_id is not None else {}
            )
            # chosen options may import the same notes differently: then always parse
            unchanged = (
                bank_id is not None
                and options.is_default
                and _is_unchanged(texts, stored_notes, roots)
            )
            if unchanged:
                assert bank_id is not None
                stored = repo.stored_questions(conn, self.unit.user_id, bank_id)
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
            roots=read_roots,
            problems=skipped,
            on_progress=progress("parse"),
            options=options,
            read=read,
            owner="" if is_builtin else self.unit.id_owner,
        )
        if staged:
            build = _relocated(build, staged, roots)
        with self.unit.reader() as conn:
            stored = (
                repo.stored_questions(conn, self.unit.user_id, bank_id)
                if bank_id is not None
                else {}
            )
            plan = plan_sync(build.questions, stored, build.roots)
            orphaned, over_changed = _edits_touched(conn, self.unit.user_id, plan)
        report = ImportReport(
            bank=bank,
            is_dry_run=dry_run,
            notes=len(build.notes),
            questions=len(build.questions),
            with_reference=sum(1 for q in build.questions if q.has_reference),
            plan=plan,
            problems=build.problems,
            edits_orphaned=orphaned,
            edits_over_changed=over_changed,
        )
        if dry_run:
            return report
        if on_progress is not None:
            on_progress("write", 0, len(build.questions))
        asset_names = self._copy_assets(build, read_roots)
        with self.unit.transaction() as conn:
            if not is_builtin:
                lock_user(conn, self.unit.user_id)  # the user's imports, one after the other
            bank_id = repo.ensure_bank(
                conn, self.unit.user_id, bank, is_builtin=is_builtin, now=started
            )
            repo.lock_bank(conn, bank_id)
            # another import of this bank may have committed since the plan was made (two
            # tabs, two workers): plan again against what is stored now
            current = repo.stored_questions(conn, self.unit.user_id, bank_id)
            if current != stored:
                plan = plan_sync(build.questions, current, build.roots)
                orphaned, over_changed = _edits_touched(conn, self.unit.user_id, plan)
                report = replace(
                    report, plan=plan, edits_orphaned=orphaned, edits_over_changed=over_changed
                )
            repo.apply_import(
                conn, self.unit.user_id, bank_id, build, plan, now=started, asset_names=asset_names
            )
            repo.record_run(
                conn,
                self.unit.user_id,
                bank_id,
                build,
                report.counts,
                started_at=started,
                finished_at=now or now_utc(),
            )
        if on_progress is not None:
            on_progress("write", len(build.questions), len(build.questions))
        return report

    def _last_problems(self, bank_id: int | None) -> tuple[NoteProblem, ...]:
        if bank_id is None:
            return ()
        with self.unit.reader() as conn:
            return tuple(repo.last_run_problems(conn, self.unit.user_id, bank_id))

    def _copy_assets(self, build: BankBuild, roots: Sequence[str]) -> dict[str, str]:
        """Copy the images notes embed into the data dir, named by content (deduplicated).

        Only files inside what was imported are read (the vault resolves links that way; this
        is the second look, at the place that reads).
        """
        areas = [(Path(r).parent if Path(r).is_file() else Path(r)).resolve() for r in roots]
        names: dict[str, str] = {}
        files = {link.file for q in build.questions for link in q.links if link.file}
        for file in sorted(files):
            source = Path(file).resolve()
            if not any(source.is_relative_to(area) for area in areas):
                continue
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

    # --- Anki decks (issue 15) ----------------------------------------------------------
    def export_anki(
        self, target: Path, *, banks: Sequence[str] | None = None, now: datetime | None = None
    ) -> AnkiExport:
        """Write the questions of `banks` (default: see `default_banks`) as an Anki package."""
        from viva.bank.anki import export_deck
        from viva.store.anki import write_package

        target = target.expanduser()
        if target.suffix.lower() != ".apkg":
            raise VivaError(
                f"{str(target)!r} does not end in .apkg",
                hint="name the file like my-notes.apkg: Anki imports .apkg packages",
            )
        if target.is_dir():
            raise VivaError(f"{str(target)!r} is a folder", hint="give a file name ending in .apkg")
        questions = self.questions(banks=banks)
        if not questions:
            raise VivaError(
                "there are no questions to export",
                hint="`viva import NOTES` first, or name a bank with --bank",
            )
        assets = self.settings.assets_dir
        deck = export_deck(questions, asset_exists=lambda name: (assets / name).is_file())
        try:
            write_package(deck, target, assets=assets, now=now or now_utc())
        except OSError as err:
            raise VivaError(
                f"cannot write {str(target)!r}: {err.strerror or err}",
                hint="choose a folder you can write to",
            ) from None
        return AnkiExport(
            path=target,
            banks=tuple(sorted({q.bank for q in questions})),
            notes=len(deck.notes),
            media=len(deck.media),
            without_reference=deck.without_reference,
        )

    def import_anki(
        self,
        paths: Sequence[Path],
        *,
        bank: str = DEFAULT_BANK,
        dry_run: bool = False,
        on_progress: ImportProgress | None = None,
        now: datetime | None = None,
        options: ImportOptions | None = None,
    ) -> ImportReport:
        """Import one Anki package's notes into `bank`, through the notes' import.

        The package is unpacked in the staging folder (its images under safe names), read into
        one note of the bank (`anki_notes.py`) and imported as that note, recorded under the
        package's path: a re-import of the same file updates and retires its questions.

        Raises:
            ImportFailed: not one package, or a package Viva cannot read (nothing written).
        """
        from viva.bank.anki_notes import deck_note
        from viva.store.anki import read_package

        self.check_writable(bank)
        if len(paths) != 1 or (options is not None and not options.is_default):
            raise ImportFailed(
                "an Anki package is imported on its own, without --questions, --include "
                "or --exclude",
                hint="run one `viva import DECK.apkg --bank NAME` per package",
            )
        source = Path(paths[0]).expanduser()
        if not source.is_file():
            raise ImportFailed(
                f"{str(paths[0])!r} does not exist", hint="give the .apkg file Anki exported"
            )
        staging = self.settings.home / ".staging"
        staging.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=staging, prefix="anki-"))
        try:
            if on_progress is not None:
                on_progress("read", 0, 1)
            package = read_package(
                source,
                media_dir=folder,
                max_bytes=self.settings.max_upload_bytes,
                max_field_bytes=self.settings.max_note_bytes,
            )
            note = deck_note(package, source.name)
            data = note.text.encode("utf-8")
            if len(data) > self.settings.max_note_bytes:
                raise ImportFailed(
                    f"{source.name}: its notes come to {len(data) / 1024 / 1024:.1f} MB of text "
                    f"(limit {self.settings.max_note_bytes / 1024 / 1024:.0f} MB)",
                    hint="export fewer decks, or set VIVA_MAX_NOTE_MB to raise the limit",
                )
            staged = folder / source.name
            staged.write_bytes(data)
            return self._import(
                [staged],
                bank=bank,
                dry_run=dry_run,
                on_progress=on_progress,
                now=now,
                staged=[StagedNotes(staged, source.resolve())],
                read={source.name: note.parsed},
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # --- the built-in bank --------------------------------------------------------------
    def ensure_builtin(self) -> None:
        """Load or refresh the built-in bank when the installed copy differs from the stored one."""
        if self.runtime.builtin_checked or not self.settings.include_builtin:
            return
        self.runtime.builtin_checked = True
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
        with self.unit.transaction() as conn:
            bank_id = repo.find_bank_id(conn, self.unit.user_id, name)
            if bank_id is None:
                raise self._bank_not_found(conn, name)
            repo.set_bank_enabled(conn, self.unit.user_id, bank_id, enabled, now_utc())

    def export_bank(self, name: str, target: Path) -> list[Path]:
        """Write a bank to `target` as Markdown notes: the student's version (their edits in
        place of the notes' text), which `viva import` reads back as the same questions.

        One file per note, at its place in the vault; embedded images are copied beside them.

        Raises:
            BankNotFound: no such bank.
            VivaError: `target` is a file, or a folder that is not empty.
        """
        from viva.bank.export import NoteHeader, note_markdown

        target = target.expanduser()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            problem = "is not empty" if target.is_dir() else "is a file, not a folder"
            raise VivaError(
                f"{str(target)!r} {problem}",
                hint="choose a new or empty folder, so no note of yours is overwritten",
            )
        self.ensure_builtin()
        with self.unit.reader() as conn:
            if repo.find_bank_id(conn, self.unit.user_id, name) is None:
                raise self._bank_not_found(conn, name)
            questions = repo.load_questions(conn, self.unit.user_id, bank_names=[name])
            tags = repo.note_tags(conn, self.unit.user_id, name)
        by_note: dict[str, list[Question]] = {}
        for question in questions:
            by_note.setdefault(question.source.file, []).append(question)
        root = target.resolve()
        written = []
        for path, members in by_note.items():
            destination = (root / path).resolve()
            if not destination.is_relative_to(root) or destination == root:
                continue  # a stored path that would leave the folder: never written
            destination.parent.mkdir(parents=True, exist_ok=True)
            text = note_markdown(members, NoteHeader(tags=tags.get(path, ())))
            destination.write_text(text, "utf-8")
            written.append(destination)
            self._export_assets(members, destination.parent, root)
        return written

    def _export_assets(self, questions: Sequence[Question], folder: Path, root: Path) -> None:
        """Copy the images these questions embed next to their note (named as linked)."""
        for question in questions:
            for link in question.links:
                if not link.file or link.kind.value != "asset":
                    continue
                source = self.settings.assets_dir / link.file
                name = link.target.split("|", 1)[0].split("#", 1)[0]
                destination = (folder / name).resolve()
                if source.is_file() and destination.is_relative_to(root):
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, destination)

    def check_writable(self, name: str) -> None:
        """Refuse to import into `name` when it is not a bank the user may write: a bank a
        teacher shared with their class (read-only), or a name that cannot be a bank's.

        Raises:
            ReadOnlyBank: a shared bank.
            ImportFailed: a name `check_bank_name` refuses, or a new name with "/" in it.
        """
        check_bank_name(name)
        if SHARED_SEPARATOR not in name:
            return
        with self.unit.reader() as conn:
            if repo.is_shared_bank(conn, self.unit.user_id, name):
                raise ReadOnlyBank(
                    f"the bank {name!r} is shared with your class by your teacher: it is read-only",
                    hint="drill it as it is; import your own notes into a bank of your own",
                )
            if repo.find_bank_id(conn, self.unit.user_id, name) is None:  # not an older bank
                raise ImportFailed(
                    f"the bank name {name!r} contains {SHARED_SEPARATOR!r}, which marks a bank"
                    " a teacher shared with a class",
                    hint="name the bank with a few letters or digits, e.g. my-notes or 机器学习",
                )

    def is_shared(self, name: str) -> bool:
        """Whether the bank the user calls `name` is one a teacher shared with them."""
        if SHARED_SEPARATOR not in name:
            return False
        with self.unit.reader() as conn:
            return repo.is_shared_bank(conn, self.unit.user_id, name)

    # --- reading ------------------------------------------------------------------------
    def banks(self) -> list[repo.BankSummary]:
        """Every bank with its counts."""
        self.ensure_builtin()
        with self.unit.reader() as conn:
            return repo.bank_summaries(conn, self.unit.user_id)

    def default_banks(self) -> list[str]:
        """The banks used when none is named: every enabled bank, the student's own first and
        the built-in one beside them (`viva bank disable builtin` leaves it out)."""
        return [b.name for b in self.banks() if b.is_enabled]

    def resolved_scope(self, scope: Scope) -> Scope:
        """`scope` with its banks narrowed to those that exist and are enabled; when none is
        left (or none was chosen), every enabled bank."""
        enabled = self.default_banks()
        banks = tuple(b for b in scope.banks if b in enabled) or tuple(enabled)
        return Scope(banks, scope.sections)

    def sections(self, *, banks: Sequence[str] | None = None) -> list[SectionCount]:
        """Each bank's sections as a tree in note order (depth, name, path, questions)."""
        names = self.bank_names(banks)
        with self.unit.reader() as conn:
            index = repo.section_index(conn, self.unit.user_id, bank_names=names)
        counts: dict[tuple[str, tuple[str, ...]], int] = {}
        for bank, path in index:
            for depth in range(1, len(path) + 1):
                key = (bank, path[:depth])
                counts[key] = counts.get(key, 0) + 1
        return [
            SectionCount(bank, len(path) - 1, path[-1], repo.section_key(path), n)
            for (bank, path), n in counts.items()
        ]

    def questions(
        self,
        *,
        banks: Sequence[str] | None = None,
        section: str | None = None,
        sections: Sequence[str] = (),
    ) -> list[Question]:
        """Active questions of the named banks (default: see `default_banks`), of `section` or
        of any of `sections`."""
        names = self.bank_names(banks)
        with self.unit.reader() as conn:
            return repo.load_questions(
                conn, self.unit.user_id, bank_names=names, section=section, sections=sections
            )

    def question(self, id_or_prefix: str) -> Question:
        """One question by id (or an unambiguous prefix of at least 4 characters)."""
        self.ensure_builtin()
        wanted = id_or_prefix.strip().lower()
        with self.unit.reader() as conn:
            found = repo.load_questions(conn, self.unit.user_id, ids=[wanted], include_retired=True)
            if found:
                return found[0]
            matches = (
                repo.find_question_ids(conn, self.unit.user_id, wanted) if len(wanted) >= 4 else []
            )
            if len(matches) == 1:
                return repo.load_questions(
                    conn, self.unit.user_id, ids=matches, include_retired=True
                )[0]
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

    def bank_names(self, banks: Sequence[str] | None) -> list[str]:
        """The banks `banks` names (default, "all", or checked names)."""
        if not banks:
            return self.default_banks()
        known = {b.name: b for b in self.banks()}
        if "all" in banks:
            return [b.name for b in known.values() if b.is_enabled]
        for name in banks:
            if name not in known:
                with self.unit.reader() as conn:
                    raise self._bank_not_found(conn, name)
        return list(banks)

    def _bank_not_found(self, conn: sa.Connection, name: str) -> BankNotFound:
        names = [b.name for b in repo.bank_summaries(conn, self.unit.user_id)]
        shown = ", ".join(names) if names else "none yet"
        return BankNotFound(
            f"no bank is called {name!r} (banks: {shown})",
            hint="`viva import PATH --bank NAME` creates a bank",
        )


class ReadOnlyBank(VivaError):
    """A write into a bank a teacher shared with the user's class."""

    http_status = 403


MAX_BANK_NAME = 64
# "all" names every bank in listings; OWN_BANK holds questions added in Viva, not notes
_RESERVED = {BUILTIN_BANK, "all", OWN_BANK}


def check_bank_name(name: str) -> None:
    """Refuse a bank name that cannot be listed, typed or told apart."""
    problem = None
    if not name.strip():
        problem = "is empty"
    elif name != name.strip():
        problem = "starts or ends with spaces"
    elif len(name) > MAX_BANK_NAME:
        problem = f"is {len(name)} characters long (at most {MAX_BANK_NAME})"
    elif any(not c.isprintable() for c in name):
        problem = "contains control characters"
    elif name.casefold() in _RESERVED:
        problem = "is reserved (built-in questions, every bank, or questions added in Viva)"
    if problem is not None:
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise ImportFailed(
            f"the bank name {shown!r} {problem}",
            hint="name the bank with a few letters or digits, e.g. my-notes or 机器学习",
        )


def _edits_touched(
    conn: sa.Connection, user_id: int, plan: SyncPlan
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The edited questions an import retires, and those whose note text it changes."""
    from viva.store.edits import edited_ids

    edited = edited_ids(conn, user_id, [*plan.retired, *plan.updated])
    if not edited:
        return (), ()
    prompts = {
        q.id: q.prompt
        for q in repo.load_questions(conn, user_id, ids=sorted(edited), include_retired=True)
    }
    retired = tuple((i, prompts[i]) for i in plan.retired if i in edited)
    updated = tuple((i, prompts[i]) for i in plan.updated if i in edited)
    return retired, updated


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


def _damaged_warnings(texts: Sequence[NoteText]) -> list[NoteProblem]:
    """A warning, with its line, for each note whose invalid UTF-8 was replaced by U+FFFD."""
    from viva.bank.reader import DAMAGED_UTF8

    found = []
    for text in texts:
        if text.encoding != DAMAGED_UTF8:
            continue
        line = text.text.count("\n", 0, text.text.index("\ufffd")) + 1
        damaged = text.text.count("\ufffd")
        found.append(
            NoteProblem(
                text.file.rel,
                line,
                f"not valid UTF-8: {damaged} damaged byte sequence(s) shown as \ufffd "
                "(the first on this line); save the note as UTF-8 again",
                Severity.WARNING,
            )
        )
    return found


def _prefixed(file: NoteFile, staged: Sequence[StagedNotes]) -> NoteFile:
    """`file` with its vault-relative path under the prefix of the upload it came from."""
    for item in staged:
        root = item.staged.resolve()
        if item.prefix and (file.path == root or file.path.is_relative_to(root)):
            return replace(file, rel=f"{item.prefix}/{file.rel}")
    return file


def _relocated(build: BankBuild, staged: Sequence[StagedNotes], roots: Sequence[str]) -> BankBuild:
    """The build as if it had been read where the staged notes will live."""
    moves = [(item.staged.resolve(), item.final.resolve()) for item in staged]

    def moved(source: str) -> str:
        path = Path(source)
        for old, new in moves:
            if path == old or path.is_relative_to(old):
                return str(new / path.relative_to(old))
        return source

    notes = tuple(replace(n, source=moved(n.source)) for n in build.notes)
    return replace(build, notes=notes, roots=tuple(roots))


def _swap_into_place(staged: Path, final: Path) -> None:
    """Replace `final` by `staged` with renames (the old copy is removed after)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(old)
    staged.rename(final)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
