"""`viva interview` (a timed mock interview), `viva report` and `viva history`."""

from __future__ import annotations

import json
import select
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from viva.cli.bank import BankOption

if TYPE_CHECKING:
    from viva.practice.interview import Asked
    from viva.service import Viva


def _timed_answer(seconds: int, tick: Callable[[float], None]) -> tuple[str, float, bool]:
    """Read lines until an empty line, end of input or the time limit; (answer, used, timed out).

    After each line the time left is shown (`tick`); when time is up, the answer typed so far
    (its complete lines) is taken.
    """
    lines: list[str] = []
    start = time.monotonic()
    while True:
        left = seconds - (time.monotonic() - start)
        if left <= 0:
            return "\n".join(lines), time.monotonic() - start, True
        ready, _, _ = select.select([sys.stdin], [], [], left)
        if not ready:
            continue
        line = sys.stdin.readline()
        if line == "" or (not line.strip() and lines):
            return "\n".join(lines), time.monotonic() - start, False
        if line.strip():
            lines.append(line.rstrip("\n"))
            tick(seconds - (time.monotonic() - start))


def _check_voice(viva: Viva) -> None:
    """Before the first question: speech models installed, microphone and speaker present."""
    from viva.errors import SpeechUnavailable

    spoken = viva.text_to_speech_available("zh") and viva.text_to_speech_available("en")
    if not (viva.speech_to_text_available() and spoken):
        raise SpeechUnavailable(
            "the voice packages (speech-to-text, speech synthesis) are not installed",
            hint="pip install 'viva-coach[voice]'",
        )
    viva.check_audio_devices(microphone=True, speaker=True)


def _spoken_answer(viva: Viva, asked: Asked, *, quiet: bool, ui: str) -> tuple[str, float]:
    """Read the question aloud, record the answer, transcribe it; (text, seconds used). The
    lines around it are in `ui`, the interface's language."""
    from viva.cli import render, render_speech
    from viva.errors import AudioError

    out = render.console()
    viva.play(viva.synthesize(asked.prompt, asked.lang))
    if not quiet:
        out.print(
            f"请作答：最多 {asked.seconds} 秒；停顿 2.5 秒即结束作答。"
            if ui == "zh"
            else f"Speak now: up to {asked.seconds} s; 2.5 s of silence ends the answer.",
            style="dim",
        )
    start = time.monotonic()
    recording = viva.record_answer(asked.seconds)
    used = time.monotonic() - start
    from viva.service import TranscribeOptions

    try:
        result = viva.transcribe_bytes(
            recording,
            "answer.wav",
            TranscribeOptions(
                lang=asked.lang,
                question_id=asked.question_id,
                terms=viva.terms_for(asked.prompt, asked.key_points),
                time_limit=asked.seconds,
                kind="interview",
            ),
        )
    except AudioError as err:  # silence or a cough: an empty answer, not the end of the panel
        if not quiet:
            out.print(
                f"没有识别出回答（{err.message}）。"
                if ui == "zh"
                else f"No answer recognised ({err.message}).",
                style="yellow",
                markup=False,
            )
        return "", used
    if not quiet:
        out.print(result.transcript.text, markup=False)
        out.print(render_speech.delivery_line(result.delivery, ui), style="dim")
    return result.transcript.text, used


def _scripted(path: Path) -> list[str]:
    from viva.errors import VivaError

    answers = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            raise VivaError(
                f"{path}:{number}: not valid JSON",
                hint='each line is a JSON string or {"answer": "..."}',
            ) from None
        answers.append(value["answer"] if isinstance(value, dict) else str(value))
    return answers


def interview(
    plan: Annotated[
        str,
        typer.Option("--plan", "-p", help="A built-in plan (kaoyan-cs, tech-job) or a YAML file."),
    ] = "kaoyan-cs",
    bank: BankOption = None,
    minutes: Annotated[
        float | None, typer.Option("--minutes", min=1, help="Fit the whole panel into this time.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Replay the same draw of questions.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the panel's follow-ups: zh or en.")
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", help="JSONL of answers, one per question or follow-up, in order."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    voice: Annotated[
        bool,
        typer.Option(
            "--voice",
            help="Read each question aloud and answer by speaking (microphone; needs PortAudio).",
        ),
    ] = False,
) -> None:
    """A timed mock interview in the order real panels use, with follow-ups and a report."""
    from datetime import UTC, datetime

    from viva.cli import explained_errors, render, service
    from viva.errors import VivaError

    with explained_errors():
        if lang not in (None, "zh", "en"):
            raise VivaError(f"--lang must be zh or en (not {lang!r})")
        if voice and answers is not None:
            raise VivaError("--voice answers by speaking: leave out --answers")
        scripted = _scripted(answers) if answers is not None else None
        if scripted is None and not voice and not sys.stdin.isatty():
            raise VivaError(
                "an interview needs a keyboard, or the answers in a file",
                hint="run it in a terminal, or: viva interview --answers answers.jsonl --json",
            )
    from viva.practice.plan import fill_notes, length_label

    out = render.console()
    with service() as viva:
        if voice:
            _check_voice(viva)
        ui = lang or viva.preferences().ui_lang
        started = datetime.now(UTC)
        session, used_seed = viva.start_interview(
            plan, banks=bank, seed=seed, minutes=minutes, lang=lang
        )
        if not as_json:
            title = session.plan.heading(ui)
            length = length_label(session.plan, ui)
            replay = (
                f"种子 {used_seed}（用 --seed {used_seed} 重放）"
                if ui == "zh"
                else f"seed {used_seed} (replay with --seed {used_seed})"
            )
            out.print(f"{title} · {length} · {replay}", markup=False)
            for note in fill_notes(session.plan, session.fills, ui):
                out.print(note, style="yellow", markup=False)
        stage = None
        stages = {s.name: s for s in session.plan.stages}
        while (asked := session.next()) is not None:
            if not as_json and asked.stage != stage:
                stage = asked.stage
                out.print(f"\n── {stages[stage].label(ui)} ──", style="bold", markup=False)
            if not as_json:
                out.print(f"{turn_label(asked, ui)}: {asked.prompt}", style="bold", markup=False)
                if not voice:
                    out.print(
                        f"（{asked.seconds} 秒；空行提交）"
                        if ui == "zh"
                        else f"({asked.seconds} s; an empty line submits)",
                        style="dim",
                    )
            if voice:
                text, used = _spoken_answer(viva, asked, quiet=as_json, ui=ui)
                timed_out = False
            elif scripted is not None:
                text = scripted.pop(0) if scripted else ""
                used, timed_out = 0.0, False
            else:
                text, used, timed_out = _timed_answer(
                    asked.seconds,
                    lambda left: out.print(
                        f"  ⏱ 还剩 {left:.0f} 秒" if ui == "zh" else f"  ⏱ {left:.0f} s left",
                        style="dim",
                    ),
                )
                if timed_out:
                    out.print(
                        "时间到：已提交你到目前为止的回答。"
                        if ui == "zh"
                        else "Time's up: your answer so far is taken.",
                        style="yellow",
                    )
            grade = viva.grade_asked(asked, text)
            session.answer(text, used, grade, timed_out=timed_out)
            if not as_json:
                # what was wrong is named in the report: a follow-up may ask about it first
                # and the model answer waits for the report too: the follow-up may ask about it
                told = grade.feedback[len(grade.contradicted) :]
                out.print(f"→ {grade.score}/100  " + " ".join(told[:1]), style="dim")
        saved, report = viva.finish_interview(session, seed=used_seed, started_at=started)
    if as_json:
        from viva.wire import report_json

        render.print_json({"id": saved, "seed": used_seed, **report_json(report)})
    else:
        render.interview_report(saved, report, ui)


def turn_label(asked: Asked, lang: str) -> str:
    """ "第 3 题" / "Question 3", and for a follow-up "第 3 题 · 追问 1"."""
    if lang == "en":
        label = f"Question {asked.number}"
        return label + (f" · follow-up {asked.follow_up}" if asked.follow_up else "")
    label = f"第 {asked.number} 题"
    return label + (f" · 追问 {asked.follow_up}" if asked.follow_up else "")


def report(
    session: Annotated[
        int | None, typer.Argument(help="Interview id (default: the latest).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md (Markdown) or json.")] = "md",
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the Markdown: zh or en (default: the settings')."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
) -> None:
    """Show or export a mock-interview report: each answer beside the model answer."""
    from viva.cli import explained_errors, render, service
    from viva.errors import VivaError

    with explained_errors():
        if fmt not in ("md", "json"):
            raise VivaError(f"--format must be md or json (not {fmt!r})")
        if lang not in (None, "zh", "en"):
            raise VivaError(f"--lang must be zh or en (not {lang!r})")
    with service() as viva:
        saved = viva.interview(session)
        ui = lang or viva.preferences().ui_lang
    if fmt == "json":
        text = json.dumps({"id": saved.id, "seed": saved.seed, **saved.report}, ensure_ascii=False)
    else:
        from viva.export import report_markdown

        finished = saved.finished_at.astimezone().strftime("%Y-%m-%d %H:%M")
        text = report_markdown(saved.id, saved.report, ui, finished)
    if output is not None:
        with explained_errors():
            try:
                output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            except OSError as err:
                raise VivaError(
                    f"cannot write {str(output)!r}: {err.strerror}",
                    hint="choose a folder you can write to",
                ) from None
        render.console().print(f"→ {output}", markup=False)
    elif fmt == "json":
        render.print_json({"id": saved.id, "seed": saved.seed, **saved.report})
    else:
        render.console().out(text, highlight=False)


def history() -> None:
    """Past mock interviews with their overall scores."""
    from viva.cli import render, service

    with service() as viva:
        render.history_table(viva.interviews(), viva.preferences().ui_lang)
