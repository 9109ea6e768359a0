"""Interface text in Chinese and English: the lookup the web pages and the terminal share.

Each front end keeps its own table of `key: (中文, English)`; this module reads them the same
way, and holds the few words both say (the four review ratings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

LANGUAGES = ("zh", "en")

Pair = tuple[str, str]  # (中文, English)

# the spaced-repetition ratings, by their number on the FSRS scale (grading.models.Rating)
RATINGS: dict[int, Pair] = {
    1: ("重来", "Again"),
    2: ("困难", "Hard"),
    3: ("良好", "Good"),
    4: ("简单", "Easy"),
}
# the parts of a question a student can edit (the names in bank.models.Question.edited)
EDITED_FIELDS: dict[str, Pair] = {
    "prompt": ("题目", "question"),
    "reference": ("参考答案", "reference answer"),
    "key_points": ("要点", "key points"),
}

# after a label ("得分：36", "Score: 36")
COLON: Pair = ("：", ": ")


def pick(pair: Pair, lang: str) -> str:
    """The English text for "en", the Chinese one otherwise."""
    return pair[1] if lang == "en" else pair[0]


def translator(table: Mapping[str, Pair], lang: str) -> Callable[..., str]:
    """`t(key, **values)` in `lang`; an unknown key is returned as it is.

    A text written "one|other" is a count: `n` chooses the form ("1 note", "2 notes").
    """

    def t(key: str, **values: object) -> str:
        pair = table.get(key)
        if pair is None:
            return key
        text = pick(pair, lang)
        if "|" in text and "n" in values:
            one, other = text.split("|", 1)
            text = one if values["n"] == 1 else other
        return text.format(**values) if values else text

    return t
