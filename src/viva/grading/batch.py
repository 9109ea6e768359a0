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


def read_rows(path: Path, required: Sequence[str] = REQUIRED) -> tuple[list[dict[str, Any]], str]:
    """The rows of a CSV or JSONL file and its format ("csv" or "jsonl").

    Raises:
        BatchFileError: the file is missing, not text, or lacks a required column.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BatchFileError(f"cannot read {str(path)!r}: {err.strerror}") from None
    decoded = decode_text(data)
    if decoded is None:
        raise BatchFileError(f"{path}: not a text file", hint="save it as UTF-8 CSV or JSONL")
    text = decoded[0]
    fmt = "jsonl" if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"
    rows: list[dict[str, Any]] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise BatchFileError(
                    f"{path}:{number}: not valid JSON ({err.msg})",
                    hint="each line must be one JSON object",
                ) from None
            if not isinstance(row, dict):
                raise BatchFileError(f"{path}:{number}: expected a JSON object per line")
            rows.append(row)
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    columns = set(rows[0]) if rows else set()
    missing = [c for c in required if c not in columns]
    if not rows or missing:
        raise BatchFileError(
            f"{path}: expected the columns {', '.join(required)}"
            + (f" (missing: {', '.join(missing)})" if rows else " (the file has no rows)"),
            hint="the first CSV line names the columns; JSONL objects use the same keys",
        )
    return rows, fmt


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
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
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
