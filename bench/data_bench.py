"""The student's data and batch grading, measured (issue #18, part 3).

1. Export: a user with the seed note imported, a year of reviews and many recordings (files of
   a realistic size): the time `export_data` takes, its peak Python memory (tracemalloc; the
   recordings are streamed into the zip, so it must stay far below their total size), the
   zip's size; then the account's deletion time.
2. Batch grading, the same CSV three ways: in the process (`grade_batch`, what the CLI does),
   and through a live server's page path, a job, twice (the first job's process loads the
   models; the second finds them loaded): the time to the first progress the page can show,
   and the total. This is what chose a job over a streamed response: the job's progress
   survives a closed tab and a proxy's timeout, at the cost measured here.

`python bench/data_bench.py [--recordings 300] [--rows 200]`. Real models, SQLite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import SEED
from tests.web.conftest import start_server, stop_server

from viva.config import load_settings
from viva.service import Viva
from viva.store.recordings import save_recording
from viva.store.users import find_user_id

PASSWORD = "correct horse battery"
RECORDING_BYTES = 300_000  # about 20 s of Opus/WebM, what a browser records for an answer


def _recordings(viva: Viva, count: int) -> int:
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    total = 0
    with viva.db.transaction() as conn:
        user_id = find_user_id(conn, viva.user)
        assert user_id is not None
        for number in range(count):
            at = start + timedelta(hours=number)
            relative = f"{at:%Y-%m}/{number:05d}.webm"
            path = viva.recordings_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(rng.randbytes(RECORDING_BYTES))
            total += RECORDING_BYTES
            save_recording(
                conn,
                user_id,
                created_at=at,
                question_id=None,
                kind="drill",
                path=relative,
                duration=20.0,
                language="zh",
                transcript="过拟合是模型在训练集上表现好、在测试集上表现差。" * 3,
                delivery={},
            )
    return total


def export_and_delete(home: Path, recordings: int) -> None:
    viva = Viva(load_settings({"VIVA_HOME": str(home), "VIVA_BUILTIN_BANK": "0"}))
    try:
        viva.accounts.add("bench-student", password=PASSWORD)
        student = viva.as_user("bench-student")
        student.import_notes([SEED], bank="notes")
        questions = student.questions()
        day = datetime(2026, 1, 1, 9, tzinfo=UTC)
        reviews = 0
        for offset in range(365):
            for question in questions[offset % 5 :: 12]:
                student.review(question.id, 3, now=day + timedelta(days=offset))
                reviews += 1
        audio = _recordings(student, recordings)
        target = home / "export.zip"
        tracemalloc.start()
        started = time.perf_counter()
        report = student.export_data(target)
        took = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"export: {report.rows} rows ({reviews} reviews), {report.files} files "
            f"({audio / 1e6:.0f} MB of recordings) -> {report.bytes / 1e6:.0f} MB zip in "
            f"{took:.2f} s; peak Python memory {peak / 1e6:.1f} MB"
        )
        started = time.perf_counter()
        deleted = viva.accounts.delete("bench-student")
        print(
            f"delete: {sum(deleted.rows.values())} rows and {deleted.files} files in "
            f"{time.perf_counter() - started:.2f} s"
        )
    finally:
        viva.close()


def batch_csv(path: Path, rows: int) -> None:
    import csv

    viva = Viva(load_settings({"VIVA_HOME": str(path.parent / "q"), "VIVA_BUILTIN_BANK": "0"}))
    try:
        viva.import_notes([SEED], bank="notes")
        questions = [q for q in viva.questions() if q.reference]
    finally:
        viva.close()
    rng = random.Random(3)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "question", "reference", "answer"])
        for number in range(rows):
            question = questions[number % len(questions)]
            reference = question.reference or ""
            cut = rng.randint(len(reference) // 4, len(reference))
            writer.writerow([f"s{number}", question.prompt, reference, reference[:cut]])


def in_process(home: Path, source: Path) -> None:
    viva = Viva(load_settings({"VIVA_HOME": str(home), "VIVA_BUILTIN_BANK": "0"}))
    try:
        started = time.perf_counter()
        first: list[float] = []
        report = viva.grade_batch(
            source,
            home / "graded.csv",
            on_progress=lambda _d, _t: (
                first.append(time.perf_counter() - started) if not first else None
            ),
        )
        took = time.perf_counter() - started
    finally:
        viva.close()
    print(
        f"batch in the process: {report.rows} rows in {took:.1f} s "
        f"({report.rows / took:.1f} rows/s, models loaded cold); first progress after "
        f"{first[0]:.1f} s"
    )


def through_jobs(home: Path, source: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    server = start_server(
        home, "--multi-user", probe="/sign-in", VIVA_BUILTIN_BANK="0", PYTHONWARNINGS="ignore"
    )
    try:
        with server.service() as viva:
            viva.accounts.add("bench-teacher", role="teacher", password=PASSWORD)
        with httpx.Client(base_url=server.url, timeout=600, headers={"Origin": server.url}) as c:
            c.get("/sign-in")
            c.headers["X-CSRF-Token"] = c.cookies["viva_csrf"]
            c.post("/api/sign-in", json={"name": "bench-teacher", "password": PASSWORD})
            for attempt in ("first job (its process loads the models)", "second job"):
                started = time.perf_counter()
                accepted = c.post(
                    "/api/grade/batch",
                    files={"file": ("class.csv", source.read_bytes(), "text/csv")},
                    headers={"Prefer": "respond-async"},
                )
                assert accepted.status_code == 202, accepted.text
                answered = time.perf_counter() - started
                job_id = accepted.json()["id"]
                first = None
                while True:
                    job = c.get(f"/api/jobs/{job_id}").json()
                    if first is None and job["progress"]["done"] > 0:
                        first = time.perf_counter() - started
                    if job["state"] in ("done", "failed"):
                        break
                    time.sleep(0.2)
                took = time.perf_counter() - started
                assert job["state"] == "done", job
                rows = job["result"]["rows"]
                download = c.get(f"/api/grade/batch/{job_id}/graded")
                assert download.content.startswith(b"\xef\xbb\xbf")
                print(
                    f"batch as a job, {attempt}: upload answered (202) in {answered:.2f} s, "
                    f"first progress after {first or took:.1f} s, {rows} rows done in "
                    f"{took:.1f} s ({rows / took:.1f} rows/s)"
                )
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recordings", type=int, default=300)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    print(f"data bench on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        export_and_delete(root / "export", args.recordings)
        source = root / "class.csv"
        batch_csv(source, args.rows)
        in_process(root / "direct", source)
        through_jobs(root / "jobs", source)


if __name__ == "__main__":
    main()
