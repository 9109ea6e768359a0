"""Jobs: slow work (importing uploaded notes, transcribing a recorded answer, grading a batch
of answers) off the request.

A request records a job (a row in `jobs`, the user's), hands its id to a runner and returns;
the page polls the row, where the progress and then the result or the error land. The same
job function (`run_job`) runs wherever the job is taken:

- `VIVA_JOBS=local` (the default, personal use): one process the web server starts itself
  (`LocalRunner`), one job at a time; nothing else to install or start.
- `VIVA_JOBS=queue` (hosted): the job queue of procrastinate, in the PostgreSQL database
  (`QueueRunner`); `viva worker` processes, on this machine or others sharing the data dir,
  take the jobs. Imports into one bank of one user never run at the same time (a lock).

Files a job needs (the unpacked upload, the recorded audio) are under the data dir, named in
the job's arguments relative to it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from viva.errors import NotFoundError, SpeechUnavailable, VivaError
from viva.service.preferences import now_utc
from viva.service.speech import SpeechService, TranscribeOptions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from viva.config import Settings
    from viva.service.bank import BankService, StagedNotes
    from viva.service.runtime import JobRunner, Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.jobs import StoredJob

log = logging.getLogger("viva.jobs")

IMPORT, TRANSCRIBE, GRADE = "import", "transcribe", "grade"
BATCHES = "batches"  # under the user's folder: uploaded batches and their graded copies
BATCH_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")
BATCH_DAYS = 7  # graded batches are kept this long (then the next batch removes them)
STAGING = ".staging"  # under the data dir: uploads unpacked, waiting for their import job
PROGRESS_EVERY = 0.5  # seconds between two progress writes of one job
TASK = "viva.run_job"  # the job queue's name for run_job


class JobNotFound(NotFoundError):
    """No job of this user has the id."""


class JobFailed(VivaError):
    """A job's error, told with the status and hint the job stored."""

    def __init__(self, message: str, *, hint: str | None, status: int) -> None:
        super().__init__(message, hint=hint)
        self.http_status = status


@dataclass(frozen=True, slots=True)
class Job:
    """A job as its owner sees it: state, progress, and the result or the error."""

    id: str
    kind: str  # import, transcribe, grade
    state: str  # queued, running, done, failed
    stage: str  # import: read, parse, write; transcribe: transcribe; grade: grade
    done: float
    total: float
    result: dict[str, Any] | None
    error: str | None
    hint: str | None
    status: int | None  # the HTTP status of the error
    created_at: datetime
    finished_at: datetime | None

    @property
    def is_finished(self) -> bool:
        """Done or failed: nothing more will change."""
        return self.state in ("done", "failed")

    def outcome(self) -> dict[str, Any]:
        """The result of a finished job.

        Raises:
            JobFailed: the job failed (its message, hint and status).
            VivaError: the job has not finished.
        """
        if self.state == "failed":
            message = self.error or "the job failed"
            raise JobFailed(message, hint=self.hint, status=self.status or 500)
        if self.result is None:
            raise VivaError(f"the job {self.id} has not finished ({self.state})")
        return self.result

    def to_json(self) -> dict[str, Any]:
        """The job for the API (`GET /api/jobs/{id}`)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": {"stage": self.stage, "done": self.done, "total": self.total},
            "result": self.result,
            "error": None
            if self.error is None
            else {"error": self.error, "hint": self.hint, "status": self.status},
            "created_at": self.created_at.isoformat(),
            "finished_at": None if self.finished_at is None else self.finished_at.isoformat(),
        }

    @classmethod
    def of(cls, stored: StoredJob) -> Job:
        """From the stored row."""
        return cls(
            id=stored.id,
            kind=stored.kind,
            state=stored.state,
            stage=stored.stage,
            done=stored.done,
            total=stored.total,
            result=stored.result,
            error=stored.error,
            hint=stored.hint,
            status=stored.status,
            created_at=stored.created_at,
            finished_at=stored.finished_at,
        )


class JobService:
    """Recording jobs for the user and reading them back."""

    def __init__(
        self, runtime: Runtime, unit: UnitOfWork, bank: BankService, speech: SpeechService
    ) -> None:
        self.runtime = runtime
        self.unit = unit
        self.bank = bank
        self.speech = speech

    def submit_import(self, items: Sequence[StagedNotes], *, bank: str) -> Job:
        """Import staged uploads into `bank` as a job (the staged copies become the job's)."""
        home = self.runtime.settings.home
        try:
            self.bank.check_writable(bank)
            arguments = {
                "bank": bank,
                "items": [
                    {
                        "staged": _relative(item.staged, home),
                        "final": _relative(item.final, home),
                        "prefix": item.prefix,
                    }
                    for item in items
                ],
            }
        except BaseException:
            _discard(items, home)
            raise
        return self._submit(IMPORT, arguments, lock=f"import:{self.unit.user_id}:{bank}")

    def submit_transcription(
        self,
        data: bytes,
        filename: str,
        options: TranscribeOptions | None = None,
    ) -> Job:
        """Transcribe an uploaded recording as a job (kept, as `transcribe_bytes` keeps it).

        Raises:
            SpeechUnavailable: the voice extra is not installed (refused before queueing).
        """
        if not self.speech.speech_to_text_available():
            raise SpeechUnavailable(
                "speech-to-text is not installed", hint="pip install 'viva-coach[voice]'"
            )
        path = self.speech.stage_audio(data, filename)
        arguments = {
            "file": _relative(path, self.runtime.settings.home),
            "filename": Path(filename).name or "upload",
            "options": replace(options or TranscribeOptions(), keep=True).to_json(),
        }
        # a user's transcriptions may run side by side: the lock is the job's own
        return self._submit(TRANSCRIBE, arguments, lock="")

    def submit_batch_grade(self, data: bytes, filename: str) -> Job:
        """Grade an uploaded CSV/JSONL file of answers as a job (what `viva grade --batch`
        does); the graded file is the job's `result["file"]`, under the user's folder.

        The file is read before the job is queued, so a file that is not a batch (a line
        with too many fields, missing columns) is refused at once, with the line.

        Raises:
            BatchFileError: the file cannot be read as a batch.
        """
        from viva.grading.batch import BatchFileError, read_rows

        name = Path(filename.replace("\\", "/")).name or "answers.csv"
        suffix = Path(name).suffix.lower()
        if suffix not in BATCH_SUFFIXES:
            raise BatchFileError(
                f"{name}: expected a .csv or .jsonl file (not {suffix or 'no extension'})",
                hint="save the sheet as CSV UTF-8 with the columns question, reference, answer",
            )
        folder = self.unit.user_dir / BATCHES
        folder.mkdir(parents=True, exist_ok=True)
        _remove_old_batches(folder)
        stem = uuid.uuid4().hex
        source = folder / f"{stem}.in{suffix}"
        source.write_bytes(data)
        try:
            rows, _ = read_rows(source, name=name)
        except BaseException:
            source.unlink(missing_ok=True)
            raise
        home = self.runtime.settings.home
        arguments = {
            "file": _relative(source, home),
            "output": _relative(folder / f"{stem}.graded{suffix}", home),
            "filename": name,
            "rows": len(rows),
        }
        return self._submit(GRADE, arguments, lock="")

    def batch_file(self, job_id: str) -> tuple[Path, str]:
        """The graded file of a finished batch job of the user, and the name to give it.

        Raises:
            JobNotFound: no job of this user has the id (or it is not a batch).
            JobFailed: the job failed (its error).
            NotFoundError: the graded file is gone (batches are kept a week).
        """
        found = self.job(job_id)
        if found.kind != GRADE:
            raise JobNotFound(f"no batch has the id {job_id!r}")
        result = found.outcome()
        path = _inside(self.runtime.settings.home, str(result["file"]))
        if not path.is_file():
            raise NotFoundError(
                "the graded file is gone (graded files are kept for a week)",
                hint="upload the answers again",
            )
        original = Path(str(result["filename"]))
        return path, f"{original.stem}-graded{original.suffix}"

    def _submit(self, kind: str, arguments: dict[str, Any], *, lock: str) -> Job:
        from viva.store.jobs import create_job

        job_id = uuid.uuid4().hex
        with self.unit.transaction() as conn:
            create_job(
                conn,
                self.unit.user_id,
                job_id=job_id,
                kind=kind,
                arguments=arguments,
                now=now_utc(),
            )
        try:
            runner(self.runtime).submit(job_id, kind=kind, lock=lock or f"job:{job_id}")
        except Exception as error:  # the queue is down: say so on the job, not only here
            _fail(
                self.runtime,
                job_id,
                VivaError(
                    "the job could not be handed to a worker; nothing was done",
                    hint="check that the database is reachable and try again",
                ),
            )
            log.exception("could not submit job %s", job_id, exc_info=error)
        return self.job(job_id)

    def job(self, job_id: str) -> Job:
        """One of the user's jobs.

        Raises:
            JobNotFound: no job of this user has the id.
        """
        from viva.store.jobs import get_job

        with self.unit.reader() as conn:
            stored = get_job(conn, self.unit.user_id, job_id)
        if stored is None:
            raise JobNotFound(
                f"no job has the id {job_id!r}", hint="jobs are kept for a day after they end"
            )
        return Job.of(stored)


def _relative(path: Path, home: Path) -> str:
    resolved, root = path.resolve(), home.resolve()
    if not resolved.is_relative_to(root):
        raise VivaError(f"{path} is outside the data dir {root}")
    return resolved.relative_to(root).as_posix()


def _inside(home: Path, relative: str) -> Path:
    root = home.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise VivaError(f"the job names {relative!r}, which is outside the data dir")
    return path


def _discard(items: Sequence[StagedNotes], home: Path) -> None:
    """Remove staged copies and the batch folders they were unpacked in (only ever inside
    the staging folder: a path elsewhere is left alone)."""
    staging = (home / STAGING).resolve()
    for item in items:
        staged = item.staged.resolve()
        if staged.is_relative_to(staging) and staged != staging:
            _remove_staged(staging / staged.relative_to(staging).parts[0])


def _remove_staged(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# --- running a job (in whichever process takes it) ----------------------------------------
def run_job(runtime: Runtime, job_id: str) -> None:
    """Take the job (once: a job already taken is left alone), run it as its owner, and
    store the result or the error. Errors are the job's: nothing is raised."""
    from viva.store.jobs import claim_job, finish_job

    with runtime.db.transaction() as conn:
        claimed = claim_job(conn, job_id, now=now_utc())
    if claimed is None:
        return
    progress = _ProgressWriter(runtime, job_id)
    try:
        result = _KINDS[claimed.kind](runtime, claimed.user, claimed.arguments, progress)
    except VivaError as error:
        _fail(runtime, job_id, error)
        return
    except Exception as error:
        log.exception("job %s (%s) failed", job_id, claimed.kind, exc_info=error)
        _fail(
            runtime,
            job_id,
            VivaError(
                "Viva hit an internal error; nothing was changed",
                hint="the details are in the log of the process that ran the job",
            ),
            status=500,
        )
        return
    with runtime.db.transaction() as conn:
        finish_job(conn, job_id, result, now=now_utc())


def _fail(runtime: Runtime, job_id: str, error: VivaError, *, status: int | None = None) -> None:
    from viva.store.jobs import fail_job

    with runtime.db.transaction() as conn:
        fail_job(
            conn,
            job_id,
            error=error.message,
            hint=error.hint,
            status=status or error.http_status,
            now=now_utc(),
        )


class _ProgressWriter:
    """Writes a job's progress, at most every PROGRESS_EVERY seconds (and each new stage)."""

    def __init__(self, runtime: Runtime, job_id: str) -> None:
        self.runtime = runtime
        self.job_id = job_id
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, done: float, total: float) -> None:
        from viva.store.jobs import set_progress

        moment = time.monotonic()
        if stage == self.stage and moment - self.last < PROGRESS_EVERY and done < total:
            return
        self.stage, self.last = stage, moment
        with self.runtime.db.transaction() as conn:
            set_progress(conn, self.job_id, stage=stage, done=done, total=total)


Progress = Callable[[str, float, float], None]


def _run_import(
    runtime: Runtime, user: str, arguments: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    from viva.service import Viva
    from viva.service.bank import StagedNotes

    home = runtime.settings.home
    items = [
        StagedNotes(
            _inside(home, item["staged"]), _inside(home, item["final"]), prefix=item["prefix"]
        )
        for item in arguments["items"]
    ]
    try:
        if not all(item.staged.exists() for item in items):
            raise VivaError(
                "the uploaded notes are gone (they waited too long, or the data dir is not "
                "shared with this worker): nothing was imported",
                hint="upload them again; workers must see the same data dir as the web server",
            )
        viva = Viva(runtime.settings, runtime=runtime, user=user)
        report = viva.import_staged(
            items, bank=str(arguments["bank"]), on_progress=lambda s, d, t: progress(s, d, t)
        )
        return report.to_json()
    finally:
        _discard(items, home)


def _run_transcription(
    runtime: Runtime, user: str, arguments: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    from viva import wire
    from viva.service import Viva

    path = _inside(runtime.settings.home, arguments["file"])
    viva = Viva(runtime.settings, runtime=runtime, user=user)
    result = viva.transcribe_staged(
        path,
        str(arguments["filename"]),
        TranscribeOptions.from_json(arguments["options"]),
        progress=lambda done, total: progress("transcribe", done, total),
    )
    return {
        "transcript": wire.transcript_json(result.transcript),
        "delivery": wire.delivery_json(result.delivery),
        "recording_id": result.recording_id,
    }


def _run_batch_grade(
    runtime: Runtime, user: str, arguments: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    from viva.service import Viva

    home = runtime.settings.home
    source = _inside(home, arguments["file"])
    output = _inside(home, arguments["output"])
    try:
        if not source.is_file():
            raise VivaError(
                "the uploaded answers are gone (they waited too long, or the data dir is not "
                "shared with this worker): nothing was graded",
                hint="upload them again; workers must see the same data dir as the web server",
            )
        viva = Viva(runtime.settings, runtime=runtime, user=user)
        progress("grade", 0, float(arguments.get("rows") or 0))
        report = viva.grade_batch(
            source,
            output,
            name=str(arguments["filename"]),
            on_progress=lambda done, total: progress("grade", done, total),
        )
    finally:
        source.unlink(missing_ok=True)
    return {
        "rows": report.rows,
        "graded": report.graded,
        "errors": report.errors,
        "file": _relative(output, home),
        "filename": arguments["filename"],
    }


def _remove_old_batches(folder: Path) -> None:
    """Remove graded batches (and uploads a killed job left) older than BATCH_DAYS."""
    import contextlib

    cutoff = time.time() - BATCH_DAYS * 24 * 3600
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()


_KINDS: dict[str, Callable[[Runtime, str, dict[str, Any], Progress], dict[str, Any]]] = {
    IMPORT: _run_import,
    TRANSCRIBE: _run_transcription,
    GRADE: _run_batch_grade,
}


# --- runners ----------------------------------------------------------------------------
def runner(runtime: Runtime) -> JobRunner:
    """The runtime's job runner, made on first use (per process)."""
    with runtime.jobs_lock:
        if runtime.jobs is None:
            settings = runtime.settings
            runtime.jobs = (
                QueueRunner(settings) if settings.jobs == "queue" else LocalRunner(runtime)
            )
        return runtime.jobs


class LocalRunner:
    """One process of the server's own runs the jobs, one at a time, in order.

    A process rather than a thread: parsing a large vault holds the interpreter lock for as
    long as a regular expression runs, which would stall every other request. The process is
    spawned on first use, builds its own runtime on the same data, and exits when the server
    is gone (a killed server must not leave a job running behind it).
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, job_id: str, *, kind: str, lock: str) -> None:  # noqa: ARG002
        """Queue the job in the process (one at a time: the lock holds by itself)."""
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded server
                    initializer=_start_local,
                    initargs=(self.settings,),
                )
            future = self._pool.submit(_run_local, job_id)
        future.add_done_callback(lambda done: self._check(done, job_id))

    def _check(self, future: Any, job_id: str) -> None:
        if future.cancelled():
            return
        if isinstance(future.exception(), BrokenProcessPool):
            with self._lock:
                self._pool = None  # the next job starts a new process
            if _is_pending(self.runtime, job_id):
                _fail(
                    self.runtime,
                    job_id,
                    VivaError(
                        "the job stopped before it finished (its process died): "
                        "nothing was changed",
                        hint="try again; a note far over the limits may have exhausted the memory",
                    ),
                    status=500,
                )

    def close(self) -> None:
        """Stop the process (a job under way is abandoned: its transaction rolls back)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def _is_pending(runtime: Runtime, job_id: str) -> bool:
    from viva.store.jobs import QUEUED, RUNNING, job_state

    with runtime.db.reader() as conn:
        return job_state(conn, job_id) in (QUEUED, RUNNING)


_local_runtime: Runtime | None = None  # the local job process's runtime


def _start_local(settings: Settings) -> None:
    global _local_runtime
    _die_with_parent()
    from viva.service.runtime import Runtime

    _local_runtime = Runtime(settings)


def _run_local(job_id: str) -> None:
    assert _local_runtime is not None
    run_job(_local_runtime, job_id)


def _die_with_parent() -> None:
    """Exit as soon as the server is gone (killed, or crashed), abandoning the job.

    A watcher thread rather than Linux's PR_SET_PDEATHSIG: that signal follows the *thread*
    that started the process, and the request threads that start it are retired when idle.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        os._exit(1)  # the transaction under way rolls back; staged files are swept later

    threading.Thread(target=watch, name="viva-parent-watch", daemon=True).start()


class QueueRunner:
    """Jobs go to procrastinate's queue in the PostgreSQL database; `viva worker` runs them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app: Any = None
        self._lock = threading.Lock()

    def submit(self, job_id: str, *, kind: str, lock: str) -> None:
        """Defer `run_job(job_id)` on the kind's queue, under `lock`."""
        with self._lock:
            if self._app is None:
                self._app = queue_app(self.settings, None).open()
            app = self._app
        app.configure_task(TASK, queue=kind, lock=lock).defer(job_id=job_id)

    def close(self) -> None:
        """Close the queue's connections."""
        with self._lock:
            if self._app is not None:
                self._app.close()
                self._app = None


def queue_conninfo(settings: Settings) -> str:
    """The libpq connection string of the database (procrastinate speaks psycopg directly)."""
    import sqlalchemy as sa

    url = sa.make_url(settings.effective_database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def queue_app(settings: Settings, runtime: Runtime | None) -> Any:
    """A procrastinate app on the database: deferring only (no `runtime`), or a worker's (its
    task runs each job in `runtime`)."""
    try:
        import procrastinate
    except ImportError:
        raise VivaError(
            "VIVA_JOBS=queue needs the job queue library",
            hint="pip install 'viva-coach[hosted]'",
        ) from None
    conninfo = queue_conninfo(settings)
    if runtime is None:
        connector: Any = procrastinate.SyncPsycopgConnector(
            conninfo=conninfo, min_size=1, max_size=4
        )
    else:
        connector = procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)
    if runtime is not None:
        worker_runtime = runtime

        @app.task(name=TASK)
        def run(job_id: str) -> None:
            run_job(worker_runtime, job_id)

    return app


def prepare_queue(settings: Settings) -> bool:
    """Create procrastinate's tables in the database unless they are there; True if made.

    Run once before the workers start (`viva db upgrade`, `viva serve`, `viva worker`); an
    advisory lock keeps two processes starting together from both making them.
    """
    import sqlalchemy as sa

    from viva.service.runtime import Runtime

    app = queue_app(settings, None)
    runtime = Runtime(settings)
    try:
        with runtime.db.transaction() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('viva.prepare_queue'))"))
            if sa.inspect(conn).has_table("procrastinate_jobs"):
                return False
            schema = app.schema_manager.get_schema()
            conn.exec_driver_sql(schema.replace("%", "%%"))
            return True
    finally:
        runtime.close()


def run_worker(settings: Settings, *, queues: Sequence[str] | None = None) -> None:
    """Run jobs from the queue until stopped (Ctrl-C or SIGTERM finish the job under way)."""
    from viva.service.runtime import Runtime

    runtime = Runtime(settings)
    try:
        app = queue_app(settings, runtime)
        app.run_worker(
            queues=list(queues) if queues else None,
            concurrency=1,
            delete_jobs="successful",  # our jobs table keeps what the user sees
            name=f"viva-{os.getpid()}",
        )
    finally:
        runtime.close()
