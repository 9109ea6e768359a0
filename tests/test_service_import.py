"""Importing through the service into a real SQLite file: re-imports, history, dry runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED, write
from viva.errors import BankNotFound, ImportFailed, QuestionNotFound
from viva.service import Viva

V1 = (
    "## 网络\n\n1. 什么是 TCP？\n> 面向连接的可靠字节流。\n\n"
    "2. 什么是 UDP？\n> 无连接的数据报。\n\n3. 什么是 QUIC？\n> 基于 UDP 的传输协议。\n"
)


def test_import_seed_then_list(viva: Viva) -> None:
    report = viva.import_notes([SEED])
    assert report.counts == {"added": 41, "updated": 0, "retired": 0, "unchanged": 0}
    assert next(str(p) for p in report.warnings).startswith("seed-note.txt:58: embed")
    questions = viva.questions()
    assert len(questions) == 41
    assert sum(q.has_reference for q in questions) == 38
    assert len(viva.questions(section="Transformer")) == 5
    assert len(viva.questions(section="项目经历")) == 15
    assert len(viva.questions(section="项目经历 / 注意力机制")) == 5


def test_reimport_updates_answers_in_place_and_retires_vanished(viva: Viva, vault: Path) -> None:
    note = write(vault / "net.md", V1)
    viva.import_notes([vault])
    tcp_id = next(q.id for q in viva.questions() if "TCP" in q.prompt)
    # the answer changes, the numbering changes, QUIC vanishes, SCTP appears
    write(
        note,
        "## 网络\n\n7. 什么是 TCP？\n> 面向连接、可靠、有序的字节流。\n\n"
        "8. 什么是 UDP？\n> 无连接的数据报。\n\n9. 什么是 SCTP？\n> 多流传输协议。\n",
    )
    plan = viva.import_notes([vault], dry_run=True)
    assert plan.counts == {"added": 1, "updated": 1, "retired": 1, "unchanged": 1}
    assert len(viva.questions()) == 3  # the dry run wrote nothing
    report = viva.import_notes([vault])
    assert report.counts == plan.counts
    tcp = viva.question(tcp_id)
    assert tcp.reference == "面向连接、可靠、有序的字节流。"
    assert tcp.number == "7"
    prompts = sorted(q.prompt for q in viva.questions())
    assert prompts == ["什么是 SCTP？", "什么是 TCP？", "什么是 UDP？"]
    quic = [q for q in viva.questions() if "QUIC" in q.prompt]
    assert quic == []
    # retired, not deleted: it can still be shown by id, and comes back if restored
    retired_id = report.plan.retired[0]
    assert viva.question(retired_id).prompt == "什么是 QUIC？"
    write(note, V1)
    back = viva.import_notes([vault])
    assert back.counts["added"] == 1
    assert back.plan.restored == (retired_id,)


def test_reimport_of_an_unchanged_vault_parses_nothing(viva: Viva, vault: Path) -> None:
    write(vault / "net.md", V1)
    write(vault / "bad.md", "1. Q?\n> ![[Nowhere]]\n")
    viva.import_notes([vault])
    again = viva.import_notes([vault])
    assert again.is_unchanged_vault
    assert again.counts == {"added": 0, "updated": 0, "retired": 0, "unchanged": 4}
    assert [str(p) for p in again.warnings] == [
        "bad.md:2: embed ![[Nowhere]]: note 'Nowhere' is not in the vault"
    ]


def test_importing_one_file_does_not_retire_other_notes_of_the_bank(
    viva: Viva, vault: Path
) -> None:
    write(vault / "a.md", "1. A?\n> a\n")
    write(vault / "b.md", "1. B?\n> b\n")
    viva.import_notes([vault / "a.md"])
    viva.import_notes([vault / "b.md"])
    assert sorted(q.prompt for q in viva.questions()) == ["A?", "B?"]


def test_deleted_note_retires_its_questions(viva: Viva, vault: Path) -> None:
    write(vault / "a.md", "1. A?\n> a\n")
    gone = write(vault / "b.md", "1. B?\n> b\n")
    viva.import_notes([vault])
    gone.unlink()
    report = viva.import_notes([vault])
    assert report.counts["retired"] == 1
    assert [q.prompt for q in viva.questions()] == ["A?"]


def test_assets_are_copied_into_the_data_dir(viva: Viva, vault: Path) -> None:
    write(vault / "cnn.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    write(vault / "n.md", "1. 画图？\n> ![[cnn.svg]]\n")
    viva.import_notes([vault])
    (link,) = viva.questions()[0].links
    assert link.file is not None
    assert link.file.endswith(".svg")
    copied = viva.settings.assets_dir / link.file
    assert copied.read_text() == "<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_a_named_binary_file_stops_the_import_and_writes_nothing(viva: Viva, vault: Path) -> None:
    write(vault / "ok.md", "1. A?\n> a\n")
    binary = vault / "photo.md"
    binary.write_bytes(b"\x89PNG\x00\x00\x00" + bytes(range(256)))
    with pytest.raises(ImportFailed, match=r"photo\.md: not a text file"):
        viva.import_notes([vault / "ok.md", binary])
    assert viva.banks() == []


def test_a_binary_file_in_a_vault_is_skipped_and_reported(viva: Viva, vault: Path) -> None:
    write(vault / "ok.md", "1. A?\n> a\n")
    (vault / "photo.md").write_bytes(b"\x89PNG\x00\x00\x00" + bytes(range(256)))
    report = viva.import_notes([vault])
    assert report.counts["added"] == 1
    assert [str(p) for p in report.skipped] == [
        "photo.md: not a text file (binary or unknown encoding); save it as UTF-8 to import it"
    ]


def test_unknown_bank_and_question_are_explained(viva: Viva) -> None:
    viva.import_notes([SEED])
    with pytest.raises(BankNotFound, match=r"no bank is called 'nope' \(banks: default\)"):
        viva.questions(banks=["nope"])
    with pytest.raises(QuestionNotFound, match="no question has the id 'ffff0000'"):
        viva.question("ffff0000")


def test_question_found_by_id_prefix(viva: Viva) -> None:
    viva.import_notes([SEED])
    first = viva.questions()[0]
    assert viva.question(first.id[:6]).id == first.id


def test_the_builtin_bank_name_is_reserved(viva: Viva) -> None:
    with pytest.raises(ImportFailed, match="reserved"):
        viva.import_notes([SEED], bank="builtin")
