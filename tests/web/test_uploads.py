"""What an upload may contain and where it lands (no server needed)."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from viva.web.uploads import Upload, UploadError, UploadTooLarge, store_uploads

LIMIT = 1024 * 1024


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


def test_notes_and_vaults_are_placed_and_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    first = make_zip({"v/a.md": b"# A", "v/img.png": b"png", "v/run.sh": b"rm -rf /"})
    paths = store_uploads([Upload("vault.zip", first), Upload("one.md", b"# one")], folder, LIMIT)
    assert paths == [folder / "vault", folder / "one.md"]
    assert sorted(p.name for p in (folder / "vault").rglob("*") if p.is_file()) == [
        "a.md",
        "img.png",
    ]
    second = make_zip({"v/b.md": b"# B"})
    store_uploads([Upload("vault.zip", second)], folder, LIMIT)
    assert [p.name for p in (folder / "vault").rglob("*.md")] == ["b.md"]  # a.md is gone
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging left


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
    assert not (folder / "fine.md").exists() or message == "no Markdown"
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
    assert store_uploads([Upload("u16.md", utf16)], tmp_path, LIMIT)[0].read_bytes() == utf16
