"""Find note files in the paths a user gives and decode them to text.

Content decides, not the extension: an explicitly named file of any name is read if it is text.
Folders are walked recursively for `.md`, `.markdown` and `.txt`, skipping hidden folders such as
`.obsidian/` and `.trash/`, and following symlinks without looping.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from viva.bank.models import NoteProblem, Severity
from viva.errors import ImportFailed

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
DAMAGED_UTF8 = "utf-8 (invalid bytes replaced)"  # the encoding of a note decoded with U+FFFD


@dataclass(frozen=True, slots=True)
class NoteFile:
    """A file to import: where it is on disk and its path inside the vault."""

    path: Path  # absolute
    rel: str  # vault-relative, "/"-separated: part of every question id
    is_explicit: bool  # named by the user (not found by walking a folder)


@dataclass(frozen=True, slots=True)
class NoteText:
    """A decoded note."""

    file: NoteFile
    text: str
    sha256: str
    encoding: str


def discover(paths: Sequence[Path]) -> tuple[list[NoteFile], list[Path], list[str]]:
    """List the note files under `paths`.

    Returns the notes, every other (non-hidden) file seen in the folders (asset candidates) and
    the absolute roots the import covers.

    Raises:
        ImportFailed: a path does not exist, or nothing importable was found.
    """
    notes: list[NoteFile] = []
    others: list[Path] = []
    roots: list[str] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise ImportFailed(
                f"{str(given)!r} does not exist",
                hint="give a note file or a folder of notes (an Obsidian vault)",
            )
        path = path.resolve()
        roots.append(str(path))
        if path.is_file():
            if path not in seen:
                seen.add(path)
                notes.append(NoteFile(path=path, rel=path.name, is_explicit=True))
            continue
        for file in _walk(path):
            if file in seen:
                continue
            seen.add(file)
            if file.suffix.lower() in NOTE_SUFFIXES:
                rel = file.relative_to(path).as_posix() if file.is_relative_to(path) else file.name
                notes.append(NoteFile(path=file, rel=rel, is_explicit=False))
            else:
                others.append(file)
    if not notes:
        shown = ", ".join(str(p) for p in paths)
        raise ImportFailed(
            f"no notes found in {shown}",
            hint="Viva reads .md, .markdown and .txt files (hidden folders are skipped)",
        )
    notes.sort(key=lambda n: n.rel)
    return notes, others, roots


def _walk(root: Path) -> Iterable[Path]:
    """Files under `root`, following symlinks but never entering a folder twice."""
    visited: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            stat = folder.stat()
        except OSError:
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in visited:
            continue
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    stack.append(Path(entry.path))
                elif entry.is_file():
                    # keep the path as the vault shows it (under the root), not the link target
                    yield Path(entry.path)
            except OSError:
                continue


def read_note(file: NoteFile, *, max_bytes: int) -> NoteText | NoteProblem:
    """Read and decode one note, or say why it was skipped."""
    try:
        size = file.path.stat().st_size
    except OSError as err:
        return NoteProblem(file.rel, None, f"cannot read: {err.strerror}", Severity.SKIPPED)
    if size > max_bytes:
        return NoteProblem(
            file.rel,
            None,
            f"too large: {size / 1024 / 1024:.1f} MB (limit {max_bytes / 1024 / 1024:.0f} MB; "
            "set VIVA_MAX_NOTE_MB to raise it)",
            Severity.SKIPPED,
        )
    try:
        data = file.path.read_bytes()
    except OSError as err:
        return NoteProblem(file.rel, None, f"cannot read: {err.strerror}", Severity.SKIPPED)
    decoded = decode_text(data)
    if decoded is None:
        return NoteProblem(
            file.rel,
            None,
            "not a text file (binary or unknown encoding); save it as UTF-8 to import it",
            Severity.SKIPPED,
        )
    text, encoding = decoded
    return NoteText(
        file=file, text=text, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding
    )


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Decode note bytes: BOMs first, then UTF-8, then GB18030 (Chinese), then a detector.

    Returns the text (newlines normalised, BOM removed) and the encoding, or None for binary or
    undecodable data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data[len(bom) :].decode(encoding)), encoding
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None  # UTF-16 without a BOM is vanishingly rare in notes; binary is not
    try:
        return _normalise(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    if sum(1 for c in replaced if ord(c) > 127) - bad >= 10 * bad:
        # UTF-8 with a few broken bytes (a cut copy, a bad sync): other codecs would turn
        # every Chinese character into garbage; the importer warns where the bytes were
        return _normalise(replaced), DAMAGED_UTF8
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_chinese(text):
        return _normalise(text), "gb18030"
    from charset_normalizer import from_bytes  # deferred: only for non-UTF-8 files

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    decoded = str(best)
    if not _looks_textual(decoded):
        return None
    return _normalise(decoded), str(best.encoding)


def _looks_chinese(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    cjk = sum(
        1
        for c in non_ascii
        if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
    )
    return cjk / len(non_ascii) >= 0.6


def _looks_textual(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return controls / len(text) < 0.01


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
