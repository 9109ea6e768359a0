"""Text passes of the importer: plain text, author's numbers, question forms, card separators.

Every function here is linear in its input: each regular expression either is anchored, or its
repeated part cannot cross the character that starts the next attempt, so a line of 100,000 `[`
or `*a ` costs one scan (issue #13, item 5). Nothing here parses Markdown blocks (`_blocks.py`)
or decides what a note means (`_shapes.py`).
"""

from __future__ import annotations

import re

from viva.bank.models import KeyPoint, KeyPointKind

# Obsidian links and Markdown images (vault.py resolves them). The label of an image cannot
# contain "[": a run of "![![![" then fails at the next "[" instead of scanning to the line end.
WIKI_LINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
_MARKS = re.compile(r"\*\*|__|==|~~|`")
# emphasis: the inner text cannot contain the marker, so each attempt stops at the next one
_STAR_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_UNDER_EM = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])")
_SPACES = re.compile(r"[ \t]+")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_HIGHLIGHT = re.compile(r"==(?=\S)((?:[^=\n]|=(?!=))+?)(?<=\S)==")
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?:\s|$)")
_KEY_POINT_MAX = 120

QUESTION_END = ("?", "？")


_NEEDS_WORK = re.compile(r"[\[*_=~`\\\t]|  ")


def plain_text(markdown: str) -> str:
    """Inline Markdown to the text a person reads: marks removed, link labels kept."""
    if _NEEDS_WORK.search(markdown) is None:  # most prompts: nothing to remove
        return markdown.strip()
    if "`" in markdown:  # code spans keep their text as written (`==`, `a*b`)
        pieces = _CODE_SPAN.split(markdown)
        codes = [m.group(0)[1:-1] for m in _CODE_SPAN.finditer(markdown)]
        out = "".join(
            _marks_off(piece) + (codes[n] if n < len(codes) else "")
            for n, piece in enumerate(pieces)
        )
        return _SPACES.sub(" ", out).strip()
    return _SPACES.sub(" ", _marks_off(markdown)).strip()


def _marks_off(markdown: str) -> str:
    out = WIKI_LINK.sub(_wiki_label, markdown)
    out = _MD_LINK.sub(r"\1", out)
    out = _MARKS.sub("", out)
    out = _STAR_EM.sub(r"\1", out)
    out = _UNDER_EM.sub(r"\1", out)
    return out.replace("\\", "") if "\\$" in out or "\\*" in out else out


def _wiki_label(match: re.Match[str]) -> str:
    target = match.group(2)
    if "|" in target:
        return target.split("|", 1)[1]
    return target.split("#")[-1] if match.group(1) == "" else ""


# --- the author's number ------------------------------------------------------------------
MAX_LABEL = 20  # a longer "1.2.3.4…" is text, not an author's label (stored in 20 characters)
_DOTTED = re.compile(r"\s*(?:[Qq]\s?)?(\d{1,4}(?:[.．]\d{1,4})*)")
_DELIMITER = re.compile(r"[.．]?\s*[、.．):：）]\s*")
_BRACKETED = re.compile(r"\s*[（(]\s*(\d{1,4})\s*[)）]\s*")
_ORDINAL = re.compile(r"\s*第\s*(\d{1,4})\s*[题问]\s*[.、．:：)）]?\s*")
_CHINESE = re.compile(r"\s*[（(]?([一二三四五六七八九十]{1,3})\s*[、.．)）]\s*")
# "2020 年真题", "3 个常见误区", "10 种排序": a quantity, not a label
_UNITS = frozenset("年月日号个种次位名条件类步层项倍万亿千百元岁天周分秒小张篇道组对")


def split_number(text: str) -> tuple[str | None, str]:
    """Split an author's label off a question: "2.1.1 什么是…" -> ("2.1.1", "什么是…").

    Labels: `6.`, `6、`, `6)`, `6：`, `2.1.1`, `（1）`, `Q1.`, `第 3 题`, `三、`, `（三）`. A number
    followed by a
    unit (`2020 年`, `3 个`) or a lowercase word (`3 ways`) is part of the text.
    """
    for pattern in (_ORDINAL, _BRACKETED, _CHINESE):
        match = pattern.match(text)
        if match is not None and match.end() < len(text.rstrip()):
            return match.group(1), text[match.end() :].strip()
    match = _DOTTED.match(text)
    if match is None:
        return None, text.strip()
    number = match.group(1).replace("．", ".")
    if len(number) > MAX_LABEL:
        return None, text.strip()
    rest = text[match.end() :]
    delimiter = _DELIMITER.match(rest)
    if delimiter is not None:
        rest = rest[delimiter.end() :]
    elif rest[:1].isspace():
        rest = rest.lstrip()
        is_quantity = "." not in number and rest[:1] in _UNITS  # "2.1.1 条件…" is a label
        if not rest or is_quantity or ("a" <= rest[0] <= "z"):
            return None, text.strip()
    else:
        return None, text.strip()
    rest = rest.strip()
    if not rest:
        return None, text.strip()
    return number, rest


# --- does it read as a question? ---------------------------------------------------------
_EN_WH = re.compile(
    r"^(?:what|why|how|when|where|which|who|whom|whose)(?:'s)?\s+"
    r"(?:is|are|was|were|do|does|did|can|could|would|should|will|shall|has|have|had|might|"
    r"may|must|to|many|much|long|often|far|kind|type|types|are|happens?|makes?|causes?|"
    r"if|about|would|the|a|an|you|we|they|does)\b",
    re.IGNORECASE,
)
_EN_AUX = re.compile(
    r"^(?:is|are|was|were|do|does|did|can|could|would|should|will|have|has|may)\s+"
    r"(?:it|there|this|that|the|a|an|you|we|they|i|\w+ing|\w+s)\b",
    re.IGNORECASE,
)
_EN_IMPERATIVE = re.compile(
    r"^(?i:(?:please\s+)?(?:explain|describe|tell\s+(?:me|us)|talk\s+(?:me\s+|us\s+)?about|compare|"
    r"contrast|define|discuss|walk\s+(?:me|us)\s+through|give\s+(?:me\s+|us\s+)?(?:an?|some|"
    r"examples?)|list|name|introduce|summari[sz]e|outline|derive|prove|write|implement|design|"
    r"illustrate|differentiate|distinguish|elaborate|justify|calculate|compute|share))"
    r"\s+(?![A-Z][a-z])\S",
)
_ZH_START = re.compile(
    r"^(?:什么|为什么|为何|如何|怎么|怎样|哪些|哪个|哪种|哪里|是否|请问|何为|何谓|有没有|能否|可否|是不是|"
    r"说说|说一说|说一下|谈谈|谈一谈|谈一下|讲讲|讲一讲|讲一下|介绍一下|请介绍|简单介绍|简要介绍|"
    r"简述|简要说明|描述一下|解释|阐述|论述|列举|举例说明|推导|证明|写出|手写|请)"
)
_ZH_ANY = re.compile(
    r"什么|为什么|为何|如何|怎么|怎样|哪些|哪个|哪种|是否|能否|可否|有何|何为|何谓|多少"
)
_ZH_END = re.compile(r"(?:吗|呢|么|区别|不同|差异|异同|优缺点)[。.]?$")


def reads_as_question(text: str) -> bool:
    """Interrogative or imperative form: "What is…", "Explain…", "什么是…", "说说…"."""
    text = text.strip().strip("*_ ").strip()
    if not text or len(text) > 200:
        return False
    if text.endswith(QUESTION_END):
        return True
    if _EN_WH.match(text) or _EN_AUX.match(text) or _EN_IMPERATIVE.match(text):
        return True
    if _ZH_START.match(text) or _ZH_END.search(text):
        return True
    return len(text) <= 60 and _ZH_ANY.search(text) is not None


_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_SMALL_WORDS = frozenset(
    "a an and as at by for from in into of on or the to vs via with without".split()
)


def reads_as_topic(text: str) -> bool:
    """English in Title Case ("Model Development and Offline Evaluation"): a topic, not a prompt."""
    if any("\u4e00" <= c <= "\u9fff" for c in text) or reads_as_question(text):
        return False
    words = _WORD.findall(text)
    if not words:
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


# --- key points ----------------------------------------------------------------------------
def highlights(source: str) -> tuple[KeyPoint, ...]:
    """The author's `==highlights==` as key points."""
    return tuple(
        KeyPoint(text, KeyPointKind.HIGHLIGHT)
        for text in (plain_text(m.group(1)) for m in _HIGHLIGHT.finditer(source))
        if text
    )


def shorten(text: str) -> str:
    """A key point's first sentence, or its first 120 characters."""
    if len(text) <= _KEY_POINT_MAX:
        return text
    match = _SENTENCE_END.search(text, 12)
    if match is not None and match.end() <= _KEY_POINT_MAX:
        return text[: match.end()].strip()
    return text[:_KEY_POINT_MAX].rstrip() + "…"


_BOLD_LEAD = re.compile(r"^\s*(?:[*_](?=[*_]{2}))?(\*\*|__)(?=[^\s*_])")


def leads_with_bold(inline: str) -> bool:
    """The inline text starts with a **bold** phrase that is closed later on."""
    match = _BOLD_LEAD.match(inline)
    return match is not None and inline.find(match.group(1), match.end() + 1) > 0


# --- Obsidian spaced-repetition metadata ---------------------------------------------------
_SR_COMMENT = re.compile(r"<!--SR:[^>\n]*-->")
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
_FLASHCARD_TAG = re.compile(r"(?<![^\s])#(flashcards?(?:/[^\s#]+)?)(?![^\s])")


def clean_card_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Strip SR scheduling comments, `^block` ids and `#flashcards…` tags (returned as tags)."""
    if "<!--SR:" in text:
        text = _SR_COMMENT.sub("", text)
    tags: tuple[str, ...] = ()
    if "#flashcard" in text:
        tags = tuple(m.group(1) for m in _FLASHCARD_TAG.finditer(text))
        text = _FLASHCARD_TAG.sub("", text)
    if "^" in text:
        text = _BLOCK_ID.sub("", text)
    return text.rstrip(), tags


def block_id(line: str) -> str | None:
    """The `^id` an Obsidian block reference names at the end of this line, if any."""
    if "^" not in line:
        return None
    match = _BLOCK_ID.search(line)
    return match.group(1) if match else None


def strip_block_id(line: str) -> str:
    """The line without its trailing `^id`."""
    return _BLOCK_ID.sub("", line).rstrip() if "^" in line else line


def is_sr_comment_line(line: str) -> bool:
    """A line holding only the plugin's scheduling comment."""
    return line.strip().startswith("<!--SR:") and line.strip().endswith("-->")


# --- `question::answer` ------------------------------------------------------------------
_COLONS = re.compile(r":{2,}")
_DATAVIEW_KEY = re.compile(r"^[^\s:?？][^:?？\n]{0,23}$")


def inline_card(text: str) -> tuple[str, str, bool] | None:
    """`question::answer` or `question:::answer` on one line, or None.

    Not cards: `::` in code spans, C++/Rust scopes (`std::vector`, `a::b`: a lowercase identifier
    right before `::` and a letter right after), Dataview fields (`进度:: 已完成`, `[key:: v]`: a
    short key, then `:: ` with a space), runs of four or more colons.
    """
    if "::" not in text:
        return None
    masked = _CODE_SPAN.sub(lambda m: "\0" * len(m.group(0)), text) if "`" in text else text
    for match in _COLONS.finditer(masked):
        width = match.end() - match.start()
        if width > 3:
            continue
        at, end = match.start(), match.end()
        if _is_scope(masked, at, end):
            continue
        question, answer = text[:at].strip(), text[end:].strip()
        if not question or not answer:
            return None
        if width == 2 and _is_dataview(masked, at, end):
            return None
        return question, answer, width == 3
    return None


def _is_scope(text: str, at: int, end: int) -> bool:
    if end >= len(text) or not (text[end].isascii() and (text[end].isalpha() or text[end] in "_~")):
        return False
    start = at
    while start > 0 and (
        text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] == "_")
    ):
        start -= 1
    left = text[start:at]
    return bool(left) and left == left.lower() and not left[0].isdigit()


def _is_dataview(text: str, at: int, end: int) -> bool:
    before = text[:at]
    if "[" in before or "(" in before:
        opener = max(before.rfind("["), before.rfind("("))
        if _DATAVIEW_KEY.match(before[opener + 1 :].strip() or "?"):
            return True
    if at == 0 or text[at - 1].isspace() or end >= len(text) or not text[end].isspace():
        return False
    return _DATAVIEW_KEY.match(before.strip()) is not None and len(before.split()) <= 3
