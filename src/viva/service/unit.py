"""A unit of work: what one request or command uses, from one connection.

It holds the connection (checked out on first use, returned at the end), the current user
(the CLI and the local web app: "local"; its id is looked up once) and what the request
needs loaded once: the preferences and the scheduler. Reads nested in a write see that
write's transaction. Each user's files live under `<data>/users/<name>/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from viva.errors import NotFoundError
from viva.service.preferences import (
    PreferenceError,
    Preferences,
    checked_preferences,
    now_utc,
    start_of_day,
    time_zone,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from viva.practice.scheduler import Scheduler
    from viva.service.runtime import Runtime
    from viva.store.accounts import Account

LOCAL_USER = "local"  # the one user of the personal (CLI and local web) use
FSRS_FILE = "fsrs-parameters.json"  # where `viva optimize` wrote before users (now a row)


class UserNotFound(NotFoundError):
    """A unit of work for a user the database does not have."""


class UnitOfWork:
    """One connection and transaction at a time, the user, preferences and scheduler."""

    def __init__(
        self, runtime: Runtime, *, user: str = LOCAL_USER, connection: Connection | None = None
    ) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.user = user
        # `connection`: another unit's, for reads on someone else's behalf (a teacher's class
        # page reads each student's figures on the request's one connection); not closed here
        self._conn: Connection | None = connection
        self._is_borrowed = connection is not None
        self._is_writing = False
        self._preferences: Preferences | None = None
        self._scheduler: Scheduler | None = None
        self._user_id: int | None = None

    # --- the user -----------------------------------------------------------------------
    @property
    def user_id(self) -> int:
        """The user's id, looked up once (the local user's old files move in on first use)."""
        if self._user_id is None:
            from viva.store.users import find_user_id

            with self.reader() as conn:
                found = find_user_id(conn, self.user)
            if found is None:
                raise UserNotFound(
                    f"no user is called {self.user!r}",
                    hint="users are added by the service (accounts come with sign-in)",
                )
            self._user_id = found
            if self.user == LOCAL_USER:
                adopt_local_files(self)
        return self._user_id

    def sign_in_with(self, token: str) -> Account | None:
        """Become the user a session token signs in (the hosted web app), looked up on this
        unit's connection; None (and still no user) for an unknown or expired session."""
        from viva.store.accounts import session_account, session_digest

        if not token or len(token) > 128:
            return None
        with self.reader() as conn:
            account = session_account(conn, session_digest(token), now=now_utc())
        if account is not None:
            self.user, self._user_id = account.name, account.id
            self._preferences = self._scheduler = None
        return account

    @property
    def id_owner(self) -> str:
        """What the user's question ids are derived with ("" for the local user, whose ids
        predate users and must not change: reviews refer to them)."""
        return "" if self.user == LOCAL_USER else f"user{self.user_id}"

    @property
    def user_dir(self) -> Path:
        """Where the user's files live: `<data>/users/<name>/`."""
        return self.settings.home / "users" / self.user

    @property
    def recordings_dir(self) -> Path:
        """The user's recorded answers."""
        return self.user_dir / "recordings"

    @property
    def uploads_dir(self) -> Path:
        """The notes the user uploaded in the web app, a folder per bank."""
        return self.user_dir / "uploads"

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

    def release_idle(self) -> None:
        """Give the connection back to the pool while nothing is under way on it (the unit is
        about to wait, e.g. for the grader); the next read or write takes one again."""
        conn = self._conn
        if conn is not None and not self._is_writing and not conn.in_transaction():
            self.close()

    def close(self) -> None:
        """Give the connection back to the pool (a borrowed one stays its owner's)."""
        if self._conn is not None and not self._is_borrowed:
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
                stored = load_preferences(conn, self.user_id)
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
            save_preferences(conn, self.user_id, stored, now=now_utc())
        self._preferences = updated
        self._scheduler = None
        return updated

    def scheduler(self) -> Scheduler:
        """FSRS with the user's desired retention (and fitted parameters, if any)."""
        if self._scheduler is None:
            from viva.practice.scheduler import Scheduler
            from viva.store.fitted import load_fsrs_parameters

            with self.reader() as conn:
                parameters = load_fsrs_parameters(conn, self.user_id)
            self._scheduler = Scheduler(self.preferences().desired_retention, parameters=parameters)
        return self._scheduler

    def zone(self) -> tzinfo | None:
        """The user's time zone (None: this machine's)."""
        return time_zone(self.preferences().time_zone)

    def start_of_day(self, at: datetime) -> datetime:
        """Midnight of `at`'s day in the user's time zone, as UTC (where daily limits reset)."""
        return start_of_day(at, self.zone())

    def local_time(self, at: datetime) -> datetime:
        """`at` on the user's clock (their calendar days)."""
        return at.astimezone(self.zone())

    def forget_scheduler(self) -> None:
        """The FSRS parameters changed: the next `scheduler()` reads them again."""
        self._scheduler = None


def adopt_local_files(unit: UnitOfWork) -> None:
    """Move what the release before users kept in the data dir to where it lives now, once
    per process: recordings and uploads into `users/local/`, the calibration and the FSRS
    parameters into the local user's rows (the old file is kept, renamed `*.moved`)."""
    import json
    import os

    from viva.grading.calibration import PROFILES, calibration_file
    from viva.store.fitted import (
        load_calibration,
        load_fsrs_parameters,
        save_calibration,
        save_fsrs_parameters,
    )

    runtime = unit.runtime
    if runtime.local_files_adopted:
        return
    runtime.local_files_adopted = True
    home = unit.settings.home
    for old, new in (
        (home / "recordings", unit.recordings_dir),
        (home / "uploads", unit.uploads_dir),
    ):
        if old.is_dir() and not new.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, new)  # one rename: a crash leaves it in one place or the other
    user_id = unit.user_id
    moved: list[Path] = []
    with unit.transaction() as conn:
        for profile in PROFILES:
            path = home / calibration_file(profile)
            if path.is_file() and load_calibration(conn, user_id, profile) is None:
                try:
                    data = json.loads(path.read_text("utf-8"))
                except (OSError, ValueError):
                    continue  # unreadable: left where it is, the default stands
                save_calibration(conn, user_id, profile, data, now=now_utc())
                moved.append(path)
        path = home / FSRS_FILE
        if path.is_file() and load_fsrs_parameters(conn, user_id) is None:
            try:
                data = json.loads(path.read_text("utf-8"))
                parameters = tuple(float(w) for w in data["parameters"])
                reviews = int(data.get("reviews", 0))
            except (OSError, ValueError, KeyError, TypeError):
                pass  # unreadable: fsrs' defaults stand, as they did for such a file
            else:
                save_fsrs_parameters(conn, user_id, parameters, reviews=reviews, now=now_utc())
                moved.append(path)
    for path in moved:
        os.replace(path, path.with_name(path.name + ".moved"))
