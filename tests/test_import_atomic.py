"""An import killed in the middle of writing leaves the previous bank intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write

NOTES = 400
PER_NOTE = 25


def make_vault(folder: Path, version: str) -> None:
    for n in range(NOTES):
        body = "\n".join(
            f"{i}. 第 {n} 篇的问题 {i} 是什么？\n"
            f"> 版本 {version} 的答案 {n}-{i}，包含 ==要点 {i}==。\n"
            for i in range(1, PER_NOTE + 1)
        )
        write(folder / f"note-{n:04d}.md", f"## 章节 {n}\n\n{body}")


def state(db: Path) -> tuple[int, set[str]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = conn.execute("SELECT count(*) FROM questions WHERE is_active").fetchone()[0]
        versions = {
            row[0].split(" ")[1]
            for row in conn.execute("SELECT reference FROM questions WHERE is_active")
        }
    return count, versions


@pytest.mark.slow
def test_killed_reimport_leaves_previous_bank_intact(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    home = tmp_path / "home"
    env = {**os.environ, "VIVA_HOME": str(home), "VIVA_BUILTIN_BANK": "0"}
    command = [sys.executable, "-m", "viva", "import", str(vault)]
    make_vault(vault, "A")
    subprocess.run(command, env=env, check=True, capture_output=True)
    db = home / "viva.db"
    assert state(db) == (NOTES * PER_NOTE, {"A"})

    make_vault(vault, "B")
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:  # "Saving N questions…" comes right before the transaction
            if line.startswith("Saving"):
                break
        time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    # writing 10,000 questions takes far longer than 50 ms: the kill lands inside the
    # transaction, and not one answer of version B may be visible
    assert state(db) == (NOTES * PER_NOTE, {"A"})
    # and the next import completes normally
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert state(db) == (NOTES * PER_NOTE, {"B"})
