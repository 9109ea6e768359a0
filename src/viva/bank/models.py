"""Domain objects of the question bank (frozen; change them with `dataclasses.replace`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class KeyPointKind(StrEnum):
    """Where a key point came from in the author's note."""

    HIGHLIGHT = "highlight"  # ==text==: the author's own mark
    BOLD = "bold"  # a list item or paragraph led by **bold**
    LIST_ITEM = "list_item"  # a top-level item of the answer's list
    STUDENT = "student"  # written or reworded by the student in Viva (bank/edits.py)


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer should say (a hint from the note; the grader refines it)."""

    text: str
    kind: KeyPointKind


class LinkKind(StrEnum):
    """What a link in a note points at."""

    HEADING = "heading"  # [[#Heading]] or [[Note#Heading]]
    NOTE = "note"  # [[Note]]
    ASSET = "asset"  # ![[image.svg]] or ![alt](path)


class LinkRole(StrEnum):
    """Where the link stands relative to the answer."""

    ANSWER = "answer"  # inside the reference answer
    FOLLOW_UP = "follow_up"  # on a "延伸：/See also:" line after it: a thread to follow


@dataclass(frozen=True, slots=True)
class Link:
    """A wiki link, embed or image found in a question's answer, resolved against the vault."""

    raw: str  # exactly as written: "![[LLM-Survey#主流架构]]"
    target: str  # "LLM-Survey#主流架构", "#Transformer", "cnn.svg"
    kind: LinkKind
    is_embed: bool
    line: int  # 1-based line in the source file
    role: LinkRole = LinkRole.ANSWER
    is_resolved: bool = False
    note: str | None = None  # vault-relative path of the target note
    section: tuple[str, ...] = ()  # heading path of the target inside that note
    question_id: str | None = None  # when the target heading is itself a question
    file: str | None = None  # assets: absolute path of the file found in the vault


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a question lives: vault-relative file path and 1-based line."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Question:
    """One interview question with the reference answer a student is graded against."""

    id: str  # stable across re-imports: see ids.question_id
    bank: str
    section: tuple[str, ...]  # heading path, outermost first
    number: str | None  # the author's label ("4" may be missing: it is not an index)
    prompt: str
    reference: str | None  # Markdown, embeds expanded; None when the note has no answer yet
    source: SourceRef
    key_points: tuple[KeyPoint, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    position: int = 0  # order within the note
    edited: tuple[str, ...] = ()  # the fields the student changed in Viva (bank/edits.py)

    @property
    def is_edited(self) -> bool:
        """True when the student changed this question in Viva (the note says otherwise)."""
        return bool(self.edited)

    @property
    def has_reference(self) -> bool:
        """True when there is an answer to grade against."""
        return bool(self.reference and self.reference.strip())

    @property
    def answered_by(self) -> Link | None:
        """The section or question link that *is* the answer ("[[#Transformer]]"), if any."""
        if self.reference is None:
            return None
        answer_links = [link for link in self.links if link.role is LinkRole.ANSWER]
        if len(answer_links) == 1 and self.reference.strip() == answer_links[0].raw:
            link = answer_links[0]
            if not link.is_embed and link.kind is LinkKind.HEADING:
                return link
        return None


class Severity(StrEnum):
    """How bad an import problem is."""

    WARNING = "warning"  # imported, but something is missing or unresolved
    SKIPPED = "skipped"  # the file was not imported


@dataclass(frozen=True, slots=True)
class NoteProblem:
    """Something the importer could not do, with its file and line for the report."""

    file: str
    line: int | None
    message: str
    severity: Severity = Severity.WARNING
    kind: str | None = None  # groups the report ("missing-asset", "front-matter", …)

    @property
    def category(self) -> str:
        """The kind of problem, for grouping reports (inferred for problems made without one)."""
        if self.kind:
            return self.kind
        if self.severity is Severity.SKIPPED:
            return "skipped-file"
        message = self.message
        if message.startswith("image "):
            return "missing-asset"
        if "no heading" in message or "no block" in message:
            return "missing-heading"
        if "is not in the vault" in message:
            return "missing-note"
        if "front matter" in message:
            return "front-matter"
        return "other"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class NoteInfo:
    """One imported note file."""

    path: str  # vault-relative, "/"-separated
    source: str  # absolute path on disk when imported
    sha256: str
    title: str
    tags: tuple[str, ...] = ()
    question_count: int = 0


@dataclass(frozen=True, slots=True)
class BankBuild:
    """Everything an import produced, before it is stored."""

    bank: str
    notes: tuple[NoteInfo, ...]
    questions: tuple[Question, ...]
    problems: tuple[NoteProblem, ...] = ()
    roots: tuple[str, ...] = field(default=())  # absolute folders/files the import covered
