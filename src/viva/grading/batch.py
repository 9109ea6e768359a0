"""Graded-answer files: CSV or JSONL in, the same format out with the grade columns added."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from viva.bank.reader import decode_text
from viva.errors import VivaError

REQUIRED = ("question", "reference", "answer")


class BatchFileError(VivaError):
    """A batch or calibration file cannot be read."""


def read_rows(
    path: Path, required: Sequence[str] = REQUIRED, *, name: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The rows of a CSV or JSONL file and its format ("csv" or "jsonl"); `name` is how
    messages call the file (default: its path).

    Raises:
        BatchFileError: the file is missing, not text, has a line that is not a row of the
            header's columns, or lacks a required column.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BatchFileError(f"cannot read {str(path)!r}: {err.strerror}") from None
    shown = name or str(path)
    decoded = decode_text(data)
    if decoded is None:
        raise BatchFileError(f"{shown}: not a text file", hint="save it as UTF-8 CSV or JSONL")
    text = decoded[0]
    suffix = Path(name).suffix if name else path.suffix
    fmt = "jsonl" if suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"
    rows: list[dict[str, Any]] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise BatchFileError(
                    f"{shown}:{number}: not valid JSON ({err.msg})",
                    hint="each line must be one JSON object",
                ) from None
            if not isinstance(row, dict):
                raise BatchFileError(f"{shown}:{number}: expected a JSON object per line")
            rows.append(row)
    else:
        rows = _csv_rows(text, shown)
    columns = set(rows[0]) if rows else set()
    missing = [c for c in required if c not in columns]
    if not rows or missing:
        raise BatchFileError(
            f"{shown}: expected the columns {', '.join(required)}"
            + (f" (missing: {', '.join(missing)})" if rows else " (the file has no rows)"),
            hint="the first CSV line names the columns; JSONL objects use the same keys",
        )
    return rows, fmt


def _csv_rows(text: str, shown: str) -> list[dict[str, Any]]:
    """The CSV's rows; a line with more fields than the header names is an error (its cells
    would be lost), one with fewer is read with the missing cells empty."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[dict[str, Any]] = []
    try:
        for row in reader:
            extra = row.pop(None, None)
            if extra:
                header = reader.fieldnames or []
                raise BatchFileError(
                    f"{shown}:{reader.line_num}: {len(header) + len(extra)} fields, but the "
                    f"first line names {len(header)} ({', '.join(header)})",
                    hint="put quotes around a cell that holds a comma or a line break",
                )
            rows.append({k: "" if v is None else v for k, v in row.items()})
    except csv.Error as err:
        raise BatchFileError(
            f"{shown}:{reader.line_num}: not valid CSV ({err})",
            hint="save the sheet as CSV UTF-8 (comma-separated)",
        ) from None
    return rows


def key_points_of(row: dict[str, Any]) -> tuple[str, ...]:
    """The optional key_points column: a JSON list, or text separated by ';', '；' or '|'."""
    value = row.get("key_points")
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    text = str(value)
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            return tuple(str(v).strip() for v in parsed if str(v).strip())
        except json.JSONDecodeError:
            pass
    for separator in ("；", ";", "|"):
        if separator in text:
            return tuple(p.strip() for p in text.split(separator) if p.strip())
    return (text.strip(),)


def write_rows(path: Path, rows: Sequence[dict[str, Any]], fmt: str) -> None:
    """Write rows atomically (a temp file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        # CSV with a BOM: Excel then reads it as UTF-8 (without, Chinese turns to mojibake)
        encoding = "utf-8" if fmt == "jsonl" else "utf-8-sig"
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            if fmt == "jsonl":
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                columns: list[str] = []
                for row in rows:
                    columns.extend(k for k in row if k not in columns)
                writer = csv.DictWriter(out, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow(
                        {
                            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                            for k, v in row.items()
                        }
                    )
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
