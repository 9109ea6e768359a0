"""An Anki deck's notes as one note of the bank: the questions the importer then resolves.

Each Anki note becomes a question: the first field is the prompt, the second the reference
answer (its HTML turned into Markdown, sanitised); further fields are left out and reported once
per note type. A cloze note becomes one question per cloze number, the cloze hidden in the
prompt and shown (highlighted, so it is a key point) in the answer. A note Viva exported and
nobody edited reads back exactly from its hidden field (`anki.py`). The question's id hashes the
note's GUID (and cloze number), so rewording a card in Anki keeps its history, as Anki does.

The deck is written out as Markdown (`DeckNote.text`, what the import stores and hashes) beside
the parsed questions, so the rest of the import runs as for any note: links, images, the
re-import plan, one transaction. Nothing here reads a file: `store/anki.py` reads the package.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any

from viva.bank._answer import answer_key_points
from viva.bank._blocks import parse_blocks
from viva.bank._html import Converted, field_to_markdown
from viva.bank._text import MAX_LABEL, plain_text
from viva.bank.anki import FIELDS, MODEL_NAME, STASH_VERSION, key_point_kind, shown_hash
from viva.bank.models import KeyPoint, KeyPointKind, NoteProblem, Severity
from viva.bank.note import AnswerLine, Heading, ParsedNote, RawQuestion

FORMAT = 1  # bump when the same deck would convert differently
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
_CLOZE = re.compile(r"\{\{c(\d{1,3})::((?:[^{}:]|:(?!:))*)(?:::([^{}]*))?\}\}")
_MEDIA_UNSAFE = re.compile(r"[^\w.\- ]+")
_PREVIEW = 40


@dataclass(frozen=True, slots=True)
class AnkiModel:
    """A note type: its fields in order, and whether it makes cloze cards."""

    id: int
    name: str
    fields: tuple[str, ...]
    is_cloze: bool = False


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One note of the collection, fields as stored (HTML)."""

    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()
    deck: str = ""  # "Parent::Child", the deck of its first card


@dataclass(frozen=True, slots=True)
class AnkiPackage:
    """What a package holds, as read (the reader has already left out what it could not use)."""

    models: dict[int, AnkiModel]
    notes: tuple[AnkiNote, ...]
    media: dict[str, str] = field(default_factory=dict)  # name in the notes -> file written
    media_hashes: dict[str, str] = field(default_factory=dict)  # file written -> its sha256
    problems: tuple[NoteProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class DeckNote:
    """The deck as one note: its Markdown text and its questions."""

    text: str
    parsed: ParsedNote


def safe_media_name(name: str, taken: set[str]) -> str | None:
    """A file name for a media entry (its base name, harmless characters only, not yet taken);
    None for what is not an image."""
    base = PurePosixPath(name.replace("\\", "/")).name
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return None
    stem = _MEDIA_UNSAFE.sub("_", PurePosixPath(base).stem).strip(" ._")[:100] or "image"
    candidate = f"{stem}{suffix}"
    number = 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    taken.add(candidate.casefold())
    return candidate


@dataclass(slots=True)
class _Item:
    key: str
    section: tuple[str, ...]
    prompt: str
    reference: str | None
    key_points: tuple[KeyPoint, ...] | None  # None: from the answer, as for any note
    tags: tuple[str, ...]
    number: str | None = None


class _Deck:
    def __init__(self, package: AnkiPackage, rel: str) -> None:
        self.package = package
        self.rel = rel
        self.items: list[_Item] = []
        self.problems: list[NoteProblem] = list(package.problems)
        self.extra_fields: dict[int, tuple[int, set[str]]] = {}  # model -> (notes, field names)
        self.sounds = 0

    def media(self, name: str) -> str | None:
        return self.package.media.get(name)

    def convert(self, value: str, *, plain: bool = False) -> str:
        converted = field_to_markdown(value, self.media, plain=plain)
        self._note_media(converted)
        return converted.text

    def _note_media(self, converted: Converted) -> None:
        self.sounds += converted.sounds
        for name in converted.missing:
            self.problems.append(
                NoteProblem(
                    self.rel,
                    None,
                    f"image {name!r}: the package does not hold this file",
                    kind="missing-asset",
                )
            )

    def skip(self, note: AnkiNote, reason: str) -> None:
        self.problems.append(
            NoteProblem(
                self.rel,
                None,
                f"note {_preview(note)}: {reason}",
                Severity.WARNING,
                kind="anki-skipped",
            )
        )

    # --- one note ---------------------------------------------------------------------------
    def add(self, note: AnkiNote) -> None:
        model = self.package.models.get(note.model_id)
        if model is None:
            self.skip(note, f"its note type ({note.model_id}) is not in the package")
            return
        if model.name == MODEL_NAME and model.fields == FIELDS and self._viva(note):
            return
        if model.is_cloze:
            self._cloze(note, model)
            return
        if len(note.fields) > 2 and any(v.strip() for v in note.fields[2:]):
            count, names = self.extra_fields.get(model.id, (0, set()))
            names.update(n for n, v in zip(model.fields[2:], note.fields[2:], strict=False) if v)
            self.extra_fields[model.id] = (count + 1, names)
        front = self.convert(note.fields[0] if note.fields else "", plain=True)
        if not front.strip():
            self.skip(note, "its first field (the question) is empty")
            return
        back = self.convert(note.fields[1]) if len(note.fields) > 1 else ""
        self.items.append(
            _Item(
                key=note.guid,
                section=_deck_path(note.deck),
                prompt=_prompt(front),
                reference=back if back.strip() else None,
                key_points=None,
                tags=_tags(note.tags),
            )
        )

    def _viva(self, note: AnkiNote) -> bool:
        """A note of Viva's own model: exact from its hidden field when nobody edited it."""
        stash = _stash(note.fields[4])
        if stash is None:
            return False
        section = tuple(s for s in stash.get("section", ()) if isinstance(s, str))
        tags = tuple(t for t in stash.get("tags", ()) if isinstance(t, str))
        number = stash.get("number")
        if not isinstance(number, str) or len(number) > MAX_LABEL:
            number = None  # not a label Viva wrote
        if stash.get("shown") == shown_hash(*note.fields[:3]) and isinstance(
            stash.get("prompt"), str
        ):
            reference = stash.get("reference")
            points = tuple(
                KeyPoint(p[0], _kind(p[1]))
                for p in stash.get("key_points", ())
                if isinstance(p, list) and len(p) == 2 and isinstance(p[0], str)
            )
            self.items.append(
                _Item(
                    key=note.guid,
                    section=section,
                    prompt=stash["prompt"],
                    reference=_renamed(reference, self.package.media)
                    if isinstance(reference, str)
                    else None,
                    key_points=points,
                    tags=tags,
                    number=number,
                )
            )
            return True
        prompt = self.convert(note.fields[0], plain=True)
        if not prompt.strip():
            self.skip(note, "its Prompt field is empty")
            return True
        reference = self.convert(note.fields[1])
        listed = _list_items(note.fields[2])
        self.items.append(
            _Item(
                key=note.guid,
                section=section or _deck_path(note.deck),
                prompt=_prompt(prompt),
                reference=reference if reference.strip() else None,
                key_points=tuple(KeyPoint(t, key_point_kind(c)) for t, c in listed) or None,
                tags=tags,
                number=number,
            )
        )
        return True

    def _cloze(self, note: AnkiNote, model: AnkiModel) -> None:
        text = note.fields[0] if note.fields else ""
        numbers = sorted({int(m.group(1)) for m in _CLOZE.finditer(text)})
        if not numbers:
            self.skip(note, f"a {model.name!r} note without any {{{{c1::…}}}} cloze")
            return
        extra = self.convert(note.fields[1]) if len(note.fields) > 1 else ""
        for number in numbers:
            prompt = self.convert(_cloze_side(text, number, is_question=True), plain=True)
            answer = self.convert(_cloze_side(text, number, is_question=False))
            if extra.strip():
                answer = f"{answer}\n\n{extra}"
            self.items.append(
                _Item(
                    key=f"{note.guid}:c{number}",
                    section=_deck_path(note.deck),
                    prompt=_prompt(prompt),
                    reference=answer,
                    key_points=None,  # the cloze, highlighted in the answer
                    tags=_tags(note.tags),
                )
            )

    # --- the note of the deck ---------------------------------------------------------------
    def note(self) -> DeckNote:
        for model_id, (count, names) in sorted(self.extra_fields.items()):
            model = self.package.models[model_id]
            self.problems.append(
                NoteProblem(
                    self.rel,
                    None,
                    f"{count} note(s) of type {model.name!r}: the first two fields became the "
                    f"question and the answer; left out: {', '.join(sorted(names))}",
                    kind="anki-fields",
                )
            )
        if self.sounds:
            self.problems.append(
                NoteProblem(
                    self.rel,
                    None,
                    f"{self.sounds} sound(s) left out: Viva imports text and images",
                    kind="anki-audio",
                )
            )
        lines = [f"<!-- {self.rel}: an Anki package read by Viva (format {FORMAT}) -->", ""]
        raws: list[RawQuestion] = []
        opened: list[tuple[int, str, int, tuple[str, ...]]] = []  # level, text, line, path
        section: tuple[str, ...] = ()
        for item in self.items:
            if item.section != section:
                same = 0
                while same < min(len(section), len(item.section)) and (
                    section[same] == item.section[same]
                ):
                    same += 1
                for depth in range(same, len(item.section)):  # headings, so [[#X]] resolves
                    text = item.section[depth].replace("\n", " ")
                    opened.append((depth + 2, text, len(lines), item.section[: depth + 1]))
                    lines.extend([f"{'#' * min(depth + 2, 6)} {text}", ""])
                section = item.section
            first = len(lines)
            lines.append(f"Q: {item.prompt}")
            answer: tuple[AnswerLine, ...] | None = None
            points = item.key_points or ()
            if item.reference is not None:
                lines.append("A:")
                start = len(lines)
                reference = item.reference.split("\n")
                lines.extend(reference)
                answer = tuple(AnswerLine(start + n, t) for n, t in enumerate(reference))
                if item.key_points is None:
                    points = _key_points(reference)
            lines.append("")
            raws.append(
                RawQuestion(
                    section=item.section,
                    number=item.number,
                    prompt=item.prompt,
                    line=first,
                    answer=answer,
                    key_points=points,
                    tags=item.tags,
                    key=item.key,
                )
            )
        for name, digest in sorted(self.package.media_hashes.items()):
            lines.append(f"<!-- media {digest} {name} -->")  # a changed image changes the note
        parsed = ParsedNote(
            rel=self.rel,
            title=PurePosixPath(self.rel).stem,
            tags=(),
            lines=tuple(lines),
            body_start=0,
            headings=_headings(opened, len(lines)),
            questions=tuple(raws),
            problems=tuple(self.problems),
        )
        return DeckNote("\n".join(lines) + "\n", parsed)


def deck_note(package: AnkiPackage, rel: str) -> DeckNote:
    """The package's notes as one note of the bank, named `rel` (the package's file name)."""
    deck = _Deck(package, rel)
    for note in package.notes:
        deck.add(note)
    return deck.note()


def _headings(
    opened: Sequence[tuple[int, str, int, tuple[str, ...]]], end: int
) -> tuple[Heading, ...]:
    """The section headings written into the deck's note, each ending where the next heading
    of its level or above starts."""
    headings = []
    for n, (level, text, line, path) in enumerate(opened):
        stop = next((o[2] for o in opened[n + 1 :] if o[0] <= level), end)
        headings.append(Heading(level, text, line, stop, path, is_question=False))
    return tuple(headings)


def _stash(value: str) -> dict[str, Any] | None:
    try:
        stash = json.loads(html.unescape(value))
    except ValueError:
        return None
    if not isinstance(stash, dict) or stash.get("v") != STASH_VERSION:
        return None
    return stash


def _kind(value: object) -> KeyPointKind:
    try:
        return KeyPointKind(str(value))
    except ValueError:
        return KeyPointKind.LIST_ITEM


def _renamed(markdown: str, media: dict[str, str]) -> str:
    """Embeds of the package's media under the names the files were written with."""
    for name, written in media.items():
        if name != written:
            markdown = markdown.replace(f"![[{name}]]", f"![[{written}]]")
    return markdown


def _deck_path(deck: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in deck.split("::") if part.strip())


def _tags(tags: Sequence[str]) -> tuple[str, ...]:
    """Anki's `a::b` levels as the notes' `a/b`."""
    return tuple(dict.fromkeys(t.replace("::", "/") for t in tags if t.strip()))


def _prompt(text: str) -> str:
    lines = [line.strip() for line in text.strip().split("\n")]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        return plain_text(lines[0])
    return "\n".join(lines)


def _key_points(lines: Sequence[str]) -> tuple[KeyPoint, ...]:
    blocks, _ = parse_blocks(lines)
    points = tuple(p for b in blocks for p in b.points)
    return answer_key_points(lines, 0, len(lines), points)


def _cloze_side(text: str, number: int, *, is_question: bool) -> str:
    """The cloze text with cloze `number` hidden (question) or highlighted (answer); the
    other clozes show their text, as Anki shows them on this card."""

    def side(match: re.Match[str]) -> str:
        answer, hint = match.group(2), match.group(3)
        if int(match.group(1)) != number:
            return answer
        if is_question:
            return f"[{hint.strip()}]" if hint and hint.strip() else "[…]"
        return f"<mark>{answer}</mark>"

    return _CLOZE.sub(side, text)


def _preview(note: AnkiNote) -> str:
    text = plain_text(re.sub(r"<[^>]*>", " ", note.fields[0] if note.fields else ""))
    text = html.unescape(text)
    shown = text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"
    return f"{note.guid} ({shown!r})" if shown else note.guid


class _Items(HTMLParser):
    """The items of a key-points list with their class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[list[str], str | None]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.depth += 1
            if self.depth == 1:
                self.items.append(([], dict(attrs).get("class")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self.items:
            self.items[-1][0].append(data)


def _list_items(value: str) -> list[tuple[str, str | None]]:
    import nh3

    parser = _Items()
    parser.feed(nh3.clean(value, tags={"ul", "ol", "li"}, attributes={"li": {"class"}}))
    parser.close()
    found = [(" ".join("".join(parts).split()), css) for parts, css in parser.items]
    return [(text, css) for text, css in found if text]
