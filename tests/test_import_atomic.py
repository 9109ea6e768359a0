"""An import killed in the middle of writing leaves the previous bank intact (SQLite: the
file; PostgreSQL: the server rolls back the dead client's transaction)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import query, write

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


def state(env: dict[str, str]) -> tuple[int, set[str]]:
    if "VIVA_DATABASE_URL" not in env:  # the SQLite file
        assert query(env, "PRAGMA integrity_check") == [("ok",)]
    references = query(env, "SELECT reference FROM questions WHERE is_active")
    return len(references), {row[0].split(" ")[1] for row in references}


@pytest.mark.slow
def test_killed_reimport_leaves_previous_bank_intact(
    tmp_path: Path, process_env: dict[str, str]
) -> None:
    vault = tmp_path / "vault"
    env = process_env
    command = [sys.executable, "-m", "viva", "import", str(vault)]
    make_vault(vault, "A")
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert state(env) == (NOTES * PER_NOTE, {"A"})

    make_vault(vault, "B")
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        # "正在写入 N 道题…" (Saving N questions…) comes right before the transaction
        for line in process.stderr:
            if line.startswith(("正在写入", "Saving")):
                break
        time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    # writing 10,000 questions takes far longer than 50 ms: the kill lands inside the
    # transaction, and not one answer of version B may be visible
    assert state(env) == (NOTES * PER_NOTE, {"A"})
    # and the next import completes normally
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert state(env) == (NOTES * PER_NOTE, {"B"})
