"""What the CLI writes out: Anki decks, data exports, batch grading, calibrations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from viva.cli.render import console
from viva.i18n import translator

if TYPE_CHECKING:  # rendering-only imports stay lazy: `viva bank list` must start fast
    from viva.service import (
        AnkiExport,
        BatchReport,
        CalibrationReport,
        DataExport,
    )


_FILES = {
    "anki_wrote": (
        "已把 {banks} 的 {n} 道题{images}写入 {path}。",
        "Wrote {n} note from {banks}{images} to {path}.|"
        "Wrote {n} notes from {banks}{images} to {path}.",
    ),
    "anki_images": ("（含 {n} 张图片）", ", {n} image|, {n} images"),
    "anki_empty": (
        "{n} 道题还没有参考答案：卡片背面是空的。",
        "{n} question has no reference answer yet: its card back is empty.|"
        "{n} questions have no reference answer yet: their card backs are empty.",
    ),
    "anki_how": (
        "在 Anki 里：文件 > 导入…，选择这个文件。改过笔记后再导出一次，Anki 会更新同一批卡片。",
        "In Anki: File > Import… and choose the file. Export again after editing your notes: "
        "Anki updates the same cards.",
    ),
    "data_wrote": (
        "已把 {tables} 张表的 {rows} 行数据和 {files} 个文件写入 {path}（{size:.1f} MB）。",
        "Wrote {rows} row(s) from {tables} table(s) and {files} file(s) to {path} ({size:.1f} MB).",
    ),
    "exporting": ("正在导出", "Exporting"),
    "notes_wrote": (
        "已把 {n} 篇笔记写入 {path}。",
        "Wrote {n} note to {path}.|Wrote {n} notes to {path}.",
    ),
    "notes_then": (
        "改好后运行：viva import {path} --bank my-notes",
        "Edit them, then: viva import {path} --bank my-notes",
    ),
    "grading": ("正在评分", "Grading"),
    "batch_done": (
        "已评分 {graded}/{rows} 条回答 → {path}",
        "Graded {graded} of {rows} answers → {path}",
    ),
    "batch_errors": (
        "{n} 行无法评分：原因见这些行的 error 列。",
        "{n} row could not be graded: see its `error` column.|"
        "{n} rows could not be graded: see their `error` column.",
    ),
    "calibration_title": (
        "在 {n} 个你评过分的回答上校准",
        "Calibration on {n} graded answers",
    ),
    "before": ("校准前", "before"),
    "after": ("校准后（5 折交叉验证）", "after (5-fold)"),
    "calibration_saved": (
        "已为评分档 {profile!r} 保存，今后评分都用它。`viva calibrate --reset` 可以撤销。",
        "Saved for the {profile!r} grading profile; used from now on."
        " `viva calibrate --reset` undoes it.",
    ),
    "calibration_reset": ("已恢复默认校准。", "Back to the default calibration."),
    "calibration_default": ("本来就在用默认校准。", "Already on the default calibration."),
}


def files_text(key: str, lang: str, **values: Any) -> str:
    """One line of the export, batch and calibration reports in `lang`."""
    return translator(_FILES, lang)(key, **values)


def anki_export(report: AnkiExport, lang: str = "en") -> None:
    """What `viva export anki` wrote, and how to open it."""
    out = console()
    say = translator(_FILES, lang)
    banks = ("、" if lang == "zh" else ", ").join(report.banks)
    images = say("anki_images", n=report.media) if report.media else ""
    out.print(
        say("anki_wrote", n=report.notes, banks=banks, images=images, path=report.path),
        markup=False,
        soft_wrap=True,
    )
    if report.without_reference:
        out.print(say("anki_empty", n=report.without_reference), markup=False)
    out.print(say("anki_how"), markup=False)


def batch_report(report: BatchReport, lang: str = "en") -> None:
    """One line per outcome of a batch."""
    out = console()
    say = translator(_FILES, lang)
    out.print(say("batch_done", graded=report.graded, rows=report.rows, path=report.output))
    if report.errors:
        out.print(say("batch_errors", n=report.errors), markup=False)


def calibration_report(report: CalibrationReport, lang: str = "en") -> None:
    """Agreement with the user's grades before and after refitting."""
    say = translator(_FILES, lang)
    table = Table(title=say("calibration_title", n=report.answers), header_style="bold")
    table.add_column("")
    table.add_column("Pearson", justify="right")
    table.add_column("RMSE", justify="right")
    table.add_row(say("before"), f"{report.pearson_before:.3f}", f"{report.rmse_before:.3f}")
    table.add_row(say("after"), f"{report.pearson_after:.3f}", f"{report.rmse_after:.3f}")
    out = console()
    out.print(table)
    out.print(say("calibration_saved", profile=report.profile), markup=False)


def data_export(report: DataExport, lang: str = "en") -> None:
    """What `viva export data` wrote."""
    console().print(
        files_text(
            "data_wrote",
            lang,
            rows=report.rows,
            tables=report.tables,
            files=report.files,
            path=report.path,
            size=report.bytes / 1024 / 1024,
        ),
        markup=False,
        soft_wrap=True,
    )
