"""Speech fixtures: the real models, loaded once per test session, and clips made with them.

Test audio is synthesised here: English with piper, Chinese with Kokoro (never espeak-ng's
Mandarin, which recognisers cannot understand). Clips are short to keep the suite fast.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from viva.speech import audio
from viva.speech.assets import WHISPER_BASE, ensure_model
from viva.speech.synthesizer import KokoroSynthesizer, PiperSynthesizer
from viva.speech.transcriber import WhisperTranscriber

EN_TEXT = "Overfitting means the model memorises noise in the training data."
ZH_TEXT = "训练误差低而验证误差明显更高，是过拟合。"
ZH_TERMS = ("过拟合", "验证误差", "训练误差")


def wav_samples(data: bytes) -> tuple[np.ndarray, int]:
    """Float samples and rate of 16-bit mono WAV bytes."""
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return pcm.astype(np.float32) / 32768, wav.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write float samples as 16-bit mono WAV (the product's own writer)."""
    path.write_bytes(audio.write_wav(samples, rate))
    return path


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One models folder for the session (assembly is tested separately, in its own folder)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def transcriber(models_dir: Path) -> WhisperTranscriber:
    """Whisper base, assembled and loaded once."""
    model = WhisperTranscriber(ensure_model(WHISPER_BASE, models_dir))
    model.load()
    return model


@pytest.fixture(scope="session")
def piper() -> PiperSynthesizer:
    """The English voice."""
    return PiperSynthesizer()


@pytest.fixture(scope="session")
def kokoro(models_dir: Path) -> KokoroSynthesizer:
    """The Mandarin voice."""
    return KokoroSynthesizer(models_dir)


@pytest.fixture(scope="session")
def clips(
    tmp_path_factory: pytest.TempPathFactory, piper: PiperSynthesizer, kokoro: KokoroSynthesizer
) -> dict[str, Path]:
    """An English and a Chinese answer as WAV files."""
    folder = tmp_path_factory.mktemp("clips")
    en = folder / "en.wav"
    en.write_bytes(piper.synthesize(EN_TEXT))
    zh = folder / "zh.wav"
    zh.write_bytes(kokoro.synthesize(ZH_TEXT))
    return {"en": en, "zh": zh}


@pytest.fixture
def voice_env(
    env: dict[str, str], models_dir: Path, transcriber: WhisperTranscriber
) -> dict[str, str]:
    """The test's environment, its models folder pointing at the session's assembled models."""
    del transcriber  # only ensures the session's Whisper folder is assembled
    home = Path(env["VIVA_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(models_dir, target_is_directory=True)
    return env


@pytest.fixture
def no_portaudio(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import sounddevice` fail as it does on a machine without the PortAudio library."""
    import sys

    class NoPortAudio:
        def find_spec(self, name: str, *_args: object) -> None:
            if name == "sounddevice":
                raise OSError("PortAudio library not found")

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio(), *sys.meta_path])
