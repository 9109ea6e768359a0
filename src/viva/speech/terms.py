"""The key terms of a question, given to the recogniser so that it spells domain words right.

Whisper writes what it expects to hear: told "过拟合、自注意力", it stops writing 国拟合 and
字注意力. The terms are the domain-dictionary words and the Latin words of the question and
its key points (in English text only technical-looking ones: acronyms, hyphenated or long
words, names), and Chinese words of three or more characters, in the order they first
appear, within a budget: the decoder keeps at most ~220 prompt tokens, and a long prompt
makes it echo the prompt instead of listening.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from viva.bank.segment import domain_words, words

MAX_TERMS = 12
MAX_CHARS = 90
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9+#\-]*[A-Za-z0-9+#]|[A-Z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_COMMON_LATIN = frozenset(
    "a an and are as at be by can do does for from how in is it of on or that the this to "
    "what when where which why with you your we our their they vs".split()
)


def key_terms(texts: Iterable[str], *, limit: int = MAX_TERMS) -> tuple[str, ...]:
    """Domain terms of the question's prompt and key points, first seen first, deduplicated."""
    vocabulary = domain_words()
    found: dict[str, None] = {}
    budget = MAX_CHARS
    for text in texts:
        for term in _candidates(text, vocabulary):
            key = term.casefold()
            if any(key == seen.casefold() for seen in found):
                continue
            if len(found) >= limit or budget - len(term) < 0:
                return tuple(found)
            found[term] = None
            budget -= len(term) + 1
    return tuple(found)


def terms_of(text: str) -> tuple[str, ...]:
    """Every term of one text, first seen first, with no budget (what a transcript should keep)."""
    return tuple(dict.fromkeys(_candidates(text, domain_words())))


def _candidates(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Terms of one text in order: Latin technical words as written, domain Chinese words."""
    out: list[tuple[int, str]] = []
    in_chinese = bool(_CJK.search(text))
    for match in _LATIN.finditer(text):
        word = match.group(0)
        if word.casefold() in _COMMON_LATIN or (len(word) == 1 and not word.isupper()):
            continue
        if in_chinese or _is_technical(word, starts_sentence=_starts_sentence(text, match.start())):
            out.append((match.start(), word))
    position = 0
    for word in words(text, keep_stopwords=False):
        if not _CJK.search(word):
            continue
        at = text.find(word, position)
        if at < 0:
            continue
        position = at + len(word)
        if word in vocabulary or len(word) >= 3:
            out.append((at, word))
    return [word for _, word in sorted(out)]


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".?!:;"


def _is_technical(word: str, *, starts_sentence: bool) -> bool:
    """In English text: acronyms and CamelCase (BERT, ReLU), hyphenated terms, capitalised
    names mid-sentence (Transformer), long words (regularization); not everyday words."""
    return (
        any(c.isupper() for c in word[1:])
        or "-" in word
        or any(c.isdigit() for c in word)
        or (word[0].isupper() and not starts_sentence)
        or len(word) >= 9
    )


# Whisper writes what it expects to read: trained on cleaned-up subtitles, it drops 嗯 and um
# unless the prompt shows a transcript that keeps them. A few fillers, with commas only where
# a speaker would pause (a prompt with a comma after every word makes it write one there too).
# ASCII commas in the Chinese one: with full-width ones Whisper base starts writing "１", "２"
# and "（" where commas belong.
VERBATIM = {
    "zh": "嗯, 那个, 我觉得, 就是, 然后这个问题, 嗯, 是这样的。",
    "en": "Um, well, I think the answer is, uh, that the model, like, learns from data, you know.",
}


def prompt_for(terms: Sequence[str], language: str, *, verbatim: bool = True) -> str | None:
    """The recogniser's prompt: the terms ("过拟合、正则化。"), then a verbatim example."""
    parts = []
    if terms:
        parts.append("、".join(terms) + "。" if language == "zh" else ", ".join(terms) + ".")
    if verbatim:
        parts.append(VERBATIM["zh" if language == "zh" else "en"])
    return ("" if language == "zh" else " ").join(parts) or None
