"""Speech synthesis: piper (English) and Kokoro (Mandarin) WAVs, the per-text cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.speech.conftest import wav_samples
from viva.speech.audio import write_wav
from viva.speech.synthesizer import (
    KokoroSynthesizer,
    PiperSynthesizer,
    cached_speech,
    language_of,
)


class CountingVoice:
    """A boundary fake: a synthesiser that counts its calls and says nothing."""

    engine = "fake"
    voice = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def synthesize(self, text: str) -> bytes:
        import numpy as np

        self.calls += 1
        return write_wav(np.zeros(1600 + len(text), np.float32), 16000)


def test_language_of_counts_chinese_characters() -> None:
    assert language_of("什么是过拟合？") == "zh"
    assert language_of("Transformer 的 self-attention 是什么？") == "zh"
    assert language_of("What is overfitting?") == "en"
    assert language_of("Explain BERT (双向编码器) in English, please.") == "en"


def test_cached_speech_synthesises_a_text_once(tmp_path: Path) -> None:
    voice = CountingVoice()
    first = cached_speech(voice, "什么是过拟合？", tmp_path)
    second = cached_speech(voice, "什么是过拟合？", tmp_path)
    other = cached_speech(voice, "什么是欠拟合？", tmp_path)
    assert first == second != other
    assert voice.calls == 2
    assert first.is_relative_to(tmp_path)
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.model
def test_piper_speaks_english_as_16_bit_mono_wav(piper: PiperSynthesizer) -> None:
    samples, rate = wav_samples(piper.synthesize("Dropout reduces overfitting."))
    assert rate == 22050
    assert 1.0 < len(samples) / rate < 4.0
    assert float(abs(samples).max()) > 0.1


@pytest.mark.model
def test_kokoro_speaks_mandarin_and_english_words_in_mixed_text(
    kokoro: KokoroSynthesizer,
) -> None:
    phonemes = kokoro.phonemes("Transformer 的 self-attention 是什么")
    assert "tɹænsfˈɔːɹmɚ" in phonemes  # English words by English rules
    assert "↘" in phonemes or "↓" in phonemes  # Mandarin tones
    samples, rate = wav_samples(kokoro.synthesize("过拟合。正则化！"))
    assert rate == 24000
    assert 1.0 < len(samples) / rate < 5.0
