"""A throwaway PostgreSQL server (Debian's package) for the tests and the hosted benchmark.

The cluster lives in a temporary folder and listens on a Unix socket only (nothing on the
network). `initdb` and `pg_ctl` refuse to run as root, so as root they run as `postgres`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class PostgresServer:
    """A running server: where its socket is."""

    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on it (psycopg 3, over the socket)."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = name or f"viva_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server(port: int = 5432, *, durable: bool = False) -> Iterator[PostgresServer]:
    """Start a server in a temporary folder; stop it and remove the folder at the end.

    Not `durable` (the tests): no fsync, as nothing outlives the test; the benchmark syncs.
    """
    if not (BIN / "initdb").exists():
        raise RuntimeError(
            f"PostgreSQL is not installed ({BIN / 'initdb'} is missing): "
            "apt-get install postgresql (make test does)"
        )
    folder = Path(tempfile.mkdtemp(prefix="viva-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    try:
        subprocess.run(
            _as_postgres([str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
            check=True,
            **quiet,  # type: ignore[arg-type]
        )
        options = f"-p {port} -k {folder} -c listen_addresses=''"
        if not durable:
            options += " -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    str(BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(folder / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            **quiet,  # type: ignore[arg-type]
        )
        try:
            yield PostgresServer(folder, port)
        finally:
            subprocess.run(
                _as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                check=False,
                **quiet,  # type: ignore[arg-type]
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
