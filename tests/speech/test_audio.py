"""Reading recordings: every format a browser records, and every kind of bad file (no models)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import av
import numpy as np
import pytest

from tests.speech.conftest import write_wav
from viva.config import Settings
from viva.errors import AudioError, UploadTooLarge
from viva.service import Viva
from viva.speech.audio import read_audio

RATE = 16000


def tone(seconds: float, rate: int = RATE, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def encode(
    path: Path, samples: np.ndarray, fmt: str, codec: str, rate: int, *, live: bool = False
) -> Path:
    """Encode mono float samples (16 kHz) with PyAV, as a browser or phone would.

    `live`: a WebM written as a stream, with no duration in its header (like MediaRecorder's).
    """
    options = {"live": "1"} if live else {}
    with av.open(str(path), "w", format=fmt, options=options) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = RATE
        resampler = av.AudioResampler(
            format=stream.codec_context.format.name, layout="mono", rate=rate
        )
        for converted in resampler.resample(frame):
            for packet in stream.encode(converted):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.mark.parametrize(
    ("name", "fmt", "codec", "rate"),
    [
        ("answer.mp3", "mp3", "libmp3lame", 16000),
        ("answer.m4a", "mp4", "aac", 16000),
        ("answer.webm", "webm", "libopus", 48000),
        ("answer.ogg", "ogg", "libopus", 48000),
        ("answer.flac", "flac", "flac", 16000),
    ],
)
def test_read_audio_decodes_what_browsers_record(
    tmp_path: Path, name: str, fmt: str, codec: str, rate: int
) -> None:
    path = encode(tmp_path / name, tone(3.0), fmt, codec, rate)
    audio = read_audio(path, max_seconds=60)
    assert audio.duration == pytest.approx(3.0, abs=0.15)
    assert float(np.max(np.abs(audio.samples))) > 0.2


def test_read_audio_refuses_silence(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silent.wav", np.zeros(3 * RATE, np.float32), RATE)
    with pytest.raises(AudioError, match="silent") as err:
        read_audio(path, max_seconds=60)
    assert err.value.hint is not None
    assert "microphone" in err.value.hint


def test_read_audio_refuses_a_one_second_clip(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "short.wav", tone(1.0), RATE)
    with pytest.raises(AudioError, match=r"too short \(1\.0 s\)"):
        read_audio(path, max_seconds=60)


def test_read_audio_refuses_over_the_limit_from_the_header(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", tone(12.0), RATE)
    with pytest.raises(AudioError, match=r"too long: 12 s \(the limit is 5 s\)"):
        read_audio(path, max_seconds=5)


def test_read_audio_stops_decoding_over_the_limit_without_a_header(tmp_path: Path) -> None:
    # A WebM from MediaRecorder declares no duration: refused while decoding, not after.
    path = encode(tmp_path / "long.webm", tone(12.0), "webm", "libopus", 48000, live=True)
    with pytest.raises(AudioError, match=r"too long: at least 5\.\d s \(the limit is 5 s\)"):
        read_audio(path, max_seconds=5)


def test_read_audio_refuses_a_file_that_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("这不是音频 / this is not audio\n" * 100, encoding="utf-8")
    with pytest.raises(AudioError, match="not an audio file") as err:
        read_audio(path, max_seconds=60)
    assert "WAV, MP3" in str(err.value.hint)


def test_read_audio_refuses_random_bytes_and_empty_files(tmp_path: Path) -> None:
    noise = tmp_path / "garbage.webm"
    noise.write_bytes(os.urandom(20000))
    with pytest.raises(AudioError, match="not an audio file"):
        read_audio(noise, max_seconds=60)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        read_audio(empty, max_seconds=60)


def test_read_audio_refuses_an_unsupported_codec(tmp_path: Path) -> None:
    good = write_wav(tmp_path / "good.wav", tone(3.0), RATE).read_bytes()
    odd = bytearray(good)
    odd[20:22] = struct.pack("<H", 0x7777)  # a WAVE format tag no decoder knows
    path = tmp_path / "odd.wav"
    path.write_bytes(odd)
    with pytest.raises(AudioError, match="codec Viva cannot decode"):
        read_audio(path, max_seconds=60)


def test_read_audio_refuses_a_garbled_file(tmp_path: Path) -> None:
    data = bytearray(encode(tmp_path / "a.m4a", tone(3.0), "mp4", "aac", 16000).read_bytes())
    rng = np.random.default_rng(7)
    data[1500:9000] = rng.integers(0, 256, 7500, dtype=np.uint8).tobytes()
    path = tmp_path / "garbled.m4a"
    path.write_bytes(data)
    with pytest.raises(AudioError, match="is damaged"):
        read_audio(path, max_seconds=60)


def test_transcribe_bytes_refuses_an_upload_over_the_size_limit(settings: Settings) -> None:
    from dataclasses import replace

    viva = Viva(replace(settings, max_upload_bytes=1000))
    try:
        with pytest.raises(UploadTooLarge, match="too large"):
            viva.transcribe_bytes(b"\0" * 2000, "answer.webm")
    finally:
        viva.close()
