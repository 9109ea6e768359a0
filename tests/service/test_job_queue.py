"""Jobs in the hosted mode: procrastinate's queue in a real PostgreSQL server, run by real
`viva worker` processes.

The web side only records the job and defers it (nothing runs until a worker is there);
imports into one bank of one user carry the same lock; a worker takes the jobs, the results
land in the database, and SIGTERM stops it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import SEED, Cli
from tests.postgres import PostgresServer
from tests.service.test_jobs import staged_note, wait
from viva.config import load_settings
from viva.errors import ConfigError
from viva.service import Viva
from viva.service.jobs import prepare_queue, queue_conninfo
from viva.store.users import find_user_id

pytestmark = pytest.mark.slow


@pytest.fixture
def queue_env(postgres: PostgresServer, env: dict[str, str]) -> dict[str, str]:
    """Settings for the hosted mode on a fresh database of the test's server."""
    return {**env, "VIVA_DATABASE_URL": postgres.create_database(), "VIVA_JOBS": "queue"}


@pytest.fixture
def hosted(queue_env: dict[str, str]) -> Iterator[Viva]:
    service = Viva(load_settings(queue_env))
    yield service
    service.close()


def start_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    viva = Path(sys.executable).parent / "viva"
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(viva), "worker", *args], env={**os.environ, **env}, stdout=out, stderr=out
        )


def stop_worker(worker: subprocess.Popen[bytes], log: Path) -> int:
    worker.send_signal(signal.SIGTERM)
    try:
        return worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
        log_text = log.read_text(errors="replace")
        raise AssertionError(f"viva worker ignored SIGTERM: {log_text}") from None


def queued_locks(hosted: Viva) -> list[tuple[str, str, str]]:
    """(queue, lock, status) of procrastinate's jobs, oldest first."""
    with hosted.db.reader() as conn:
        rows = conn.execute(
            sa.text("SELECT queue_name, lock, status FROM procrastinate_jobs ORDER BY id")
        )
        return [(r.queue_name, r.lock, r.status) for r in rows]


def test_jobs_wait_in_the_queue_until_a_worker_takes_them(
    hosted: Viva, queue_env: dict[str, str], tmp_path: Path
) -> None:
    settings = hosted.settings
    assert prepare_queue(settings) is True
    assert prepare_queue(settings) is False  # made once
    first = hosted.submit_import([staged_note(hosted, SEED.read_text("utf-8"), "a.md")], bank="n")
    second = hosted.submit_import(
        [staged_note(hosted, "## 网络\n1. 什么是 TCP？\n> 可靠的字节流。\n", "b.md")], bank="n"
    )
    other = hosted.submit_import(
        [staged_note(hosted, "## 数学\n1. 什么是矩阵的秩？\n> 线性无关的行数。\n", "c.md")],
        bank="math",
    )
    noise = hosted.submit_transcription(b"not audio at all" * 50, "answer.webm")
    time.sleep(1.0)  # nothing runs them yet: no worker
    assert {hosted.job(j.id).state for j in (first, second, other, noise)} == {"queued"}
    with hosted.db.reader() as conn:
        user_id = find_user_id(conn, "local")
    assert queued_locks(hosted) == [
        ("import", f"import:{user_id}:n", "todo"),
        ("import", f"import:{user_id}:n", "todo"),  # one bank: never imported side by side
        ("import", f"import:{user_id}:math", "todo"),
        ("transcribe", f"job:{noise.id}", "todo"),
    ]
    log = tmp_path / "worker.log"
    worker = start_worker(queue_env, log)
    try:
        done = [wait(hosted, job) for job in (first, second, other)]
        failed = wait(hosted, noise)
    finally:
        assert stop_worker(worker, log) == 0, log.read_text(errors="replace")
    assert [j.state for j in done] == ["done", "done", "done"], done
    assert [j.outcome()["counts"]["added"] for j in done] == [41, 1, 1]
    assert len(hosted.questions(banks=["n"])) == 42
    assert [q.prompt for q in hosted.questions(banks=["math"])] == ["什么是矩阵的秩？"]
    assert failed.state == "failed"
    assert failed.status is not None
    assert 400 <= failed.status < 500
    assert failed.error
    # finished jobs leave procrastinate's table (ours keeps what the user sees); none is left
    # waiting or running
    assert [status for *_, status in queued_locks(hosted)] in ([], ["failed"], ["succeeded"])


def test_the_queue_connects_with_the_database_url(queue_env: dict[str, str]) -> None:
    conninfo = queue_conninfo(load_settings(queue_env))
    assert conninfo.startswith("postgresql://postgres@/viva_")
    assert "host=" in conninfo


def test_viva_worker_without_the_queue_says_what_to_set(cli: Cli) -> None:
    result = cli("worker")
    assert result.exit_code == 1
    assert "VIVA_JOBS is 'local'" in result.output
    assert "VIVA_JOBS=queue" in result.output
    assert "Traceback" not in result.output


def test_the_queue_needs_postgresql(env: dict[str, str]) -> None:
    sqlite = {k: v for k, v in env.items() if k != "VIVA_DATABASE_URL"}  # on either run
    with pytest.raises(ConfigError, match="needs a PostgreSQL database"):
        load_settings({**sqlite, "VIVA_JOBS": "queue"})
    with pytest.raises(ConfigError, match="must be one of local, queue"):
        load_settings({**env, "VIVA_JOBS": "redis"})


def test_viva_worker_refuses_an_unknown_kind_of_job(queue_env: dict[str, str], cli: Cli) -> None:
    cli.env = queue_env
    result = cli("worker", "--queue", "export")
    assert result.exit_code == 1
    assert "--queue must be import, transcribe or grade (not 'export')" in result.output
