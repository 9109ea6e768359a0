"""Correcting a transcript's near-misses of the question's terms by pronunciation (no models).

The material is question 3 of the seed note ("Transformer 模型如何解决长距离依赖问题？"), and
the misheard text is what Whisper made of Kokoro reading its first key point (issue 14).
"""

from __future__ import annotations

import pytest

from viva.speech.correction import Vocabulary, correct, correct_text
from viva.speech.models import Correction, Segment, Transcript
from viva.speech.pronunciation import CODA, NEAR, cost, distance, keys, split, syllables

PROMPT = "Transformer 模型如何解决长距离依赖问题？"
REFERENCE = (
    "自注意力机制：最核心的是，Transformer 通过自注意力机制直接计算序列中任意两个位置之间的"
    "依赖关系。不同于传统的序列处理模型（如 RNN 或 LSTM），它不需要逐步遍历序列，而是可以并行"
    "处理所有位置的信息。位置编码：Transformer 模型没有内置的机制来理解序列中的位置信息。"
)
KEY_POINTS = ("通过自注意力机制直接计算序列中任意两个位置之间的依赖关系", "并行处理所有位置的信息")


@pytest.fixture(scope="module")
def material() -> Vocabulary:
    return Vocabulary.of([PROMPT, REFERENCE, *KEY_POINTS])


def fixed(text: str, vocabulary: Vocabulary) -> str:
    return correct_text(text, vocabulary)[0]


# --- pinyin ----------------------------------------------------------------------------
def test_syllables_split_into_initial_and_final_with_u_umlaut_spelt_out() -> None:
    assert split("zhu") == ("zh", "u")
    assert split("xu") == ("x", "v")  # 序: xü, written without the dots
    assert split("yi") == ("", "i")
    assert split("wen") == ("", "un")
    assert syllables("学习率") == (("x", "ve"), ("x", "i"), ("l", "v"))


def test_near_syllables_are_the_well_known_confusions_only() -> None:
    assert cost(("c", "i"), ("z", "i")) == NEAR  # 此 / 自: aspiration
    assert cost(("x", "iu"), ("x", "v")) == NEAR  # 修 / 序: iu against ü
    assert cost(("sh", "e"), ("sh", "i")) == NEAR  # 设 / 事: the apical vowel
    assert cost(("d", "e"), ("z", "i")) is None  # 的 / 自: a different syllable
    assert cost(("x", "i"), ("x", "i")) == 0


def test_a_nasal_coda_heard_or_not_is_farther_than_near() -> None:
    assert cost(("h", "ua"), ("h", "uan")) == CODA  # 化 / 换
    assert cost(("", "vn"), ("", "v")) == CODA  # 运 / 预
    assert cost(("j", "in"), ("j", "i")) == CODA  # 进 / 及
    assert NEAR < CODA < 1.0
    assert cost(("h", "ua"), ("k", "uan")) is None  # and another initial: different
    assert cost(("h", "ua"), ("h", "uang")) is None  # a back nasal is not a dropped coda
    assert keys(("h", "ua")) & keys(("h", "uan"))  # found as candidates of each other


def test_distance_counts_a_missing_syllable_and_refuses_a_different_one() -> None:
    term = syllables("自注意力机制")
    assert distance(syllables("自注意机制"), term) == 1.0
    assert distance(syllables("的注意力机制"), term) == 2.0  # deleted and inserted, never swapped


# --- the rules -------------------------------------------------------------------------
def test_close_misses_of_the_material_terms_are_fixed(material: Vocabulary) -> None:
    text, corrections = correct_text("此注意力继续……修裂中……能力两个维持", material)
    assert text == "自注意力继续……序列中……能力两个维持"
    assert corrections == (Correction("此注意力", "自注意力", 0), Correction("修裂", "序列", 8))


def test_correct_text_is_left_as_it_is(material: Vocabulary) -> None:
    for sentence in (*KEY_POINTS, REFERENCE):
        assert correct_text(sentence, material) == (sentence, ())
    assert fixed("我们用的注意力机制处理序列", material) == "我们用的注意力机制处理序列"


def test_a_term_is_not_grown_from_a_correct_word_it_contains(material: Vocabulary) -> None:
    # 注意力机制 is a word of the material; 自注意力机制 is only one syllable longer
    assert fixed("它用注意力机制计算", material) == "它用注意力机制计算"


def test_unrelated_words_are_left_alone(material: Vocabulary) -> None:
    for text in ("今天天气很好，我们去公园散步。", "能力两个维持", "我维持原来的看法"):
        assert fixed(text, material) == text  # 维持 is a word: near 位置 is not enough


def test_terms_outside_the_material_are_not_introduced() -> None:
    about_attention = Vocabulary.of([PROMPT, "注意力机制计算任意两个位置之间的关系"])
    assert fixed("修裂中的位置", about_attention) == "修裂中的位置"  # 序列 is not in it
    # 过拟合 is a domain term outside this material: only an identical sound brings it in
    assert fixed("这就是过你合", about_attention) == "这就是过拟合"
    assert fixed("这就是过理合", about_attention) == "这就是过理合"
    about_overfitting = Vocabulary.of(["什么是过拟合？", "训练误差低而验证误差高"])
    assert fixed("这就是过理合", about_overfitting) == "这就是过拟合"


def test_a_two_character_term_replaces_whole_words_only() -> None:
    vocabulary = Vocabulary.of(["这是事实", "单链表删除结点需要前驱"])
    assert fixed("他是时间管理大师", vocabulary) == "他是时间管理大师"  # 是时 would cut 时间
    assert fixed("这是设施", vocabulary) == "这是设施"  # a real word, near but not the same
    assert fixed("删除时需要签去", vocabulary) == "删除时需要前驱"  # no word, the same sound


def test_a_real_word_near_a_term_is_corrected_where_the_material_says_that_phrase() -> None:
    vocabulary = Vocabulary.of(["可解释性", "对于两种不同的训练范式，有不同的可解释性的理解"])
    assert fixed("两种不同的训练方式", vocabulary) == "两种不同的训练范式"
    assert fixed("训练方式对于范式", vocabulary) == "训练范式对于范式"
    # 方式 with no neighbour the material has beside 范式: a real word, left alone
    for text in ("换一种方式理解", "用这种方式训练", "的方式有两种"):
        assert fixed(text, vocabulary) == text
    # the neighbour must be a content word of two characters or more (两个, 这是: no)
    assert fixed("不同的方式", Vocabulary.of(["不同的范式"])) == "不同的方式"
    assert fixed("这是方式", Vocabulary.of(["这是范式"])) == "这是方式"


def test_a_term_said_whole_with_a_pause_inside_loses_the_pause() -> None:
    vocabulary = Vocabulary.of(["通过反向传播和梯度下降算法优化模型的参数"])
    text, corrections = correct_text("通过反向、传播和踢渡下将算法", vocabulary)
    assert text == "通过反向传播和梯度下降算法"
    assert corrections == (
        Correction("反向、传播", "反向传播", 2),
        Correction("踢渡下将", "梯度下降", 7),
    )
    assert fixed("通过反向 传播", vocabulary) == "通过反向传播"
    transcript = correct(Transcript("嗯，反向、 传播。", "zh", 2.0), vocabulary)
    assert transcript.text == "嗯，反向传播。"
    assert transcript.raw_text == "嗯，反向、 传播。"


def test_a_long_term_absorbs_one_dropped_nasal_coda_a_two_character_one_none() -> None:
    vocabulary = Vocabulary.of(["多层网络叠起来仍等价于一个线性变换", "大规模数据集上预训练"])
    assert fixed("仍等价于一个线性变化", vocabulary) == "仍等价于一个线性变换"
    assert fixed("在数据集上运训练", vocabulary) == "在数据集上预训练"
    # a two-character term allows half a syllable in all: a coda costs more
    for text in ("值加 1", "但小模型", "移进和归约"):
        assert fixed(text, Vocabulary.of(["之间的关系", "大小", "以及"])) == text


def test_a_comma_or_a_full_stop_between_the_halves_of_a_term_stays() -> None:
    # a comma separates clauses ("被标记为拥塞，窗口缩小得就少"), not the halves of one word
    vocabulary = Vocabulary.of(["拥塞窗口", "如果只有少数包被标记为拥塞，窗口缩小得就少"])
    for text in ("被标记为拥塞，窗口缩小", "被标记为拥塞, 窗口缩小", "标记为拥塞。窗口缩小"):
        assert fixed(text, vocabulary) == text


def test_a_long_term_may_get_back_a_syllable_the_recogniser_dropped(
    material: Vocabulary,
) -> None:
    assert fixed("通过自注意机制计算", material) == "通过自注意力机制计算"


def test_without_material_nothing_but_identical_domain_terms_changes() -> None:
    empty = Vocabulary.of([], domain=False)
    assert fixed("此注意力继续修裂中", empty) == "此注意力继续修裂中"
    domain_only = Vocabulary.of([])
    assert fixed("防止过你合", domain_only) == "防止过拟合"
    assert fixed("此注意力", domain_only) == "此注意力"  # near, not identical


def test_an_english_transcript_is_returned_unchanged(material: Vocabulary) -> None:
    english = Transcript("The self attension finds the sequense.", "en", 3.0)
    assert correct(english, Vocabulary.of(["self-attention over a sequence"])) is english
    assert correct(english, material) is english


def test_a_corrected_transcript_keeps_what_was_heard(material: Vocabulary) -> None:
    heard = "嗯，此注意力可以并行处理，修裂中任意两个位置。"
    segment = Segment(heard, 0.0, 4.0)
    transcript = correct(Transcript(heard, "zh", 4.2, (segment,)), material)
    assert transcript.text == "嗯，自注意力可以并行处理，序列中任意两个位置。"
    assert transcript.raw_text == heard
    assert [(c.heard, c.term) for c in transcript.corrections] == [
        ("此注意力", "自注意力"),
        ("修裂", "序列"),
    ]
    for fix in transcript.corrections:
        assert transcript.text[fix.start : fix.start + len(fix.term)] == fix.term
    assert transcript.segments == (segment,)  # word times stay as recognised
    assert correct(transcript, material) == transcript  # correcting twice changes nothing


def test_mixed_text_keeps_its_english_words(material: Vocabulary) -> None:
    text = "Transformer 用此注意力, not RNN 或 LSTM"
    assert fixed(text, material) == "Transformer 用自注意力, not RNN 或 LSTM"
