"""Resolve links between the notes of one import and turn parsed notes into `Question`s.

Obsidian resolves `[[Note]]` by file name anywhere in the vault, `[[#Heading]]` inside the same
note and `[[Note#Heading]]` inside another. `![[...]]` embeds the target's text; `![[img.svg]]`
and `![alt](path)` are assets. Whatever cannot be resolved stays visible in the text and is
reported with its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from viva.bank._text import strip_block_id
from viva.bank.ids import keyed_question_id, question_id
from viva.bank.markdown import MD_IMAGE, WIKI_LINK, AnswerLine, Heading, ParsedNote, RawQuestion
from viva.bank.models import Link, LinkKind, LinkRole, NoteProblem, Question, SourceRef

_CODE_SPAN = re.compile(r"`[^`\n]*`")
_NOTE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True, slots=True)
class VaultNote:
    """A parsed note with where it lives on disk."""

    parsed: ParsedNote
    source: Path  # absolute path of the file


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class Vault:
    """Name and heading indexes over the notes (and other files) of one import."""

    def __init__(
        self,
        notes: Sequence[VaultNote],
        other_files: Iterable[Path] = (),
        *,
        roots: Sequence[str] = (),
    ) -> None:
        self.notes = list(notes)
        # Assets are read only from inside what was imported: a folder root, or the folder of
        # a note imported on its own (no roots given: each note's folder).
        folders = [Path(r) for r in roots] or [n.source.parent for n in self.notes]
        self._areas = tuple((f.parent if f.is_file() else f).resolve() for f in folders if str(f))
        self._by_name: dict[str, VaultNote] = {}
        for note in sorted(self.notes, key=lambda n: (n.parsed.rel.count("/"), n.parsed.rel)):
            rel = note.parsed.rel
            stem = rel.rsplit(".", 1)[0] if rel.endswith(_NOTE_SUFFIXES) else rel
            for key in (_norm(rel), _norm(stem), _norm(stem.rsplit("/", 1)[-1])):
                self._by_name.setdefault(key, note)
        self._files_by_name: dict[str, list[Path]] = {}
        for file in [*other_files, *(n.source for n in self.notes)]:
            self._files_by_name.setdefault(file.name.casefold(), []).append(file)
        self._headings: dict[str, dict[str, Heading]] = {}
        for note in self.notes:
            index: dict[str, Heading] = {}
            for heading in note.parsed.headings:
                index.setdefault(_norm(heading.text), heading)
            self._headings[note.parsed.rel] = index

    def find_note(self, name: str) -> VaultNote | None:
        """The note a wiki link names ("LLM-Survey", "folder/Note", "Note.md")."""
        return self._by_name.get(_norm(name))

    def find_heading(self, note: VaultNote, heading: str) -> Heading | None:
        """A heading of `note` by its text; `A#B` nested paths match on the last part."""
        index = self._headings[note.parsed.rel]
        found = index.get(_norm(heading))
        if found is None and "#" in heading:
            found = index.get(_norm(heading.rsplit("#", 1)[-1]))
        return found

    def find_file(self, name: str, near: Path) -> Path | None:
        """An asset: relative to the note first, then anywhere in the vault by file name.

        Only a file inside the imported vault counts: an absolute path, a `..` that climbs
        out, or a symlink that points out is not found (a note must not read the disk); nor is
        a name no file can have (a NUL byte, a name longer than the file system allows).
        """
        if "\x00" in name:
            return None
        if not PurePosixPath(name).is_absolute() and not PureWindowsPath(name).drive:
            try:
                candidate = (near.parent / name).resolve()
                if candidate.is_file() and self.is_inside(candidate):
                    return candidate
            except OSError:  # "File name too long" and the like: no such file
                pass
        matches = self._files_by_name.get(PurePosixPath(name).name.casefold(), [])
        inside = [m for m in matches if self.is_inside(m.resolve())]
        return inside[0] if inside else None

    def is_inside(self, path: Path) -> bool:
        """True when a resolved path lies in the imported vault."""
        return any(path.is_relative_to(area) for area in self._areas)


def build_questions(
    vault: Vault, bank: str, *, owner: str = ""
) -> tuple[list[Question], dict[str, int], list[NoteProblem]]:
    """Questions of every note with ids and resolved links, counts per note, and problems.

    `owner` is mixed into the ids (see `ids.question_id`).
    """
    ids: dict[str, list[str]] = {}  # note -> the id of each of its questions, in order
    at_line: dict[tuple[str, int], str] = {}  # (note, heading line) -> its question's id
    taken: set[str] = set()
    repeats: dict[str, int] = {}  # the next occurrence of a prompt asked again in its section
    for note in vault.notes:
        rel = note.parsed.rel
        heading_lines = {h.line for h in note.parsed.headings if h.is_question}
        note_ids = ids[rel] = []
        for raw in note.parsed.questions:
            if raw.key is not None:
                qid = keyed_question_id(bank, raw.key, owner=owner)
            else:
                qid = question_id(bank, rel, raw.section, raw.prompt, owner=owner)
            if qid in taken:  # asked again, or a card's reverse side: never two with one id
                base = qid
                occurrence = repeats.get(base, 1)
                qid = question_id(bank, rel, raw.section, raw.prompt, occurrence, owner=owner)
                while qid in taken:
                    occurrence += 1
                    qid = question_id(bank, rel, raw.section, raw.prompt, occurrence, owner=owner)
                repeats[base] = occurrence + 1
            taken.add(qid)
            note_ids.append(qid)
            if raw.line in heading_lines:
                at_line.setdefault((rel, raw.line), qid)
    del taken, repeats
    questions: list[Question] = []
    counts: dict[str, int] = {}
    problems: list[NoteProblem] = []
    for note in vault.notes:
        resolver = _Resolver(vault, note, at_line, problems)
        note_ids = ids.pop(note.parsed.rel)
        for position, raw in enumerate(note.parsed.questions):
            questions.append(resolver.question(raw, bank, position, note_ids[position]))
        counts[note.parsed.rel] = len(note.parsed.questions)
    return questions, counts, problems


class _Resolver:
    def __init__(
        self,
        vault: Vault,
        note: VaultNote,
        ids: dict[tuple[str, int], str],  # (note, line) -> the question there (heading links)
        problems: list[NoteProblem],
    ) -> None:
        self.vault = vault
        self.note = note
        self.ids = ids
        self.problems = problems

    def question(self, raw: RawQuestion, bank: str, position: int, qid: str) -> Question:
        links: list[Link] = []
        reference: str | None = None
        if raw.answer is not None:
            parts = [self._line(line, links, LinkRole.ANSWER) for line in raw.answer]
            reference = "\n".join(parts)
        for line in raw.follow_ups:
            self._line(line, links, LinkRole.FOLLOW_UP)
        rel = self.note.parsed.rel
        return Question(
            id=qid,
            bank=bank,
            section=raw.section,
            number=raw.number,
            prompt=raw.prompt,
            reference=reference,
            source=SourceRef(rel, raw.line + 1),
            key_points=raw.key_points,
            tags=_merge(self.note.parsed.tags, raw.tags),
            links=tuple(links),
            position=position,
        )

    def _line(self, line: AnswerLine, links: list[Link], role: LinkRole) -> str:
        """Record the line's links and return its text with resolved embeds expanded."""
        text = line.text
        if "[[" not in text and "](" not in text:
            return text
        masked = _CODE_SPAN.sub(lambda m: "\0" * len(m.group(0)), text)
        pieces: list[str] = []
        cursor = 0
        for match in WIKI_LINK.finditer(masked):
            raw = text[match.start() : match.end()]
            link, expansion = self._wiki(
                raw, match.group(1) == "!", text[match.start(2) : match.end(2)], line.line + 1, role
            )
            links.append(link)
            pieces.append(text[cursor : match.start()])
            pieces.append(expansion if expansion is not None else raw)
            cursor = match.end()
        pieces.append(text[cursor:])
        for match in MD_IMAGE.finditer(masked):
            target = text[match.start(1) : match.end(1)]
            if "://" in target or target.startswith(("data:", "#", "mailto:")):
                continue
            links.append(
                self._asset(text[match.start() : match.end()], target, line.line + 1, role)
            )
        return "".join(pieces)

    def _wiki(
        self, raw: str, is_embed: bool, inner: str, line: int, role: LinkRole
    ) -> tuple[Link, str | None]:
        target = inner.split("|", 1)[0].strip()
        name, _, heading = target.partition("#")
        name = name.strip()
        heading = heading.strip()
        rel = self.note.parsed.rel
        suffix = PurePosixPath(name).suffix.casefold()
        if is_embed and name and suffix and suffix not in _NOTE_SUFFIXES:
            return self._asset(raw, name, line, role), None
        note = self.note if not name else self.vault.find_note(name)
        kind = LinkKind.HEADING if heading else LinkKind.NOTE
        if note is None:
            what = "embed" if is_embed else "link"
            self.problems.append(
                NoteProblem(
                    rel, line, f"{what} {_clip(raw)}: note {_clip(name)!r} is not in the vault"
                )
            )
            return Link(raw, target, kind, is_embed, line, role), None
        section: tuple[str, ...] = ()
        question: str | None = None
        found: Heading | None = None
        if heading.startswith("^"):
            return self._block(raw, target, note, heading[1:], is_embed, line, role)
        if heading:
            found = self.vault.find_heading(note, heading)
            if found is None:
                what = "embed" if is_embed else "link"
                self.problems.append(
                    NoteProblem(
                        rel, line, f"{what} {raw}: no heading {heading!r} in {note.parsed.rel}"
                    )
                )
                return Link(raw, target, kind, is_embed, line, role, note=note.parsed.rel), None
            section = found.path
            if found.is_question:
                question = self.ids.get((note.parsed.rel, found.line))
        link = Link(
            raw,
            target,
            kind,
            is_embed,
            line,
            role,
            is_resolved=True,
            note=note.parsed.rel,
            section=section,
            question_id=question,
        )
        if not is_embed:
            return link, None
        if note is self.note and found is None:
            return link, None  # a note embedding itself whole: keep the link, do not recurse
        return link, _embedded_text(note.parsed, found)

    def _asset(self, raw: str, name: str, line: int, role: LinkRole) -> Link:
        found = self.vault.find_file(name, self.note.source)
        if found is None:
            self.problems.append(
                NoteProblem(
                    self.note.parsed.rel,
                    line,
                    f"image {_clip(raw)}: file {_clip(name)!r} is not in the vault",
                )
            )
            return Link(raw, name, LinkKind.ASSET, True, line, role)
        return Link(raw, name, LinkKind.ASSET, True, line, role, is_resolved=True, file=str(found))

    def _block(
        self,
        raw: str,
        target: str,
        note: VaultNote,
        name: str,
        is_embed: bool,
        line: int,
        role: LinkRole,
    ) -> tuple[Link, str | None]:
        """`[[Note#^id]]` / `![[Note#^id]]`: an Obsidian block reference."""
        span = note.parsed.block_ids.get(name)
        what = "embed" if is_embed else "link"
        if span is None:
            self.problems.append(
                NoteProblem(
                    self.note.parsed.rel,
                    line,
                    f"{what} {raw}: no block ^{name} in {note.parsed.rel}",
                    kind="missing-heading",
                )
            )
            return Link(
                raw, target, LinkKind.HEADING, is_embed, line, role, note=note.parsed.rel
            ), None
        link = Link(
            raw,
            target,
            LinkKind.HEADING,
            is_embed,
            line,
            role,
            is_resolved=True,
            note=note.parsed.rel,
        )
        if not is_embed:
            return link, None
        lines = [strip_block_id(t) for t in note.parsed.lines[span[0] : span[1]]]
        lines = [t for t in lines if t.strip() != f"^{name}"]
        return link, "\n".join(lines).strip()


def _merge(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return first if not second else tuple(dict.fromkeys((*first, *second)))


def _embedded_text(note: ParsedNote, heading: Heading | None) -> str:
    if heading is None:
        first, last = note.body_start, len(note.lines)
    else:
        first, last = heading.line + 1, heading.end
    lines = list(note.lines[first:last])
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _clip(text: str, limit: int = 80) -> str:
    """A link or name as a report line shows it: a hostile 5,000-character one is cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
