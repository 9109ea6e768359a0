"""A timed interview in a real pseudo-terminal: the countdown, and time running out."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import SEED, write

pytestmark = [pytest.mark.slow, pytest.mark.model]


def _one_question_plan(tmp_path: Path, *, seconds: int, env: dict[str, str]) -> Path:
    """The seed note imported, and a plan of one Transformer question with `seconds` to answer."""
    pexpect.run(f"{sys.executable} -m viva import {SEED}", env=env)
    return write(
        tmp_path / "short.yaml",
        "name: short\nstages:\n  - name: 专业知识\n    sections: [Transformer]\n    count: 1\n"
        f"    seconds: {seconds}\n    follow_ups: 0\n",
    )


def test_time_up_takes_the_answer_so_far(tmp_path: Path, process_env: dict[str, str]) -> None:
    env = process_env
    plan = _one_question_plan(tmp_path, seconds=10, env=env)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "viva", "interview", "--plan", str(plan), "--seed", "1", "--lang", "en"],
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect("── 专业知识 ──")
    child.expect(r"\(10 s; an empty line submits\)")
    child.sendline("Transformer 用自注意力并行处理整个序列，")
    child.expect(r"⏱ \d+ s left")
    # no empty line: the clock runs out and the line typed so far is the answer
    child.expect("Time's up: your answer so far is taken.", timeout=20)
    child.expect(r"Mock interview #1 · short: overall \d+/100")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    report = pexpect.run(
        f"{sys.executable} -m viva report --format json", env=env, encoding="utf-8"
    )
    assert "Transformer 用自注意力并行处理整个序列" in report


def test_the_countdown_speaks_chinese_in_a_chinese_interface(
    tmp_path: Path, process_env: dict[str, str]
) -> None:
    plan = _one_question_plan(tmp_path, seconds=30, env=process_env)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "viva", "interview", "--plan", str(plan), "--seed", "1"],  # zh: the default
        env=process_env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect(r"（30 秒；空行提交）")
    child.sendline("Transformer 用自注意力并行处理整个序列，")
    child.expect(r"⏱ 还剩 \d+ 秒")
    child.sendline("")  # an empty line submits before the time is up
    child.expect(r"→ \d+/100")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
