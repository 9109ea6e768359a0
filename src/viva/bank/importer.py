"""Build a bank from note files: read, parse, resolve links. Nothing is stored here."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from viva.bank.markdown import ParsedNote, QuestionMode, parse_note
from viva.bank.models import BankBuild, NoteInfo, NoteProblem, Severity
from viva.bank.reader import NoteFile, NoteText, discover, read_note
from viva.bank.vault import Vault, VaultNote, build_questions
from viva.errors import ImportFailed

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user chose: which shapes make questions, which notes give them."""

    questions: QuestionMode = QuestionMode.AUTO
    include: tuple[str, ...] = ()  # globs on the vault path ("interview/**") or "#tag"
    exclude: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        """True when nothing was chosen (an unchanged vault can then skip parsing)."""
        return self == ImportOptions()

    def selects(self, note: ParsedNote) -> bool:
        """True when the note's questions are imported (excluded notes still resolve links)."""
        if self.include and not any(_matches(p, note) for p in self.include):
            return False
        return not any(_matches(p, note) for p in self.exclude)


def _matches(pattern: str, note: ParsedNote) -> bool:
    if pattern.startswith("#"):
        wanted = pattern[1:].casefold()
        return any(
            t.casefold() == wanted or t.casefold().startswith(wanted + "/") for t in note.tags
        )
    name = note.rel.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(note.rel, pattern) or fnmatch.fnmatchcase(name, pattern)


def read_notes(
    files: Sequence[NoteFile], *, max_bytes: int, on_progress: Progress | None = None
) -> tuple[list[NoteText], list[NoteProblem]]:
    """Read and decode every file; a file named explicitly that cannot be read stops the import.

    Raises:
        ImportFailed: a file the user named is binary, undecodable or too large.
    """
    texts: list[NoteText] = []
    problems: list[NoteProblem] = []
    for done, file in enumerate(files, 1):
        result = read_note(file, max_bytes=max_bytes)
        if isinstance(result, NoteProblem):
            if file.is_explicit:
                raise ImportFailed(
                    f"{file.path}: {result.message}",
                    hint="nothing was imported; fix or leave out this file",
                )
            problems.append(result)
        else:
            texts.append(result)
        if on_progress is not None:
            on_progress(done, len(files))
    return texts, problems


def build_bank(
    bank: str,
    texts: Sequence[NoteText],
    *,
    other_files: Sequence[Path] = (),
    roots: Sequence[str] = (),
    problems: Sequence[NoteProblem] = (),
    on_progress: Progress | None = None,
    options: ImportOptions | None = None,
    read: Mapping[str, ParsedNote] | None = None,
    owner: str = "",
) -> BankBuild:
    """Parse the notes and resolve their links into the questions of `bank`.

    `read` holds notes already read by another reader (an Anki deck: `anki_notes.py`), by
    vault path: they are used as they are, not parsed as Markdown. `owner` is mixed into the
    question ids (two users' banks of one name must not share ids; see `ids.question_id`).
    """
    options = options or ImportOptions()
    parsed: list[VaultNote] = []
    kept: list[NoteText] = []
    found: list[NoteProblem] = list(problems)
    for done, text in enumerate(texts, 1):
        given = read.get(text.file.rel) if read else None
        note = given or parse_note(text.text, text.file.rel, options.questions)
        if options.selects(note):
            parsed.append(VaultNote(note, text.file.path))
            kept.append(text)
            found.extend(note.problems)
        else:  # left out: its headings and blocks still answer links from the notes kept
            parsed.append(VaultNote(_without_questions(note), text.file.path))
        if on_progress is not None:
            on_progress(done, len(texts))
    vault = Vault(parsed, other_files, roots=roots)
    selected = {t.file.rel for t in kept}
    questions, counts, link_problems = build_questions(vault, bank, owner=owner)
    found.extend(link_problems)
    notes = tuple(
        NoteInfo(
            path=text.file.rel,
            source=str(text.file.path),
            sha256=text.sha256,
            title=note.parsed.title,
            tags=note.parsed.tags,
            question_count=counts.get(text.file.rel, 0),
        )
        for text, note in zip(texts, parsed, strict=True)
        if text.file.rel in selected
    )
    found.sort(key=lambda p: (p.severity != Severity.SKIPPED, p.file, p.line or 0))
    return BankBuild(
        bank=bank,
        notes=notes,
        questions=tuple(questions),
        problems=tuple(found),
        roots=tuple(roots),
    )


def build_from_paths(
    bank: str,
    paths: Sequence[Path],
    *,
    max_bytes: int,
    on_progress: Progress | None = None,
    options: ImportOptions | None = None,
) -> BankBuild:
    """Discover, read and build in one call (for tests and the built-in bank)."""
    files, others, roots = discover(paths)
    texts, problems = read_notes(files, max_bytes=max_bytes)
    return build_bank(
        bank,
        texts,
        other_files=others,
        roots=roots,
        problems=problems,
        on_progress=on_progress,
        options=options,
    )


def _without_questions(note: ParsedNote) -> ParsedNote:
    from dataclasses import replace

    headings = tuple(replace(h, is_question=False) for h in note.headings)
    return replace(note, questions=(), problems=(), headings=headings)
