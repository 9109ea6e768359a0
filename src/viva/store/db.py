"""Open the database: engine, SQLite pragmas, migrations to the newest schema (automatic on
SQLite, explicit on PostgreSQL), transactions."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from viva.errors import DatabaseError, SchemaBehind
from viva.store.schema import HEAD_REVISION

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
UPGRADE_LOCK = 0x56495641  # "VIVA": the PostgreSQL advisory lock that upgrades queue on


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions, so that DDL (migrations) is
    # transactional too: a failed or killed migration or import leaves no half-written state.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # two tabs or a CLI beside the web app
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode up to the last commit
    cursor.close()


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def upsert(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    """Insert rows; a row whose `key` is taken updates the `update` columns (none: is left
    as it is). One statement, so two writers racing on one key cannot both insert (SQLite
    and PostgreSQL both have ON CONFLICT)."""
    if not rows:
        return
    name = conn.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(table)
        statement: Any = (
            pg.on_conflict_do_update(
                index_elements=list(key), set_={c: pg.excluded[c] for c in update}
            )
            if update
            else pg.on_conflict_do_nothing(index_elements=list(key))
        )
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(table)
        statement = (
            lite.on_conflict_do_update(
                index_elements=list(key), set_={c: lite.excluded[c] for c in update}
            )
            if update
            else lite.on_conflict_do_nothing(index_elements=list(key))
        )
    else:
        raise DatabaseError(f"Viva supports SQLite and PostgreSQL (not {name!r})")
    conn.execute(statement, [dict(r) for r in rows])


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes the write lock at once (IMMEDIATE): two writers that both read
    # first would otherwise deadlock on the upgrade, and SQLite fails one of them at once
    # ("database is locked") instead of waiting out the busy timeout.
    writes = conn.get_execution_options().get("viva_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


class Connections(Protocol):
    """Where repositories that outlive a request get their connection (the service's unit of
    work, or a `Database`): `reader()` for reads, `transaction()` for writes."""

    def reader(self) -> AbstractContextManager[Connection]:
        """A connection for reads."""
        ...

    def transaction(self) -> AbstractContextManager[Connection]:
        """A connection in a write transaction, committed on success."""
        ...


class UserConnections(Connections, Protocol):
    """Connections on behalf of one user (whose rows a repository reads and writes)."""

    @property
    def user_id(self) -> int:
        """The id of the user."""
        ...


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where a database's schema stands: its revision and the one this Viva needs."""

    url: str  # password hidden
    backend: str  # "sqlite" or "postgresql"
    current: str | None  # None: an empty database
    head: str

    @property
    def is_current(self) -> bool:
        """Whether the schema is the newest this Viva knows."""
        return self.current == self.head


class Database:
    """One database (SQLite file or PostgreSQL URL).

    A SQLite file (one person's) is migrated to the newest schema when it is first opened, so
    `make run` stays one command. A PostgreSQL database is shared by many processes: it is
    migrated once, explicitly (`upgrade()`, `viva db upgrade`), and a process that finds its
    schema behind refuses to use it rather than race the others into migrations.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._is_checked = False
        # the web app's first requests arrive together: one of them creates and migrates
        self._opening = threading.RLock()

    @property
    def shown_url(self) -> str:
        """The URL with any password hidden (for messages)."""
        try:
            return sa.make_url(self.url).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            return self.url

    @property
    def engine(self) -> Engine:
        """The engine, created on first use with the schema made current (SQLite) or checked
        to be current (PostgreSQL)."""
        if self._is_checked:
            assert self._engine is not None
            return self._engine
        with self._opening:
            engine = self._created()
            if not self._is_checked:
                with self._explained():
                    if engine.dialect.name == "sqlite":
                        self._migrate(engine)
                    else:
                        self._check_current(engine)
                self._is_checked = True
        return engine

    def status(self) -> SchemaStatus:
        """The schema's revision and the newest (opens the database; migrates nothing)."""
        engine = self._created()
        with self._explained(), engine.connect() as conn:
            revision = self.current_revision(conn)
        return SchemaStatus(self.shown_url, engine.dialect.name, revision, HEAD_REVISION)

    def upgrade(self) -> tuple[SchemaStatus, SchemaStatus]:
        """Migrate to the newest schema; returns the status before and after.

        On PostgreSQL the migrations run under an advisory lock, so two upgrades started at
        once run one after the other (the second finds nothing left to do).
        """
        with self._opening:
            engine = self._created()
            with self._explained():
                found = self._migrate(engine)
            self._is_checked = True
        after = self.status()
        return replace(after, current=found), after

    def _created(self) -> Engine:
        with self._opening:
            if self._engine is None:
                self._engine = self._create()
            return self._engine

    def _create(self) -> Engine:
        try:
            url = sa.make_url(self.url)
            is_sqlite = url.get_backend_name() == "sqlite"
            if is_sqlite and url.database and url.database != ":memory:":
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, ImportError) as err:
            raise DatabaseError(
                f"cannot use database URL {self.shown_url!r}: {err}",
                hint="for PostgreSQL install the extra: pip install 'viva-coach[postgres]'",
            ) from None
        if is_sqlite:
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            sa.event.listen(engine, "begin", _sqlite_begin)
        elif engine.dialect.name != "postgresql":
            raise DatabaseError(
                f"Viva supports SQLite and PostgreSQL (not {engine.dialect.name!r})",
                hint="set VIVA_DATABASE_URL to postgresql+psycopg://… or leave it unset",
            )
        return engine

    @contextmanager
    def _explained(self) -> Iterator[None]:
        """A database that cannot be reached becomes one clear error."""
        try:
            yield
        except sa.exc.OperationalError as err:
            raise DatabaseError(
                f"cannot open the database {self.shown_url!r}: {err.orig}",
                hint="check the path or server, or set VIVA_HOME / VIVA_DATABASE_URL",
            ) from None

    @staticmethod
    def current_revision(conn: Connection) -> str | None:
        """The schema revision stored in the database, or None for an empty one."""
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def _check_current(self, engine: Engine) -> None:
        with engine.connect() as conn:
            revision = self.current_revision(conn)
        if revision == HEAD_REVISION:
            return
        self._refuse_newer(revision)
        raise SchemaBehind(
            f"the database {self.shown_url!r} is at schema {revision or '(empty)'}"
            f" but this Viva needs {HEAD_REVISION}: run `viva db upgrade` first",
            hint="upgrade it once, before starting Viva's processes (`viva db current` shows"
            " where it stands)",
        )

    def _refuse_newer(self, revision: str | None) -> None:
        """A revision this Viva does not know was written by a newer one."""
        if revision is None:
            return
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
        if revision not in known:
            raise DatabaseError(
                f"the database {self.shown_url!r} was written by a newer Viva (schema {revision})",
                hint="upgrade Viva (pip install -U viva-coach) or point VIVA_HOME elsewhere",
            )

    def _migrate(self, engine: Engine) -> str | None:
        """Upgrade to the head; returns the revision found (under the lock on PostgreSQL)."""
        with engine.connect() as conn:
            revision = self.current_revision(conn)
        if revision == HEAD_REVISION:
            return revision  # the common case: skip importing Alembic (start-up time)
        self._refuse_newer(revision)
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.connect() as conn:
            is_sqlite = engine.dialect.name == "sqlite"
            if is_sqlite:
                # SQLite copies a table to change it (Alembic's batch mode), and dropping the
                # old copy with foreign keys on would cascade-delete every row that refers to
                # it (a bank's notes and questions); they are checked before the commit instead
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    if not is_sqlite:
                        # Held to the commit: a second upgrade waits here, then finds the
                        # schema current and leaves it
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(UPGRADE_LOCK)))
                        revision = self.current_revision(conn)
                        if revision == HEAD_REVISION:
                            return revision
                        self._refuse_newer(revision)
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    if is_sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                        if broken is not None:
                            raise DatabaseError(
                                f"migrating {self.shown_url!r} would break a reference"
                                f" ({broken[0]})",
                                hint="nothing was changed; please report this as a bug",
                            )
            finally:
                if is_sqlite:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        return revision

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in one transaction: committed on success, rolled back on any error.

        Writers queue for the write lock (SQLite: up to the busy timeout) rather than fail.
        """
        with self.engine.connect() as conn:
            conn.execution_options(viva_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """A connection for reads."""
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()
