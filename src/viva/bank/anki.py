"""Anki decks of a bank: the note model Viva writes, its stable ids, and each question's note.

A question becomes one note of the "Viva question" model: the prompt on the front; the reference
answer (rendered and sanitised HTML), its key points and where it comes from on the back; tags
for the bank and the section path. Ids are derived, never drawn: the note's GUID from the
question's stable id, the deck's id from the bank's name, the model's from its version, so
exporting again *updates* the notes already in Anki instead of adding copies.

A hidden field ("Viva") keeps the question as Viva holds it (prompt, Markdown reference, key
points, section) with a hash of the fields shown: when a deck comes back unedited, its questions
read back exactly; a note edited in Anki is read from its fields instead (`anki_notes.py`).

Plain data only: `store/anki.py` writes the package (a zip holding SQLite) with genanki.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from viva.bank._text import WIKI_LINK
from viva.bank.markdown import sanitise_html
from viva.bank.models import KeyPoint, KeyPointKind, Link, LinkKind, Question

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

MODEL_NAME = "Viva question"
FIELDS = ("Prompt", "Reference", "Key points", "Source", "Viva")
STASH_VERSION = 1
DECK_ROOT = "Viva"
_CSS = """\
.card { font-family: system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; font-size: 18px; line-height: 1.55; text-align: left;
  max-width: 42em; margin: 0 auto; padding: 0 .6em; }
.prompt { font-weight: 600; }
.key-points h4 { margin: 1em 0 .3em; font-size: .9em; opacity: .75; }
.key-points li.kp-highlight { font-weight: 600; }
.source { margin-top: 1.2em; font-size: .75em; opacity: .6; }
img { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; }
"""
QUESTION_TEMPLATE = '<div class="prompt">{{Prompt}}</div>'
ANSWER_TEMPLATE = (
    "{{FrontSide}}\n<hr id=answer>\n"
    '<div class="reference">{{Reference}}</div>\n'
    '{{#Key points}}<div class="key-points"><h4>要点 · Key points</h4>{{Key points}}</div>'
    "{{/Key points}}\n"
    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
)

_CLASSES = {"li": {"kp-highlight", "kp-bold", "kp-list_item"}}
_HIGHLIGHT = re.compile(r"==(?=\S)((?:[^=\n]|=(?!=))+?)(?<=\S)==")
_TAG_SPACE = re.compile(r"\s+")
_MEDIA_UNSAFE = re.compile(r"[^\w.\- ]+")
_MD_ALT = re.compile(r"!\[([^\[\]\n]*)\]\(")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """The note model, as data (the writer turns it into genanki's)."""

    id: int
    name: str
    fields: tuple[str, ...]
    question_template: str
    answer_template: str
    css: str


@dataclass(frozen=True, slots=True)
class DeckSpec:
    """One deck: a bank."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class NoteSpec:
    """One question as an Anki note."""

    guid: str
    deck_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeckExport:
    """Everything a package holds: the model, the decks, the notes and the media to copy."""

    model: ModelSpec
    decks: tuple[DeckSpec, ...]
    notes: tuple[NoteSpec, ...]
    media: dict[str, str]  # name in the package -> the bank's asset file it is copied from
    without_reference: int = 0


def stable_id(*parts: str) -> int:
    """A positive 62-bit integer derived from `parts` (Anki ids are 64-bit)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 2 or 1


def note_guid(question_id: str) -> str:
    """The GUID of a question's note: derived from its stable id, so a re-export updates it."""
    from genanki import guid_for  # Anki's base91 form of a 64-bit hash

    guid: str = guid_for("viva", question_id)
    return guid


def model_spec() -> ModelSpec:
    """The "Viva question" note model (its id changes only with its fields)."""
    return ModelSpec(
        id=stable_id("viva-model", MODEL_NAME, *FIELDS),
        name=MODEL_NAME,
        fields=FIELDS,
        question_template=QUESTION_TEMPLATE,
        answer_template=ANSWER_TEMPLATE,
        css=_CSS,
    )


def deck_name(bank: str) -> str:
    """The deck a bank exports to: "Viva::<bank>" (a sub-deck of one "Viva" deck)."""
    return f"{DECK_ROOT}::{bank.replace('::', ':').strip() or '_'}"


def anki_tag(text: str) -> str:
    """A tag Anki accepts: no spaces (they separate tags), "::" only as our level separator."""
    tag = _TAG_SPACE.sub("_", text.strip()).replace("::", ":")
    return tag.strip(":") or "_"


def question_tags(question: Question) -> tuple[str, ...]:
    """The bank, the bank with the section path (Anki's `a::b` levels) and the note's tags."""
    bank = anki_tag(question.bank)
    tags = [bank]
    if question.section:
        tags.append("::".join([bank, *(anki_tag(s) for s in question.section)]))
    tags.extend("::".join(anki_tag(p) for p in t.split("/") if p) for t in question.tags if t)
    return tuple(dict.fromkeys(t for t in tags if t))


def export_deck(
    questions: Sequence[Question], *, asset_exists: Callable[[str], bool]
) -> DeckExport:
    """The package for `questions`: one deck per bank, one note per question.

    `asset_exists` says whether a stored asset (an embedded image) is still in the data dir;
    an image that is gone is left out of the package (its embed stays as text).
    """
    decks: dict[str, DeckSpec] = {}
    notes: list[NoteSpec] = []
    media: dict[str, str] = {}  # package name -> asset
    names: dict[str, str] = {}  # asset -> package name
    for question in questions:
        deck = decks.setdefault(
            question.bank, DeckSpec(stable_id("viva-deck", question.bank), deck_name(question.bank))
        )
        images: dict[str, str] = {}  # the link's raw text -> its package name
        for link in question.links:
            if link.kind is not LinkKind.ASSET or not link.file or not asset_exists(link.file):
                continue
            name = names.get(link.file)
            if name is None:
                name = names[link.file] = _media_name(link, media)
                media[name] = link.file
            images[link.raw] = name
        notes.append(
            NoteSpec(
                guid=note_guid(question.id),
                deck_id=deck.id,
                fields=note_fields(question, images),
                tags=question_tags(question),
            )
        )
    return DeckExport(
        model=model_spec(),
        decks=tuple(decks.values()),
        notes=tuple(notes),
        media=media,
        without_reference=sum(1 for q in questions if not q.has_reference),
    )


def _media_name(link: Link, taken: Mapping[str, str]) -> str:
    """The file's own name where it is free (so the reference reads the same), else hashed."""
    original = PurePosixPath(link.target.replace("\\", "/").split("|", 1)[0]).name
    stem, suffix = PurePosixPath(original).stem, PurePosixPath(link.file or "").suffix.lower()
    safe = _MEDIA_UNSAFE.sub("_", stem).strip(" ._")[:80] or "image"
    name = f"{safe}{suffix}"
    if name in taken:
        name = f"{safe}-{(link.file or '')[:8]}{suffix}"
    return name


def note_fields(question: Question, images: Mapping[str, str]) -> tuple[str, ...]:
    """The fields of a question's note, in `FIELDS` order."""
    reference = _renamed(question.reference or "", images)
    prompt_html = render_markdown(question.prompt, {})
    reference_html = render_markdown(reference, images) if question.has_reference else ""
    points_html = key_points_html(question.key_points)
    where = f"{question.source.file}:{question.source.line}"
    if question.section:
        where += " · " + " / ".join(question.section)
    stash: dict[str, Any] = {
        "v": STASH_VERSION,
        "id": question.id,
        "bank": question.bank,
        "section": list(question.section),
        "number": question.number,
        "prompt": question.prompt,
        "reference": reference if question.reference is not None else None,
        "key_points": [[k.text, k.kind.value] for k in question.key_points],
        "tags": list(question.tags),
        "shown": shown_hash(prompt_html, reference_html, points_html),
    }
    encoded = json.dumps(stash, ensure_ascii=False, separators=(",", ":"))
    return (prompt_html, reference_html, points_html, html.escape(where), html.escape(encoded))


def shown_hash(prompt: str, reference: str, key_points: str) -> str:
    """A hash of the fields a person can edit in Anki: unchanged, the stash is still true."""
    data = "\x1f".join((prompt, reference, key_points)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:20]


def _renamed(markdown: str, images: Mapping[str, str]) -> str:
    """The reference with each image embedded under its package name (where that differs):
    `![[name]]`, or `![alt](name)` for a Markdown image (its alt text kept)."""
    for raw, name in images.items():
        if raw.startswith("![["):
            if PurePosixPath(raw[3:-2].split("|", 1)[0]).name != name:
                markdown = markdown.replace(raw, f"![[{name}]]")
            continue
        alt = _MD_ALT.match(raw)
        if alt is not None and " " not in name:
            markdown = markdown.replace(raw, f"![{alt.group(1)}]({name})")
        else:
            markdown = markdown.replace(raw, f"![[{name}]]")
    return markdown


def key_points_html(points: Sequence[KeyPoint]) -> str:
    """The key points as a list, each item's class naming where it came from."""
    if not points:
        return ""
    items = "".join(f'<li class="kp-{p.kind.value}">{html.escape(p.text)}</li>' for p in points)
    return f"<ul>{items}</ul>"


def key_point_kind(css_class: str | None) -> KeyPointKind:
    """The kind a key-point item's class names (an item Anki's user added: a list item)."""
    for kind in KeyPointKind:
        if css_class == f"kp-{kind.value}":
            return kind
    return KeyPointKind.LIST_ITEM


def render_markdown(markdown: str, images: Mapping[str, str]) -> str:
    """A note's Markdown as the sanitised HTML of a field: images by their package name,
    highlights as <mark>, other wiki links as their label, math for Anki's MathJax."""
    if not markdown.strip():
        return ""

    def wiki(match: re.Match[str]) -> str:
        raw = match.group(0)
        inner = match.group(2)
        if match.group(1):
            name = PurePosixPath(inner.split("|", 1)[0]).name
            if name in images.values():
                return f'<img src="{html.escape(name, quote=True)}">'
        label = inner.split("|", 1)[-1].split("#")[-1] or inner
        return html.escape(label) if raw else ""

    text = WIKI_LINK.sub(wiki, markdown)
    text = _HIGHLIGHT.sub(lambda m: f"<mark>{m.group(1)}</mark>", text)
    rendered: str = _field_parser().render(text)
    return sanitise(rendered).strip()


def sanitise(fragment: str) -> str:
    """Keep only harmless markup (notes are untrusted): no scripts, styles or handlers."""
    return sanitise_html(fragment, classes=_CLASSES)


@cache
def _field_parser() -> MarkdownIt:
    """The notes' parser configuration, with math written for MathJax: \\(…\\) and \\[…\\]."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    def math(content: str, options: dict[str, Any]) -> str:
        escaped = html.escape(content.strip(), quote=False)
        return f"\\[{escaped}\\]" if options.get("display_mode") else f"\\({escaped}\\)"

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(dollarmath_plugin, double_inline=True, renderer=math)
    return md
