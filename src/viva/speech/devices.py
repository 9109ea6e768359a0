"""The computer's speaker and microphone, through sounddevice (PortAudio).

Used by `viva interview --voice` only; the web app records in the browser. A missing PortAudio
library or device becomes an `AudioDeviceError` that says what to install or check.
"""

from __future__ import annotations

import queue
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from viva.errors import AudioDeviceError

SAMPLE_RATE = 16000
BLOCK_SECONDS = 0.1
SILENCE_SECONDS = 2.5  # this much quiet after speech ends the answer
_PORTAUDIO_HINT = (
    "install PortAudio: `sudo apt-get install libportaudio2` (Debian/Ubuntu), "
    "`brew install portaudio` (macOS); or answer by typing (leave out --voice)"
)


def sounddevice() -> Any:
    """The sounddevice module, or an error naming what to install."""
    try:
        import sounddevice as sd  # type: ignore[import-untyped]
    except OSError:  # the module imports, but PortAudio itself is missing
        raise AudioDeviceError(
            "cannot use the microphone or speaker: the PortAudio library is not installed",
            hint=_PORTAUDIO_HINT,
        ) from None
    except ImportError:
        raise AudioDeviceError(
            "cannot use the microphone or speaker: sounddevice is not installed",
            hint="pip install 'viva-coach[voice]'",
        ) from None
    return sd


def check_devices(*, microphone: bool = True, speaker: bool = True) -> None:
    """Fail early, before an interview starts, when a needed device is missing."""
    sd = sounddevice()
    wanted = [("input", "microphone")] if microphone else []
    wanted += [("output", "speaker")] if speaker else []
    for kind, name in wanted:
        try:
            device = sd.query_devices(kind=kind)
        except (sd.PortAudioError, ValueError):
            device = None
        if not device or int(device.get(f"max_{kind}_channels", 0)) < 1:
            raise AudioDeviceError(
                f"no {name} found",
                hint=f"connect a {name}, check that it is switched on and not muted, and that "
                "this terminal may use it (system privacy settings)",
            )


def play(path: Path) -> None:
    """Play a 16-bit WAV file and wait until it ends."""
    sd = sounddevice()
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    try:
        sd.play(data, rate)
        sd.wait()
    except sd.PortAudioError as err:
        raise AudioDeviceError(f"cannot play sound: {err}", hint=_PORTAUDIO_HINT) from None


def record(
    max_seconds: float,
    *,
    silence_seconds: float = SILENCE_SECONDS,
    on_level: Callable[[float, float], None] | None = None,
) -> npt.NDArray[np.float32]:
    """Record from the microphone until `silence_seconds` of quiet after speech, or the limit.

    The first half second sets the room's noise floor; speech is a block louder than three
    times that. `on_level(seconds, rms)` is called for every 0.1 s block (a level meter).
    Ctrl-C ends the recording early and keeps what was said.
    """
    sd = sounddevice()
    blocks: queue.Queue[npt.NDArray[np.float32]] = queue.Queue()
    block = int(SAMPLE_RATE * BLOCK_SECONDS)

    def callback(data: Any, _frames: int, _time: Any, _status: Any) -> None:
        blocks.put(np.array(data[:, 0], dtype=np.float32))

    recorded: list[npt.NDArray[np.float32]] = []
    noise: list[float] = []
    spoken = False
    quiet = 0.0
    started = time.monotonic()
    try:
        with sd.InputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="float32", blocksize=block, callback=callback
        ):
            while time.monotonic() - started < max_seconds:
                try:
                    chunk = blocks.get(timeout=1.0)
                except queue.Empty:
                    continue
                recorded.append(chunk)
                level = float(np.sqrt(np.mean(chunk**2))) if len(chunk) else 0.0
                elapsed = len(recorded) * BLOCK_SECONDS
                if on_level is not None:
                    on_level(elapsed, level)
                if elapsed <= 0.5:
                    noise.append(level)
                    continue
                threshold = max(0.01, 3 * (sum(noise) / len(noise) if noise else 0.0))
                if level > threshold:
                    spoken, quiet = True, 0.0
                elif spoken:
                    quiet += BLOCK_SECONDS
                    if quiet >= silence_seconds:
                        break
    except KeyboardInterrupt:
        pass
    except sd.PortAudioError as err:
        raise AudioDeviceError(f"cannot record: {err}", hint=_PORTAUDIO_HINT) from None
    if not recorded:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(recorded)
