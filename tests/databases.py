"""The database the tests run on: SQLite files (the default) or a real PostgreSQL server.

`VIVA_TEST_DATABASE=postgresql` runs the whole suite on PostgreSQL. The controlling pytest
process starts a throwaway server (Debian's PostgreSQL binaries, a cluster in a temp dir, a Unix
socket and no TCP port), migrates a template database once with `viva db upgrade`'s own code,
and stops the server at the end. Every test that opens Viva gets a database of its own, copied
from the template (`CREATE DATABASE … TEMPLATE`, a few tens of milliseconds) and dropped after
the test. xdist workers find the server through `VIVA_TEST_PG_SOCKET` and name their databases
after themselves, so workers never share one. `VIVA_TEST_PG_SOCKET` may also point at a server
you started yourself (its `postgres` role must be able to create databases).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

BACKEND_VAR = "VIVA_TEST_DATABASE"  # "sqlite" (the default) or "postgresql"
SOCKET_VAR = "VIVA_TEST_PG_SOCKET"  # the socket folder of the running server
BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "viva_template"


def _server_binaries() -> Path:
    """Where initdb and pg_ctl are: VIVA_TEST_PG_BIN, else Debian's newest installed version."""
    if os.environ.get("VIVA_TEST_PG_BIN"):
        return Path(os.environ["VIVA_TEST_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _server_binaries()
SERVER_USER = "postgres"  # initdb and the server refuse to run as root

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
        "postgresql+psycopg", username=SERVER_USER, database=database, query={"host": folder}
    )
    return address.render_as_string(hide_password=False)  # as Viva shows it


# --- the server (the controlling process only) ---------------------------------------------
class Server:
    """A throwaway PostgreSQL cluster in a temp dir, reachable only through its socket."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="viva-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise BackendError(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}"
            )

    def start(self) -> str:
        """Create and start the cluster; returns its socket folder."""
        if not (PG_BIN / "initdb").exists():
            raise BackendError(
                f"PostgreSQL's server binaries are not in {PG_BIN}: apt-get install postgresql"
                " (make test and .ci/run do), or set VIVA_TEST_PG_BIN"
            )
        if os.geteuid() == 0:
            shutil.chown(self.folder, SERVER_USER, SERVER_USER)
        initdb = ["-D", str(self.data), "-A", "trust", "-U", SERVER_USER, "-E", "UTF8"]
        self._run("initdb", *initdb, "--locale=C.UTF-8", "--no-sync")
        # A test server: durability is not wanted (the cluster is deleted at the end), speed is.
        options = (
            f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=300"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        return str(self.folder)

    def stop(self) -> None:
        """Stop the cluster and delete it."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


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
    return psycopg.connect(host=folder, user=SERVER_USER, dbname="postgres", autocommit=True)


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
