"""Untrusted HTML (an Anki field) to the Markdown of a note, or to plain text.

The field is first cleaned by nh3 (ammonia) with a short allow-list, so scripts, styles, comments
and event handlers are gone before anything reads it; the stdlib's HTML parser then walks what is
left. Text is escaped where Markdown would read it as marks (`*`, `` ` ``, `$`, `[`, `==`, `<b>`),
Anki's MathJax delimiters `\\(…\\)` and `\\[…\\]` become `$…$` and `$$…$$`, and an image becomes
an embed of the media file it names (`![[name.png]]`) when the deck holds that file. Linear in
the field's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

_ALLOWED = {
    "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "del", "strike", "mark",
    "sub", "sup", "ul", "ol", "li", "img", "a", "code", "pre", "h1", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "table", "thead", "tbody", "tr", "td", "th", "hr",
}  # fmt: skip
_ATTRIBUTES = {"img": {"src"}, "a": {"href"}, "li": {"class"}}
_BLOCKS = {"p", "div", "blockquote", "table", "thead", "tbody", "ul", "ol"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "del": "~~", "mark": "=="}
_MARKS["strike"] = "~~"
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_ESCAPE = re.compile(r"[\\`*$\[\]]|==|~~|<(?=[A-Za-z/!?])|(?<!\w)_|_(?!\w)")
_SOUND = re.compile(r"\[sound:[^\]\n]*\]")
_BLANKS = re.compile(r"\n{3,}")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

#: Maps a media name written in a field to the file name the note embeds (None: not in the deck).
MediaLookup = Callable[[str], str | None]


@dataclass(slots=True)
class Converted:
    """A field as Markdown (or plain text), with what it referred to."""

    text: str
    images: list[str] = field(default_factory=list)  # embedded media files, as named in the note
    missing: list[str] = field(default_factory=list)  # images the deck does not hold
    sounds: int = 0  # [sound:…] references left out (audio is not imported)


def field_to_markdown(html: str, media: MediaLookup, *, plain: bool = False) -> Converted:
    """The Markdown of one field (`plain`: its text, marks and images left out)."""
    import nh3

    sounds = len(_SOUND.findall(html))
    cleaned = nh3.clean(
        _SOUND.sub("", html),
        tags=_ALLOWED,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        link_rel=None,
    )
    writer = _Writer(media, plain=plain)
    writer.feed(cleaned)
    writer.close()
    text = _BLANKS.sub("\n\n", "\n".join(line.rstrip() for line in writer.text().split("\n")))
    return Converted(text.strip("\n"), writer.images, writer.missing, sounds)


class _Writer(HTMLParser):
    """Writes Markdown while the parser walks the cleaned field."""

    def __init__(self, media: MediaLookup, *, plain: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.media = media
        self.plain = plain
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # one entry per open list: [is_ordered, next number]
        self.pre = 0
        self.code = 0
        self.href: list[str | None] = []
        self.link_start: list[int] = []
        self.images: list[str] = []
        self.missing: list[str] = []
        self.tail = ""  # the last two characters written (joining `out` each time is quadratic)

    # --- output helpers ---------------------------------------------------------------------
    def text(self) -> str:
        return "".join(self.out)

    def _emit(self, piece: str) -> None:
        if piece:
            self.out.append(piece)
            self.tail = (self.tail + piece)[-2:]

    def _at_line_start(self) -> bool:
        return not self.tail or self.tail.endswith("\n") or not self.tail.strip()

    def _newline(self, blank: bool = False) -> None:
        if not self.tail:
            return
        wanted = "\n\n" if blank and not self.lists else "\n"
        have = len(self.tail) - len(self.tail.rstrip("\n"))
        if have < len(wanted):
            self._emit(wanted[have:])

    def _indent(self) -> str:
        return "   " * len(self.lists)

    def _mark(self, mark: str) -> None:
        if not self.plain and not self.pre:
            self._emit(mark)

    # --- parser callbacks -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "br":
            self._emit("\n")
        elif tag in _BLOCKS or tag in _HEADINGS or tag == "tr":
            self._newline(blank=tag in {"p", "blockquote", "table", "ul", "ol"} or tag in _HEADINGS)
            if tag in {"ul", "ol"}:
                self.lists.append([tag == "ol", 1])
            elif tag in _HEADINGS:
                self._mark("**")
        elif tag == "li":
            self._list_item()
        elif tag == "pre":
            self._newline(blank=True)
            self.pre += 1
            if not self.plain:
                self._emit("```\n")
        elif tag == "code":
            self.code += 1
            if not self.pre:
                self._mark("`")
        elif tag in _MARKS:
            self._mark(_MARKS[tag])
        elif tag in {"td", "th"}:
            if not self._at_line_start():
                self._emit(" | ")
        elif tag == "hr":
            self._newline(blank=True)
            self._emit("---" if not self.plain else "")
            self._newline(blank=True)
        elif tag == "img":
            self._image(values.get("src") or "")
        elif tag == "a":
            self.href.append(values.get("href"))
            self.link_start.append(len(self.out))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            self._newline(blank=not self.lists)
        elif tag in _HEADINGS:
            self._mark("**")
            self._newline(blank=True)
        elif tag in _BLOCKS or tag == "tr":
            self._newline(blank=tag in {"p", "blockquote", "table"})
        elif tag == "pre" and self.pre:
            self.pre -= 1
            if not self.plain:
                if not self.tail.endswith("\n"):
                    self._emit("\n")
                self._emit("```")
            self._newline(blank=True)
        elif tag == "code" and self.code:
            self.code -= 1
            if not self.pre:
                self._mark("`")
        elif tag in _MARKS:
            self._mark(_MARKS[tag])
        elif tag == "a" and self.href:
            href = self.href.pop()
            start = self.link_start.pop()
            if href and not self.plain and not self.pre:
                label = "".join(self.out[start:]).strip() or href
                del self.out[start:]
                self.tail = "".join(self.out[-2:])[-2:]
                self._emit(f"[{label}]({href.replace(')', '%29').replace(' ', '%20')})")

    def handle_data(self, data: str) -> None:
        if self.pre:
            self._emit(data)
            return
        data = data.replace("\xa0", " ")
        if self.code:
            self._emit(data.replace("`", "'"))
            return
        if self._at_line_start():
            data = data.lstrip(" \t\n")
            if data and self.lists and self.tail.endswith("\n"):
                self._emit(self._indent())  # a later line of a list item stays in the item
        data = re.sub(r"\s*\n\s*", " ", data)  # a line break in HTML source is a space
        self._emit(data if self.plain else _math(data))

    # --- pieces -----------------------------------------------------------------------------
    def _list_item(self) -> None:
        if not self.lists:  # an <li> outside a list: a line of its own
            self._newline()
            self._emit("- ")
            return
        depth = len(self.lists)
        if self.tail and not self.tail.endswith("\n"):
            self._emit("\n")
        self._emit("   " * (depth - 1))
        ordered, number = self.lists[-1]
        if ordered:
            self._emit(f"{number}. ")
            self.lists[-1][1] = number + 1
        else:
            self._emit("- ")

    def _image(self, src: str) -> None:
        if self.plain:
            return
        if "://" in src:
            if src.startswith(("http://", "https://")):
                self._emit(f"![]({src.replace(')', '%29').replace(' ', '%20')})")
            return
        name = self.media(src) or self.media(unquote(src))
        if name is None:
            self.missing.append(src)
            self._emit(f"![[{_wiki_safe(src)}]]")
            return
        self.images.append(name)
        self._emit(f"![[{name}]]")


def _wiki_safe(name: str) -> str:
    return re.sub(r"[\[\]|#\n]", "_", name)[:200]


def _math(text: str) -> str:
    """Escape Markdown marks in text, and turn Anki's MathJax delimiters into dollar math."""
    pieces: list[str] = []
    cursor = 0
    for match in _MATH.finditer(text):
        pieces.append(escape_markdown(text[cursor : match.start()]))
        if match.group(1) is not None:
            pieces.append(f"${match.group(1).strip()}$")
        else:
            pieces.append(f"$${match.group(2).strip()}$$")
        cursor = match.end()
    pieces.append(escape_markdown(text[cursor:]))
    return "".join(pieces)


def escape_markdown(text: str) -> str:
    """Backslash what Markdown would read as a mark; a backslash only before punctuation."""

    def escaped(match: re.Match[str]) -> str:
        found = match.group(0)
        if found == "\\":
            following = text[match.end() : match.end() + 1]
            return "\\\\" if following in _ASCII_PUNCT and following else "\\"
        return "".join("\\" + c for c in found)

    return _ESCAPE.sub(escaped, text)
