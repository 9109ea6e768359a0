"""The real student note (tests/data/seed-note.txt) must import exactly: DESIGN.md counts."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import SEED
from viva.bank.importer import build_from_paths
from viva.bank.models import BankBuild, KeyPointKind, LinkKind, Question


@pytest.fixture(scope="module")
def build() -> BankBuild:
    return build_from_paths("default", [SEED], max_bytes=10_000_000)


def by_prompt(build: BankBuild, start: str) -> Question:
    found = [q for q in build.questions if q.prompt.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def test_seed_has_41_questions_in_the_hand_counted_sections(build: BankBuild) -> None:
    counts = Counter(q.section[-1] for q in build.questions)
    assert counts == {
        "基本信息": 3,
        "专业技能知识": 10,
        "项目经历": 5,
        "Transformer": 5,
        "注意力机制": 5,
        "大型语言模型（LLM）": 6,
        "自然语言处理（NLP）": 4,
        "未来研究": 3,
    }
    assert len(build.questions) == 41
    assert sum(q.has_reference for q in build.questions) == 38


def test_seed_subsections_keep_their_parent_section(build: BankBuild) -> None:
    sections = {q.section for q in build.questions}
    assert ("项目经历", "Transformer") in sections
    assert ("项目经历", "注意力机制") in sections  # the empty heading names the questions after it


def test_seed_numbers_are_labels_with_gaps(build: BankBuild) -> None:
    skills = [q.number for q in build.questions if q.section == ("专业技能知识",)]
    assert skills == ["1", "2", "3", "5", "6", "7", "8", "9", "10", "11"]
    projects = [q.number for q in build.questions if q.section == ("项目经历",)]
    assert projects == ["1", "2", "3", "5", "6"]
    attention = [q.number for q in build.questions if q.section[-1] == "注意力机制"]
    assert attention == ["6", "7", "8", "9", "10"]


def test_seed_heading_question_number_is_split_from_the_prompt(build: BankBuild) -> None:
    q = by_prompt(build, "什么是注意力机制")
    assert q.number == "6"
    assert q.prompt == "什么是注意力机制，它在 NLP 中如何应用？"
    assert q.source.line == 153
    assert q.reference is not None
    assert q.reference.startswith("注意力机制的关键要素是Query、Key和Value")
    assert "- **机器翻译**：注意力机制最初在NLP领域获得显著成功" in q.reference


def test_seed_answer_text_latex_and_highlights_survive_intact(build: BankBuild) -> None:
    dctcp = by_prompt(build, "NS-3 中不是已经有预先构建好的 DCTCP")
    assert r"$\alpha\leftarrow(1-g)\times\alpha+g\times F$" in (dctcp.reference or "")
    scaled = by_prompt(build, "解释 Scaled Dot-Product Attention")
    assert r"（$\sqrt{d_k}$），其中 $d_k$ 是 Key 向量的维度" in (scaled.reference or "")
    assert "==点积结果在维度较高时会变得特别大，这会导致 softmax 函数的输出极端化==" in (
        scaled.reference or ""
    )
    assert [k.text for k in scaled.key_points] == [
        "点积结果在维度较高时会变得特别大，这会导致 softmax 函数的输出极端化"
    ]
    assert scaled.key_points[0].kind is KeyPointKind.HIGHLIGHT


def test_seed_quote_lines_without_a_space_are_part_of_the_answer(build: BankBuild) -> None:
    paradigms = by_prompt(build, "LLM 的两种训练范式是什么")
    reference = paradigms.reference or ""
    assert "2. Prompt Paradigm" in reference
    assert "\t- 提示词范式包含使用自然语言短句让LM 填空、零样本或少样本地学习" in reference
    explain = by_prompt(build, "你如何理解LLM 的可解释性")
    assert (explain.reference or "").endswith("2. 对于prompt 范式")


def test_seed_nested_list_and_bold_italic_survive(build: BankBuild) -> None:
    optimise = by_prompt(build, "LogReg、SVM、GBDT 这些模型如何优化")
    assert "\t- **迭代式**：GBDT 的优化本质上是迭代过程" in (optimise.reference or "")
    soft = by_prompt(build, "软注意力和硬注意力有什么区别")
    assert "***软注意力***（Soft Attention）" in (soft.reference or "")
    assert "- *可微性*：软注意力机制是==完全可微==的" in (soft.reference or "")


def test_seed_link_only_answer_resolves_to_the_transformer_section(build: BankBuild) -> None:
    q = by_prompt(build, "能否详细说明在 Transformer 模型方面的研究")
    assert q.reference == "[[#Transformer]]"
    link = q.answered_by
    assert link is not None
    assert link.is_resolved
    assert link.section == ("项目经历", "Transformer")
    answered = [x for x in build.questions if x.section[: len(link.section)] == link.section]
    assert len(answered) == 5


def test_seed_unresolved_embed_and_missing_image_are_reported_with_lines(
    build: BankBuild,
) -> None:
    problems = [str(p) for p in build.problems]
    assert problems == [
        "seed-note.txt:58: embed ![[LLM-Survey#主流架构]]: note 'LLM-Survey' is not in the vault",
        "seed-note.txt:130: image ![[cnn-rnn-self-attention.svg]]: "
        "file 'cnn-rnn-self-attention.svg' is not in the vault",
    ]
    structure = by_prompt(build, "你说你对 LLM 的结构有系统性认识")
    assert structure.reference == "![[LLM-Survey#主流架构]]"  # kept visibly in the text
    assert structure.has_reference
    attention = by_prompt(build, "描述 Transformer 中的自注意力机制如何工作")
    image = [link for link in attention.links if link.kind is LinkKind.ASSET]
    assert [(i.target, i.is_resolved, i.line) for i in image] == [
        ("cnn-rnn-self-attention.svg", False, 130)
    ]


def test_seed_questions_without_answers_are_kept(build: BankBuild) -> None:
    future = [q for q in build.questions if q.section == ("未来研究",)]
    assert [q.prompt for q in future] == [
        "对网络协议、安全与机器学习融合的研究方向有哪些具体的研究计划或想法？",
        "在LLM领域，您最感兴趣的研究点是什么？",
        "您计划如何深入学习并实践LLM在特定任务上的性能提升？",
    ]
    assert all(q.reference is None for q in future)


def test_seed_front_matter_tags_become_question_tags(build: BankBuild) -> None:
    assert {q.tags for q in build.questions} == {("Interview",)}


def test_seed_key_points_prefer_highlights_then_bold_leads_then_items(build: BankBuild) -> None:
    gpa = by_prompt(build, "你的GPA 有点低")
    assert [k.kind for k in gpa.key_points] == [KeyPointKind.LIST_ITEM] * 3
    llm = by_prompt(build, "你对 LLM 在NLP 领域的影响")
    assert llm.key_points[0].kind is KeyPointKind.BOLD
    assert llm.key_points[0].text.startswith("预训练与微调范式：LLMs的成功证明了")
    long_range = by_prompt(build, "Transformer 模型如何解决长距离依赖问题")
    assert [k.text for k in long_range.key_points][:2] == [
        "通过自注意力机制直接计算序列中任意两个位置之间的依赖关系",
        "并行处理所有位置的信息",
    ]


def test_seed_ids_are_unique_and_stable(build: BankBuild) -> None:
    ids = [q.id for q in build.questions]
    assert len(set(ids)) == 41
    again = build_from_paths("default", [SEED], max_bytes=10_000_000)
    assert [q.id for q in again.questions] == ids
