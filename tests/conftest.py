"""Shared fixtures: an isolated data dir (and database) per test, the service, the CLI runner.

The suite runs on SQLite files by default and on a real PostgreSQL server with
`VIVA_TEST_DATABASE=postgresql` (see tests/databases.py); `make test` runs it on both.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests import databases
from tests.postgres import PostgresServer, postgres_server
from viva.config import Settings, load_settings
from viva.service import Viva

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed-note.txt"  # a copy of the real student note in ../shared/seeds

_server = contextlib.ExitStack()  # the controlling process's PostgreSQL server, if it starts one


def pytest_configure(config: pytest.Config) -> None:
    """On PostgreSQL, the controlling process starts the server and migrates the template
    (xdist workers inherit the socket folder through the environment)."""
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): tests something only a SQLite file has; skipped on PostgreSQL",
    )
    config.addinivalue_line(
        "markers", "postgresql_only: needs the PostgreSQL server; skipped on SQLite"
    )
    config.addinivalue_line(
        "markers", "hosted: a page of the hosted app: runs in the browser on PostgreSQL too"
    )
    try:
        is_postgresql = databases.is_postgresql()
    except databases.BackendError as error:
        pytest.exit(str(error), returncode=4)
    if not is_postgresql or hasattr(config, "workerinput"):
        return
    if not os.environ.get(databases.SOCKET_VAR):
        try:
            server = _server.enter_context(postgres_server())
        except (RuntimeError, subprocess.CalledProcessError) as error:
            _server.close()
            detail = getattr(error, "stderr", None) or ""
            pytest.exit(f"cannot start PostgreSQL for the tests: {error} {detail}", returncode=4)
        os.environ[databases.SOCKET_VAR] = str(server.socket_dir)
        os.environ[databases.PORT_VAR] = str(server.port)
    databases.prepare_template(os.environ[databases.SOCKET_VAR])


def pytest_unconfigure(config: pytest.Config) -> None:  # noqa: ARG001
    """Stop the server this process started."""
    _server.close()


def pytest_report_header(config: pytest.Config) -> str:  # noqa: ARG001
    """Say which database the run tests."""
    return f"database: {databases.backend()}"


# The second run (on PostgreSQL) repeats only what can differ there: a test that touches no
# database already ran in the first, and the personal app's pages in the browser are a personal
# install's, on SQLite (their routes run on PostgreSQL in the HTTP tests). The hosted app's
# pages (marked `hosted`) run in the browser on both.
_DATABASE_FIXTURES = frozenset(("database_url", "live", "api"))
_STARTS_DATABASES = ("start_server(", "databases.")
_BROWSER_FIXTURES = frozenset(("page", "context", "browser"))


@cache
def _module_starts_databases(path: str) -> bool:
    text = Path(path).read_text("utf-8")
    return any(marker in text for marker in _STARTS_DATABASES)


def _repeated_on_postgresql(item: pytest.Item) -> str | None:
    """Why the PostgreSQL run leaves this test to the SQLite run, or None to run it."""
    names = set(getattr(item, "fixturenames", ()))
    if names & _BROWSER_FIXTURES and item.get_closest_marker("hosted") is None:
        return "a personal-use page in the browser: runs on SQLite, its routes on both"
    if not names & _DATABASE_FIXTURES and not _module_starts_databases(str(item.path)):
        return "touches no database: runs once, on SQLite"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tests of the other backend, and on PostgreSQL those the SQLite run already
    covers, with their reason."""
    is_postgresql = databases.is_postgresql()
    for item in items:
        if is_postgresql and item.get_closest_marker("postgresql_only") is None:
            why = _repeated_on_postgresql(item)
            if why is not None:
                item.add_marker(pytest.mark.skip(reason=f"SQLite run only: {why}"))
                continue
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None and is_postgresql:
            reason = marker.args[0] if marker.args else "tests a SQLite file"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        if item.get_closest_marker("postgresql_only") and not is_postgresql:
            reason = (
                f"PostgreSQL only: run with {databases.BACKEND_VAR}=postgresql (make test does)"
            )
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database at the newest schema for the test (dropped after it), or
    None on SQLite (Viva's file under the test's data dir)."""
    if not databases.is_postgresql():
        yield None
        return
    url = databases.create_database()
    yield url
    databases.drop_database(url)


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich output is compared as plain text: no colour, fixed width."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")


def database_env(database_url: str | None) -> dict[str, str]:
    """The environment variable that points Viva at the test's database (none on SQLite)."""
    return {"VIVA_DATABASE_URL": database_url} if database_url else {}


@pytest.fixture
def env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    """Environment variables for an isolated Viva (builtin bank off unless a test turns it on)."""
    return {
        "VIVA_HOME": str(tmp_path / "home"),
        "VIVA_BUILTIN_BANK": "0",
        **database_env(database_url),
    }


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    """Settings read from the isolated environment."""
    return load_settings(env)


@pytest.fixture
def viva(settings: Settings) -> Iterator[Viva]:
    """The service on a fresh SQLite file."""
    service = Viva(settings)
    yield service
    service.close()


class Cli:
    """Runs `viva` in-process with the test's environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        from viva.cli import app

        return self.runner.invoke(app, list(args), env=self.env, input=input, prog_name="viva")


@pytest.fixture
def cli(env: dict[str, str]) -> Cli:
    """Invoke the CLI: `result = cli("bank", "list", "--json")`."""
    return Cli(env)


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    """Rows of one SQL statement on the test's database (SQLite file or PostgreSQL), read
    beside Viva to check what it stored."""
    import sqlalchemy as sa

    engine = sa.create_engine(load_settings(env).effective_database_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a note (creating folders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def process_env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    """Environment for a `viva` subprocess: isolated data dir (and database), plain
    fixed-width output."""
    return {
        **os.environ,
        "VIVA_HOME": str(tmp_path / "home"),
        "VIVA_BUILTIN_BANK": "0",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        **database_env(database_url),
    }


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """An empty vault folder."""
    folder = tmp_path / "vault"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for this test process (each test makes its database);
    on the suite's PostgreSQL run, the run's own server."""
    if os.environ.get(databases.SOCKET_VAR):
        port = int(os.environ.get(databases.PORT_VAR, "5432"))
        yield PostgresServer(Path(os.environ[databases.SOCKET_VAR]), port)
        return
    with postgres_server() as server:
        yield server


os.environ.pop("VIVA_HOME", None)
os.environ.pop("VIVA_DATABASE_URL", None)  # each test says which database it uses
