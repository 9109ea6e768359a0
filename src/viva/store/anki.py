"""Anki package files (.apkg, .colpkg): a zip holding a SQLite collection and its media.

Here because a package *is* a database: this module and the rest of store/ are the only code
with SQL. Writing goes through genanki's own schema and rows (`bank/anki.py` decides what the
notes say); reading uses the stdlib only, since genanki cannot read.

A package is untrusted input, checked the way note uploads are (web/uploads.py): at most
`MAX_ENTRIES` entries, unpacked sizes counted as they are read (the directory's sizes can lie),
media names never used as paths (each image is written under a name of its own, see
`anki_notes.safe_media_name`), fields over the note size limit left out, and the collection opened
read-only with its schema untrusted. Anki 2.1.50+ writes a zstd-compressed `collection.anki21b`
that the stdlib cannot read: such a package is refused with the export option that avoids it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from viva.bank.anki import DeckExport
from viva.bank.anki_notes import AnkiModel, AnkiNote, AnkiPackage, safe_media_name
from viva.bank.models import NoteProblem
from viva.errors import ImportFailed

MAX_ENTRIES = 20_000  # as web/uploads.py: a package of more entries is refused whole
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_OLDER_VERSIONS_HINT = (
    "in Anki: File > Export…, choose “Anki Deck Package (.apkg)” and tick “Support older Anki "
    "versions” (在 Anki 中导出时勾选“支持旧版 Anki”), then import that file"
)


class AnkiFileError(ImportFailed):
    """A file that is not a package Viva can read: nothing was imported."""


# --- writing --------------------------------------------------------------------------------
def write_package(deck: DeckExport, target: Path, *, assets: Path, now: datetime) -> None:
    """Write `deck` as an .apkg at `target` (replaced whole, never left half-written).

    `now` stamps the notes' modification time: Anki updates a note it already has only from a
    newer one, so each export must carry its own time.
    """
    import genanki  # only this command needs it

    spec = deck.model
    model = genanki.Model(
        spec.id,
        spec.name,
        fields=[{"name": name} for name in spec.fields],
        templates=[
            {"name": "Card 1", "qfmt": spec.question_template, "afmt": spec.answer_template}
        ],
        css=spec.css,
    )
    decks = {d.id: genanki.Deck(d.id, d.name) for d in deck.decks}
    for note in deck.notes:
        decks[note.deck_id].add_note(
            genanki.Note(model=model, fields=list(note.fields), guid=note.guid, tags=note.tags)
        )
    package = genanki.Package(list(decks.values()))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".viva-anki-") as work:
        database = Path(work) / "collection.anki2"
        timestamp = now.timestamp()
        with contextlib.closing(sqlite3.connect(database)) as conn:
            package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            conn.commit()
        partial = Path(work) / "deck.apkg"
        names = sorted(deck.media)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(database, "collection.anki2")
            out.writestr("media", json.dumps({str(i): n for i, n in enumerate(names)}))
            for index, name in enumerate(names):
                out.write(assets / deck.media[name], str(index))
        partial.replace(target)


# --- reading --------------------------------------------------------------------------------
def read_package(
    path: Path, *, media_dir: Path, max_bytes: int, max_field_bytes: int
) -> AnkiPackage:
    """The models, notes and images of the package at `path`; images are written to
    `media_dir` under safe names.

    Raises:
        AnkiFileError: not a package, damaged, too large, or in a format Viva cannot read.
    """
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise AnkiFileError(
            f"{str(path)!r} does not exist", hint="give the .apkg file Anki exported"
        ) from None
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise AnkiFileError(
            f"{name} is not an Anki package: not a zip archive ({err})",
            hint="export the deck from Anki as an .apkg (Anki Deck Package)",
        ) from None
    with archive, _damaged(name):
        entries = {info.filename: info for info in archive.infolist()}
        if len(entries) > MAX_ENTRIES:
            raise AnkiFileError(f"{name}: {len(entries)} entries (at most {MAX_ENTRIES})")
        declared = sum(info.file_size for info in entries.values())
        if declared > max_bytes:
            raise _too_large(name, max_bytes)
        budget = _Budget(name, max_bytes)
        collection = _collection(archive, entries, name, budget, media_dir)
        models, notes, problems = _read_collection(collection, name, max_field_bytes)
        collection.unlink()
        media, hashes = _media(archive, entries, name, budget, media_dir, problems)
    return AnkiPackage(
        models=models,
        notes=notes,
        media=media,
        media_hashes=hashes,
        problems=tuple(problems),
    )


class _Budget:
    """Bytes unpacked so far, against the limit (counted as read, not as declared)."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.used = 0

    def copy(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
        with archive.open(info) as source, target.open("wb") as out:
            while chunk := source.read(1 << 16):
                self.used += len(chunk)
                if self.used > self.limit:
                    raise AnkiFileError(
                        f"{self.name} unpacks to more than its directory says",
                        hint="the package is damaged or crafted; it was refused",
                    )
                out.write(chunk)


def _too_large(name: str, limit: int) -> AnkiFileError:
    return AnkiFileError(
        f"{name} unpacks to more than {limit // (1024 * 1024)} MB",
        hint="export fewer decks or without media, or raise VIVA_MAX_UPLOAD_MB",
    )


@contextlib.contextmanager
def _damaged(name: str) -> Iterator[None]:
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise AnkiFileError(
            f"{name} is damaged: its zip cannot be unpacked ({err})",
            hint="export the deck from Anki again",
        ) from None


def _collection(
    archive: zipfile.ZipFile,
    entries: dict[str, zipfile.ZipInfo],
    name: str,
    budget: _Budget,
    folder: Path,
) -> Path:
    """The collection's SQLite file, unpacked into `folder`."""
    found = [entries[c] for c in _COLLECTIONS if c in entries]
    if not found:
        raise AnkiFileError(
            f"{name} is not an Anki package: it holds no collection.anki2 or collection.anki21",
            hint="export the deck from Anki as an .apkg (Anki Deck Package)",
        )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ".collection.sqlite"
    for info in found:  # the newest format first; anki2 beside an anki21b is only a stub
        budget.copy(archive, info, target)
        with target.open("rb") as file:
            head = file.read(16)
        if head.startswith(_ZSTD_MAGIC):
            raise AnkiFileError(
                f"{name} was exported by a recent Anki in its new compressed format "
                f"({info.filename}), which Viva cannot read",
                hint=_OLDER_VERSIONS_HINT,
            )
        if head == _SQLITE_MAGIC:
            return target
    raise AnkiFileError(
        f"{name} is damaged: its collection is not an SQLite database",
        hint="export the deck from Anki again",
    )


def _read_collection(
    path: Path, name: str, max_field_bytes: int
) -> tuple[dict[int, AnkiModel], tuple[AnkiNote, ...], list[NoteProblem]]:
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    problems: list[NoteProblem] = []
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = ON")
            row = conn.execute("SELECT models, decks FROM col LIMIT 1").fetchone()
            if row is None or not row[0]:
                raise AnkiFileError(
                    f"{name} uses a newer collection format Viva cannot read",
                    hint=_OLDER_VERSIONS_HINT,
                )
            models = _models(_json(row[0], name, "note types"))
            decks = {
                int(k): str(v.get("name", ""))
                for k, v in _json(row[1] or "{}", name, "decks").items()
                if isinstance(v, dict) and str(k).lstrip("-").isdigit()
            }
            note_decks: dict[int, int] = {}
            for nid, did in conn.execute("SELECT nid, did FROM cards ORDER BY nid, ord"):
                note_decks.setdefault(nid, did)
            notes: list[AnkiNote] = []
            query = (
                "SELECT id, guid, mid, tags, CASE WHEN length(CAST(flds AS BLOB)) > ? "
                "THEN NULL ELSE flds END, length(CAST(flds AS BLOB)) FROM notes ORDER BY id"
            )
            for nid, guid, mid, tags, fields, size in conn.execute(query, (max_field_bytes,)):
                if fields is None:
                    problems.append(
                        NoteProblem(
                            name,
                            None,
                            f"note {guid}: too large ({size / 1024 / 1024:.1f} MB; limit "
                            f"{max_field_bytes / 1024 / 1024:.0f} MB, set VIVA_MAX_NOTE_MB "
                            "to raise it)",
                            kind="anki-skipped",
                        )
                    )
                    continue
                notes.append(
                    AnkiNote(
                        guid=str(guid),
                        model_id=int(mid),
                        fields=tuple(_text(fields).split("\x1f")),
                        tags=tuple(_text(tags).split()),
                        deck=decks.get(note_decks.get(nid, -1), ""),
                    )
                )
    except (sqlite3.Error, TypeError, ValueError, OverflowError) as err:
        raise AnkiFileError(
            f"{name} is damaged: its collection cannot be read ({err})",
            hint="export the deck from Anki again",
        ) from None
    return models, tuple(notes), problems


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value or "")


def _json(raw: object, name: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_text(raw))
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise AnkiFileError(
            f"{name} is damaged: its {what} cannot be read", hint="export the deck from Anki again"
        )
    return value


def _models(raw: dict[str, Any]) -> dict[int, AnkiModel]:
    models: dict[int, AnkiModel] = {}
    for key, value in raw.items():
        if not isinstance(value, dict) or not str(key).lstrip("-").isdigit():
            continue
        fields = [f for f in value.get("flds", ()) if isinstance(f, dict)]
        fields.sort(key=lambda f: f.get("ord", 0) if isinstance(f.get("ord"), int) else 0)
        models[int(key)] = AnkiModel(
            id=int(key),
            name=str(value.get("name", "")),
            fields=tuple(str(f.get("name", "")) for f in fields),
            is_cloze=value.get("type") == 1,
        )
    return models


def _media(
    archive: zipfile.ZipFile,
    entries: dict[str, zipfile.ZipInfo],
    name: str,
    budget: _Budget,
    folder: Path,
    problems: list[NoteProblem],
) -> tuple[dict[str, str], dict[str, str]]:
    """Each image the package holds, written under a safe name: (name in notes -> file, file ->
    sha256)."""
    info = entries.get("media")
    if info is None:
        return {}, {}
    if info.file_size > 16 * 1024 * 1024:
        raise AnkiFileError(f"{name} is damaged: its media list is {info.file_size} bytes")
    listed = _json(archive.read(info), name, "media list")
    written: dict[str, str] = {}
    hashes: dict[str, str] = {}
    taken: set[str] = set()
    for index, media_name in sorted(listed.items(), key=lambda kv: str(kv[0])):
        if not isinstance(media_name, str):
            continue
        entry = entries.get(str(index))
        file_name = safe_media_name(media_name, taken)
        if file_name is None:
            continue  # sounds, fonts: not imported (sounds are reported per note)
        if entry is None:
            problems.append(
                NoteProblem(
                    name,
                    None,
                    f"image {media_name!r}: listed, but not in the package",
                    kind="missing-asset",
                )
            )
            continue
        target = folder / file_name
        budget.copy(archive, entry, target)
        written[media_name] = file_name
        hashes[file_name] = hashlib.sha256(target.read_bytes()).hexdigest()[:16]
    return written, hashes
