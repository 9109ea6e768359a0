"""Imports run in a worker process, so one upload cannot stall the other users of the server.

Parsing is CPU work, and in a thread it shares the interpreter lock with every request (a
regular expression holds it for as long as it runs). A single spawned worker imports one upload
at a time with its own `Viva` on the same data; the server only waits for its answer. On Linux
the worker dies with the server (a killed server must not leave an import running behind it).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from viva.errors import VivaError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from viva.config import Settings
    from viva.service import ImportReport, Viva
    from viva.service.bank import StagedNotes

_worker_viva: Viva | None = None  # the worker process's service (one per worker)


class ImportRefused(VivaError):
    """A `VivaError` raised in the worker, rebuilt here with its status and hint."""

    def __init__(self, message: str, *, hint: str | None, status: int) -> None:
        super().__init__(message, hint=hint)
        self.http_status = status


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str
    hint: str | None
    status: int


class ImportWorker:
    """One worker process, started on first use and stopped with the app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None

    def run(self, items: Sequence[StagedNotes], bank: str) -> ImportReport:
        """Import staged uploads in the worker; blocks the calling thread (not the loop)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded server
                initializer=_start,
                initargs=(self.settings,),
            )
        outcome = self._pool.submit(_import, list(items), bank).result()
        if isinstance(outcome, _Failure):
            raise ImportRefused(outcome.message, hint=outcome.hint, status=outcome.status)
        return outcome

    def close(self) -> None:
        """Stop the worker (an import under way is abandoned: its transaction rolls back)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _start(settings: Settings) -> None:
    global _worker_viva
    _die_with_parent()
    from viva.service import Viva

    _worker_viva = Viva(settings)


def _import(items: list[StagedNotes], bank: str) -> ImportReport | _Failure:
    assert _worker_viva is not None
    try:
        return _worker_viva.import_staged(items, bank=bank)
    except VivaError as err:  # exceptions with keyword arguments do not survive pickling
        return _Failure(err.message, err.hint, err.http_status)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies (elsewhere: best effort)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
