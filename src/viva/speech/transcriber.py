"""Speech-to-text: a `Transcriber` protocol and the faster-whisper backend (Whisper base).

The backend loads once per instance (the service keeps one per process), runs on the CPU in
int8 with two threads, and is told the question's language and key terms. Choices, measured
on synthesised answers (bench/speech_bench.py):

* key terms go in as `hotwords`, which faster-whisper puts before *every* 30-second window, not
  as `initial_prompt` as well: given both, the same terms appear twice in the prompt and the
  model starts echoing them ("过拟合 自注意力 过拟合 …") instead of transcribing. After the
  terms comes a short example that keeps its fillers (terms.VERBATIM): without it Whisper
  leaves out most 嗯 and um, and filler counts mean nothing;
* `condition_on_previous_text=False` and `no_repeat_ngram_size` keep a misheard window from
  turning into a loop of one character, and a segment the model itself rates as probably not
  speech, decoded into words of zero length, is dropped (Whisper's classic trailing
  hallucination after the last word);
* decoding stops once less than a second of speech (by the same Silero VAD) is left after the
  last segment: that remainder is the VAD's padding, and decoding it costs seconds of beam
  search only to produce the hallucination above;
* Chinese comes out in Traditional characters about half the time: converted to Simplified.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from viva.errors import AudioError, SpeechUnavailable
from viva.speech.audio import SAMPLE_RATE, Audio
from viva.speech.models import Segment, Transcript, Word
from viva.speech.terms import prompt_for

if TYPE_CHECKING:
    from faster_whisper import WhisperModel  # type: ignore[import-untyped]

Progress = Callable[[float, float], None]  # (seconds done, seconds in all)
LANGUAGES = ("zh", "en")
TAIL_SECONDS = 1.0


class Transcriber(Protocol):
    """Turns decoded audio into a transcript."""

    model_id: str

    def transcribe(
        self,
        audio: Audio,
        *,
        language: str | None = None,
        terms: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Transcript:
        """Transcribe; `language` is "zh" or "en" (None: detect which of the two)."""
        ...


class WhisperTranscriber:
    """faster-whisper with the Whisper base model assembled from its PyPI parts."""

    model_id = "whisper-base-int8"

    def __init__(
        self, model_dir: Path, *, threads: int = 2, beam_size: int = 5, verbatim: bool = True
    ) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self.beam_size = beam_size
        self.verbatim = verbatim  # show Whisper an example that keeps fillers (terms.VERBATIM)
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()

    def load(self) -> WhisperModel:
        """The model, loaded on first use."""
        with self._lock:
            if self._model is None:
                try:
                    from faster_whisper import WhisperModel
                except ImportError as err:
                    raise SpeechUnavailable(
                        f"speech-to-text needs faster-whisper, which cannot be imported ({err})",
                        hint="pip install 'viva-coach[voice]'",
                    ) from None
                self._model = WhisperModel(
                    str(self.model_dir),
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=self.threads,
                    num_workers=1,
                    local_files_only=True,
                )
            return self._model

    def detect_language(self, audio: Audio) -> str:
        """ "zh" or "en", whichever Whisper finds more likely (Viva knows no other language)."""
        model = self.load()
        _, _, probabilities = model.detect_language(audio.samples, vad_filter=True)
        scores = dict(probabilities)
        return max(LANGUAGES, key=lambda lang: scores.get(lang, 0.0))

    def transcribe(
        self,
        audio: Audio,
        *,
        language: str | None = None,
        terms: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Transcript:
        """Transcribe with voice-activity detection and word timestamps."""
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"language must be zh or en (not {language!r})")
        model = self.load()
        speech_end = _speech_end(audio)
        if speech_end is None:
            raise _no_speech()
        lang = language or self.detect_language(audio)
        with self._lock:  # one decode at a time: two cores, and bounded memory
            pieces, info = model.transcribe(
                audio.samples,
                language=lang,
                task="transcribe",
                beam_size=self.beam_size,
                vad_filter=True,
                word_timestamps=True,
                hotwords=prompt_for(terms, lang, verbatim=self.verbatim),
                condition_on_previous_text=False,
                no_repeat_ngram_size=6,
            )
            segments = []
            for piece in pieces:  # a generator: decoding happens as we iterate
                segment = _segment(piece, lang)
                if segment is not None:
                    segments.append(segment)
                if progress is not None:
                    progress(min(float(piece.end), info.duration), info.duration)
                if speech_end - float(piece.end) < TAIL_SECONDS:
                    break
        if progress is not None:
            progress(info.duration, info.duration)
        text = _join([s.text for s in segments], lang)
        if not text.strip():
            raise _no_speech()
        return Transcript(text, lang, audio.duration, tuple(segments))


def _no_speech() -> AudioError:
    return AudioError(
        "no speech was recognised in the recording",
        hint="speak closer to the microphone, or check that it records your voice",
    )


def _speech_end(audio: Audio) -> float | None:
    """Where the last stretch of speech ends, by Silero VAD (None: no speech at all)."""
    from faster_whisper.vad import (  # type: ignore[import-untyped]
        VadOptions,
        get_speech_timestamps,
    )

    chunks = get_speech_timestamps(audio.samples, VadOptions())
    if not chunks:
        return None
    return float(chunks[-1]["end"]) / SAMPLE_RATE


def _simplified(text: str, language: str) -> str:
    if language != "zh":
        return text
    import zhconv  # type: ignore[import-untyped]

    if zhconv.zhconv.zhcdicts is None:
        # Given its default name, zhconv reads its dictionary through a file it never closes
        # (a ResourceWarning); given the full path, it uses `with open`.
        zhconv.loaddict(str(Path(zhconv.zhconv.__file__).with_name("zhcdict.json")))
    converted: str = zhconv.convert(text, "zh-cn")
    return converted


def _is_hallucination(piece: Any) -> bool:
    """Whisper's own no-speech guess, confirmed by words it is unsure of or squeezed into no
    time: the prompt echoed after the last word ("…输入。嗯，", "so, um, so, so")."""
    words = piece.words or []
    if piece.no_speech_prob < 0.5 or not words:
        return False
    instant = sum(1 for w in words if w.end - w.start < 0.02)
    unsure = sum(w.probability for w in words) / len(words) < 0.3
    return unsure or instant >= len(words) / 2 or piece.avg_logprob < -1.0


def _segment(piece: Any, language: str) -> Segment | None:
    if _is_hallucination(piece):
        return None
    words = tuple(
        Word(
            _simplified(w.word, language).replace("\ufffd", ""),
            round(float(w.start), 3),
            round(float(w.end), 3),
            round(float(w.probability), 4),
        )
        for w in (piece.words or [])
    )
    words = tuple(w for w in words if w.text.strip())
    text = _simplified(piece.text, language).replace("\ufffd", "").strip()
    if not text:
        return None
    return Segment(text, round(float(piece.start), 3), round(float(piece.end), 3), words)


def _join(texts: Sequence[str], language: str) -> str:
    """Chinese segments join without spaces; English ones with one."""
    return ("" if language == "zh" else " ").join(t.strip() for t in texts if t.strip())
