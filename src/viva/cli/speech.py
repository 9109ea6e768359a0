"""`viva transcribe`, `viva say` and `viva recordings ...`: the voice commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="List and delete recorded answers.", no_args_is_help=True)

LangOption = Annotated[str | None, typer.Option("--lang", "-l", help="zh or en (default: detect).")]


def transcribe(
    file: Annotated[
        Path, typer.Argument(help="A recording: WAV, MP3, M4A/AAC, WebM/Opus, OGG or FLAC.")
    ],
    lang: LangOption = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            "-q",
            help="The question answered: its key terms guide the recogniser, and the "
            "transcript is graded against it.",
        ),
    ] = None,
    limit: Annotated[
        float | None,
        typer.Option("--limit", min=1, help="The answer's time limit in seconds (shows overtime)."),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Store a copy with the transcript (viva recordings).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Transcribe a spoken answer and show its delivery: rate, long pauses, fillers."""
    from viva.cli import render, render_speech, service

    with service() as viva:
        shown_in = viva.preferences().ui_lang  # the interface's (and the grade's) language
        with render_speech.transcribe_progress(not as_json, shown_in) as progress:
            from viva.service import TranscribeOptions

            options = TranscribeOptions(
                lang=lang, question_id=question, time_limit=limit, keep=keep, kind="transcribe"
            )
            result = viva.transcribe_file(file, options, progress=progress)
        graded = viva.grade(question, result.transcript.text) if question else None
    if as_json:
        from viva.wire import delivery_json, grade_json, transcript_json

        data: dict[str, Any] = {
            "recording_id": result.recording_id,
            "transcript": transcript_json(result.transcript),
            "delivery": delivery_json(result.delivery),
        }
        if graded is not None:
            data["question_id"] = graded[0].id
            data["grade"] = grade_json(graded[1])
        render.print_json(data)
        return
    render_speech.transcript_panel(result.transcript, result.recording_id, shown_in)
    render_speech.delivery_table(result.delivery, shown_in)
    if graded is not None:
        render.grade_panel(graded[0], result.transcript.text, graded[1], shown_in)


def say(
    text: Annotated[str, typer.Argument(help="What to say (Chinese, English or mixed).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write a WAV file instead of playing.")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Speak text aloud offline (Kokoro for Chinese, piper for English), or write a WAV."""
    import shutil

    from viva.cli import explained_errors, render_speech, service
    from viva.errors import AudioDeviceError, VivaError

    with service() as viva:
        ui = viva.preferences().ui_lang
        wav = viva.synthesize(text, lang)
        if output is not None:
            with explained_errors():
                try:
                    shutil.copyfile(wav, output)
                except OSError as err:
                    raise VivaError(f"cannot write {output}: {err.strerror or err}") from None
            render_speech.wrote_wav(output, ui)
            return
        try:
            viva.play(wav)
        except AudioDeviceError as err:
            import tempfile

            handle, name = tempfile.mkstemp(prefix="viva-say-", suffix=".wav")
            with open(handle, "wb") as out:
                out.write(wav.read_bytes())
            render_speech.could_not_play(err.message, Path(name), ui)


@app.command("list")
def list_recordings(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stored recordings with their transcripts, newest first."""
    from viva.cli import render, render_speech, service

    with service() as viva:
        found = viva.recordings()
        folder = viva.recordings_dir
        lang = viva.preferences().ui_lang
    if as_json:
        from viva.wire import recording_json

        render.print_json([recording_json(r) for r in found])
    else:
        render_speech.recordings_table(found, folder, lang)


@app.command("purge")
def purge(
    older_than: Annotated[
        float | None,
        typer.Option("--older-than", min=0, help="Only recordings older than this many days."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    expired: Annotated[
        bool,
        typer.Option(
            "--expired",
            help="Only what the retention setting says to delete (each user's 'keep recordings' "
            "setting or VIVA_RECORDINGS_KEEP_DAYS, the stricter), for every user; no "
            "confirmation (for cron).",
        ),
    ] = False,
) -> None:
    """Delete recordings (their audio and transcripts) for good."""
    import sys
    from datetime import UTC, datetime, timedelta

    from viva.cli import explained_errors, render_speech, service
    from viva.errors import VivaError

    age = None if older_than is None else timedelta(days=older_than)
    if expired:
        with explained_errors():
            if age is not None:
                raise VivaError(
                    "--expired and --older-than cannot be used together",
                    hint="--expired follows the retention setting; --older-than names the age",
                )
        with service() as viva:
            lang = viva.preferences().ui_lang
            now = datetime.now(UTC)
            deleted = sum(
                viva.as_user(a.name).apply_retention(now=now, force=True)
                for a in viva.accounts.accounts()
            )
        render_speech.purged(deleted, lang)
        return
    with service() as viva:
        lang = viva.preferences().ui_lang
        now = datetime.now(UTC)
        count = sum(1 for r in viva.recordings() if age is None or r.created_at < now - age)
        if not yes:
            with explained_errors():
                if not sys.stdin.isatty():
                    raise VivaError(
                        f"this deletes {count} recording(s) for good: confirm with --yes"
                    )
            question = (
                f"永久删除 {count} 段录音？"
                if lang == "zh"
                else f"Delete {count} recording(s) for good?"
            )
            if not typer.confirm(question, default=False):
                raise typer.Exit(1)
        deleted = viva.purge_recordings(age, now=now)
    render_speech.purged(deleted, lang)
