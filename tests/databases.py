"""The database the tests run on: SQLite files (the default) or a real PostgreSQL server.

`VIVA_TEST_DATABASE=postgresql` runs the whole suite on PostgreSQL. The controlling pytest
process starts a throwaway server (tests/postgres.py: Debian's binaries, a cluster in a temp
dir, a Unix socket and no TCP port), migrates a template database once with `viva db
upgrade`'s own code, and stops the server at the end. Every test that opens Viva gets a
database of its own, copied from the template (`CREATE DATABASE … TEMPLATE`, a few tens of
milliseconds) and dropped after the test. xdist workers find the server through
`VIVA_TEST_PG_SOCKET` (and `VIVA_TEST_PG_PORT`) and name their databases after themselves, so
workers never share one. `VIVA_TEST_PG_SOCKET` may also point at a server you started yourself
(its `postgres` role must be able to create databases).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

BACKEND_VAR = "VIVA_TEST_DATABASE"  # "sqlite" (the default) or "postgresql"
SOCKET_VAR = "VIVA_TEST_PG_SOCKET"  # the socket folder of the running server
PORT_VAR = "VIVA_TEST_PG_PORT"  # and its port (names the socket file; default 5432)
BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "viva_template"
SERVER_USER = "postgres"  # the server's superuser (tests/postgres.py makes the cluster)

_counter = itertools.count()
_admin: Any = None  # this process's psycopg connection to the maintenance database


class BackendError(RuntimeError):
    """The test database cannot be set up (a message for the person running the tests)."""


def backend() -> str:
    """The backend this run tests: "sqlite" or "postgresql"."""
    name = os.environ.get(BACKEND_VAR, "sqlite").strip().lower() or "sqlite"
    if name in {"postgres", "pg"}:
        name = "postgresql"
    if name not in BACKENDS:
        raise BackendError(f"{BACKEND_VAR} must be sqlite or postgresql (not {name!r})")
    return name


def is_postgresql() -> bool:
    """Whether this run tests PostgreSQL."""
    return backend() == "postgresql"


def url(database: str, socket_dir: str | None = None) -> str:
    """The SQLAlchemy URL of `database` on the test server (over its Unix socket)."""
    import sqlalchemy as sa

    folder = socket_dir or os.environ[SOCKET_VAR]
    address = sa.URL.create(
        "postgresql+psycopg",
        username=SERVER_USER,
        database=database,
        query={"host": folder, "port": os.environ.get(PORT_VAR, "5432")},
    )
    return address.render_as_string(hide_password=False)  # as Viva shows it


def prepare_template(socket_dir: str) -> None:
    """(Re)create the template database, migrated to the newest schema by `viva db upgrade`'s
    code (so every run tests the migrations on PostgreSQL too)."""
    from viva.store.db import Database

    with _connect(socket_dir) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {TEMPLATE}")
    database = Database(url(TEMPLATE, socket_dir))
    try:
        database.upgrade()
    finally:
        database.dispose()


# --- a database per test (every process) ---------------------------------------------------
def _connect(socket_dir: str | None = None) -> Any:
    import psycopg

    folder = socket_dir or os.environ[SOCKET_VAR]
    port = os.environ.get(PORT_VAR, "5432")
    return psycopg.connect(
        host=folder, port=port, user=SERVER_USER, dbname="postgres", autocommit=True
    )


def _admin_connection() -> Any:
    global _admin  # one maintenance connection per process, opened on first use
    if _admin is None or _admin.closed:
        _admin = _connect()
    return _admin


def create_database(*, empty: bool = False) -> str:
    """A new database for one test, at the newest schema (`empty`: no tables at all); returns
    its URL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"viva_{worker}_{os.getpid()}_{next(_counter)}"
    template = "template0" if empty else TEMPLATE
    _admin_connection().execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return url(name)


def drop_database(database_url: str) -> None:
    """Drop a test's database (closing whatever connections a test left open)."""
    import sqlalchemy as sa

    name = sa.make_url(database_url).database
    _admin_connection().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def schema_at(database_url: str, revision: str) -> Iterator[Connection]:
    """A connection to a database migrated only up to `revision`, as an older release left it;
    what the test writes through it is committed at the end."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from viva.store.db import MIGRATIONS_DIR

    engine = sa.create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            yield conn
    finally:
        engine.dispose()


def first_release_database(database_url: str) -> None:
    """A database as the first release left it (revision 0001), holding one bank of notes."""
    import sqlalchemy as sa

    with schema_at(database_url, "0001") as conn:
        conn.execute(
            sa.text(
                "INSERT INTO banks (name, is_builtin, is_enabled, created_at, updated_at) "
                "VALUES ('old-notes', :no, :yes, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
            {"no": False, "yes": True},
        )
