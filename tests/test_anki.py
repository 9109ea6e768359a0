"""Anki packages through the service and the CLI, on real SQLite files and real .apkg files.

Decks are written by genanki (as Anki's add-ons write them) and read back by Viva's reader; the
reader is checked against what a package may hold: cloze notes, extra fields, images, sounds,
damaged or crafted archives.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import genanki
import pytest

from tests.conftest import SEED, Cli, write
from viva.bank.models import LinkKind
from viva.config import load_settings
from viva.errors import ImportFailed, VivaError
from viva.service import Viva

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def collection(path: Path) -> sqlite3.Connection:
    """The collection inside a package, opened from a copy."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read("collection.anki2")
    copy = path.with_suffix(".sqlite")
    copy.write_bytes(data)
    return sqlite3.connect(copy)


def vault_with_images(root: Path) -> Path:
    write(
        root / "net.md",
        "## 网络\n\n1. 什么是 TCP？\n> 面向连接的==可靠==字节流。\n>\n> ![[handshake.png]]\n\n"
        "2. 什么是 UDP？\n> - **无连接**：不建立连接\n> - **不可靠**：可能丢包\n>\n"
        "> ![图](img/udp.png)\n\n3. 什么是 QUIC？\n",
    )
    (root / "handshake.png").write_bytes(PNG)
    (root / "img").mkdir()
    (root / "img" / "udp.png").write_bytes(PNG + b"udp")
    return root


def test_exported_deck_imports_back_with_the_same_questions(viva: Viva, tmp_path: Path) -> None:
    viva.import_notes([SEED], bank="seed")
    viva.import_notes([vault_with_images(tmp_path / "vault")], bank="mine")
    deck = tmp_path / "out.apkg"
    report = viva.export_anki(deck, banks=["seed", "mine"], now=NOW)
    assert (report.notes, report.media, report.without_reference) == (44, 2, 4)
    back = viva.import_notes([deck], bank="back")
    assert back.counts["added"] == 44
    original = {(q.bank, q.prompt): q for q in viva.questions(banks=["seed", "mine"])}
    read = {q.prompt: q for q in viva.questions(banks=["back"])}
    assert len(read) == len(original) == 44
    for (_, prompt), question in original.items():
        again = read[prompt]
        if prompt == "什么是 UDP？":  # the image is named as in the deck: its folder is gone
            assert question.reference is not None
            assert again.reference == question.reference.replace("img/udp.png", "udp.png")
        else:
            assert again.reference == question.reference, prompt
        assert again.key_points == question.key_points, prompt
        assert again.section == question.section, prompt
        assert again.tags == question.tags, prompt
        # the same image files (by content), where the original had the file
        images = [link.file for link in question.links if link.kind is LinkKind.ASSET]
        copied = [link.file for link in again.links if link.kind is LinkKind.ASSET and link.file]
        assert copied == [file for file in images if file is not None], prompt
    udp = read["什么是 UDP？"]
    assert udp.reference is not None
    assert "![图](udp.png)" in udp.reference
    assert all(link.file for link in udp.links if link.kind is LinkKind.ASSET)
    assert viva.import_notes([deck], bank="back").is_unchanged_vault


def test_reexport_keeps_guids_deck_and_model_ids(viva: Viva, tmp_path: Path) -> None:
    viva.import_notes([SEED], bank="seed")
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    viva.export_anki(first, now=NOW)
    viva.export_anki(second, now=datetime(2026, 12, 2, tzinfo=UTC))
    rows = []
    for path in (first, second):
        with collection(path) as conn:
            rows.append(
                (
                    conn.execute("SELECT guid, mid, tags FROM notes ORDER BY guid").fetchall(),
                    json.loads(conn.execute("SELECT decks FROM col").fetchone()[0]).keys(),
                    conn.execute("SELECT DISTINCT did FROM cards").fetchall(),
                )
            )
    assert rows[0][0] == rows[1][0]
    assert set(rows[0][1]) == set(rows[1][1])
    assert rows[0][2] == rows[1][2]
    assert len(rows[0][0]) == 41
    assert all(" " not in tags.strip() or "::" in tags for _, _, tags in rows[0][0])


def test_an_edit_made_in_anki_updates_the_same_question(viva: Viva, tmp_path: Path) -> None:
    viva.import_notes([vault_with_images(tmp_path / "vault")], bank="mine")
    deck = tmp_path / "out.apkg"
    viva.export_anki(deck, now=NOW)
    viva.import_notes([deck], bank="back")
    before = {q.prompt: q.id for q in viva.questions(banks=["back"])}
    edited = tmp_path / "edited.apkg"
    with zipfile.ZipFile(deck) as source, zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "collection.anki2":
                database = tmp_path / "c.sqlite"
                database.write_bytes(data)
                with sqlite3.connect(database) as conn:
                    for nid, fields in conn.execute("SELECT id, flds FROM notes").fetchall():
                        parts = fields.split("\x1f")
                        if "TCP" in parts[0]:
                            parts[0] = "<p>TCP 是什么协议？</p>"
                            parts[1] = "<p>可靠、<b>有序</b>的字节流。</p>"
                            conn.execute(
                                "UPDATE notes SET flds = ? WHERE id = ?", ("\x1f".join(parts), nid)
                            )
                data = database.read_bytes()
            target.writestr(info, data)
    edited.replace(deck)
    report = viva.import_notes([deck], bank="back")
    assert report.counts == {"added": 0, "updated": 1, "retired": 0, "unchanged": 2}
    after = {q.prompt: q for q in viva.questions(banks=["back"])}
    assert after["TCP 是什么协议？"].id == before["什么是 TCP？"]  # the GUID is the identity
    assert after["TCP 是什么协议？"].reference == "可靠、**有序**的字节流。"


def handmade_deck(path: Path, media: Path) -> Path:
    """A deck as another tool makes it: basic, cloze, three fields, an image and a sound."""
    three = genanki.Model(
        1_700_000_003,
        "Three fields",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Mnemonic"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}<br>{{Mnemonic}}"}],
    )
    top = genanki.Deck(1_700_000_100, "OS::Processes")
    top.add_note(
        genanki.Note(
            model=genanki.BASIC_MODEL,
            fields=["What is a <b>process</b>?", 'A program running.<br><img src="proc.png">'],
            tags=["os", "kaoyan::408"],
            guid="basic-1",
        )
    )
    top.add_note(
        genanki.Note(
            model=genanki.CLOZE_MODEL,
            fields=["A {{c1::deadlock}} needs {{c2::mutual exclusion::a condition}}.", "Coffman"],
            guid="cloze-1",
        )
    )
    top.add_note(
        genanki.Note(
            model=three,
            fields=["Page fault?", "Access to a page not in memory. [sound:pf.mp3]", "PF!"],
            guid="three-1",
        )
    )
    image = media / "proc.png"
    sound = media / "pf.mp3"
    image.write_bytes(PNG)
    sound.write_bytes(b"ID3")
    genanki.Package(top, media_files=[str(image), str(sound)]).write_to_file(str(path))
    return path


def test_a_deck_made_elsewhere_imports_as_documented(viva: Viva, tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    deck = handmade_deck(tmp_path / "os.apkg", tmp_path / "media")
    report = viva.import_notes([deck], bank="anki")
    questions = {q.prompt: q for q in viva.questions(banks=["anki"])}
    assert set(questions) == {
        "What is a process?",
        "A […] needs mutual exclusion.",
        "A deadlock needs [a condition].",
        "Page fault?",
    }
    process = questions["What is a process?"]
    assert process.reference == "A program running.\n![[proc.png]]"
    assert process.section == ("OS", "Processes")
    assert process.tags == ("os", "kaoyan/408")
    (image,) = [link for link in process.links if link.kind is LinkKind.ASSET]
    assert image.file
    assert (viva.settings.assets_dir / image.file).read_bytes() == PNG
    cloze = questions["A deadlock needs [a condition]."]
    assert cloze.reference == "A deadlock needs ==mutual exclusion==.\n\nCoffman"
    assert [k.text for k in cloze.key_points] == ["mutual exclusion"]
    assert questions["Page fault?"].reference == "Access to a page not in memory."
    kinds = {p.category: str(p) for p in report.problems}
    assert "Mnemonic" in kinds["anki-fields"]
    assert "1 sound(s)" in kinds["anki-audio"]
    assert report.counts["added"] == 4


def test_reimport_of_a_smaller_deck_retires_what_vanished(viva: Viva, tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    deck = handmade_deck(tmp_path / "os.apkg", tmp_path / "media")
    viva.import_notes([deck], bank="anki")
    smaller = genanki.Deck(1_700_000_100, "OS::Processes")
    smaller.add_note(
        genanki.Note(model=genanki.BASIC_MODEL, fields=["What is a process?", "x"], guid="basic-1")
    )
    genanki.Package(smaller).write_to_file(str(deck))
    report = viva.import_notes([deck], bank="anki")
    assert report.counts == {"added": 0, "updated": 1, "retired": 3, "unchanged": 0}


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def genanki_collection(tmp_path: Path, front: str = "Q?", back: str = "A.") -> bytes:
    deck = genanki.Deck(1_700_000_200, "D")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back], guid="g"))
    path = tmp_path / "plain.apkg"
    genanki.Package(deck).write_to_file(str(path))
    with zipfile.ZipFile(path) as archive:
        return archive.read("collection.anki2")


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (None, "not a zip archive"),
        ({"notes.md": b"# hi"}, "holds no collection.anki2"),
        ({"collection.anki2": b"SQLite format 3\x00" + b"\x00" * 200}, "is damaged"),
        ({"collection.anki2": b"not sqlite at all"}, "not an SQLite database"),
        (
            {"collection.anki21b": b"\x28\xb5\x2f\xfd" + b"\x00" * 64, "collection.anki2": b"x"},
            "new compressed format",
        ),
    ],
)
def test_wrong_or_damaged_packages_are_refused_whole(
    viva: Viva, tmp_path: Path, entries: dict[str, bytes] | None, message: str
) -> None:
    path = tmp_path / "bad.apkg"
    if entries is None:
        path.write_text("just text", encoding="utf-8")
    else:
        make_zip(path, entries)
    with pytest.raises(ImportFailed, match=message) as caught:
        viva.import_notes([path], bank="anki")
    if "compressed" in message:
        assert caught.value.hint
        assert "Support older Anki versions" in caught.value.hint
    assert viva.banks() == []
    assert not any((viva.settings.home / ".staging").iterdir())


def test_a_package_over_the_limit_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    settings = load_settings({**env, "VIVA_MAX_UPLOAD_MB": "1"})
    path = make_zip(
        tmp_path / "bomb.apkg",
        {"collection.anki2": genanki_collection(tmp_path), "0": b"\x00" * (2 * 1024 * 1024)},
    )
    viva = Viva(settings)
    try:
        with pytest.raises(ImportFailed, match="unpacks to more than 1 MB"):
            viva.import_notes([path], bank="anki")
    finally:
        viva.close()


def test_media_names_cannot_leave_the_staging_folder(viva: Viva, tmp_path: Path) -> None:
    data = genanki_collection(tmp_path, back='<img src="../../evil.png">')
    media = json.dumps({"0": "../../evil.png"}).encode()
    path = make_zip(tmp_path / "d.apkg", {"collection.anki2": data, "media": media, "0": PNG})
    viva.import_notes([path], bank="anki")
    assert not (viva.settings.home / "evil.png").exists()
    assert not (tmp_path / "evil.png").exists()
    (question,) = viva.questions(banks=["anki"])
    assert question.reference == "![[evil.png]]"
    (image,) = question.links
    assert image.file
    assert (viva.settings.assets_dir / image.file).read_bytes() == PNG


def test_a_field_over_the_note_limit_skips_that_note(tmp_path: Path, env: dict[str, str]) -> None:
    settings = load_settings({**env, "VIVA_MAX_NOTE_MB": "0.01"})
    deck = genanki.Deck(1_700_000_300, "D")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["small?", "yes"], guid="a"))
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["big?", "x" * 20_000], guid="b"))
    path = tmp_path / "d.apkg"
    genanki.Package(deck).write_to_file(str(path))
    viva = Viva(settings)
    try:
        report = viva.import_notes([path], bank="anki")
        assert [q.prompt for q in viva.questions(banks=["anki"])] == ["small?"]
        assert any("too large" in str(p) for p in report.problems)
    finally:
        viva.close()


def test_export_refuses_a_name_without_apkg_and_an_empty_bank(viva: Viva, tmp_path: Path) -> None:
    with pytest.raises(VivaError, match=r"does not end in \.apkg"):
        viva.export_anki(tmp_path / "deck.zip")
    with pytest.raises(VivaError, match="no questions to export"):
        viva.export_anki(tmp_path / "deck.apkg")
    viva.import_notes([SEED], bank="seed")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(VivaError, match="cannot write"):
        viva.export_anki(tmp_path / "file" / "deck.apkg")


def test_cli_export_and_import(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", str(SEED), "--bank", "seed").exit_code == 0
    deck = tmp_path / "seed.apkg"
    result = cli("export", "anki", str(deck))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已把 seed 的 41 道题写入 {deck}。")
    result = cli("import", str(deck), "--bank", "from-anki", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["added"] == 41


def test_cli_refuses_bad_packages_with_a_message_not_a_traceback(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"PK\x03\x04 broken")
    result = cli("import", str(bad))
    assert result.exit_code == 1
    assert "Error: bad.apkg is not an Anki package" in result.output
    assert "Traceback" not in result.output
    mixed = cli("import", str(bad), str(SEED))
    assert mixed.exit_code == 1
    assert "imported on its own" in mixed.output
    assert cli("export", "anki", str(tmp_path / "x.apkg")).exit_code == 1


def test_zip_helper_roundtrip() -> None:  # the test's own zip helper writes what it is given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a", b"1")
    assert zipfile.ZipFile(buffer).read("a") == b"1"
