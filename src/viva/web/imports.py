"""Imports run in a worker process, so one upload cannot stall the other users of the server.

Parsing is CPU work, and in a thread it shares the interpreter lock with every request (a
regular expression holds it for as long as it runs). A single spawned worker imports one upload
at a time with its own `Viva` on the same data; the server only waits for its answer. The worker
exits when the server is gone (a killed server must not leave an import running behind it).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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

    def run(self, items: Sequence[StagedNotes], bank: str, *, user: str) -> ImportReport:
        """Import staged uploads into `user`'s bank in the worker; blocks the calling thread
        (not the loop)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded server
                initializer=_start,
                initargs=(self.settings,),
            )
        try:
            outcome = self._pool.submit(_import, list(items), bank, user).result()
        except BrokenProcessPool:
            self._pool = None  # the next upload starts a new worker
            raise ImportRefused(
                "the import stopped before it finished (its worker process died): "
                "nothing was imported",
                hint="try again; a note far over the limits may have exhausted the memory",
                status=500,
            ) from None
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


def _import(items: list[StagedNotes], bank: str, user: str) -> ImportReport | _Failure:
    assert _worker_viva is not None
    try:
        return _worker_viva.as_user(user).import_staged(items, bank=bank)
    except VivaError as err:  # exceptions with keyword arguments do not survive pickling
        return _Failure(err.message, err.hint, err.http_status)


def _die_with_parent() -> None:
    """Exit as soon as the server is gone (killed, or crashed), abandoning the import.

    A watcher thread rather than Linux's PR_SET_PDEATHSIG: that signal follows the *thread*
    that started the worker, and the request threads that start it are retired when idle.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        os._exit(1)  # the transaction under way rolls back; the staged copy stays in .staging

    threading.Thread(target=watch, name="viva-parent-watch", daemon=True).start()
