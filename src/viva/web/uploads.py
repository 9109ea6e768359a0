"""Uploaded notes: what is accepted, where it is kept, and the checks a zip must pass.

Accepted: Markdown/text notes and zip archives of a vault. A zip is refused whole when an entry
escapes the folder (`..`, an absolute path, a drive letter), is a symlink, or when the entries
would unpack to more than the upload limit (a zip bomb). Only notes and the images notes embed
are unpacked. Uploads are kept under the data dir (`uploads/<bank>/`), so the question pages can
name their source file and a re-upload of the same vault updates and retires questions like a
re-import of a folder does.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from fastapi import Request, UploadFile

from viva.errors import VivaError
from viva.web.context import viva_of

if TYPE_CHECKING:
    from viva.service import ImportReport

NOTE_SUFFIXES = {".md", ".markdown", ".txt"}
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
MAX_ZIP_ENTRIES = 20_000


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
            f"{filename!r} is not a usable file name", hint="rename the file and upload it again"
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


def store_uploads(uploads: list[Upload], folder: Path, limit: int) -> list[Path]:
    """Check every upload, then place them under `folder`; returns the paths to import.

    A note replaces the file of the same name; a zip replaces the folder named after it. All
    checks run before anything is written, and each placement is a rename of a finished copy.
    """
    if not uploads:
        raise UploadError("no file was uploaded", hint="choose .md files or a .zip of your vault")
    if sum(len(u.data) for u in uploads) > limit:
        raise UploadTooLarge(
            f"the upload is over {limit // (1024 * 1024)} MB", hint="raise VIVA_MAX_UPLOAD_MB"
        )
    import io

    plans: list[tuple[str, Upload, list[tuple[zipfile.ZipInfo, str]] | None]] = []
    for upload in uploads:
        name = _safe_name(upload.filename)
        if _check_kind(name) == ".zip":
            try:
                archive = zipfile.ZipFile(io.BytesIO(upload.data))
            except zipfile.BadZipFile:
                raise UploadError(f"{name} is not a valid zip archive") from None
            plans.append((name, upload, _zip_members(archive, name, limit)))
        else:
            if b"\x00" in upload.data[:8192] and not upload.data.startswith(
                (b"\xff\xfe", b"\xfe\xff")
            ):
                raise UploadError(f"{name} is not a text file", hint="upload Markdown notes")
            plans.append((name, upload, None))
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, upload, members in plans:
        if members is None:
            target = folder / name
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as part:
                part.write(upload.data)
            Path(part.name).replace(target)
            paths.append(target)
            continue
        target = folder / PurePosixPath(name).stem
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".unpack-"))
        try:
            with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
                _unpack(archive, members, staging, limit)
            if not any(p.suffix.lower() in NOTE_SUFFIXES for p in staging.rglob("*")):
                raise UploadError(f"{name} contains no Markdown notes")
            old = None
            if target.exists():
                old = folder / f".old-{target.name}"
                shutil.rmtree(old, ignore_errors=True)
                target.rename(old)
            staging.rename(target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        paths.append(target)
    return paths


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


def import_uploads(request: Request, uploads: list[Upload], bank: str) -> ImportReport:
    """Place the uploads under the data dir and import them."""
    viva = viva_of(request)
    folder = viva.settings.home / "uploads" / _folder_name(bank)
    paths = store_uploads(uploads, folder, viva.settings.max_upload_bytes)
    return viva.import_notes(paths, bank=bank)


def _folder_name(bank: str) -> str:
    import hashlib
    import re

    safe = re.sub(r"[^\w.-]+", "_", bank).strip("._") or "bank"
    return f"{safe[:40]}-{hashlib.sha256(bank.encode()).hexdigest()[:8]}"
