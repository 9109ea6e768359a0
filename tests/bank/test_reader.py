"""Finding and decoding note files: encodings, binary files, limits, loops, empty vaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import write
from viva.bank.models import NoteProblem, Severity
from viva.bank.reader import NoteFile, NoteText, decode_text, discover, read_note
from viva.errors import ImportFailed

NOTE = "## 基础\n\n1. 什么是过拟合？\n> 模型在训练集上表现好、测试集上差。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (NOTE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + NOTE.encode("utf-8"), "utf-8"),
        (NOTE.encode("utf-16"), "utf-16-le"),
        (NOTE.encode("gbk"), "gb18030"),
        (NOTE.encode("gb18030"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "gbk", "gb18030"],
)
def test_decode_text_reads_common_note_encodings(data: bytes, encoding: str) -> None:
    decoded = decode_text(data)
    assert decoded == (NOTE, encoding)


def test_decode_text_normalises_windows_newlines() -> None:
    assert decode_text(NOTE.replace("\n", "\r\n").encode("gbk")) == (NOTE, "gb18030")


def test_decode_text_refuses_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert decode_text(png) is None


def test_read_note_refuses_a_file_over_the_limit_with_its_size(tmp_path: Path) -> None:
    path = write(tmp_path / "big.md", "x" * 3000)
    result = read_note(NoteFile(path, "big.md", True), max_bytes=1024 * 1024 // 1000)
    assert isinstance(result, NoteProblem)
    assert result.severity is Severity.SKIPPED
    assert result.file == "big.md"
    assert "too large: 0.0 MB" in result.message
    assert "VIVA_MAX_NOTE_MB" in result.message


def test_discover_walks_vault_skipping_hidden_folders(vault: Path) -> None:
    write(vault / "a.md", NOTE)
    write(vault / "sub" / "b.markdown", NOTE)
    write(vault / "sub" / "c.txt", NOTE)
    write(vault / ".obsidian" / "workspace.md", NOTE)
    write(vault / ".trash" / "old.md", NOTE)
    write(vault / "img.svg", "<svg/>")
    notes, others, roots = discover([vault])
    assert [n.rel for n in notes] == ["a.md", "sub/b.markdown", "sub/c.txt"]
    assert [p.name for p in others] == ["img.svg"]
    assert roots == [str(vault.resolve())]


def test_discover_takes_an_explicit_file_of_any_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.interview", NOTE)
    notes, _, _ = discover([path])
    assert [(n.rel, n.is_explicit) for n in notes] == [("notes.interview", True)]


def test_discover_survives_symlink_loops(vault: Path) -> None:
    write(vault / "a" / "n.md", NOTE)
    os.symlink(vault, vault / "a" / "loop")
    os.symlink(vault / "a", vault / "a" / "self")
    notes, _, _ = discover([vault])
    assert "a/n.md" in [n.rel for n in notes]
    assert len(notes) <= 3


def test_discover_says_so_for_an_empty_vault(vault: Path) -> None:
    write(vault / "picture.png", "not a note")
    with pytest.raises(ImportFailed, match="no notes found in"):
        discover([vault])


def test_discover_reports_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="does not exist"):
        discover([tmp_path / "nope"])


def test_read_note_returns_text_and_hash(tmp_path: Path) -> None:
    path = write(tmp_path / "n.md", NOTE, encoding="gb18030")
    result = read_note(NoteFile(path, "n.md", True), max_bytes=10_000)
    assert isinstance(result, NoteText)
    assert result.text == NOTE
    assert len(result.sha256) == 64
