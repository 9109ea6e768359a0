"""Text units the grader compares: clauses with offsets, content words, character bigrams.

Chinese is segmented with the bank's domain dictionary (过拟合, 正则化 stay whole); English words
are lower-cased and stemmed (Snowball), so "regularises" and "regularization" meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from viva.bank.markdown import plain_text
from viva.bank.segment import words

# Sentence ends always split; commas, enumeration commas and colons split when a substantial
# piece follows, so that each item of "运费低、可靠性高和持续性长" is its own checkable point.
_CLAUSE_END = re.compile(r"[。！？!?；;\n]+|[,，、:：](?=\s*\S{8,})|\.(?=\s|$)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_MIN_CLAUSE = 4


@dataclass(frozen=True, slots=True)
class Clause:
    """A piece of an answer and where it is."""

    text: str
    start: int
    end: int


def language(text: str) -> str:
    """ "zh", "en" or "mixed", by the share of Chinese characters and Latin words."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if cjk == 0:
        return "en"
    if latin == 0 or cjk >= 4 * latin:
        return "zh" if latin == 0 else "mixed"
    return "mixed"


def clauses(text: str) -> list[Clause]:
    """Split an answer into clauses (sentence and clause punctuation), keeping offsets."""
    out: list[Clause] = []
    start = 0
    for match in _CLAUSE_END.finditer(text):
        _add(out, text, start, match.start())
        start = match.end()
    _add(out, text, start, len(text))
    return out


def windows(parts: list[Clause], text: str, size: int = 2) -> list[Clause]:
    """Clauses plus runs of `size` neighbouring clauses (a point is often said across two)."""
    joined = [
        Clause(
            text[parts[i].start : parts[i + size - 1].end], parts[i].start, parts[i + size - 1].end
        )
        for i in range(len(parts) - size + 1)
    ]
    return parts + joined


def _add(out: list[Clause], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip(" \t-*>•·")
    if not stripped:
        return
    if len(stripped) < _MIN_CLAUSE and out:
        previous = out[-1]
        out[-1] = Clause(text[previous.start : end].strip(), previous.start, end)
        return
    offset = start + piece.index(stripped[0])
    out.append(Clause(stripped, offset, offset + len(stripped)))


@cache
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def content_terms(text: str) -> list[tuple[str, str]]:
    """Words that carry meaning, each as (key, surface): no stop words; an English key is the
    stem and its surface the lower-cased word; single Chinese characters kept only when they
    stand alone as a word (e.g. 快, 慢)."""
    stem = _stemmer().stemWord  # type: ignore[attr-defined]
    out = []
    for word in words(text):
        if word.isascii():
            if len(word) > 1 and not word.isdigit():
                out.append((stem(word), word))
        else:
            out.append((word, word))
    return out


def is_chinese(word: str) -> bool:
    """Whether a word is written in Chinese characters (the other script is Latin)."""
    return bool(_CJK.search(word))


def content_words(text: str) -> list[str]:
    """The keys of `content_terms`: what exact word overlap compares."""
    return [key for key, _ in content_terms(text)]


def bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese and alphanumeric characters (for Chinese overlap)."""
    chars = [c for c in text.lower() if c.isalnum()]
    return {chars[i] + chars[i + 1] for i in range(len(chars) - 1)}


def to_plain(markdown: str) -> str:
    """Reference Markdown to plain text: marks, embeds of images and quote markers removed."""
    text = re.sub(r"!\[\[[^\]]*\.(?:png|jpe?g|gif|svg|webp)\]\]", "", markdown)
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text, flags=re.M)
    return "\n".join(plain_text(line) for line in text.split("\n")).strip()


# "I don't know" in its common forms; an answer that says only this (and fillers) is no answer
_DONT_KNOW = re.compile(
    r"不知道|不会|不太会|不[太大]?清楚|不[太大]?了解|不[太大]?懂|不[太大]?记得|没学过|没有?复习到?|"
    r"忘了|忘记了|记不清|想不起来|答不上来|答不出来|跳过|没有?思路|"
    r"i\s*(?:do\s*n[o']t|dont)\s*know|no\s*idea|not\s*sure|(?:can't|cannot|don't)\s*remember|"
    r"\bskip\b|\bpass\b|no\s*clue|i\s*forgot|i\s*have\s*forgotten",
    re.IGNORECASE,
)
_FILLERS = re.compile(
    r"嗯+|呃+|啊+|额+|那个|这个|就是|抱歉|对不起|老师|说实话|实在|确实|真的|暂时|目前|还|"
    r"这道题|这个问题|这题|我|sorry|um+|uh+|er+|well|honestly|really|actually|"
    r"i'?m|i\s*am|afraid|this|question|the|that|it|yet|at\s*all",
    re.IGNORECASE,
)
NO_ANSWER_CHARS = 40


def is_no_answer(text: str) -> bool:
    """Whether an answer only says "I don't know" (不知道, 不会, I don't know, 没复习到 …)."""
    text = text.strip()
    if len(text) > NO_ANSWER_CHARS or not _DONT_KNOW.search(text):
        return False
    rest = _FILLERS.sub(" ", _DONT_KNOW.sub(" ", text))
    return not content_words(rest)
