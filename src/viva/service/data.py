"""The student's data stays theirs: everything of a user as a zip, and deleting an account.

The rows come from the schema walk in `store.ownership` (every table with a `user_id`, and
the bank content hanging off the user's banks), so a table added later is covered too. The
files are everything under the user's folder (`<data>/users/<name>/`: recordings, uploaded
notes, graded batches) and the images their notes embed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from viva import __version__
from viva.errors import VivaError
from viva.service.preferences import now_utc

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from viva.config import Settings
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.accounts import Account

FORMAT = "viva-data-export"
VERSION = 1
DELETED_PREFIX = ".deleted-"  # a deleted user's folder, until it is removed (no name starts so)
_PACKED = {".webm", ".ogg", ".mp3", ".m4a", ".aac", ".flac", ".png", ".jpg", ".jpeg", ".gif"}
_SKIPPED = {".incoming"}  # recordings in flight: not the user's yet

Progress = Callable[[int, int], None]

README = """\
Viva — 导出的数据 / exported data
==================================

用户 / user: {user}
导出时间 / exported at: {at} (UTC)
Viva 版本 / version: {version}

这个压缩包里有 Viva 保存的、属于你的全部数据。
This archive holds everything Viva keeps that is yours.

data.json
    你在数据库中的每一行数据，按表分组（题库、笔记、章节、题目、要点、复习记录、记忆状态、
    模拟面试、进行中的面试、校准样例与申诉、偏好设置、校准、FSRS 参数、录音信息、任务、账号）。
    账号不含密码哈希，登录会话不含令牌哈希。时间均为 UTC（ISO 8601）。
    Every database row of yours, grouped by table (banks, notes, sections, questions, key
    points, reviews, memory states, mock interviews, interviews in progress, calibration
    examples and disputed grades, preferences, calibration, FSRS parameters, recordings'
    details, jobs, the account). The account has no password hash and the sessions no token
    hash. Times are UTC (ISO 8601).

notes/<题库 bank>/<路径 path>
    从命令行导入的笔记文件（本机使用时；仍在原处的才会包含）。
    The note files you imported from the command line (personal use; those still where they
    were imported from).

files/
    你的文件夹里的全部文件：录音（recordings/）、网页上传的笔记（uploads/）、批量评分结果
    （batches/）。
    Everything in your folder: recorded answers (recordings/), notes uploaded in the web app
    (uploads/), graded batches (batches/).

assets/
    笔记中嵌入的图片。
    The images your notes embed.

在 Viva 中重新导入笔记：viva import notes/   (re-import the notes: viva import notes/)
"""


@dataclass(frozen=True, slots=True)
class DataExport:
    """What `viva export data` wrote."""

    path: Path
    tables: int  # tables with rows of the user
    rows: int
    notes: int  # notes in the user's banks
    files: int  # from the user's folder, note files, embedded images
    bytes: int  # the zip's size


@dataclass(frozen=True, slots=True)
class DeletedAccount:
    """What deleting an account removed."""

    name: str
    rows: dict[str, int]  # per table
    files: int


def user_folder(settings: Settings, name: str) -> Path:
    """Where a user's files live: `<data>/users/<name>/`."""
    return settings.home / "users" / name


def _safe_part(part: str) -> str:
    cleaned = re.sub(r'[\x00-\x1f<>:"|?*\\]', "_", part).strip()
    return "_" if cleaned in {"", ".", ".."} else cleaned[:120]


def _entry(*parts: str) -> str:
    """A zip entry name from untrusted parts: no absolute path, no `..`, no drive letter."""
    pieces: list[str] = []
    for part in parts:
        pieces.extend(_safe_part(p) for p in PurePosixPath(part.replace("\\", "/")).parts)
    return "/".join(p for p in pieces if p != "/")


def _files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not path.is_symlink() and not (set(relative.parts) & _SKIPPED):
            yield path


def _compression(path: Path) -> int:
    return zipfile.ZIP_STORED if path.suffix.lower() in _PACKED else zipfile.ZIP_DEFLATED


class DataService:
    """The unit of work's user's data as a zip."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork) -> None:
        self.runtime = runtime
        self.unit = unit
        self.settings = runtime.settings

    def export_data(
        self, target: Path, *, on_progress: Progress | None = None, now: datetime | None = None
    ) -> DataExport:
        """Write everything of the user into the zip `target` (atomically: a temp file in the
        same folder, renamed into place once complete).

        Raises:
            VivaError: `target` does not end in .zip, is a folder, or cannot be written.
        """
        from viva.store.ownership import (
            exported_rows,
            owned_assets,
            owned_note_count,
            owned_table_names,
        )

        target = target.expanduser()
        if target.suffix.lower() != ".zip":
            raise VivaError(
                f"{str(target)!r} does not end in .zip", hint="name the file like my-viva.zip"
            )
        if target.is_dir():
            raise VivaError(f"{str(target)!r} is a folder", hint="give a file name ending in .zip")
        at = now or now_utc()
        user_id = self.unit.user_id
        folder = self.unit.user_dir
        files = list(_files(folder))
        with self.unit.reader() as conn:
            note_count = owned_note_count(conn, user_id)
            notes = [(b, n, f) for b, n, f in self._notes(conn, user_id) if f is not None]
            assets = [a for a in owned_assets(conn, user_id) if self._asset(a) is not None]
        tables = owned_table_names()
        total = len(tables) + len(notes) + len(files) + len(assets)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if on_progress is not None:
                on_progress(done, total)

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".part"
            )
        except OSError as err:
            raise VivaError(
                f"cannot write {str(target)!r}: {err.strerror or err}",
                hint="choose a folder you can write to",
            ) from None
        temp = Path(temp_name)
        counts: dict[str, int] = {}
        try:
            with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
                archive.writestr(
                    "README.txt",
                    README.format(user=self.unit.user, at=at.isoformat(), version=__version__),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
                with self.unit.reader() as conn:
                    counts = self._write_rows(archive, exported_rows(conn, user_id), at, step)
                for bank, note_path, source in notes:
                    archive.write(source, _entry("notes", bank, note_path), _compression(source))
                    step()
                for file in files:
                    relative = file.relative_to(folder).as_posix()
                    archive.write(file, _entry("files", relative), _compression(file))
                    step()
                for name in assets:
                    asset = self._asset(name)
                    if asset is not None:
                        archive.write(asset, _entry("assets", name), _compression(asset))
                    step()
            os.replace(temp, target)
        except OSError as err:
            raise VivaError(
                f"cannot write {str(target)!r}: {err.strerror or err}",
                hint="check the free space and that the folder is writable",
            ) from None
        finally:
            temp.unlink(missing_ok=True)
        return DataExport(
            path=target,
            tables=sum(1 for n in counts.values() if n),
            rows=sum(counts.values()),
            notes=note_count,
            files=len(files) + len(notes) + len(assets),
            bytes=target.stat().st_size,
        )

    def _notes(self, conn: Connection, user_id: int) -> Iterator[tuple[str, str, Path | None]]:
        """(bank, note path, its file) of the notes not already under the user's folder. A
        file elsewhere (a vault imported from the command line) is the personal use's own:
        for any other user only their folder is read, never another path on the server."""
        from viva.service.unit import LOCAL_USER
        from viva.store.ownership import owned_note_sources

        folder = self.unit.user_dir.resolve()
        for bank, path, source in owned_note_sources(conn, user_id):
            file = Path(source).expanduser()
            try:
                resolved = file.resolve()
                usable = resolved.is_file()
            except OSError:
                usable = False
            if usable and resolved.is_relative_to(folder):
                continue  # in files/ already
            yield bank, path, resolved if usable and self.unit.user == LOCAL_USER else None

    def _asset(self, name: str) -> Path | None:
        root = self.settings.assets_dir.resolve()
        path = (root / name).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None

    def _write_rows(
        self,
        archive: zipfile.ZipFile,
        tables: Iterator[tuple[str, Iterator[dict[str, Any]]]],
        at: datetime,
        step: Callable[[], None],
    ) -> dict[str, int]:
        """data.json, written as the rows are read (one table's rows are never all in memory)."""
        import io

        counts: dict[str, int] = {}
        with (
            archive.open("data.json", "w", force_zip64=True) as binary,
            io.TextIOWrapper(binary, encoding="utf-8") as out,
        ):
            head = {
                "format": FORMAT,
                "version": VERSION,
                "viva": __version__,
                "user": self.unit.user,
                "exported_at": at.isoformat(),
            }
            out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
            for number, (name, rows) in enumerate(tables):
                out.write(("," if number else "") + f"\n{json.dumps(name)}: [")
                count = 0
                for row in rows:
                    out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
                    count += 1
                out.write("\n]")
                counts[name] = count
                step()
            out.write("\n}}\n")
        return counts


# --- deleting an account ------------------------------------------------------------------
class AccountDeletionRefused(VivaError):
    """The account cannot be deleted (the last admin, or the personal use's local user)."""

    http_status = 409


def delete_account(runtime: Runtime, account: Account, *, account_key: str) -> DeletedAccount:
    """Delete every row of the account (and what depends on them) and every file under its
    folder.

    The folder is renamed aside (`users/.deleted-…`, a name no user can have) inside the
    database transaction and removed once it is committed; if the transaction fails it is put
    back. A crash after the commit leaves only the renamed folder, which the next deletion
    sweeps away.

    Raises:
        AccountDeletionRefused: it is the local user, or the last enabled admin.
    """
    from viva.service.unit import LOCAL_USER
    from viva.store.ownership import count_admins, delete_owned
    from viva.store.users import lock_user

    if account.name == LOCAL_USER:
        raise AccountDeletionRefused(
            "the local user of the personal use cannot be deleted",
            hint="to remove everything, delete the data folder (`viva paths` shows it)",
        )
    folder = user_folder(runtime.settings, account.name)
    aside = folder.with_name(f"{DELETED_PREFIX}{account.name}-{uuid.uuid4().hex[:8]}")
    moved = False
    try:
        with runtime.db.transaction() as conn:
            lock_user(conn, account.id)
            if account.role == "admin" and count_admins(conn, besides=account.id) == 0:
                raise AccountDeletionRefused(
                    f"{account.name!r} is the last admin: deleting it would leave no one to "
                    "manage the accounts",
                    hint="make another account an admin first (viva users role NAME admin)",
                )
            rows = delete_owned(conn, account.id, account_key=account_key)
            if folder.exists():
                os.replace(folder, aside)
                moved = True
    except BaseException:
        if moved:
            os.replace(aside, folder)
        raise
    files = sum(1 for p in aside.rglob("*") if p.is_file()) if moved else 0
    _sweep_deleted(folder.parent)
    return DeletedAccount(name=account.name, rows=rows, files=files)


def _sweep_deleted(users_dir: Path) -> None:
    """Remove deleted users' folders (this one's, and any a crash left behind)."""
    if not users_dir.is_dir():
        return
    for entry in users_dir.iterdir():
        if entry.name.startswith(DELETED_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
