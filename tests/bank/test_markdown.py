"""Question shapes the importer reads, one small note each."""

from __future__ import annotations

from viva.bank.markdown import parse_note, plain_text, split_number
from viva.bank.models import KeyPointKind


def answers(text: str) -> list[tuple[tuple[str, ...], str | None, str, str | None]]:
    note = parse_note(text, "note.md")
    return [
        (
            q.section,
            q.number,
            q.prompt,
            None if q.answer is None else "\n".join(a.text for a in q.answer),
        )
        for q in note.questions
    ]


def test_list_item_with_blockquote_answer() -> None:
    text = "## 基础\n\n3. 什么是过拟合？\n> 模型在训练集上好，\n> 在测试集上差。\n"
    assert answers(text) == [
        (("基础",), "3", "什么是过拟合？", "模型在训练集上好，\n在测试集上差。")
    ]


def test_blockquote_nested_inside_the_list_item_is_its_answer() -> None:
    text = "1. What is a mutex?\n   > A lock only its owner can release.\n"
    assert answers(text) == [((), "1", "What is a mutex?", "A lock only its owner can release.")]


def test_list_item_question_mark_without_answer_is_kept() -> None:
    text = "## 未来研究\n\n1. 你想研究什么？\n2. 为什么？\n- plain item\n"
    assert answers(text) == [
        (("未来研究",), "1", "你想研究什么？", None),
        (("未来研究",), "2", "为什么？", None),
    ]


def test_plain_list_is_not_a_question() -> None:
    assert answers("## Notes\n\n1. first step\n2. second step\n") == []


def test_heading_question_body_runs_to_the_next_heading_of_same_level() -> None:
    text = (
        "# ML\n\n## What is dropout?\n\nRandomly zeroes units.\n\n### Detail\n\nScaled by 1/p.\n\n"
        "## Next section\n\ntext\n"
    )
    result = answers(text)
    assert result == [
        (
            ("ML",),
            None,
            "What is dropout?",
            "Randomly zeroes units.\n\n### Detail\n\nScaled by 1/p.",
        )
    ]


def test_numbered_heading_with_answer_is_a_question_but_numbered_section_is_not() -> None:
    text = (
        "## 1. 机器学习\n\n1. 什么是 SVM？\n> 最大间隔分类器。\n\n"
        "## 2. 操作系统\n\n### 3. 进程与线程的区别\n\n> 进程是资源分配的单位。\n"
    )
    assert answers(text) == [
        (("1. 机器学习",), "1", "什么是 SVM？", "最大间隔分类器。"),
        (("2. 操作系统",), "3", "进程与线程的区别", "进程是资源分配的单位。"),
    ]


def test_heading_without_questions_names_the_following_heading_questions() -> None:
    text = "## 项目\n\n### 注意力\n\n### 7. 三个组成部分是什么？\n\n> QKV\n"
    assert answers(text) == [(("项目", "注意力"), "7", "三个组成部分是什么？", "QKV")]


def test_qa_pairs_in_english_and_chinese() -> None:
    text = (
        "Q: What is TCP?\nA: A reliable byte stream.\n\n"
        "问：什么是死锁？\n答：两个以上进程互相等待对方的资源。\n\n还需要四个必要条件。\n\n"
        "Q: No answer yet?\n"
    )
    assert answers(text) == [
        ((), None, "What is TCP?", "A reliable byte stream."),
        ((), None, "什么是死锁？", "两个以上进程互相等待对方的资源。\n\n还需要四个必要条件。"),
        ((), None, "No answer yet?", None),
    ]


def test_qa_pair_as_two_paragraphs() -> None:
    text = "Q: What is a TLB?\n\nA: A cache of page-table entries.\n"
    assert answers(text) == [((), None, "What is a TLB?", "A cache of page-table entries.")]


def test_qa_question_line_then_its_answer_in_the_same_paragraph() -> None:
    text = (
        "**Q: Why do we need a validation set?**\n"
        "To choose hyper-parameters.\nNot the test set.\n\n"
        "问：为什么要三次握手\n而不是两次？\n\n"
        "Q: What is X?\nGive an example.\n\nX is a thing, e.g. Y.\n\n"
        "Q: What is Z?\nWhy does it matter?\n"
    )
    assert answers(text) == [
        (
            (),
            None,
            "Why do we need a validation set?",
            "To choose hyper-parameters.\nNot the test set.",
        ),
        ((), None, "为什么要三次握手 而不是两次？", None),  # a question over two lines stays whole
        # the answer follows as a paragraph of its own: both lines ask
        ((), None, "What is X? Give an example.", "X is a thing, e.g. Y."),
        ((), None, "What is Z? Why does it matter?", None),
    ]


def test_a_marked_question_inside_a_heading_answer_is_its_own_question() -> None:
    text = (
        "## ML\n\n### What is overfitting?\nThe model fits noise.\n\n"
        "**Q: How do you detect it?**\n\nCompare training and validation error.\n\n"
        "### Explain dropout.\nRandomly zero activations.\n\n"
        "> [!question] Why does it help?\n> It stops co-adaptation.\n\n"
        "### Regularisation\n\nQ: What does L2 do?\nA: Shrinks weights.\n"
    )
    assert answers(text) == [
        (("ML",), None, "What is overfitting?", "The model fits noise."),
        (("ML",), None, "How do you detect it?", "Compare training and validation error."),
        (("ML",), None, "Explain dropout.", "Randomly zero activations."),
        (("ML",), None, "Why does it help?", "It stops co-adaptation."),
        # a heading that does not ask still names the section of the questions it holds
        (("ML", "Regularisation"), None, "What does L2 do?", "Shrinks weights."),
    ]


def test_a_table_of_questions_and_answers() -> None:
    text = (
        "# 计网\n\n| 题目 | 参考答案 |\n|:--|:--|\n"
        "| 1. 什么是 ARP？ | 把 IP 解析为 MAC。<br>局域网内广播请求。 |\n"
        "| 滑动窗口的作用？ | ==流量控制== \\| 可靠传输 |\n\n"
        "| Q | A |\n| --- | --- |\n| TCP vs UDP? | Reliable vs not. |\n\n"
        "| 不加表头也行？ | 第一列都是问题就行 |\n| --- | --- |\n"
        "| 那表头这一行呢？ | 也算一题 |\n\n"
        "| 协议 | 层 |\n| --- | --- |\n| TCP | 传输层 |\n"
    )
    found = answers(text)
    assert found == [
        (("计网",), "1", "什么是 ARP？", "把 IP 解析为 MAC。\n\n局域网内广播请求。"),
        (("计网",), None, "滑动窗口的作用？", "==流量控制== | 可靠传输"),
        (("计网",), None, "TCP vs UDP?", "Reliable vs not."),
        (("计网",), None, "不加表头也行？", "第一列都是问题就行"),
        (("计网",), None, "那表头这一行呢？", "也算一题"),
    ]  # a table of facts (协议 | 层) is not a question
    note = parse_note(text, "note.md")
    assert [k.text for k in note.questions[1].key_points] == ["流量控制"]
    assert note.questions[0].line == 4  # the row's own line (0-based)


def test_spaced_repetition_inline_cards_one_and_both_ways() -> None:
    text = (
        "Capital of France::Paris\n\n过拟合:::模型记住了训练集的噪声\n\nUse `std::vector` here.\n"
    )
    assert answers(text) == [
        ((), None, "Capital of France", "Paris"),
        ((), None, "过拟合", "模型记住了训练集的噪声"),
        ((), None, "模型记住了训练集的噪声", "过拟合"),
    ]


def test_spaced_repetition_multiline_cards() -> None:
    text = "What does RAII mean?\n?\nResource acquisition\nis initialisation\n\nA\n??\nB\n"
    assert answers(text) == [
        ((), None, "What does RAII mean?", "Resource acquisition\nis initialisation"),
        ((), None, "A", "B"),
        ((), None, "B", "A"),
    ]


def test_follow_up_line_after_the_answer_is_not_part_of_it() -> None:
    text = (
        "## DL\n\n### 什么是注意力？\n> ==Q 和 K 的相似度加权 V==。\n\n"
        "延伸：[[#什么是多头注意力？]]、[[#位置编码有什么用？]]\n\n"
        "### 什么是多头注意力？\n> 多组投影。\n\n### 位置编码有什么用？\n> 注入顺序。\n"
    )
    note = parse_note(text, "dl.md")
    first = note.questions[0]
    assert first.answer is not None
    assert [a.text for a in first.answer] == ["==Q 和 K 的相似度加权 V==。"]
    assert [a.text for a in first.follow_ups] == [
        "延伸：[[#什么是多头注意力？]]、[[#位置编码有什么用？]]"
    ]


def test_link_only_body_is_the_answer_not_a_follow_up() -> None:
    assert answers("## 研究\n\n### 你做过什么？\n\n[[#Transformer]]\n") == [
        (("研究",), None, "你做过什么？", "[[#Transformer]]")
    ]


def test_highlights_may_contain_a_single_equals_sign() -> None:
    text = "### What is LoRA?\n> It learns ==$\\Delta W = BA$ with low rank r==.\n"
    note = parse_note(text, "n.md")
    assert [k.text for k in note.questions[0].key_points] == ["$\\Delta W = BA$ with low rank r"]


def test_key_points_from_bold_leads_and_list_items() -> None:
    text = (
        "### Why TCP?\n> - **Reliable**: retransmits lost segments.\n"
        "> - **Ordered**: sequence numbers.\n> \t- nested detail\n"
        "\n### Why UDP?\n> - low latency\n> - no handshake\n"
    )
    note = parse_note(text, "n.md")
    tcp, udp = note.questions
    assert [(k.kind, k.text) for k in tcp.key_points] == [
        (KeyPointKind.BOLD, "Reliable: retransmits lost segments."),
        (KeyPointKind.BOLD, "Ordered: sequence numbers."),
    ]
    assert [(k.kind, k.text) for k in udp.key_points] == [
        (KeyPointKind.LIST_ITEM, "low latency"),
        (KeyPointKind.LIST_ITEM, "no handshake"),
    ]


def test_invalid_front_matter_is_reported_with_its_line_and_body_still_imports() -> None:
    text = "---\ntags: [a, b\ndate: 2024\n---\n## S\n\n1. Q?\n> A\n"
    note = parse_note(text, "bad.md")
    assert len(note.questions) == 1
    assert len(note.problems) == 1
    problem = note.problems[0]
    assert (problem.file, problem.line) == ("bad.md", 3)
    assert "front matter is not valid YAML" in problem.message


def test_front_matter_tags_as_list_string_and_hash_forms() -> None:
    assert parse_note("---\ntags: [x, '#y']\n---\n", "a.md").tags == ("x", "y")
    assert parse_note("---\ntags: x, y\n---\n", "a.md").tags == ("x", "y")
    assert parse_note("---\ntag: solo\n---\n", "a.md").tags == ("solo",)


def test_split_number_and_plain_text() -> None:
    assert split_number("6. 什么是注意力？") == ("6", "什么是注意力？")
    assert split_number("12、为什么？") == ("12", "为什么？")
    assert split_number("Q3: Why?") == ("3", "Why?")
    assert split_number("3D printing?") == (None, "3D printing?")
    assert plain_text("**粗体** *斜体* ==高亮== `code` [[#Heading|label]] [a](b)") == (
        "粗体 斜体 高亮 code label a"
    )


def test_a_heading_with_an_explanation_beside_question_headings_is_reported() -> None:
    text = (
        "# 计算机网络\n\n## 传输层\n\n### TCP 三次握手\n"
        "客户端发送 SYN，服务器回复 SYN+ACK，客户端再发送 ACK。\n\n"
        "### 为什么 TIME_WAIT 要等 2MSL？\n保证最后一个 ACK 能到达。\n\n"
        "### 2020 年真题\n这一年考了三道题。\n\n"  # introduces: too short to be an answer
        "### Resources\n\n* [CS229 notes](https://cs229.stanford.edu)\n\n"
        "## Tips\n\nNo heading around this one asks, so it is a section like any other.\n"
    )
    note = parse_note(text, "net.md")
    assert [q.prompt for q in note.questions] == ["为什么 TIME_WAIT 要等 2MSL？"]
    said = [(p.line, p.kind) for p in note.problems]
    assert said == [(5, "section-with-text")]
    assert "'TCP 三次握手'" in note.problems[0].message
