"""The 16 acceptance notes of issue #12 (`../shared/import-cases/`) behave as their README expects.

Each case is imported through the service into a real SQLite bank, after a dry run that must
plan exactly what the import then writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from viva.bank.models import Question
from viva.service import Viva

CASES = Path(__file__).parents[2].parent / "shared" / "import-cases"

pytestmark = pytest.mark.skipif(
    not CASES.is_dir(),
    reason=f"the acceptance notes are not beside the repository ({CASES} is absent)",
)

Row = tuple[tuple[str, ...], str | None, str, str | None]


def imported(viva: Viva, case: str) -> tuple[list[Question], list[str]]:
    folder = CASES / case
    planned = viva.import_notes([folder], bank="c", dry_run=True)
    report = viva.import_notes([folder], bank="c")
    assert planned.counts == report.counts  # a dry run reports what the import does
    assert planned.questions == report.questions
    questions = sorted(viva.questions(banks=["c"]), key=lambda q: (q.source.file, q.position))
    return questions, [str(p) for p in report.problems]


def rows(questions: list[Question]) -> list[Row]:
    return [(q.section, q.number, q.prompt, q.reference) for q in questions]


def test_reversed_inline_card_makes_two_questions(viva: Viva) -> None:
    questions, _ = imported(viva, "01a-reversed-inline-crash")
    assert rows(questions) == [((), None, "Question", "Answer"), ((), None, "Answer", "Question")]
    assert len({q.id for q in questions}) == 2


def test_reversed_multiline_card_makes_two_questions(viva: Viva) -> None:
    questions, _ = imported(viva, "01b-reversed-multiline-crash")
    assert rows(questions) == [((), None, "Question", "Answer"), ((), None, "Answer", "Question")]
    assert len({q.id for q in questions}) == 2


def test_question_heading_closes_the_sibling_section_before_it(viva: Viva) -> None:
    questions, _ = imported(viva, "02-question-heading-keeps-stale-sibling-section")
    by_prompt = {q.prompt: q for q in questions}
    assert by_prompt["这是问题吗？"].section == ("A",)
    assert by_prompt["这是问题吗？"].reference == "答案\n\n#### 细节\n\nmore"
    # `7. Prediction Service` reads as a topic (a section); were it a question, never under A
    assert all(q.section[:2] != ("A", "不是问题") for q in questions)


def test_hierarchical_numbers_are_whole(viva: Viva) -> None:
    questions, _ = imported(viva, "03-hierarchical-number-split")
    assert rows(questions) == [
        (
            ("2.1 基本概念",),
            "2.1.1",
            "什么是神经网络",
            "神经网络就是按照一定规则将多个神经元连接起来的网络。",
        ),
        (("2.1 基本概念",), "2.1.2", "What is a loss function?", "It measures the error."),
    ]


def test_indented_nested_quotes_lose_their_markers(viva: Viva) -> None:
    questions, _ = imported(viva, "04-indented-nested-quote-keeps-markers")
    assert [q.reference for q in questions] == [
        "tab-indented answer",
        "选取一个元素，比它小放左边\n\n比它大放右边",
        "two-space answer",
    ]


def test_sub_question_headings_are_separate_questions(viva: Viva) -> None:
    questions, _ = imported(viva, "05-question-heading-swallows-sub-questions")
    assert [(q.number, q.prompt, q.reference) for q in questions] == [
        ("18.5", "如何设计一个人机交互系统？", "概述。"),
        ("18.5.1", "什么是人机交互系统？", "答一。"),
        ("18.5.2", "如何纠错？", "答二。"),
    ]


def test_numbered_headings_answered_by_formula_table_or_list(viva: Viva) -> None:
    questions, _ = imported(viva, "06-numbered-heading-then-nonparagraph")
    assert [(q.number, q.prompt) for q in questions] == [
        ("8", "解释 Attention"),
        ("9", "常见激活函数"),
        ("10", "优化器有哪些"),
    ]
    assert [q.reference.splitlines()[0] for q in questions if q.reference] == [
        "$$",
        "| 函数 | 公式 |",
        "- SGD",
    ]


def test_numbered_section_headings_are_not_questions(viva: Viva) -> None:
    questions, _ = imported(viva, "07-numbered-heading-false-positives")
    assert rows(questions) == [(("1. 机器学习",), None, "什么是过拟合？", "训练好测试差。")]


def test_card_sides_keep_lists_code_and_images(viva: Viva) -> None:
    questions, problems = imported(viva, "08-sr-card-answer-is-list-or-code")
    assert [(q.prompt, q.reference) for q in questions] == [
        (
            "What are the features of interpretation?",
            "- Runs until the first error\n- Slower to execute",
        ),
        ("How do you print in Python?", "```python\nprint('hi')\n```"),
        (
            "Which method has these characteristics?\n- old system dropped\n- data converted",
            "Direct Cut-Over",
        ),
        ("What is a context diagram?", "![[cd.png]]\n- shows the system as one process"),
    ]
    assert problems == ["note.md:20: image ![[cd.png]]: file 'cd.png' is not in the vault"]


def test_list_items_under_a_questions_heading_are_questions(viva: Viva) -> None:
    questions, _ = imported(viva, "09-list-question-without-qmark")
    assert [q.prompt for q in questions] == [
        "Tell me about yourself.",
        "Explain the CAP theorem",
        "How does a VLM combine a vision encoder with an LLM? (e.g., LLaVA)",
        "快排大致过程",
        "What is overfitting?",
    ]
    assert {q.section for q in questions} == {("Common Questions",)}


def test_question_answer_variants_keep_their_answers(viva: Viva) -> None:
    questions, _ = imported(viva, "10-qa-answer-not-captured")
    assert [(q.prompt.split("\n")[0], q.reference) for q in questions] == [
        ("What do you think of your major?", "My major covers many fields of knowledge."),
        ("下面代码有什么问题", "感觉没什么问题"),
        ("微信安全团队主要的业务是什么", "针对微信的黑灰产。"),
    ]
    assert "std::unique_ptr<T> p(new T); p.release();" in questions[1].prompt


def test_spaced_repetition_metadata_is_stripped(viva: Viva) -> None:
    questions, _ = imported(viva, "11-sr-metadata-left-in-card")
    assert [(q.prompt, q.reference) for q in questions] == [
        ("Question", "Answer"),
        ("A", "B"),
        ("Q5", "A5"),
    ]
    assert "flashcards/science" in questions[2].tags


def test_double_colons_in_prose_are_not_cards(viva: Viva) -> None:
    questions, _ = imported(viva, "12-double-colon-in-prose")
    assert questions == []


def test_common_question_shapes_are_read(viva: Viva) -> None:
    questions, _ = imported(viva, "13-common-question-shapes-unsupported")
    assert [(q.number, q.prompt, q.reference) for q in questions] == [
        ("1", "什么是过拟合？", "模型在训练集上表现好，在测试集上差。"),
        ("1", "什么是进程？", "进程是资源分配的基本单位。"),
        (None, "什么是虚函数表？", "存放虚函数入口地址的函数指针数组。"),
        (None, "What is a closure?", "A function with its lexical environment."),
        (None, "What is TCP?", "A reliable transport protocol."),
    ]


def test_block_embed_embeds_the_block(viva: Viva) -> None:
    questions, problems = imported(viva, "14-block-reference-embed")
    assert [(q.prompt, q.reference) for q in questions] == [
        ("What is X?", "Some paragraph that is the answer.")
    ]
    assert problems == []


def test_heading_after_an_html_line_is_read(viva: Viva) -> None:
    questions, _ = imported(viva, "15-html-block-hides-heading")
    assert [(q.number, q.prompt) for q in questions] == [
        ("11.3.3", "条件分布自适应"),
        ("11.3.4", "联合分布自适应"),
    ]
    assert questions[0].reference == "正文。\n\n<center>图 21: STL 方法的示意图</center>"


def test_every_case_folder_has_a_test() -> None:
    tested = {
        "01a",
        "01b",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
    }
    found = {p.name.split("-", 1)[0] for p in CASES.iterdir() if p.is_dir()}
    assert found <= tested, f"new acceptance notes without a test: {sorted(found - tested)}"
