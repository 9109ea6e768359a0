"""Uploaded notes: what is accepted, where it is kept, and the checks a zip must pass.

Accepted: Markdown/text notes and zip archives of a vault. A zip is refused whole when an entry
escapes the folder (`..`, an absolute path, a drive letter), is a symlink, or when the entries
would unpack to more than the upload limit (a zip bomb). Only notes and the images notes embed
are unpacked. An upload is unpacked into `.staging/` first and moved to
`users/<user>/uploads/<bank>/<its name>-<hash>/` only once its import (a job, see
`service.jobs`) is committed; a refused or failed upload leaves nothing behind. Each upload
keeps its own folder and its notes are named under the archive (`vault.zip/ML.md`), so two
archives never overwrite each other, and a re-upload of the same archive is what updates and
retires its questions, like a re-import of a folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from fastapi import UploadFile

from viva.errors import VivaError
from viva.service.bank import StagedNotes
from viva.service.jobs import STAGING

if TYPE_CHECKING:
    from viva.service import Job, Viva

NOTE_SUFFIXES = {".md", ".markdown", ".txt"}
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
MAX_ZIP_ENTRIES = 20_000
MAX_NAME = 120  # characters of an uploaded file's name (file systems allow 255 bytes)
STALE_SECONDS = 3600  # a staged upload this old was cut short (the server was killed)


class UploadError(VivaError):
    """An upload that cannot be imported: nothing was written."""

    http_status = 400


class UploadTooLarge(UploadError):
    """Over the configured size limit."""

    http_status = 413


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file, read into memory within the size limit."""

    filename: str
    data: bytes


def _safe_name(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()
    if not name or name in {".", ".."} or name.startswith("."):
        raise UploadError(
            f"{filename[:80]!r} is not a usable file name",
            hint="rename the file and upload it again",
        )
    if len(name) > MAX_NAME or any(not c.isprintable() for c in name):
        raise UploadError(
            f"the file name {name[:40]!r}... is too long or unprintable "
            f"({len(name)} characters; at most {MAX_NAME})",
            hint="rename the file and upload it again",
        )
    return name


def _check_kind(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in NOTE_SUFFIXES | {".zip"}:
        raise UploadError(
            f"{name}: only Markdown/text notes (.md, .markdown, .txt) and .zip vaults can be "
            f"imported (not {suffix or 'a file without extension'})",
            hint="export the notes as Markdown, or zip the vault folder",
        )
    return suffix


def _zip_members(
    archive: zipfile.ZipFile, name: str, limit: int
) -> list[tuple[zipfile.ZipInfo, str]]:
    """The entries to unpack, every entry checked first (nothing is unpacked on a failure)."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadError(f"{name}: {len(infos)} entries (at most {MAX_ZIP_ENTRIES})")
    total = 0
    keep: list[tuple[zipfile.ZipInfo, str]] = []
    for info in infos:
        raw = info.filename.replace("\\", "/")
        path = PurePosixPath(raw)
        if raw.startswith("/") or ".." in path.parts or (len(raw) > 1 and raw[1] == ":"):
            raise UploadError(
                f"{name}: the entry {info.filename!r} points outside the archive's folder",
                hint="zip the vault folder itself; archives with such paths are refused",
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UploadError(f"{name}: the entry {info.filename!r} is a symbolic link")
        total += info.file_size
        if total > limit:
            raise UploadTooLarge(
                f"{name} unpacks to more than {limit // (1024 * 1024)} MB",
                hint="upload the notes only, or raise VIVA_MAX_UPLOAD_MB",
            )
        if info.is_dir() or any(p.startswith(".") for p in path.parts):
            continue  # folders are made as needed; .obsidian/ and .trash/ are not notes
        if path.suffix.lower() in NOTE_SUFFIXES | ASSET_SUFFIXES:
            keep.append((info, "/".join(path.parts)))
    return keep


def _unpack(
    archive: zipfile.ZipFile, members: list[tuple[zipfile.ZipInfo, str]], target: Path, limit: int
) -> None:
    written = 0
    for info, relative in members:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, destination.open("wb") as out:
            while chunk := source.read(1 << 16):
                written += len(chunk)
                if written > limit:  # the sizes in the directory can lie
                    raise UploadTooLarge(
                        "the archive unpacks to more than its directory says",
                        hint="the zip is damaged or crafted; it was refused",
                    )
                out.write(chunk)


def stage_uploads(
    uploads: list[Upload], *, staging: Path, folder: Path, limit: int
) -> list[StagedNotes]:
    """Check every upload, then unpack each into a folder of its own under `staging`.

    Each upload is bound for `folder/<its name>-<hash>/`: an archive's notes are named under
    the archive (`vault.zip/ML.md`), so two archives never overwrite each other, and only a
    re-upload of the same archive replaces them. Nothing is written under `folder` here (the
    service moves the staged copies in once their import is committed), and on any failure
    the staged copies are removed.
    """
    if not uploads:
        raise UploadError("no file was uploaded", hint="choose .md files or a .zip of your vault")
    if sum(len(u.data) for u in uploads) > limit:
        raise UploadTooLarge(
            f"the upload is over {limit // (1024 * 1024)} MB", hint="raise VIVA_MAX_UPLOAD_MB"
        )
    plans: list[tuple[str, Upload, list[tuple[zipfile.ZipInfo, str]] | None]] = []
    for upload in uploads:
        name = _safe_name(upload.filename)
        if _check_kind(name) == ".zip":
            with _damaged(name):
                archive = zipfile.ZipFile(io.BytesIO(upload.data))
                plans.append((name, upload, _zip_members(archive, name, limit)))
        else:
            if b"\x00" in upload.data[:8192] and not upload.data.startswith(
                (b"\xff\xfe", b"\xfe\xff")
            ):
                raise UploadError(f"{name} is not a text file", hint="upload Markdown notes")
            plans.append((name, upload, None))
    _sweep(staging)
    staging.mkdir(parents=True, exist_ok=True)
    batch = Path(tempfile.mkdtemp(dir=staging, prefix="upload-"))
    staged: list[StagedNotes] = []
    try:
        for name, upload, members in plans:
            key = _folder_name(name)
            if members is None:
                (batch / key).mkdir()
                (batch / key / name).write_bytes(upload.data)
                staged.append(StagedNotes(batch / key / name, folder / key / name))
                continue
            target = batch / key
            target.mkdir()
            with _damaged(name), zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
                _unpack(archive, members, target, limit)
            if not any(p.suffix.lower() in NOTE_SUFFIXES for p in target.rglob("*")):
                raise UploadError(f"{name} contains no Markdown notes")
            staged.append(StagedNotes(target, folder / key, prefix=name))
    except BaseException:
        shutil.rmtree(batch, ignore_errors=True)
        raise
    return staged


@contextmanager
def _damaged(name: str) -> Iterator[None]:
    """A damaged or crafted archive (sizes or checksums that lie) is the user's to fix: 400."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as err:
        raise UploadError(
            f"{name} is not a valid zip archive ({err})",
            hint="the zip is damaged or uses a method Viva cannot unpack; zip the folder again",
        ) from None


def _sweep(staging: Path) -> None:
    """Remove what an upload cut short (a killed server) left in the staging folder."""
    if not staging.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for entry in staging.iterdir():
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)


async def read_uploads(files: list[UploadFile], limit: int) -> list[Upload]:
    """The uploaded files, refused as soon as they pass the size limit."""
    out: list[Upload] = []
    total = 0
    for file in files:
        chunks = []
        while chunk := await file.read(1 << 20):
            total += len(chunk)
            if total > limit:
                raise UploadTooLarge(
                    f"the upload is over {limit // (1024 * 1024)} MB",
                    hint="upload fewer files, or raise VIVA_MAX_UPLOAD_MB",
                )
            chunks.append(chunk)
        out.append(Upload(file.filename or "", b"".join(chunks)))
    return out


def submit_uploads(viva: Viva, uploads: list[Upload], bank: str) -> Job:
    """Stage the uploads and hand their import to a job, which moves them under `uploads/`
    once committed (and removes the staged copies whatever happens)."""
    staged = stage_uploads(
        uploads,
        staging=viva.settings.home / STAGING,
        folder=viva.uploads_dir / _folder_name(bank),
        limit=viva.settings.max_upload_bytes,
    )
    return viva.submit_import(staged, bank=bank)


def _folder_name(name: str) -> str:
    """A file-system-safe folder name for a bank or an upload, distinct for distinct names."""
    safe = re.sub(r"[^\w.-]+", "_", name).strip("._") or "upload"
    return f"{safe[:40]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
