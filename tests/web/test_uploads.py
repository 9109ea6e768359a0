"""What an upload may contain and where it lands (no server needed)."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from viva.service.bank import StagedNotes
from viva.web.uploads import Upload, UploadError, UploadTooLarge, stage_uploads

LIMIT = 1024 * 1024


def store_uploads(uploads: list[Upload], folder: Path, limit: int) -> list[StagedNotes]:
    """Stage under `folder`'s parent, bound for `folder` (nothing is written there)."""
    return stage_uploads(uploads, staging=folder.parent / ".staging", folder=folder, limit=limit)


def make_zip(entries: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_notes_and_vaults_are_staged_each_in_a_folder_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    first = make_zip({"v/a.md": b"# A", "v/img.png": b"png", "v/run.sh": b"rm -rf /"})
    vault, note = store_uploads(
        [Upload("vault.zip", first), Upload("one.md", b"# one")], folder, LIMIT
    )
    assert vault.final.parent == folder
    assert vault.final.name.startswith("vault.zip-")
    assert vault.prefix == "vault.zip"
    assert sorted(p.name for p in vault.staged.rglob("*") if p.is_file()) == ["a.md", "img.png"]
    assert note.final.parent.parent == folder
    assert note.final.name == "one.md"
    assert note.staged.read_bytes() == b"# one"
    assert note.prefix == ""
    assert not folder.exists()  # nothing is placed before the import is committed


@pytest.mark.parametrize(
    ("entries", "symlink", "message"),
    [
        ({"../evil.md": b"x"}, None, "outside"),
        ({"a/../../evil.md": b"x"}, None, "outside"),
        ({"/abs.md": b"x"}, None, "outside"),
        ({"C:/win.md": b"x"}, None, "outside"),
        ({"ok.md": b"x"}, "link.md", "symbolic link"),
        ({"pic.png": b"x"}, None, "no Markdown"),
    ],
)
def test_bad_archives_write_nothing(
    tmp_path: Path, entries: dict[str, bytes], symlink: str | None, message: str
) -> None:
    folder = tmp_path / "uploads"
    with pytest.raises(UploadError, match=message):
        store_uploads(
            [Upload("fine.md", b"# fine"), Upload("v.zip", make_zip(entries, symlink))],
            folder,
            LIMIT,
        )
    assert not folder.exists()
    assert not any((tmp_path / ".staging").rglob("*.md"))  # the staged note went too
    assert not (tmp_path / "evil.md").exists()


def test_sizes_are_limited_packed_and_unpacked(tmp_path: Path) -> None:
    with pytest.raises(UploadTooLarge):
        store_uploads([Upload("big.md", b"x" * (LIMIT + 1))], tmp_path, LIMIT)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.md", b"0" * (5 * LIMIT))
    assert len(bomb.getvalue()) < LIMIT
    with pytest.raises(UploadTooLarge, match="unpacks"):
        store_uploads([Upload("bomb.zip", bomb.getvalue())], tmp_path, LIMIT)


@pytest.mark.parametrize("name", ["photo.jpg", "notes", ".hidden.md", "run.exe"])
def test_only_notes_and_zips(tmp_path: Path, name: str) -> None:
    with pytest.raises(UploadError):
        store_uploads([Upload(name, b"# x")], tmp_path, LIMIT)


def test_binary_pretending_to_be_a_note(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="not a text file"):
        store_uploads([Upload("x.md", b"\x00\x01" * 100)], tmp_path, LIMIT)
    utf16 = "# 标题\n".encode("utf-16")
    assert store_uploads([Upload("u16.md", utf16)], tmp_path, LIMIT)[0].staged.read_bytes() == utf16
