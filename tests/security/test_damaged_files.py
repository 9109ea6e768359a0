"""Issue #13 item 10: damaged input is named as such (invalid UTF-8 in a note, a cut WAV)."""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.web.conftest import LiveServer
from viva.service import Viva
from viva.speech.audio import write_wav

NOTE = (
    "## 机器学习\n\n1. 什么是过拟合？\n> 模型在训练集上表现很好，==泛化能力差==。\n\n"
    "2. 什么是正则化？\n> 限制模型复杂度。\n"
)


def _damaged_note() -> bytes:
    data = NOTE.encode("utf-8")
    at = data.index("泛化".encode())
    return data[:at] + b"\xff" + data[at:]  # one stray byte on line 4


def test_invalid_utf8_is_replaced_and_reported_with_its_line(viva: Viva, tmp_path: Path) -> None:
    note = tmp_path / "ml.md"
    note.write_bytes(_damaged_note())
    report = viva.import_notes([note], bank="ml")
    assert [(p.file, p.line) for p in report.warnings if "UTF-8" in p.message] == [("ml.md", 4)]
    questions = {q.prompt: q.reference for q in viva.questions(banks=["ml"])}
    assert questions["什么是过拟合？"] == "模型在训练集上表现很好，==\ufffd泛化能力差==。"
    assert "什么是正则化？" in questions  # the rest of the note is read as written


def test_a_gb18030_note_is_still_read_as_chinese(viva: Viva, tmp_path: Path) -> None:
    note = tmp_path / "gbk.md"
    note.write_bytes(NOTE.encode("gb18030"))
    report = viva.import_notes([note], bank="gbk")
    assert not [p for p in report.warnings if "UTF-8" in p.message]
    assert "什么是过拟合？" in {q.prompt for q in viva.questions(banks=["gbk"])}


@pytest.mark.slow
def test_an_uploaded_note_with_invalid_utf8_warns(api: httpx.Client) -> None:
    response = api.post(
        "/api/import",
        files=[("files", ("ml.md", _damaged_note(), "text/markdown"))],
        data={"bank": "damaged"},
    )
    assert response.status_code == 200
    warnings = [
        (p["file"], p["line"]) for p in response.json()["problems"] if "UTF-8" in p["message"]
    ]
    assert warnings == [("ml.md", 4)]


@pytest.mark.slow
def test_a_wav_cut_to_a_third_is_reported_damaged(api: httpx.Client, shared: LiveServer) -> None:
    tone = (np.sin(np.arange(16000 * 9, dtype=np.float32) / 4) * 0.3).astype(np.float32)
    whole = write_wav(tone)
    cut = whole[: len(whole) // 3]
    response = api.post("/api/transcribe", files={"audio": ("answer.wav", cut, "audio/wav")})
    assert response.status_code == 422, response.text
    assert "damaged" in response.json()["error"]
    assert "3.0 s of 9.0 s" in response.json()["error"]
    recordings = shared.settings.home / "users" / "local" / "recordings"
    assert not [p for p in recordings.rglob("*") if p.is_file()]  # nothing kept
