"""What one process holds for all its requests: settings, the database, the models.

Each model owns its lock (the grader's also guards the recent-grade cache); nothing here
belongs to one request or one user. A request's connection and user live in its unit of work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Protocol

from viva.config import Settings
from viva.store.db import Database, UserConnections

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from viva.grading.calibration import Calibration
    from viva.grading.models import Grade
    from viva.grading.scorer import Grader
    from viva.speech.synthesizer import Synthesizer
    from viva.speech.transcriber import Transcriber

RECENT_GRADES = 64


class IdleConnections(UserConnections, Protocol):
    """A user's connections that can be given back to the pool while they wait."""

    def release_idle(self) -> None:
        """Give the connection back to the pool unless a read or write is under way on it
        (the next use takes one again)."""
        ...


class _Borrowed:
    """The connections of whichever unit of work holds the grader (its cache reads through,
    and its exemplars are that unit's user's)."""

    def __init__(self) -> None:
        self.unit: UserConnections | None = None

    @property
    def user_id(self) -> int:
        """The holder's user."""
        return self._current().user_id

    def _current(self) -> UserConnections:
        assert self.unit is not None, "the grader's cache is used outside GraderSlot.use()"
        return self.unit

    def reader(self) -> AbstractContextManager[Connection]:
        """The holder's connection for reads."""
        return self._current().reader()

    def transaction(self) -> AbstractContextManager[Connection]:
        """The holder's write transaction."""
        return self._current().transaction()


class GraderSlot:
    """The grader, loaded on first use, called by one thread at a time.

    The models are not known to be safe to call from several threads at once (the web app
    serves requests from a pool). The embedding cache and the exemplars are read through the
    connection of the unit of work that holds the lock, so grading takes no connection of its
    own. The models are shared; the calibration is the holder's user's, set for each use.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()  # remember() and reset() are called inside use()
        self._grader: Grader | None = None
        self._connections = _Borrowed()
        # (user id, question id, fingerprint of its text as graded, answer, language): an
        # edited question is a new key; insertion order: oldest first
        self.recent: dict[tuple[int, str, str, str, str], Grade] = {}

    @contextmanager
    def use(
        self,
        unit: IdleConnections,
        build: Callable[[UserConnections], Grader],
        calibration: Calibration,
    ) -> Iterator[Grader]:
        """The grader for `unit`'s use, with its user's calibration; `build` makes it (given
        its connections) if needed.

        A unit that must wait for another request's grade first gives its idle connection
        back to the pool: requests queued here would otherwise hold the pool's connections
        while doing nothing, and the next request (even a sign-in page) would time out
        waiting for one. Uncontended, the unit keeps its connection (one per request).
        """
        if not self._lock.acquire(blocking=False):
            unit.release_idle()
            self._lock.acquire()
        try:
            self._connections.unit = unit
            if self._grader is None:
                self._grader = build(self._connections)
            self._grader.calibration = calibration
            yield self._grader
        finally:
            self._connections.unit = None
            self._lock.release()

    def remember(self, key: tuple[int, str, str, str, str], grade: Grade) -> None:
        """Keep a grade for the review of the same answer that follows (the web app)."""
        with self._lock:
            self.recent[key] = grade
            while len(self.recent) > RECENT_GRADES:
                self.recent.pop(next(iter(self.recent)))

    def forget(self, question_id: str) -> None:
        """Forget the recent grades of a question (it was edited, or a grade disputed)."""
        with self._lock:
            for key in [k for k in self.recent if k[1] == question_id]:
                del self.recent[key]

    def reset(self) -> None:
        """Forget the grader (its calibration changed): the next use builds a new one."""
        with self._lock:
            self._grader = None


class SpeechModels:
    """The recogniser and the voices, each loaded on first use under its own lock."""

    def __init__(self) -> None:
        self.transcriber_lock = threading.Lock()
        self.transcriber: Transcriber | None = None
        self.synthesizer_lock = threading.Lock()
        self.synthesizers: dict[str, Synthesizer] = {}


class JobRunner(Protocol):
    """Where a recorded job is handed to be run (one per process, on the runtime)."""

    def submit(self, job_id: str, *, kind: str, lock: str) -> None:
        """Run the job `job_id` soon; jobs with the same `lock` never run at once."""
        ...

    def close(self) -> None:
        """Stop handing out jobs (a job under way in a process of ours is abandoned)."""
        ...


class Runtime:
    """Per process: settings, the database engine, the models, the recent-grade cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.effective_database_url)
        self.grader = GraderSlot()
        self.speech = SpeechModels()
        self.upload_lock = threading.Lock()  # web uploads: staged, imported, moved one at a time
        self.builtin_checked = False
        self.local_files_adopted = False  # see unit.adopt_local_files
        self.jobs_lock = threading.Lock()
        self.jobs: JobRunner | None = None  # where jobs are handed (service.jobs.runner)

    def close(self) -> None:
        """Stop the job runner and release the database connections."""
        with self.jobs_lock:
            if self.jobs is not None:
                self.jobs.close()
                self.jobs = None
        self.db.dispose()
