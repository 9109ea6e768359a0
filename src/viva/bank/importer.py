"""Build a bank from note files: read, parse, resolve links. Nothing is stored here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from viva.bank.markdown import parse_note
from viva.bank.models import BankBuild, NoteInfo, NoteProblem, Severity
from viva.bank.reader import NoteFile, NoteText, discover, read_note
from viva.bank.vault import Vault, VaultNote, build_questions
from viva.errors import ImportFailed

Progress = Callable[[int, int], None]


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
) -> BankBuild:
    """Parse the notes and resolve their links into the questions of `bank`."""
    parsed: list[VaultNote] = []
    found: list[NoteProblem] = list(problems)
    for done, text in enumerate(texts, 1):
        note = parse_note(text.text, text.file.rel)
        parsed.append(VaultNote(note, text.file.path))
        found.extend(note.problems)
        if on_progress is not None:
            on_progress(done, len(texts))
    vault = Vault(parsed, other_files, roots=roots)
    questions, counts, link_problems = build_questions(vault, bank)
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
    bank: str, paths: Sequence[Path], *, max_bytes: int, on_progress: Progress | None = None
) -> BankBuild:
    """Discover, read and build in one call (for tests and the built-in bank)."""
    files, others, roots = discover(paths)
    texts, problems = read_notes(files, max_bytes=max_bytes)
    return build_bank(
        bank, texts, other_files=others, roots=roots, problems=problems, on_progress=on_progress
    )
