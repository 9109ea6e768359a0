"""Reading recordings: whatever a browser or phone records, as 16 kHz mono float32 samples.

PyAV (FFmpeg) decodes WAV, MP3, M4A/AAC, WebM/Opus, OGG, FLAC. Every way a file can be unusable
ends in an `AudioError` that says which: not audio, an unsupported codec, damaged, silent, too
short, too long. Length is checked from the container before decoding and again while
decoding (a browser's WebM often declares no duration), so a long file is refused after at
most the limit's worth of decoding, never decoded whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from viva.errors import AudioError

SAMPLE_RATE = 16000
MIN_SECONDS = 2.0  # shorter than this is no answer to an interview question
SILENCE_PEAK = 10 ** (-50 / 20)  # below -50 dBFS throughout: the microphone recorded nothing
FORMATS = "WAV, MP3, M4A/AAC, WebM/Opus, OGG or FLAC"
_SLACK = 0.25  # seconds: headers of compressed files estimate their length
EXACT_LENGTH = frozenset({"wav", "flac", "aiff"})  # containers whose header length is exact

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Audio:
    """Decoded speech, ready for the recogniser."""

    samples: Samples  # mono, SAMPLE_RATE, in [-1, 1]
    codec: str
    container: str

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / SAMPLE_RATE


def _minutes(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s" if seconds == int(seconds) else f"{seconds:.1f} s"


def _too_long(seconds: float, max_seconds: float, *, at_least: bool) -> AudioError:
    length = f"at least {_minutes(seconds)}" if at_least else _minutes(seconds)
    return AudioError(
        f"the recording is too long: {length} (the limit is {_minutes(max_seconds)})",
        hint="split it into answers, or raise the limit with VIVA_MAX_AUDIO_MINUTES",
    )


def read_audio(
    path: Path, *, max_seconds: float, min_seconds: float = MIN_SECONDS, name: str | None = None
) -> Audio:
    """Decode a recording, refusing anything that cannot be an answer.

    `name` is what messages call the file (an upload's own name rather than a temporary one).

    Raises:
        AudioError: not audio, unsupported codec, damaged, silent, too short or too long.
    """
    import av

    name = name or path.name
    if not path.is_file():
        raise AudioError(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise AudioError(f"{name} is empty (0 bytes)", hint="record again")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError:
        raise AudioError(
            f"{name} is not an audio file Viva can read",
            hint=f"record or export the answer as {FORMATS}",
        ) from None
    with container:
        if not container.streams.audio:
            raise AudioError(
                f"{name} has no audio track ({container.format.long_name})",
                hint=f"record or export the answer as {FORMATS}",
            )
        stream = container.streams.audio[0]
        codec = stream.codec_context.name if stream.codec_context is not None else "unknown"
        declared = _declared_seconds(container, stream)
        if container.format.name == "wav":
            declared = _wav_header_seconds(path) or declared
        if declared is not None and declared > max_seconds + _SLACK:
            raise _too_long(declared, max_seconds, at_least=False)
        samples, errors = _decode(container, stream, name, max_seconds)
    audio = Audio(samples, codec, container.format.name)
    _check(audio, name, declared=declared, errors=errors, min_seconds=min_seconds)
    return audio


def _declared_seconds(container: object, stream: object) -> float | None:
    """The length the container or stream header states, if any (None: unknown)."""
    duration = getattr(stream, "duration", None)
    time_base = getattr(stream, "time_base", None)
    if duration and time_base:
        return float(duration * time_base)
    total = getattr(container, "duration", None)  # microseconds (AV_TIME_BASE)
    return total / 1_000_000 if total else None


def _wav_header_seconds(path: Path) -> float | None:
    """The length a WAV's `data` chunk states (FFmpeg estimates it from the file's size, so a
    WAV cut short looks whole to it)."""
    import wave

    try:
        with wave.open(str(path), "rb") as wav:
            rate, frames = wav.getframerate(), wav.getnframes()
            size = frames * wav.getsampwidth() * wav.getnchannels()
    except (wave.Error, EOFError, OSError):
        return None  # a WAV `wave` cannot read (float, extensible): FFmpeg's estimate stands
    if not rate or not frames or size >= 0xFFFF0000:
        return None  # a recorder that streamed the WAV wrote no real length
    return frames / rate


def _decode(
    container: object, stream: object, name: str, max_seconds: float
) -> tuple[Samples, int]:
    """All samples of the stream, resampled; stops as soon as the limit is passed."""
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks: list[npt.NDArray[np.int16]] = []
    total = 0
    errors = 0
    limit = int((max_seconds + _SLACK) * SAMPLE_RATE)
    try:
        for packet in container.demux(stream):  # type: ignore[attr-defined]
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                errors += 1  # a damaged packet: skip it, judge the whole at the end
                continue
            for frame in frames:
                frame.pts = None
                for out in resampler.resample(frame):
                    array = np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1)
                    chunks.append(array)
                    total += len(array)
            if total > limit:
                raise _too_long(total / SAMPLE_RATE, max_seconds, at_least=True)
        for out in resampler.resample(None):
            chunks.append(np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1))
    except av.error.DecoderNotFoundError:
        raise AudioError(
            f"{name} uses an audio codec Viva cannot decode",
            hint=f"export the answer as {FORMATS}",
        ) from None
    except av.error.FFmpegError as err:
        raise AudioError(
            f"{name} is damaged and cannot be decoded ({err.strerror or type(err).__name__})",
            hint="record again, or export the answer again",
        ) from None
    if not chunks:
        return np.zeros(0, dtype=np.float32), errors
    pcm = np.concatenate(chunks)
    return (pcm.astype(np.float32) / 32768.0), errors


def _check(
    audio: Audio, name: str, *, declared: float | None, errors: int, min_seconds: float
) -> None:
    seconds = audio.duration
    if seconds == 0:
        raise AudioError(
            f"{name} contains no audio that could be decoded",
            hint="record again, or export the answer again",
        )
    # A WAV (or FLAC) header states the exact length, so a file that ends early was cut even
    # when every packet decoded; compressed formats only estimate it, so they need errors too.
    if declared and seconds < 0.9 * declared and (errors or audio.container in EXACT_LENGTH):
        raise AudioError(
            f"{name} is damaged: only {seconds:.1f} s of {declared:.1f} s could be decoded",
            hint="record again, or export the answer again",
        )
    if seconds < min_seconds:
        raise AudioError(
            f"the recording is too short ({seconds:.1f} s): answer for at least "
            f"{min_seconds:.0f} seconds",
        )
    peak = float(np.max(np.abs(audio.samples)))
    if peak < SILENCE_PEAK:
        raise AudioError(
            f"{name} is silent: nothing was recorded",
            hint="check that the microphone is connected, unmuted and allowed to record",
        )


def write_wav(samples: Samples, sample_rate: int = SAMPLE_RATE) -> bytes:
    """16-bit mono WAV bytes of float samples in [-1, 1]."""
    import io
    import wave

    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()
