"""A unit of work: what one request or command uses, from one connection.

It holds the connection (checked out on first use, returned at the end), the current user
(for now always the single local user) and what the request needs loaded once: the
preferences and the scheduler. Reads nested in a write see that write's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from viva.service.preferences import (
    PreferenceError,
    Preferences,
    checked_preferences,
    now_utc,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from viva.practice.scheduler import Scheduler
    from viva.service.runtime import Runtime

LOCAL_USER = "local"  # the one user of the personal (CLI and local web) use


class UnitOfWork:
    """One connection and transaction at a time, the user, preferences and scheduler."""

    def __init__(self, runtime: Runtime, *, user: str = LOCAL_USER) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.user = user
        self._conn: Connection | None = None
        self._is_writing = False
        self._preferences: Preferences | None = None
        self._scheduler: Scheduler | None = None

    # --- the connection -----------------------------------------------------------------
    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self.runtime.db.engine.connect()
        return self._conn

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """The connection for reads; a read that starts a transaction ends it (no stale
        snapshot is kept between calls)."""
        conn = self._connection()
        if conn.in_transaction():
            yield conn
            return
        try:
            yield conn
        finally:
            if conn.in_transaction() and not self._is_writing:
                conn.rollback()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The connection in one write transaction: committed on success, rolled back on any
        error. Nested, it joins the transaction under way.

        Writers queue for the write lock (SQLite: up to the busy timeout) rather than fail.
        """
        conn = self._connection()
        if self._is_writing:
            yield conn
            return
        if conn.in_transaction():
            conn.rollback()  # a read under way: SQLite must begin a write afresh (IMMEDIATE)
        conn.execution_options(viva_write=True)
        self._is_writing = True
        try:
            with conn.begin():
                yield conn
        finally:
            self._is_writing = False
            conn.execution_options(viva_write=False)

    def close(self) -> None:
        """Give the connection back to the pool."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- loaded once --------------------------------------------------------------------
    def preferences(self) -> Preferences:
        """The stored preferences over the defaults (the retention default comes from Settings)."""
        if self._preferences is None:
            from viva.store.preferences import load_preferences

            base = Preferences(desired_retention=self.settings.desired_retention)
            with self.reader() as conn:
                stored = load_preferences(conn)
            known = {k: v for k, v in stored.items() if k in Preferences.__slots__}
            try:
                self._preferences = checked_preferences(base, known)
            except PreferenceError:
                self._preferences = base  # stored by an older version that no longer validates
        return self._preferences

    def set_preferences(self, **values: Any) -> Preferences:
        """Validate and store preferences (all or nothing); returns the result."""
        from viva.store.preferences import save_preferences

        updated = checked_preferences(self.preferences(), values)
        stored = {k: v for k, v in updated.to_json().items() if k in values}
        with self.transaction() as conn:
            save_preferences(conn, stored, now=now_utc())
        self._preferences = updated
        self._scheduler = None
        return updated

    @property
    def fsrs_parameters_path(self) -> Path:
        """FSRS parameters fitted by `viva optimize` (absent: fsrs' defaults)."""
        return self.settings.home / "fsrs-parameters.json"

    def scheduler(self) -> Scheduler:
        """FSRS with the user's desired retention (and fitted parameters, if any)."""
        if self._scheduler is None:
            import json

            from viva.practice.scheduler import Scheduler

            parameters = None
            if self.fsrs_parameters_path.exists():
                data = json.loads(self.fsrs_parameters_path.read_text("utf-8"))
                parameters = tuple(float(w) for w in data["parameters"])
            self._scheduler = Scheduler(self.preferences().desired_retention, parameters=parameters)
        return self._scheduler

    def forget_scheduler(self) -> None:
        """The FSRS parameters changed: the next `scheduler()` reads them again."""
        self._scheduler = None
