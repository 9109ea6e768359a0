"""Speech in the terminal: transcripts, delivery figures, recordings, `viva say`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from viva.cli.render import console, err_console
from viva.i18n import translator

if TYPE_CHECKING:  # rendering-only imports stay lazy: `viva bank list` must start fast
    from viva.speech.models import Delivery, Transcript
    from viva.store.recordings import SavedRecording


@contextmanager
def transcribe_progress(
    enabled: bool, lang: str = "en"
) -> Iterator[Callable[[float, float], None] | None]:
    """A progress bar in seconds of audio for recordings over 30 s (terminal only)."""
    err = err_console()
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(translator(_SPEECH, lang)("transcribing")),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("transcribe", total=None, visible=False)

        def update(done: float, total: float) -> None:
            progress.update(task, completed=done, total=total, visible=total > 30)

        yield update


_SPEECH = {
    "transcribing": ("正在转写", "Transcribing"),
    "transcript": (
        "转写（{language}，{seconds:.1f} 秒{kept}）",
        "Transcript ({language}, {seconds:.1f} s{kept})",
    ),
    "kept": ("，已存为录音 {id}", " · saved as recording {id}"),
    "zh": ("中文", "Chinese"),
    "en": ("英文", "English"),
    "delivery": ("表达", "Delivery"),
    "duration": ("时长", "duration"),
    "seconds": ("{s:.1f} 秒", "{s:.1f} s"),
    "limit_over": (
        "（限时 {limit:.0f} 秒，超出 {over:.1f} 秒）",
        " (limit {limit:.0f} s, {over:.1f} s over)",
    ),
    "limit_within": ("（限时 {limit:.0f} 秒，未超时）", " (limit {limit:.0f} s, within it)"),
    "rate": ("语速", "speaking rate"),
    "per_chars": ("{rate:.0f} 字/分钟", "{rate:.0f} characters/min"),
    "per_words": ("{rate:.0f} 词/分钟", "{rate:.0f} words/min"),
    "pauses": ("超过 {s:.0f} 秒的停顿", "pauses > {s:.0f} s"),
    "pauses_found": (
        "{n} 次（最长 {longest:.1f} 秒；在 {where}）",
        "{n} (longest {longest:.1f} s; at {where})",
    ),
    "none": ("无", "none"),
    "fillers": ("口头禅", "fillers"),
    "fillers_found": ("{n} 次：{listed}（在 {where}）", "{n}: {listed} (at {where})"),
    "line_rate_chars": ("{rate:.0f} 字/分钟", "{rate:.0f} 字/min"),
    "line_rate_words": ("{rate:.0f} 词/分钟", "{rate:.0f} wpm"),
    "line_seconds": ("{s:.0f} 秒", "{s:.0f} s"),
    "line_pauses": ("{n} 次长停顿", "{n} long pause|{n} long pauses"),
    "line_fillers": ("{n} 个口头禅", "{n} filler|{n} fillers"),
    "line_over": ("超时 {s:.0f} 秒", "{s:.0f} s over time"),
    "no_recordings": (
        "还没有录音。`viva transcribe 文件 --keep` 或 `viva interview --voice` 会保存录音。",
        "No recordings. `viva transcribe FILE --keep` or `viva interview --voice` make them.",
    ),
    "recordings": (
        "{folder} 里的 {n} 段录音",
        "{n} recording in {folder}|{n} recordings in {folder}",
    ),
    "col_id": ("编号", "id"),
    "col_date": ("日期", "date"),
    "col_kind": ("类型", "kind"),
    "col_length": ("时长", "length"),
    "col_question": ("题目", "question"),
    "col_transcript": ("转写", "transcript"),
    "kind_drill": ("练习", "drill"),
    "kind_interview": ("模拟面试", "interview"),
    "kind_transcribe": ("转写", "transcribe"),
    "purged": ("删除了 {n} 段录音。", "Deleted {n} recording.|Deleted {n} recordings."),
    "wrote": ("已写入 {path}", "Wrote {path}"),
    "cannot_play": ("这里无法播放（{reason}）。", "Cannot play it here ({reason})."),
}


def transcript_panel(transcript: Transcript, recording_id: int | None, lang: str = "en") -> None:
    """The transcript, with its language and length."""
    from rich.panel import Panel

    say = translator(_SPEECH, lang)
    kept = say("kept", id=recording_id) if recording_id is not None else ""
    language = say("zh" if transcript.language == "zh" else "en")
    title = say("transcript", language=language, seconds=transcript.duration, kept=kept)
    console().print(Panel(Text(transcript.text), title=title, title_align="left"))


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def delivery_table(delivery: Delivery, lang: str = "en") -> None:
    """Delivery figures: duration, rate, long pauses, fillers, overtime."""
    say = translator(_SPEECH, lang)
    list_sep = "、" if lang == "zh" else ", "
    table = Table(title=say("delivery"), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    length = say("seconds", s=delivery.duration)
    if delivery.time_limit is not None:
        over = delivery.over_limit
        length += (
            say("limit_over", limit=delivery.time_limit, over=over)
            if over > 0
            else say("limit_within", limit=delivery.time_limit)
        )
    table.add_row(say("duration"), length)
    per = "per_chars" if delivery.unit.value == "chars" else "per_words"
    table.add_row(say("rate"), say(per, rate=delivery.rate))
    pauses = say("pauses", s=delivery.pause_threshold)
    if delivery.pauses:
        where = list_sep.join(_clock(p.start) for p in delivery.pauses)
        found = say(
            "pauses_found", n=len(delivery.pauses), longest=delivery.longest_pause, where=where
        )
        table.add_row(pauses, found)
    else:
        table.add_row(pauses, say("none"))
    counts = delivery.filler_counts()
    if counts:
        listed = list_sep.join(f"{name} ×{n}" for name, n in counts.items())
        where = list_sep.join(_clock(f.start) for f in delivery.fillers)
        found = say("fillers_found", n=len(delivery.fillers), listed=listed, where=where)
        table.add_row(say("fillers"), found)
    else:
        table.add_row(say("fillers"), say("none"))
    console().print(table)


def delivery_line(delivery: Delivery, lang: str = "en") -> str:
    """Delivery in one line (after each spoken answer of an interview)."""
    say = translator(_SPEECH, lang)
    per = "line_rate_chars" if delivery.unit.value == "chars" else "line_rate_words"
    parts = [say("line_seconds", s=delivery.duration), say(per, rate=delivery.rate)]
    if delivery.pauses:
        parts.append(say("line_pauses", n=len(delivery.pauses)))
    if delivery.fillers:
        parts.append(say("line_fillers", n=len(delivery.fillers)))
    if delivery.over_limit > 0:
        parts.append(say("line_over", s=delivery.over_limit))
    return " · ".join(parts)


def recordings_table(recordings: Sequence[SavedRecording], folder: Any, lang: str = "en") -> None:
    """Stored recordings, newest first."""
    say = translator(_SPEECH, lang)
    if not recordings:
        console().print(say("no_recordings"), markup=False)
        return
    table = Table(title=say("recordings", n=len(recordings), folder=folder), header_style="bold")
    for column in ("id", "date", "kind", "length", "question", "transcript"):
        table.add_column(
            say(f"col_{column}"), justify="right" if column in ("id", "length") else "left"
        )
    for r in recordings:
        text = r.transcript if len(r.transcript) <= 40 else r.transcript[:39] + "…"
        table.add_row(
            str(r.id),
            r.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            say(f"kind_{r.kind}"),
            say("line_seconds", s=r.duration),
            r.question_id or "",
            text,
        )
    console().print(table)


def purged(count: int, lang: str = "en") -> None:
    """What `viva recordings purge` did."""
    console().print(translator(_SPEECH, lang)("purged", n=count))


def wrote_wav(path: Any, lang: str = "en") -> None:
    """Where `viva say -o` wrote its WAV."""
    console().print(translator(_SPEECH, lang)("wrote", path=path), markup=False)


def could_not_play(reason: str, path: Any, lang: str = "en") -> None:
    """`viva say` without a speaker: where the WAV went instead."""
    say = translator(_SPEECH, lang)
    err_console().print(say("cannot_play", reason=reason), style="yellow", markup=False)
    console().print(say("wrote", path=path), markup=False)
