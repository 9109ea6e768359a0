"""Whisper on synthesised answers: English, Chinese, key terms, Simplified output, timings."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import zhconv

from tests.speech.conftest import ZH_TERMS, wav_samples, write_wav
from viva.errors import AudioError
from viva.speech.audio import read_audio
from viva.speech.delivery import measure
from viva.speech.transcriber import WhisperTranscriber, _simplified

pytestmark = pytest.mark.model


def test_english_answer_is_transcribed_with_word_times(
    transcriber: WhisperTranscriber, clips: dict[str, Path]
) -> None:
    seen: list[tuple[float, float]] = []
    result = transcriber.transcribe(
        read_audio(clips["en"], max_seconds=60),
        language="en",
        progress=lambda done, total: seen.append((done, total)),
    )
    text = result.text.lower()
    for word in ("overfitting", "model", "noise", "training"):
        assert word in text
    assert result.language == "en"
    words = result.words
    assert len(words) >= 8
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert words[-1].end <= result.duration + 0.5
    assert seen[-1][0] == pytest.approx(seen[-1][1])


def test_chinese_answer_with_key_terms_spells_them_in_simplified(
    transcriber: WhisperTranscriber, clips: dict[str, Path]
) -> None:
    audio = read_audio(clips["zh"], max_seconds=60)
    prompted = transcriber.transcribe(audio, language="zh", terms=ZH_TERMS)
    plain = transcriber.transcribe(audio, language="zh")
    assert "过拟合" in prompted.text
    assert "验证误差" in prompted.text
    hits = [sum(term in t.text for term in ZH_TERMS) for t in (prompted, plain)]
    assert hits[0] >= hits[1]
    for result in (prompted, plain):
        assert zhconv.convert(result.text, "zh-cn") == result.text  # no Traditional left


def test_language_is_detected_between_chinese_and_english(
    transcriber: WhisperTranscriber, clips: dict[str, Path]
) -> None:
    assert transcriber.detect_language(read_audio(clips["en"], max_seconds=60)) == "en"
    assert transcriber.detect_language(read_audio(clips["zh"], max_seconds=60)) == "zh"


def test_traditional_characters_are_converted() -> None:
    assert _simplified("國內和訓練擊傷", "zh") == "国内和训练击伤"
    assert _simplified("Training", "en") == "Training"


def test_a_long_pause_in_real_speech_is_found(
    transcriber: WhisperTranscriber, clips: dict[str, Path], tmp_path: Path
) -> None:
    speech, rate = wav_samples(clips["en"].read_bytes())
    silence = np.zeros(int(3.0 * rate), np.float32)
    path = write_wav(tmp_path / "paused.wav", np.concatenate([speech, silence, speech]), rate)
    delivery = measure(transcriber.transcribe(read_audio(path, max_seconds=60), language="en"))
    assert len(delivery.pauses) == 1
    assert 2.2 <= delivery.longest_pause <= 3.6
    assert delivery.pauses[0].start == pytest.approx(len(speech) / rate, abs=0.8)
    assert 100 <= delivery.rate <= 260  # words per minute of a clear, steady voice
    assert delivery.fillers == ()


def test_noise_without_speech_is_refused(transcriber: WhisperTranscriber, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    hiss = (0.02 * rng.standard_normal(16000 * 4)).astype(np.float32)
    path = write_wav(tmp_path / "hiss.wav", hiss, 16000)
    with pytest.raises(AudioError, match="no speech"):
        transcriber.transcribe(read_audio(path, max_seconds=60), language="en")
