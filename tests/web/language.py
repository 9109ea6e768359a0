"""One language per screen: find interface text in the other language on a rendered page.

What the student wrote (notes, questions, answers, bank and file names) may be in any language;
everything else must be in the interface's. The check takes the page's visible text (and the
attributes people read: placeholder, title, aria-label), leaves out what is marked as content
(`data-content`) or names its own language (`lang="en"` on the "English" switch), removes every
known piece of content, and reports what is left in the wrong language:
- English pages: any Chinese character;
- Chinese pages: any English word that is not a product or format name (ALLOWED_IN_ZH).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e]")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
IDENTIFIER = re.compile(r"\b[A-Za-z_]+(?:/[A-Za-z_+-]+)+")
#: Names that stay as they are in a Chinese interface (products, formats, keys, units).
ALLOWED_IN_ZH = frozenset(
    {"Viva", "Markdown", "Obsidian", "Anki", "apkg", "PDF", "pdf", "md", "markdown", "txt"}
    | {"zip", "MB", "Ctrl", "Enter", "UTC", "IANA", "CSV", "JSON", "JSONL", "Excel", "UTF-"}
)
_SKIPPED_TAGS = {"script", "style", "template", "title", "head"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
_READ_ATTRIBUTES = ("placeholder", "title", "aria-label")


class _Visible(HTMLParser):
    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[bool] = []  # per open element: is its text left out?
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own_lang = values.get("lang")
        skip = (
            tag in _SKIPPED_TAGS
            or "data-content" in values
            or (own_lang is not None and not own_lang.startswith(self.lang) and tag != "html")
        )
        if not skip and not self._skipping():
            self.texts.extend(v for k, v in attrs if k in _READ_ATTRIBUTES and v)
        if tag not in _VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.texts.append(data)


def visible_text(html: str, lang: str) -> str:
    """The page's interface text: visible text and read attributes, content left out."""
    parser = _Visible(lang)
    parser.feed(html)
    return "\n".join(parser.texts)


def language_problems(html: str, lang: str, content: Iterable[str] = ()) -> list[str]:
    """Interface text in the wrong language (empty: the page keeps to `lang`)."""
    text = visible_text(html, lang)
    for piece in sorted({c.strip() for c in content if c.strip()}, key=len, reverse=True):
        text = text.replace(piece, " ")
    problems = []
    for line in text.splitlines():
        line = IDENTIFIER.sub(" ", line)  # "Asia/Shanghai": a name a setting takes as it is
        if lang == "en" and CJK.search(line):
            problems.append(line.strip())
        elif lang == "zh":
            stray = [w for w in WORD.findall(line) if w not in ALLOWED_IN_ZH]
            if stray:
                problems.append(f"{line.strip()}  <- {', '.join(stray)}")
    return problems
