"""The voice commands end to end in-process: transcribe, say, recordings, interview --voice."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import Cli
from tests.speech.conftest import EN_TEXT
from viva.speech.audio import read_audio

pytestmark = pytest.mark.model


@pytest.fixture
def voice_cli(voice_env: dict[str, str]) -> Cli:
    """The CLI with a data dir whose models are already assembled."""
    return Cli(voice_env)


def test_transcribe_prints_the_transcript_and_delivery_as_json(
    voice_cli: Cli, clips: dict[str, Path]
) -> None:
    result = voice_cli("transcribe", str(clips["en"]), "--lang", "en", "--limit", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "overfitting" in data["transcript"]["text"].lower()
    assert data["transcript"]["language"] == "en"
    assert data["delivery"]["rate_unit"] == "words"
    assert data["delivery"]["over_limit"] > 0
    assert data["delivery"]["pauses"] == []
    assert data["recording_id"] is None  # not kept unless asked


def test_transcribe_keeps_a_recording_then_purge_deletes_it(
    voice_cli: Cli, voice_env: dict[str, str], clips: dict[str, Path]
) -> None:
    result = voice_cli("transcribe", str(clips["en"]), "--lang", "en", "--keep")
    assert result.exit_code == 0, result.output
    assert "表达" in result.stdout  # the interface's language (Chinese by default)
    assert "词/分钟" in result.stdout
    listed = json.loads(voice_cli("recordings", "list", "--json").stdout)
    assert len(listed) == 1
    assert listed[0]["kind"] == "transcribe"
    stored = Path(voice_env["VIVA_HOME"]) / "users" / "local" / "recordings" / listed[0]["path"]
    assert stored.read_bytes() == clips["en"].read_bytes()

    refused = voice_cli("recordings", "purge")  # no terminal to confirm on
    assert refused.exit_code == 1
    assert "--yes" in refused.stderr
    assert stored.exists()

    assert voice_cli("recordings", "purge", "--older-than", "1", "--yes").stdout.startswith(
        "删除了 0 段录音"
    )
    purged = voice_cli("recordings", "purge", "--yes")
    assert purged.exit_code == 0
    assert "删除了 1 段录音。" in purged.stdout
    assert not stored.exists()
    assert json.loads(voice_cli("recordings", "list", "--json").stdout) == []


def test_transcribe_explains_a_file_that_is_not_audio(voice_cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "answer.m4a"
    notes.write_text("# 我的笔记\n不是音频。\n", encoding="utf-8")
    result = voice_cli("transcribe", str(notes))
    assert result.exit_code == 1
    assert "answer.m4a is not an audio file Viva can read" in result.stderr
    assert "Traceback" not in result.output


def test_transcribe_refuses_a_recording_over_the_configured_limit(
    voice_cli: Cli, clips: dict[str, Path]
) -> None:
    voice_cli.env["VIVA_MAX_AUDIO_MINUTES"] = "0.04"  # 2.4 seconds
    result = voice_cli("transcribe", str(clips["en"]))
    assert result.exit_code == 1
    assert "too long" in result.stderr
    assert "VIVA_MAX_AUDIO_MINUTES" in result.stderr


def test_say_writes_a_wav_file(voice_cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "q.wav"
    result = voice_cli("say", EN_TEXT, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:4] == b"RIFF"
    assert f"已写入 {target}" in result.stdout


@pytest.mark.usefixtures("no_portaudio")
def test_say_without_a_speaker_writes_a_temporary_wav(voice_cli: Cli) -> None:
    result = voice_cli("say", "Hello.", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "PortAudio library is not installed" in result.stderr
    written = Path(result.stdout.split("已写入 ", 1)[1].strip())
    assert written.read_bytes()[:4] == b"RIFF"
    written.unlink()


@pytest.mark.usefixtures("no_portaudio")
def test_interview_voice_without_portaudio_says_what_to_install(voice_cli: Cli) -> None:
    result = voice_cli("interview", "--voice")
    assert result.exit_code == 5
    assert "PortAudio library is not installed" in result.stderr
    assert "apt-get install libportaudio2" in result.stderr
    assert "Traceback" not in result.output


def test_interview_voice_without_a_microphone_says_so(
    voice_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The PortAudio boundary: a library that finds no device, as on a server or in a container.
    fake = types.ModuleType("sounddevice")

    class PortAudioError(Exception):
        pass

    def query_devices(kind: str) -> dict[str, object]:
        raise PortAudioError(f"Error querying device -1 ({kind})")

    fake.PortAudioError = PortAudioError  # type: ignore[attr-defined]
    fake.query_devices = query_devices  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    result = voice_cli("interview", "--voice")
    assert result.exit_code == 5
    assert "no microphone found" in result.stderr
    assert "Traceback" not in result.output


class FakePortAudio(types.ModuleType):
    """The PortAudio boundary with a speaker that records what it played and a microphone that
    "hears" half a second of room noise, a prepared answer, then silence."""

    class PortAudioError(Exception):
        pass

    def __init__(self, answer: np.ndarray) -> None:
        super().__init__("sounddevice")
        self.answer = answer
        self.played: list[int] = []

    def query_devices(self, kind: str) -> dict[str, int]:
        return {f"max_{kind}_channels": 1}

    def play(self, data: np.ndarray, rate: int) -> None:
        self.played.append(len(data) // rate)

    def wait(self) -> None:
        pass

    def InputStream(self, **options: Any) -> contextlib.AbstractContextManager[None]:
        block, callback = options["blocksize"], options["callback"]
        heard = np.concatenate([np.zeros(8000), self.answer, np.zeros(16000 * 4)])

        @contextlib.contextmanager
        def stream() -> Iterator[None]:
            def feed() -> None:
                for start in range(0, len(heard) - block, block):
                    callback(heard[start : start + block].reshape(-1, 1), block, None, None)

            thread = threading.Thread(target=feed, daemon=True)
            thread.start()
            yield
            thread.join()

        return stream()


def test_interview_voice_reads_aloud_records_transcribes_and_grades(
    voice_cli: Cli, clips: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "ml.md").write_text(
        "## 机器学习\n\n### 如何判断模型是否过拟合？\n"
        "> ==训练误差低而验证误差明显更高，就是过拟合==。\n",
        encoding="utf-8",
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: one\nstages:\n  - name: 专业知识\n    sections: [机器学习]\n"
        "    count: 1\n    seconds: 60\n    follow_ups: 0\n    lang: zh\n",
        encoding="utf-8",
    )
    assert voice_cli("import", str(vault)).exit_code == 0
    device = FakePortAudio(read_audio(clips["zh"], max_seconds=60).samples)
    monkeypatch.setitem(sys.modules, "sounddevice", device)
    result = voice_cli("interview", "--voice", "--plan", str(plan), "--seed", "1", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (turn,) = report["turns"]
    assert "过拟合" in turn["answer"]  # a key term of the question, given to the recogniser
    assert turn["score"] > 0
    assert len(device.played) == 1  # the question, read aloud
    (recording,) = json.loads(voice_cli("recordings", "list", "--json").stdout)
    assert recording["kind"] == "interview"
    assert recording["delivery"]["time_limit"] == 60
