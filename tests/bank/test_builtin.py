"""The built-in bank: imports cleanly, every question graded-ready, ids stable across releases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import Cli
from viva.bank.importer import build_from_paths
from viva.bank.models import BankBuild, LinkRole
from viva.service import BUILTIN_BANK, builtin_dir

GOLDEN = Path(__file__).parents[1] / "data" / "builtin-ids.tsv"

SECTION_COUNTS = {
    ("自我介绍", "自我介绍的结构"): 3,
    ("自我介绍", "英文自我介绍"): 3,
    ("自我介绍", "追问"): 9,
    ("个人情况", "成绩与考试"): 6,
    ("个人情况", "经历与背景"): 7,
    ("数学基础", "线性代数"): 10,
    ("数学基础", "概率论与数理统计"): 11,
    ("数学基础", "微积分与优化"): 7,
    ("计算机基础", "数据结构与算法"): 12,
    ("计算机基础", "操作系统"): 12,
    ("计算机基础", "计算机组成原理"): 10,
    ("计算机基础", "计算机网络"): 14,
    ("计算机基础", "数据库"): 7,
    ("计算机基础", "编译原理"): 5,
    ("机器学习", "学习理论"): 5,
    ("机器学习", "正则化"): 6,
    ("机器学习", "线性模型与 SVM"): 8,
    ("机器学习", "决策树与集成学习"): 11,
    ("机器学习", "模型评估"): 6,
    ("机器学习", "优化方法"): 7,
    ("机器学习", "无监督学习"): 5,
    ("深度学习", "基础"): 7,
    ("深度学习", "卷积神经网络"): 7,
    ("深度学习", "循环神经网络"): 6,
    ("深度学习", "注意力与 Transformer"): 10,
    ("深度学习", "归一化与训练技巧"): 8,
    ("NLP 与大模型", "文本表示"): 8,
    ("NLP 与大模型", "序列模型与预训练"): 6,
    ("NLP 与大模型", "大模型训练与对齐"): 8,
    ("NLP 与大模型", "高效微调"): 7,
    ("NLP 与大模型", "提示与应用"): 6,
    ("NLP 与大模型", "可解释性与安全"): 6,
    ("安全与交叉方向", "应用密码学"): 9,
    ("安全与交叉方向", "物联网与信息物理系统安全"): 6,
    ("安全与交叉方向", "机器学习与恶意软件检测"): 8,
    ("安全与交叉方向", "机器学习用于网络控制"): 5,
    ("项目经历与科研规划", "如何介绍项目"): 8,
    ("项目经历与科研规划", "科研规划"): 8,
    ("English Questions", "About you"): 14,
    ("English Questions", "Your field"): 11,
}


@pytest.fixture(scope="module")
def build() -> BankBuild:
    return build_from_paths(BUILTIN_BANK, [builtin_dir()], max_bytes=10_000_000)


def test_builtin_imports_without_any_warning(build: BankBuild) -> None:
    assert [str(p) for p in build.problems] == []


def test_builtin_question_count_per_section(build: BankBuild) -> None:
    assert Counter(q.section for q in build.questions) == SECTION_COUNTS
    assert len(build.questions) >= 240


def test_every_builtin_question_has_a_reference_and_3_to_6_key_points(build: BankBuild) -> None:
    for q in build.questions:
        assert q.has_reference, q.prompt
        assert 3 <= len(q.key_points) <= 6, (q.prompt, len(q.key_points))
        assert all(k.kind.value == "highlight" for k in q.key_points), q.prompt


def test_builtin_follow_up_links_all_resolve_to_questions(build: BankBuild) -> None:
    ids = {q.id for q in build.questions}
    follow_ups = [
        link for q in build.questions for link in q.links if link.role is LinkRole.FOLLOW_UP
    ]
    assert len(follow_ups) >= len(build.questions) // 3
    for link in follow_ups:
        assert link.is_resolved, link.raw
        assert link.question_id in ids, link.raw


def test_builtin_english_section_is_in_english(build: BankBuild) -> None:
    english = [q for q in build.questions if q.section[0] == "English Questions"]
    assert len(english) >= 20
    for q in english:
        assert q.prompt.endswith("?")
        assert not any("\u4e00" <= c <= "\u9fff" for c in q.prompt + (q.reference or ""))


def test_builtin_ids_match_the_golden_list(build: BankBuild) -> None:
    """Ids are a promise to users' review history: a release must not change them.

    After deliberately adding questions, append them with:
    python -m tests.bank.test_builtin > tests/data/builtin-ids.tsv
    """
    golden = [line.split("\t")[0] for line in GOLDEN.read_text("utf-8").splitlines()]
    current = [q.id for q in build.questions]
    assert not set(golden) - set(current), "built-in question ids changed or vanished"
    assert current == golden


def test_builtin_bank_loads_on_first_run_without_import(env: dict[str, str], cli: Cli) -> None:
    env["VIVA_BUILTIN_BANK"] = "1"
    listed = json.loads(cli("bank", "list", "--json").stdout)
    assert {q["bank"] for q in listed} == {"builtin"}
    assert len(listed) == sum(SECTION_COUNTS.values())
    overview = cli("bank", "overview")
    assert "builtin（内置）" in overview.stdout


def test_user_bank_shows_beside_the_builtin_one(env: dict[str, str], cli: Cli, vault: Path) -> None:
    env["VIVA_BUILTIN_BANK"] = "1"
    (vault / "n.md").write_text("1. 自己的问题？\n> 自己的答案。\n", encoding="utf-8")
    cli("import", str(vault))
    listed = json.loads(cli("bank", "list", "--json").stdout)
    assert listed[0]["prompt"] == "自己的问题？"  # the student's own first, the built-in after
    assert len(listed) == sum(SECTION_COUNTS.values()) + 1
    mine = json.loads(cli("bank", "list", "--bank", "default", "--json").stdout)
    assert [q["prompt"] for q in mine] == ["自己的问题？"]
    builtin = json.loads(cli("bank", "list", "--bank", "builtin", "--json").stdout)
    assert len(builtin) == sum(SECTION_COUNTS.values())
    cli("bank", "disable", "builtin")
    assert len(json.loads(cli("bank", "list", "--json").stdout)) == 1


def test_builtin_can_be_excluded_and_included(env: dict[str, str], cli: Cli) -> None:
    env["VIVA_BUILTIN_BANK"] = "1"
    assert cli("bank", "disable", "builtin").exit_code == 0
    assert json.loads(cli("bank", "list", "--json").stdout) == []
    assert cli("bank", "enable", "builtin").exit_code == 0
    assert len(json.loads(cli("bank", "list", "--json").stdout)) == sum(SECTION_COUNTS.values())


def test_exported_builtin_reimports_as_the_users_own_bank(
    env: dict[str, str], cli: Cli, tmp_path: Path
) -> None:
    env["VIVA_BUILTIN_BANK"] = "1"
    out = tmp_path / "mine"
    result = cli("bank", "export", "builtin", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in builtin_dir().glob("*.md")
    )
    imported = json.loads(cli("import", str(out), "--bank", "my-notes", "--json").stdout)
    assert imported["counts"]["added"] == sum(SECTION_COUNTS.values())
    assert imported["problems"] == []
    again = cli("bank", "export", "builtin", str(out))
    assert again.exit_code == 1
    assert "is not empty" in again.stderr


if __name__ == "__main__":
    for q in build_from_paths(BUILTIN_BANK, [builtin_dir()], max_bytes=10_000_000).questions:
        print(f"{q.id}\t{q.source.file}\t{' / '.join(q.section)}\t{q.prompt}")


def test_the_readme_gives_the_builtin_banks_real_size(build: BankBuild) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"A built-in bank of {len(build.questions)} questions" in readme
