"""Issue #13 item 3: `GET /api/speech/say` is capped, chunked, cached within a size, same-site."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.web.conftest import LiveServer
from viva.speech.audio import write_wav
from viva.speech.synthesizer import cached_speech

CHUNK_CHARS = 120  # speech.synthesizer.CHUNK_CHARS


class ToneSynthesizer:
    """A boundary fake for the TTS models: 10 ms of tone per character, and a log of calls."""

    engine = "tone"
    voice = "test"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def synthesize(self, text: str) -> bytes:
        self.calls.append(text)
        samples = np.sin(np.arange(160 * len(text), dtype=np.float32) / 5) * 0.3
        return write_wav(samples.astype(np.float32), 16000)


def _seconds(path: Path) -> float:
    with wave.open(io.BytesIO(path.read_bytes()), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.mark.parametrize(
    "text", ["x" * 1990, "word " * 400, "过拟合是什么" * 300, "注意力机制，" * 300]
)
def test_long_text_is_synthesised_in_bounded_chunks(tmp_path: Path, text: str) -> None:
    fake = ToneSynthesizer()
    path = cached_speech(fake, text, tmp_path)
    assert len(fake.calls) > 1
    assert max(len(call) for call in fake.calls) <= CHUNK_CHARS
    spoken = sum(len(call) for call in fake.calls)
    assert spoken >= len(text.replace(" ", "")) * 0.99  # nothing dropped
    assert _seconds(path) == pytest.approx(spoken * 0.01, rel=0.01)


def test_the_cache_is_a_size_capped_lru(tmp_path: Path) -> None:
    fake = ToneSynthesizer()
    one = 44 + 2 * 160 * 50  # the WAV of a 50-character text
    first = cached_speech(fake, "a" * 50, tmp_path, max_bytes=3 * one)
    for n in range(10):
        cached_speech(fake, f"{n}" * 50, tmp_path, max_bytes=3 * one)
        # the first text keeps being asked for
        assert cached_speech(fake, "a" * 50, tmp_path, max_bytes=3 * one) == first
    files = list(tmp_path.rglob("*.wav"))
    assert sum(f.stat().st_size for f in files) <= 3 * one
    assert first in files  # recently used: kept
    assert fake.calls.count("a" * 50) == 1  # and never synthesised again


@pytest.mark.slow
def test_say_refuses_more_than_a_question(api: httpx.Client) -> None:
    response = api.get("/api/speech/say", params={"text": "a" * 301, "lang": "en"})
    assert response.status_code == 422
    assert "300" in response.json()["error"]


@pytest.mark.slow
@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_say_refuses_other_sites(shared: LiveServer, site: str) -> None:
    response = httpx.get(
        f"{shared.url}/api/speech/say",
        params={"text": "hello", "lang": "en"},
        headers={"Sec-Fetch-Site": site, "Sec-Fetch-Dest": "audio"},
    )
    assert response.status_code == 403
    assert not (shared.settings.home / "tts-cache").exists()
