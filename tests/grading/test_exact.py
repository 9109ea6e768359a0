"""Numbers, formulas, terms and verdicts in one canonical form (no models)."""

from __future__ import annotations

import pytest

from viva.grading.contrast import find_contradiction
from viva.grading.exact import judge_exact, math_tokens, same_math, verdict
from viva.grading.keypoints import key_points_from_reference, sentence_of, usable_key_points
from viva.grading.models import Contradiction
from viva.grading.reading import Reading
from viva.grading.text import clauses, is_no_answer, windows


def contradiction(
    point: str, question: str, answer: str, similarity: float
) -> Contradiction | None:
    """The contradiction found with every window of the answer at one USE cosine."""
    parts = windows(clauses(answer), answer)
    return find_contradiction(point, Reading.of(question, answer, parts), [similarity] * len(parts))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("$2^{h}-1$", "2 的 h 次方减 1"),
        ("2^h - 1", "2^h-1"),
        ("O(n \\log n)", "O(nlogn)"),
        ("Θ(n log n)", "O(n log n)"),
        ("$\\frac{n(n-1)}{2}$", "n 乘 n 减 1 除以 2"),
        ("0.75", "百分之七十五"),
        ("三分之一", "1/3"),
        ("O(n²)", "O(n^2)"),
    ],
)
def test_same_formula_written_differently(a: str, b: str) -> None:
    assert any(same_math(x, y) for x in math_tokens(a) for y in math_tokens(b))


@pytest.mark.parametrize(("a", "b"), [("2^(h-1)", "2^h-1"), ("O(n)", "O(n^2)"), ("7", "8")])
def test_different_formulas_stay_apart(a: str, b: str) -> None:
    assert not any(same_math(x, y) for x in math_tokens(a) for y in math_tokens(b))


def test_words_with_numerals_are_not_numbers() -> None:
    assert math_tokens("平衡二叉树一共有几种") == set()


def test_result_is_the_conclusion_not_the_aside() -> None:
    question = "一个前缀长度为 /26 的子网，可分配给主机的地址有多少个？"
    reference = "主机号 6 位，共 $2^6=64$ 个地址，去掉网络地址和广播地址，所以可分配 62 个。"
    assert judge_exact(question, reference, "62 个").matches  # type: ignore[union-attr]
    wrong = judge_exact(question, reference, "64 个")
    assert wrong is not None
    assert not wrong.matches


def test_verdicts() -> None:
    assert verdict("错误。因为……") is False
    assert verdict("不正确，应该是") is False
    assert verdict("正确，TCP 面向连接") is True
    assert verdict("True. It is") is True
    assert verdict("TCP 是面向连接的") is None


def test_term_answer_matches_the_reference_lead() -> None:
    question = "用于实现广度优先搜索的数据结构是什么？"
    reference = "队列。BFS 按层扩展，先访问的结点先出队，与栈实现的 DFS 不同。"
    assert judge_exact(question, reference, "队列").matches  # type: ignore[union-attr]
    assert judge_exact(question, reference, "栈") is None


def test_swapped_term_is_a_contradiction() -> None:
    point = "除以根号 d_k 防止 softmax 饱和"
    answer = "先点积，再用 ReLU 归一化，乘 d_k 防止梯度太小。"
    found = contradiction(point, "为什么要缩放？", answer, 0.3)
    assert found is not None
    assert (found.said, found.expected, found.kind) == ("ReLU", "softmax", "term")
    assert answer[found.span.start : found.span.end] == "ReLU"


def test_no_contradiction_when_the_answer_also_names_the_right_term() -> None:
    point = "输出层用 softmax 得到概率"
    answer = "隐藏层用 ReLU，输出层用 softmax 得到概率。"
    assert contradiction(point, "分类网络怎么输出？", answer, 0.5) is None


def test_wrong_number_with_the_same_unit() -> None:
    point = "TCP 建立连接需要三次握手"
    answer = "TCP 建立连接要两次握手就够了。"
    found = contradiction(point, "TCP 如何建立连接？", answer, 0.8)
    assert found is not None
    assert found.kind == "number"


def test_flipped_negation() -> None:
    point = "数组支持下标随机访问"
    answer = "数组不支持下标随机访问，只能顺序找。"
    found = contradiction(point, "数组和链表的区别？", answer, 0.9)
    assert found is not None
    assert found.kind == "negation"


@pytest.mark.parametrize(
    "text", ["不知道", "嗯……不会", "I don't know.", "抱歉老师，这道题我没复习到"]
)
def test_no_answer_phrases(text: str) -> None:
    assert is_no_answer(text)


@pytest.mark.parametrize("text", ["不会饱和", "TCP 不会丢包", "不知道为什么，但要除以根号 d_k"])
def test_answers_with_content_are_answers(text: str) -> None:
    assert not is_no_answer(text)


def test_fragment_key_point_is_read_in_its_sentence() -> None:
    reference = "GRU 用更新门决定保留多少旧状态，从而实现状态的更新。复杂度是 $O(n)$。"
    points = usable_key_points(("实现状态的更新", "$O(n)$"), reference, "GRU 是什么？")
    assert points == ("GRU 用更新门决定保留多少旧状态，从而实现状态的更新。",)


@pytest.mark.parametrize(
    ("point", "answer", "said", "expected"),
    [
        ("非对称加密用公钥加密、私钥解密", "非对称加密是用私钥加密、公钥解密", "私钥", "公钥"),
        (
            "GPT只使用Transformer的解码器，BERT使用编码器",
            "GPT只用了Transformer的Encoder，BERT只用了Decoder",
            "Encoder",
            "解码器",
        ),
    ],
)
def test_pair_said_the_other_way_round(point: str, answer: str, said: str, expected: str) -> None:
    found = contradiction(point, "区别是什么？", answer, 0.8)
    assert found is not None
    # either term may be named: the answer put each where the other belongs
    assert {found.said.lower(), found.expected.lower()} in (
        {said.lower(), expected.lower()},
        {said.lower().replace("encoder", "decoder"), "编码器"},
    )


def test_a_pair_in_the_same_roles_is_no_contradiction() -> None:
    point = "非对称加密用公钥加密、私钥解密"
    answer = "非对称加密就是公钥用来加密，私钥用来解密。"
    assert contradiction(point, "区别是什么？", answer, 0.8) is None


def test_a_term_inside_a_longer_term_is_not_a_swap() -> None:
    point = "对称加密用同一个密钥加解密"
    answer = "对称加密加密和解密都用同一个 key，非对称加密才分公钥和私钥。"
    assert contradiction(point, "对称加密是什么？", answer, 0.8) is None


def test_a_list_keeps_an_item_joined_by_yu_in_the_middle() -> None:
    points = key_points_from_reference(
        "互斥、请求与保持、不可剥夺、循环等待。", "死锁的四个必要条件？"
    )
    assert points == ("互斥", "请求与保持", "不可剥夺", "循环等待")
    assert key_points_from_reference("RFID的组成：标签、阅读器和天线。", "RFID 由什么组成？") == (
        "标签",
        "阅读器",
        "天线",
    )


def test_a_term_of_the_reference_that_starts_with_bu_is_not_a_negation() -> None:
    answer = "互斥、请求保持、不可剥夺和循环等待"
    parts = windows(clauses(answer), answer)
    reading = Reading.of(
        "死锁的必要条件？", answer, parts, "互斥、请求与保持、不可剥夺、循环等待。"
    )
    assert find_contradiction("循环等待", reading, [0.9] * len(parts)) is None


@pytest.mark.parametrize(
    ("point", "answer", "said"),
    [
        (
            "VC维越大，模型表示能力越强，但也越容易过拟合",
            "VC维越大，模型越稳定，越不容易过拟合。",
            "不容易过拟合",
        ),
        (
            "P-tuning 在 Embedding 上加入新的可训练参数并训练",
            "P-tuning 就是设计提示词，不需要训练任何参数。",
            "不需要训练",
        ),
        (
            "Parameters are shared across all time steps",
            "Each time step has its own weights; they are not shared.",
            "not shared",
        ),
    ],
)
def test_a_negated_phrase_of_the_point_is_a_contradiction(
    point: str, answer: str, said: str
) -> None:
    found = contradiction(point, "说说你的理解。", answer, 0.8)
    assert found is not None
    assert (found.kind, found.said) == ("negation", said)
    assert answer[found.span.start : found.span.end] == said


def test_what_the_point_negates_said_plainly_is_a_contradiction() -> None:
    point = "GBDT是在函数空间而不是参数空间上做梯度下降"
    answer = "GBDT 的关键是在参数空间上做梯度下降。"
    found = contradiction(point, "GBDT 的原理？", answer, 0.8)
    assert found is not None
    assert found.kind == "negation"
    assert found.said == "参数空间上做梯度下降"


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        # a condition, not a denial
        ("每次分配前试分配，分配后系统仍处于安全状态才真正分配", "如果不是安全状态就不分配。"),
        # an A-not-A question
        ("能让所有进程都完成，找到一个安全序列，就是安全状态", "看能不能找到一个安全序列。"),
        # the point says "only": the answer's "not" says the same
        ("双方各自保密指数，只公开 g 的幂", "指数不公开，公开的是 g 的幂。"),
        # a result complement and "before it happened"
        ("每棵新树拟合之前所有树的残差", "新树去拟合前面没拟合好的部分。"),
        ("残差与篡改前完全相同", "残差跟没篡改之前完全一样。"),
        # the answer says it plainly too
        ("非线性特征转换以改善可分性", "让原来线性不可分的数据变成可分的。"),
        # the point itself negates it in its own words
        ("自注意力对顺序不敏感，本身缺乏位置感知", "自注意力没有顺序的概念。"),
        # another thing is contrasted ("不像 ARM")
        ("开放指令集，任何人可免费使用，无需授权费", "它是开放的，不像 ARM 要付授权费。"),
        # the point says both cases
        ("不安全状态不一定会死锁，但安全状态一定不会死锁", "安全状态一定不会死锁。"),
    ],
)
def test_negations_that_agree_with_the_point_are_no_contradiction(point: str, answer: str) -> None:
    assert contradiction(point, "说说你的理解。", answer, 0.8) is None


def test_names_given_each_other_roles_are_a_contradiction() -> None:
    point = "prefix-tuning在每个Transformer层添加参数，prompt-tuning只在输入时添加参数"
    answer = "prefix-tuning是只在输入的时候加参数，prompt-tuning是在每一个Transformer层都加参数。"
    found = contradiction(point, "P-tuning 有哪些？", answer, 0.9)
    assert found is not None
    assert found.kind == "term"
    assert {found.said, found.expected} == {"prefix-tuning", "prompt-tuning"}


def test_names_in_their_own_roles_in_another_order_are_no_contradiction() -> None:
    point = "prefix-tuning在每个Transformer层添加参数，prompt-tuning只在输入时添加参数"
    answer = "prompt-tuning只在输入时加参数，而prefix-tuning在每个Transformer层都加参数。"
    assert contradiction(point, "P-tuning 有哪些？", answer, 0.9) is None


def test_one_as_an_article_is_not_a_wrong_count() -> None:
    point = "自注意力直接计算序列中任意两个位置之间的依赖"
    answer = "自注意力给每个位置算一个权重，任意两个位置直接相连。"
    assert contradiction(point, "自注意力的优点？", answer, 0.8) is None


def test_attention_abbreviations_name_the_same_vectors() -> None:
    point = "用注意力权重对 Value 向量加权求和"
    answer = "Q 和 K 点积得到权重，再对 V 加权求和。"
    assert contradiction(point, "自注意力怎么算？", answer, 0.8) is None


@pytest.mark.parametrize(
    ("point", "answer", "said", "expected"),
    [
        # an everyday opposite said of the same thing
        ("快速排序平均情况下比较次数少", "快速排序平均情况下比较次数比较多", "多", "少"),
        ("哈希表查找的平均时间开销低", "哈希表查找的平均时间开销其实很高", "高", "低"),
        ("栈的空间由编译器自动分配，速度快", "栈的空间由编译器分配，速度比堆慢", "慢", "快"),
        ("不同进程的地址空间相互独立", "不同进程的地址空间是共享的", "共享", "独立"),
        ("归并排序是稳定的排序算法", "归并排序是不稳定的排序算法", "不稳定", "稳定"),
        # a certainty said the other way
        ("不安全状态不一定会导致死锁", "系统进入不安全状态就一定会导致死锁", "一定会", "不一定"),
        # a technical term of the same family
        ("回滚靠 undo log 找回旧版本", "回滚是靠 redo log 找回旧版本", "redo log", "undo log"),
        ("Kruskal 适合稀疏图", "Kruskal 适合稠密图", "稠密", "稀疏"),
    ],
)
def test_an_opposite_said_of_the_same_thing_is_a_contradiction(
    point: str, answer: str, said: str, expected: str
) -> None:
    found = contradiction(point, "请回答", answer, 0.8)
    assert found is not None
    assert said in found.said.lower()
    assert expected in found.expected.lower()


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        # said of something else: the clauses share no word
        ("拥塞控制能保持较高的带宽利用率", "查询流不用排长队，延迟低"),
        # the two sides of a comparison swapped: the same statement
        ("几何重数小于代数重数时不可对角化", "代数重数大于几何重数时不可对角化"),
        # a word inside a name or an adverb, not a statement
        ("慢开始阶段 cwnd 每个 RTT 翻倍", "慢开始阶段 cwnd 每轮翻倍，之后还有快重传"),
        ("自注意力能更好地捕捉全局信息", "自注意力可以捕捉全局信息，缺点是计算开销比较大"),
        # the point negates its own word: "互不相同" is "都不一样"
        ("特征值互不相同时可对角化", "特征值都不一样的时候可以对角化"),
        # "一定" as "a certain amount"
        ("BN 还有一定正则化作用", "BN 不一定能替代 dropout，但也有正则化作用"),
        # the other member named only to set it against the right one
        ("T5 是编码器-解码器结构", "T5 用完整的 Transformer，跟 GPT 那种只有解码器的不一样"),
    ],
)
def test_opposites_that_do_not_contradict_the_point(point: str, answer: str) -> None:
    assert contradiction(point, "请回答", answer, 0.8) is None


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        ("缓存命中率影响程序的运行速度", "程序运行速度跟缓存命中率其实没什么关系"),
        ("索引能加快查询速度", "索引对查询速度没有影响，只是占空间"),
        (
            "The learning rate controls how fast the weights change",
            "How fast the weights change has nothing to do with the learning rate",
        ),
    ],
)
def test_denying_what_the_point_ties_together_is_a_contradiction(point: str, answer: str) -> None:
    found = contradiction(point, "请回答", answer, 0.8)
    assert found is not None
    assert found.kind == "negation"


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        # the point itself says there is no relation
        ("时间复杂度与常数系数无关", "时间复杂度跟常数系数没有关系"),
        # denied of something the point does not name
        ("BN 让损失曲面更平滑", "BN 的效果跟内部协变量偏移其实没关系，主要是让损失曲面更平滑"),
    ],
)
def test_a_denial_the_point_shares_is_no_contradiction(point: str, answer: str) -> None:
    assert contradiction(point, "BN 为什么有效？", answer, 0.8) is None


@pytest.mark.parametrize(
    ("point", "answer", "wrong"),
    [
        ("对称加密速度快，适合加密大量数据", "非对称加密的速度其实比对称加密快", True),
        ("TCP 比 UDP 可靠", "UDP 比 TCP 更可靠", True),
        ("堆排序比快速排序慢", "堆排序比快速排序快", True),
        # the same ranking said from the other side, or the same way
        ("TCP 比 UDP 可靠", "UDP 比 TCP 更不可靠", False),
        ("对称加密速度快", "非对称加密比对称加密慢", False),
        ("堆排序比快速排序慢", "快速排序比堆排序快", False),
        # 比较 and 比如 compare nothing
        ("考试解题能力较薄弱", "我做题的能力比较弱", False),
    ],
)
def test_a_comparison_said_the_other_way_round(point: str, answer: str, wrong: bool) -> None:
    assert (contradiction(point, "请回答", answer, 0.8) is not None) is wrong


def test_a_count_written_in_chinese_after_a_name_is_stated() -> None:
    point, answer = "建立 TCP 连接，三次握手", "先 TCP三次握手建连接，https 还得再握一次手"
    assert contradiction(point, "输入网址后发生了什么？", answer, 0.8) is None


def test_the_questions_topic_said_plainly_does_not_undo_a_negated_point() -> None:
    point = "几何重数小于代数重数的矩阵不可对角化"
    answer = "特征值互不相同的矩阵一定可以对角化，实对称矩阵也可以对角化"
    assert contradiction(point, "什么样的矩阵可以对角化？", answer, 0.8) is None


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        ("UDP 是面向连接的，会重传丢失的包", True),
        ("UDP 是面向连接的，比 TCP 更可靠", True),
        ("UDP 不是面向连接的", False),
        ("TCP 面向连接，UDP 无连接", False),
        ("UDP 无连接，不像 TCP 是面向连接的", False),
    ],
)
def test_one_things_term_given_to_the_other(answer: str, wrong: bool) -> None:
    point = "TCP 面向连接、可靠、面向字节流；UDP 无连接、不可靠、面向报文"
    found = contradiction(point, "TCP 和 UDP 有什么区别？", answer, 0.8)
    assert (found is not None) is wrong
    if found is not None:
        assert found.said.startswith("UDP")
        assert "UDP" in found.expected


PITCH = (
    "If the string is shorter, the pitch will be higher. "
    "If the string is longer, the pitch will be lower."
)


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        # the reference's other sentence, restated: not a contradiction of this one
        ("The longer the string the lower the pitch.", False),
        ("A long string makes a lower pitch", False),
        # the same things said the other way round
        ("The shorter string makes a lower pitch.", True),
    ],
)
def test_a_reference_that_states_both_sides_is_restated_not_contradicted(
    answer: str, wrong: bool
) -> None:
    point, question = "If the string is shorter, the pitch will be higher.", "Why?"
    parts = windows(clauses(answer), answer)
    found = find_contradiction(
        point, Reading.of(question, answer, parts, PITCH), [0.6] * len(parts)
    )
    assert (found is not None) is wrong


@pytest.mark.parametrize(
    ("point", "answer", "wrong"),
    [
        # "not the same" says "different"
        (
            "Solubility is not the same for all materials.",
            "Different materials have different solubility.",
            False,
        ),
        (
            "Greta and Andre have different sized hands.",
            "Their hands are not the same size.",
            False,
        ),
        # an English clause ends at "because": "more" is said of vitamin C, "fewer" of drops
        (
            "Overly Orange takes fewer drops to change the color",
            "Overly Orange has more vitamin C because it took less drops.",
            False,
        ),
        (
            "It gets higher when the string is shorter",
            "It gets lower when the string is shorter.",
            True,
        ),
    ],
)
def test_english_opposites_read_with_negation_and_clauses(
    point: str, answer: str, wrong: bool
) -> None:
    assert (contradiction(point, "Explain.", answer, 0.6) is not None) is wrong


@pytest.mark.parametrize(
    ("answer", "matches"),
    [
        ("Yes, because he used different amounts of water.", False),
        ("No. He changed two variables at once.", None),
        ("No one had the same ball.", None),  # "No one" is no reply
    ],
)
def test_a_reference_opening_with_yes_or_no_makes_a_yes_no_question(
    answer: str, matches: bool | None
) -> None:
    reference = "No. John changed 2 variables at the same time, so he cannot know which mattered."
    found = judge_exact("Was John's experiment a fair test? Explain.", reference, answer)
    assert (None if found is None else found.matches) is matches
    chinese = judge_exact(
        "进程能不能直接访问另一个进程的内存？",
        "不能。每个进程有独立的地址空间。",
        "能，只要知道地址就行",
    )
    assert chinese is not None
    assert not chinese.matches
    assert chinese.said == "能"


BULBS = (
    "Bulb A is in a path which does not contain B and C, so bulbs B and C don't affect it. "
    "Bulbs B and C are in the same path. They affect each other."
)


@pytest.mark.parametrize(
    ("point", "answer", "wrong"),
    [
        # the reference denies it too, in its other sentence: restated
        (
            "Bulbs B and C are in the same path. They affect each other.",
            "A is on its own path so it will not affect the others.",
            False,
        ),
        (
            "Bulb A is in a path which does not contain B and C, so bulbs B and C don't affect it.",
            "B and C are on the same path so each one affects the other.",
            False,
        ),
        # the same things, the other way
        (
            "Bulbs B and C are in the same path. They affect each other.",
            "Bulbs B and C are in the same path, so they do not affect each other.",
            True,
        ),
    ],
)
def test_a_negation_the_reference_says_elsewhere_is_restated(
    point: str, answer: str, wrong: bool
) -> None:
    parts = windows(clauses(answer), answer)
    reading = Reading.of("Why?", answer, parts, BULBS)
    assert (find_contradiction(point, reading, [0.6] * len(parts)) is not None) is wrong


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        # not the negative one: the positive one, said plainly, agrees
        ("They are connected to the positive battery terminal.", False),
        ("They are connected to the negative battery terminal.", True),
    ],
)
def test_the_other_of_a_pair_agrees_with_a_point_that_denies_one(answer: str, wrong: bool) -> None:
    point = "Terminals 4, 5 and 6 are not connected to the negative battery terminal"
    assert (contradiction(point, "Why is the voltage 0?", answer, 0.6) is not None) is wrong


def test_a_paragraph_splits_into_statements_not_comma_fragments() -> None:
    """The seed note's answer paragraph: a condition stays with what it leads to, a means with
    its result, and the student's bracketed note to self is no key point."""
    paragraph = (
        "如今我已经深深意识到了自己身上所存在的学习问题，通过备战考研期间的学习，我也坚定了我的"
        "学习方向，因此如果我有幸被各位导师认可，那么我将全身心地投入到学习和研究中，不辜负老师的"
        "期望。( 提出期望 )"
    )
    assert key_points_from_reference(paragraph, "你的GPA 有点低，为什么？") == (
        "如今我已经深深意识到了自己身上所存在的学习问题",
        "通过备战考研期间的学习，我也坚定了我的学习方向",
        "因此如果我有幸被各位导师认可，那么我将全身心地投入到学习和研究中",
        "不辜负老师的期望",
    )
    english = "If the string is shorter, the pitch is higher. If it is longer, the pitch is lower."
    assert key_points_from_reference(english, "Why?") == (
        "If the string is shorter, the pitch is higher",
        "If it is longer, the pitch is lower",
    )
    # a time clause leads to its statement, a heading to what it introduces
    reasons = "主要有两个原因：初入大学时，不太适应大学的学习方式；备战考研以后，对绩点有些疏忽。"
    assert key_points_from_reference(reasons, "你的GPA 为什么低？") == (
        "主要有两个原因：初入大学时，不太适应大学的学习方式",
        "备战考研以后，对绩点有些疏忽",
    )


def test_a_short_sentence_is_one_statement_and_a_list_in_it_stays_whole() -> None:
    """The seed note's answers: a sentence short enough to check is one key point, not its comma
    pieces ("以及进一步的计算" alone is nothing to grade against); a list inside a sentence
    ("计算机组成原理、操作系统等课程") stays in its statement; "在于，" leads to what it names."""
    math = (
        "但是我在数学方面的学习能力，还是能够满足机器学习中的数学公式推导，以及进一步的计算、解决"
        "遇到的问题。并且我会更进一步地深入学习线性代数、概率论等与机器学习息息相关的基础数学，"
        "进一步提高自己的数学能力，以满足科研的需要。"
    )
    assert key_points_from_reference(math, "你的数学成绩非常低，是学不会吗？") == (
        "但是我在数学方面的学习能力，还是能够满足机器学习中的数学公式推导，以及进一步的计算、"
        "解决遇到的问题",
        "并且我会更进一步地深入学习线性代数、概率论等与机器学习息息相关的基础数学，进一步提高"
        "自己的数学能力，以满足科研的需要",
    )
    courses = (
        "专业课成绩较低的原因主要是在于，去年我了解到清华计算机本科的计算机组成原理、操作系统等"
        "课程都转向RISC-V 架构和rCore，因此我花费了大量时间在学习这些新的知识，但是最后考试时"
        "一道都没有考。"
    )
    points = key_points_from_reference(courses, "你的专业课成绩也不理想，为什么？")
    assert points[0].startswith("专业课成绩较低的原因主要是在于，去年我了解到")
    assert points[0].endswith("计算机组成原理、操作系统等课程都转向RISC-V 架构和rCore")


def test_a_note_item_of_two_sentences_gives_two_points() -> None:
    item = (
        "另外一方面是考试时有一些知识记得不太牢固，导致计算时出现错误，丢了几个大分题。"
        "但是简答类问题我扣分很少，所以计算机基础知识还是掌握的比较牢固。"
    )
    assert usable_key_points((item,), item, "你的专业课成绩为什么不理想？") == (
        "另外一方面是考试时有一些知识记得不太牢固，导致计算时出现错误，丢了几个大分题",
        "但是简答类问题我扣分很少，所以计算机基础知识还是掌握的比较牢固",
    )


PRUNING_Q = "决策树为什么要剪枝？预剪枝和后剪枝有什么区别？"
SWAPPED_PRUNING = (
    "预剪枝是先把树完整地生成出来，然后再把不重要的分支剪掉；后剪枝则是在树生长的过程中，每分一次"
    "就判断一下要不要继续，提前停止。"
)
RIGHT_PRUNING = (
    "预剪枝是在树生长的过程中判断要不要继续分裂，提前停止；后剪枝是先把树完整地生成出来，再自底"
    "向上把不重要的子树换成叶子。"
)


@pytest.mark.parametrize(
    ("point", "said", "expected"),
    [
        ("后剪枝：先生成完整的树，再自底向上把子树替换为叶子", "预剪枝", "后剪枝"),
        ("预剪枝：在生长过程中提前停止", "后剪枝", "预剪枝"),
    ],
)
def test_a_description_given_to_the_other_of_two_terms(
    point: str, said: str, expected: str
) -> None:
    """A compare question answered with the two descriptions swapped: each point's description
    is in the sentence on the other term, though the answer names both terms."""
    found = contradiction(point, PRUNING_Q, SWAPPED_PRUNING, 0.3)
    assert found is not None
    assert (found.said, found.expected) == (said, expected)
    assert SWAPPED_PRUNING[found.span.start : found.span.end] == said
    assert contradiction(point, PRUNING_Q, RIGHT_PRUNING, 0.3) is None


def test_shared_words_of_both_descriptions_are_no_swap() -> None:
    """ "cwnd", "MSS" and "RTT" are in what slow start and congestion avoidance each do: that
    the slow-start sentence uses more of them does not make it the point's description."""
    answer = (
        "There's slow start, where cwnd grows by one MSS for every ACK, so it basically doubles "
        "every RTT, until it reaches ssthresh. After that it's congestion avoidance, adding just "
        "one MSS per RTT."
    )
    point = "拥塞避免：cwnd 超过 ssthresh 后每个 RTT 只加 1 个 MSS"
    assert contradiction(point, "TCP 拥塞控制有哪些算法？", answer, 0.3) is None


def test_a_points_context_is_its_own_line_not_the_paragraph_before() -> None:
    """A point in a list item after a paragraph: what to read is the item's sentence."""
    reference = (
        "决策树要剪枝来控制复杂度。\n预剪枝：在生长过程中提前停止，如限制最大深度。\n"
        "后剪枝：先生成完整的树。"
    )
    assert sentence_of("预剪枝：在生长过程中提前停止", reference) == (
        "预剪枝：在生长过程中提前停止，如限制最大深度。"
    )
    assert sentence_of("不在参考答案里", reference) == ""
