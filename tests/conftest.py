"""Shared fixtures: an isolated data dir per test, the service, the CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.postgres import PostgresServer, postgres_server
from viva.config import Settings, load_settings
from viva.service import Viva

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed-note.txt"  # a copy of the real student note in ../shared/seeds


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich output is compared as plain text: no colour, fixed width."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment variables for an isolated Viva (builtin bank off unless a test turns it on)."""
    return {"VIVA_HOME": str(tmp_path / "home"), "VIVA_BUILTIN_BANK": "0"}


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


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a note (creating folders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def process_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a `viva` subprocess: isolated data dir, plain fixed-width output."""
    return {
        **os.environ,
        "VIVA_HOME": str(tmp_path / "home"),
        "VIVA_BUILTIN_BANK": "0",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """An empty vault folder."""
    folder = tmp_path / "vault"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for this test process (each test makes its database)."""
    with postgres_server() as server:
        yield server


os.environ.pop("VIVA_HOME", None)
