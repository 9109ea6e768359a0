"""Read one Markdown/Obsidian note into questions: the importer's entry point.

The note is parsed by markdown-it-py's block rules (`_blocks.py`, in bounded pieces), its heading
tree is decided (`_outline.py`), and the question shapes are recognised on its top-level blocks
(`_shapes.py`, `_cards.py`); answers are cut from the source lines by the blocks' line ranges, so
an answer's text, highlights and formulas stay exactly as the author wrote them. Every rule is in
docs/notes-format.md. Link resolution across notes lives in `vault.py`; nothing here touches the
disk.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from viva.bank._text import MD_IMAGE, WIKI_LINK, plain_text, split_number
from viva.bank.note import AnswerLine, Heading, ParsedNote, QuestionMode, RawQuestion

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = [
    "MD_IMAGE",
    "WIKI_LINK",
    "AnswerLine",
    "Heading",
    "ParsedNote",
    "QuestionMode",
    "RawQuestion",
    "markdown_parser",
    "parse_note",
    "plain_text",
    "split_number",
]


@cache
def markdown_parser() -> MarkdownIt:
    """The full parser configuration notes are written for (rendering uses it; the importer runs
    the same block rules without the inline pass)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(dollarmath_plugin, double_inline=True)
    return md


def parse_note(text: str, rel: str, mode: QuestionMode = QuestionMode.AUTO) -> ParsedNote:
    """Parse a note's text into its headings and questions. Never raises on bad Markdown."""
    from viva.bank._blocks import parse_blocks
    from viva.bank._shapes import NoteReader

    # the parser treats \r and \r\n as line ends: so must the line ranges we cut answers with
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    blocks, block_ids = parse_blocks(lines)
    return NoteReader(rel, lines, blocks, block_ids, mode).read()


# Markup a rendered note may keep (notes are untrusted): no scripts, styles, handlers or
# javascript: URLs. Callers add the classes their own markup uses.
SAFE_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "em",
    "strong", "del", "s", "mark", "sub", "sup", "ul", "ol", "li", "a", "img", "table", "thead",
    "tbody", "tr", "th", "td", "span", "div",
})  # fmt: skip
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}  # `class` only through `classes` (nh3 refuses both ways at once)


def sanitise_html(fragment: str, *, classes: dict[str, set[str]]) -> str:
    """Keep only harmless markup, and of `class` only the given values per tag."""
    import nh3

    return nh3.clean(
        fragment,
        tags=set(SAFE_TAGS),
        attributes=SAFE_ATTRIBUTES,
        allowed_classes=classes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
