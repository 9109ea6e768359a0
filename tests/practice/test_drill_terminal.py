"""The interactive drill in a real pseudo-terminal (pexpect), with the real models."""

from __future__ import annotations

import sys

import pexpect
import pytest

from tests.conftest import SEED

pytestmark = [pytest.mark.slow, pytest.mark.model]


def test_drill_in_a_terminal_grades_accepts_overrides_and_undoes(
    process_env: dict[str, str],
) -> None:
    env = process_env
    viva = [sys.executable, "-m", "viva"]
    imported = pexpect.run(" ".join([*viva, "import", str(SEED)]), env=env, encoding="utf-8")
    assert "新增" in imported  # the import table, in the interface's language
    child = pexpect.spawn(
        viva[0],
        [*viva[1:], "drill", "--new", "3", "--section", "基本信息"],
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect("共 3 道题")
    child.expect("你的GPA 有点低，为什么？")
    child.expect("你的回答")
    child.sendline("大一时不适应大学的学习方式，后来我调整方法，成绩逐步提高，")
    child.sendline("我会全身心投入研究。")
    child.sendline("")
    child.expect(r"得分 \d+/100")
    child.expect(r"评分 \[(重来|困难|良好|简单)\]：")
    child.sendline("")  # accept the suggested rating
    child.expect("你的数学成绩非常低")
    child.sendline("?")  # reveal: suggested Again
    child.expect("参考答案")
    child.expect(r"评分 \[重来\]：")
    child.sendline("u")  # undo the first review
    child.expect("已撤销上一次复习。")
    child.expect("你的GPA 有点低")  # asked again
    child.sendline("?")
    child.expect(r"评分 \[重来\]：")
    child.sendline("4")  # override with Easy
    child.expect("你的数学成绩非常低")
    child.sendline("?")
    child.expect(r"评分 \[重来\]：")
    child.sendline("q")
    child.expect(r"复习了 \d+ 道题")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
