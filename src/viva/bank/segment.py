"""Split Chinese, English and mixed text into words for search (and, later, key-point matching).

Chinese goes through rjieba (jieba's dictionary, in Rust) with a domain dictionary added, so that
terms such as 过拟合 and 正则化 stay whole; Latin words are lower-cased; punctuation and the
most common function words are dropped.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-]*[A-Za-z0-9+#]|[A-Za-z]|\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_STOP = frozenset(
    (
        "的 了 是 在 和 与 及 或 也 就 都 而 但 被 把 对 将 于 其 这 那 之 为 以 等 中 上 下 个 一 "
        "一个 一种 这个 那个 可以 能够 通过 进行 什么 如何 怎么 为什么 哪些 我们 你 我 他 它 "
        "a an the of to in on for and or is are was were be been by with as at from that this "
        "these those it its into than then so such what how why which who do does did can could "
        "you your we our they their i my"
    ).split()
)


@cache
def _jieba() -> object:
    import rjieba

    words = resources.files("viva.bank").joinpath("domain_words.txt").read_text("utf-8")
    for word in words.split():
        rjieba.add_word(word, 100000, None)
    return rjieba


def domain_words() -> frozenset[str]:
    """The domain dictionary: terms segmentation must keep whole."""
    text = resources.files("viva.bank").joinpath("domain_words.txt").read_text("utf-8")
    return frozenset(text.split())


def words(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """The words of `text` in order: Chinese segmented, Latin words lower-cased."""
    out: list[str] = []
    jieba = None
    position = 0
    for match in _CJK.finditer(text):
        out.extend(_latin(text[position : match.start()]))
        if jieba is None:
            jieba = _jieba()
        out.extend(w for w in jieba.cut(match.group(0), True) if w.strip())  # type: ignore[attr-defined]
        position = match.end()
    out.extend(_latin(text[position:]))
    if keep_stopwords:
        return out
    return [w for w in out if w not in _STOP]


def is_stopword(word: str) -> bool:
    """Is `word` one of the common function words that `words` drops (的, 这, 一个, the …)?"""
    return word.lower() in _STOP


def _latin(text: str) -> list[str]:
    return [m.group(0).lower() for m in _WORD.finditer(text)]
