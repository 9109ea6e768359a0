"""`viva serve --workers 2`: two processes serve one database, and a student's requests may
land on either.

Every request opens a new connection, so the kernel hands them to whichever worker accepts
first; both workers' CPU time grows while one drill and one live interview are driven, so the
requests of one flow were served by both. Nothing a flow needs may live in one worker's
memory: the interview in progress is a row, the CSRF token a cookie, the grade cache is only
a cache, the import a job.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEED
from tests.postgres import PostgresServer
from tests.web.conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.slow

ANSWER = "过拟合是模型在训练集上很好、在新数据上很差；可以用正则化、Dropout 和早停缓解。"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _workers(pid: int) -> list[int]:
    """The server's worker processes (uvicorn spawns them)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return sorted(c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes())


@contextmanager
def fresh_connections(server: LiveServer) -> Iterator[httpx.Client]:
    """A client that opens a new connection for every request (no keep-alive)."""
    with httpx.Client(
        base_url=server.url,
        timeout=120,
        headers={"Origin": server.url, "Connection": "close"},
        limits=httpx.Limits(max_keepalive_connections=0),
    ) as client:
        client.get("/api/preferences").raise_for_status()
        client.headers["X-CSRF-Token"] = client.cookies["viva_csrf"]
        yield client


def ok(response: httpx.Response) -> dict:  # type: ignore[type-arg]
    assert response.status_code == 200, f"{response.request.url}: {response.text}"
    return response.json()  # type: ignore[no-any-return]


def drive_drill_and_interview(api: httpx.Client, bank: str) -> None:
    """Drill (next, grade, review, undo) and a whole live interview, request by request."""
    for n in range(4):
        nxt = ok(api.get("/api/drill/next"))
        question = nxt["question"]
        assert question is not None
        graded = ok(api.post("/api/grade", json={"question_id": question["id"], "answer": ANSWER}))
        assert 0 <= graded["score"] <= 100
        done = ok(
            api.post(
                "/api/reviews",
                json={"question_id": question["id"], "rating": 3, "answer": f"{ANSWER}{n}"},
            )
        )
        assert done["question_id"] == question["id"]
    assert ok(api.post("/api/reviews/undo"))["undone"] is not None
    live = ok(api.post("/api/interviews", json={"plan": "tech-job", "seed": 5, "banks": [bank]}))
    token, version, report_id = live["token"], live["version"], None
    while report_id is None:
        assert ok(api.get(f"/api/interviews/live/{token}"))["version"] == version
        step = ok(
            api.post(
                f"/api/interviews/live/{token}/answer", json={"answer": ANSWER, "version": version}
            )
        )
        report_id = step["report_id"]
        if step["interview"] is not None:
            version = step["interview"]["version"]
    report = ok(api.get(f"/api/interviews/{report_id}"))
    assert report["turns"]


def check_flows_on_both_workers(server: LiveServer, bank: str) -> None:
    workers = _workers(server.process.pid)
    assert len(workers) == 2, workers
    before = {pid: _cpu_seconds(pid) for pid in workers}
    with fresh_connections(server) as api:
        drive_drill_and_interview(api, bank)
    used = {pid: _cpu_seconds(pid) - before[pid] for pid in workers}
    assert all(seconds > 0 for seconds in used.values()), used  # both served the flow
    assert "Traceback" not in server.log.read_text(errors="replace")


def test_two_workers_on_sqlite_serve_one_student(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--workers", "2")
    try:
        check_flows_on_both_workers(server, "builtin")
    finally:
        stop_server(server)


def test_two_workers_on_postgresql_with_the_job_queue(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    env = {"VIVA_DATABASE_URL": postgres.create_database(), "VIVA_JOBS": "queue"}
    server = start_server(tmp_path, "--workers", "2", **env)
    log = tmp_path / "worker.log"
    viva = Path(sys.executable).parent / "viva"
    with log.open("wb") as out:
        worker = subprocess.Popen([str(viva), "worker"], env={**server.env}, stdout=out, stderr=out)
    try:
        with fresh_connections(server) as api:
            sent = api.post(
                "/api/import",
                files=[("files", ("seed-note.md", SEED.read_bytes(), "text/markdown"))],
                data={"bank": "seed"},
                headers={"Prefer": "respond-async"},
            )
            assert sent.status_code == 202, sent.text
            job = sent.json()
            assert sent.headers["location"] == f"/api/jobs/{job['id']}"
            deadline = time.monotonic() + 600  # a hung worker fails the test, no speed asserted
            while job["state"] not in ("done", "failed"):
                assert time.monotonic() < deadline, job
                time.sleep(0.2)
                job = ok(api.get(f"/api/jobs/{job['id']}"))
            assert job["state"] == "done", job
            assert job["result"]["counts"]["added"] == 41
            # without the preference, the request waits for its job and answers the report
            again = ok(
                api.post(
                    "/api/import",
                    files=[("files", ("seed-note.md", SEED.read_bytes(), "text/markdown"))],
                    data={"bank": "seed"},
                )
            )
            assert again["counts"]["unchanged"] == 41
        check_flows_on_both_workers(server, "seed")
    finally:
        worker.send_signal(15)
        worker.wait(timeout=60)
        stop_server(server)
    assert "Traceback" not in log.read_text(errors="replace")
