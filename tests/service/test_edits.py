"""The student's edits: kept beside the note, laid over it when read, surviving re-imports;
questions of their own; a bank written back as their Markdown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, write
from tests.fakes import fake_models
from viva.bank.edits import EditError
from viva.bank.models import KeyPointKind, Question
from viva.config import load_settings
from viva.errors import ImportFailed, VivaError
from viva.service import OWN_BANK, Viva

NOTE = """# 网络

## 1. TCP 和 UDP 的区别是什么？
> TCP ==面向连接、可靠传输==，UDP ==无连接、尽力而为==。

## 2. 三次握手为什么是三次？
> 为了==确认双方的收发能力==，并==同步初始序列号==。

## 3. 拥塞控制有哪些算法？
"""


@pytest.fixture
def note(vault: Path) -> Path:
    return write(vault / "网络.md", NOTE)


def by_prompt(viva: Viva, start: str, bank: str = "net") -> Question:
    return next(q for q in viva.questions(banks=[bank]) if q.prompt.startswith(start))


def test_an_edited_question_survives_a_reimport_of_its_note(viva: Viva, note: Path) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    viva.review(tcp.id, 3)  # history to keep
    viva.edit_question(tcp.id, prompt="TCP 与 UDP 有什么不同？", key_points=["TCP 面向连接"])
    viva.edit_question(tcp.id, reference="TCP 可靠，UDP ==不可靠==。", key_points=["TCP 可靠"])
    write(note, NOTE.replace("尽力而为", "不保证送达"))  # the author changes the note's answer

    report = viva.import_notes([note.parent], bank="net")

    assert report.counts["updated"] == 1
    assert report.edits_over_changed == ((tcp.id, "TCP 与 UDP 有什么不同？"),)
    again = viva.question(tcp.id)
    assert again.prompt == "TCP 与 UDP 有什么不同？"
    assert again.reference == "TCP 可靠，UDP ==不可靠==。"
    assert [k.text for k in again.key_points] == ["TCP 可靠"]
    assert again.edited == ("prompt", "reference", "key_points")
    assert viva.dashboard().reviews_today == 1  # the history stayed with the id
    note_text = viva.note_version(tcp.id)
    assert "不保证送达" in (note_text.reference or "")  # the note's own text was updated
    (summary,) = viva.edits()
    assert summary.is_active
    assert summary.is_note_changed


def test_an_edit_of_a_question_that_left_its_note_is_reported_and_kept(
    viva: Viva, note: Path
) -> None:
    viva.import_notes([note.parent], bank="net")
    shake = by_prompt(viva, "三次握手")
    viva.edit_question(shake.id, reference="==确认双方都能收发==。")
    write(note, NOTE.replace("## 2. 三次握手为什么是三次？\n", "## 2. 握手过程是怎样的？\n"))

    report = viva.import_notes([note.parent], bank="net")

    assert report.edits_orphaned == ((shake.id, shake.prompt),)
    assert report.to_json()["edits_orphaned"] == [{"id": shake.id, "prompt": shake.prompt}]
    assert shake.id not in {q.id for q in viva.questions(banks=["net"])}  # not drilled
    (summary,) = viva.edits()
    assert summary.question_id == shake.id
    assert not summary.is_active
    assert viva.question(shake.id).reference == "==确认双方都能收发==。"  # not lost
    state = viva.edit_state(shake.id)
    assert state is not None
    assert not state.is_active
    write(note, NOTE)  # the author brings the question back: so does the edit
    viva.import_notes([note.parent], bank="net")
    assert by_prompt(viva, "三次握手").reference == "==确认双方都能收发==。"


def test_restoring_the_note_drops_the_edit(viva: Viva, note: Path) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    viva.edit_question(tcp.id, key_points=["只有一个要点"])
    restored = viva.restore_note(tcp.id)
    assert restored == tcp
    assert not restored.is_edited
    with pytest.raises(EditError, match="not edited"):
        viva.restore_note(tcp.id)


def test_an_edit_that_says_what_the_note_says_is_no_edit(viva: Viva, note: Path) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    same = viva.edit_question(tcp.id, key_points=[k.text for k in tcp.key_points])
    assert not same.is_edited
    assert viva.edits() == []


def test_marks_in_a_written_reference_become_the_key_points(viva: Viva, note: Path) -> None:
    viva.import_notes([note.parent], bank="net")
    empty = by_prompt(viva, "拥塞控制")
    assert not empty.has_reference
    new_before = viva.drill_counts()[1]
    written = viva.edit_question(
        empty.id, reference="常见的有 ==慢启动==、==拥塞避免==、==快重传和快恢复==。"
    )
    assert [k.text for k in written.key_points] == ["慢启动", "拥塞避免", "快重传和快恢复"]
    assert {k.kind for k in written.key_points} == {KeyPointKind.STUDENT}
    assert viva.drill_counts()[1] == new_before + 1  # it has an answer now: it can be drilled
    assert next(b for b in viva.banks() if b.name == "net").with_reference == 3


def test_every_problem_of_an_edit_is_reported_at_once(viva: Viva, note: Path) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    with pytest.raises(EditError) as caught:
        viva.edit_question(tcp.id, prompt="   ", key_points=[f"要点 {i}" for i in range(25)])
    assert "the question is empty" in caught.value.message
    assert "25 key points (at most 20)" in caught.value.message
    with pytest.raises(EditError, match="nothing to change"):
        viva.edit_question(tcp.id)
    assert not viva.question(tcp.id).is_edited


def test_key_point_edits_reach_the_grader_and_their_text_is_embedded(
    viva: Viva, note: Path
) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    answer = "TCP 需要先建立连接，保证可靠；UDP 直接发送。"
    with fake_models() as (_, fast):
        _, before = viva.grade(tcp.id, answer)
        viva.edit_question(tcp.id, key_points=["TCP 建立连接后才发送数据", "UDP 不保证可靠"])
        _, after = viva.grade(tcp.id, answer)
        texts = [k.text for k in after.key_points]
        assert texts == ["TCP 建立连接后才发送数据", "UDP 不保证可靠"]
        assert texts != [k.text for k in before.key_points]
        from viva.grading.embedder import text_key
        from viva.store.vectors import SqlEmbeddingCache

        cached = SqlEmbeddingCache(viva.db).get_vectors(fast.model_id, [text_key(texts[0])])
        assert cached  # the new point's embedding is in the cache, keyed by its text


def test_added_questions_are_the_students_own_and_survive_other_imports(
    viva: Viva, note: Path
) -> None:
    added = viva.add_question(
        "TCP 的 TIME_WAIT 有什么用？",
        reference="==保证最后的 ACK 能到达==，并==让旧连接的报文在网络中消失==。",
        section="网络 / TCP",
    )
    assert added.bank == OWN_BANK
    assert added.section == ("网络", "TCP")
    assert len(added.key_points) == 2
    viva.import_notes([note.parent], bank="net")
    viva.import_notes([note.parent], bank="net")
    assert viva.question(added.id).prompt == "TCP 的 TIME_WAIT 有什么用？"
    edited = viva.edit_question(added.id, prompt="TIME_WAIT 状态的作用？")
    assert edited.prompt == "TIME_WAIT 状态的作用？"
    assert not edited.is_edited  # no note behind it: the question itself changed
    with pytest.raises(EditError, match="no note to go back to"):
        viva.restore_note(added.id)
    with pytest.raises(ImportFailed, match="reserved"):
        viva.import_notes([note.parent], bank=OWN_BANK)
    viva.remove_question(added.id)
    assert added.id not in {q.id for q in viva.questions(banks=[OWN_BANK])}
    with pytest.raises(EditError, match="comes from a note"):
        viva.remove_question(by_prompt(viva, "TCP").id)


def test_a_changed_prompt_takes_its_disputed_grades_along(viva: Viva, note: Path) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    with fake_models():
        viva.dispute_grade(tcp.id, "TCP 可靠，UDP 不可靠。", 90)
        viva.edit_question(tcp.id, prompt="TCP 与 UDP 有什么不同？")
        _, grade = viva.grade(tcp.id, "TCP 可靠，UDP 不可靠。")
    assert grade.score == 90  # the same answer, now filed under the new prompt too


# --- export --------------------------------------------------------------------------------
def _essence(q: Question) -> tuple[object, ...]:
    return (q.section, q.prompt, (q.reference or "").strip(), tuple(k.text for k in q.key_points))


def test_an_exported_bank_imports_back_as_the_students_version(
    viva: Viva, vault: Path, tmp_path: Path
) -> None:
    shutil.copy(SEED, vault / "seed-note.txt")
    viva.import_notes([vault], bank="seed")
    questions = viva.questions(banks=["seed"])
    unanswered = next(q for q in questions if not q.has_reference)
    viva.edit_question(unanswered.id, reference="我想研究==检索增强生成==和==模型压缩==。")
    reworded = questions[4]
    viva.edit_question(reworded.id, prompt=reworded.prompt.rstrip("？?") + "？请举例。")

    written = viva.export_bank("seed", tmp_path / "out")
    viva.import_notes([tmp_path / "out"], bank="back")

    assert [p.name for p in written] == ["seed-note.txt"]
    mine = [_essence(q) for q in viva.questions(banks=["seed"])]
    back = [_essence(q) for q in viva.questions(banks=["back"])]
    assert back == mine
    assert [q.number for q in viva.questions(banks=["back"])] == [q.number for q in questions]


def test_exported_key_points_the_reference_does_not_mark_are_listed_after_it(
    viva: Viva, note: Path, tmp_path: Path
) -> None:
    viva.import_notes([note.parent], bank="net")
    tcp = by_prompt(viva, "TCP")
    viva.edit_question(tcp.id, key_points=["UDP 无连接", "流量控制用滑动窗口"])
    viva.export_bank("net", tmp_path / "out")
    text = (tmp_path / "out" / "网络.md").read_text("utf-8")
    assert "TCP 面向连接、可靠传输，==UDP 无连接==、尽力而为。" in text  # marks redrawn
    assert "要点：\n>\n> - ==流量控制用滑动窗口==" in text  # not in the answer: listed
    viva.import_notes([tmp_path / "out"], bank="back")
    back = by_prompt(viva, "TCP", bank="back")
    assert [k.text for k in back.key_points] == ["UDP 无连接", "流量控制用滑动窗口"]


@pytest.mark.slow
def test_the_builtin_bank_exports_and_imports_back_unchanged(
    tmp_path: Path, env: dict[str, str]
) -> None:
    viva = Viva(load_settings({**env, "VIVA_BUILTIN_BANK": "1"}))
    try:
        viva.export_bank("builtin", tmp_path / "out")
        viva.import_notes([tmp_path / "out"], bank="back")
        builtin = [_essence(q) for q in viva.questions(banks=["builtin"])]
        assert len(builtin) >= 300
        assert [_essence(q) for q in viva.questions(banks=["back"])] == builtin
    finally:
        viva.close()


def test_export_refuses_a_folder_with_files_and_an_unknown_bank(
    viva: Viva, note: Path, tmp_path: Path
) -> None:
    viva.import_notes([note.parent], bank="net")
    full = write(tmp_path / "full" / "mine.md", "my own note")
    with pytest.raises(VivaError, match="is not empty"):
        viva.export_bank("net", full.parent)
    with pytest.raises(VivaError, match="no bank is called 'nope'"):
        viva.export_bank("nope", tmp_path / "empty")
    assert full.read_text() == "my own note"
