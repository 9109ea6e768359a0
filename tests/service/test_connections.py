"""One request, one connection: counted with SQLAlchemy's pool events on the real engine."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from tests.conftest import write
from tests.fakes import fake_models
from viva.service import Viva
from viva.web.app import create_app

NOTE = """# Networks

## What does TCP guarantee?
Reliable, ordered delivery of a byte stream between two hosts, with flow control.

## What is a socket?
An endpoint of a connection: an address and a port.
"""


class Checkouts:
    """Counts connections taken from the engine's pool."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "checkout", self._taken)

    def _taken(self, *_args: object) -> None:
        self.count += 1


@pytest.fixture
def client(viva: Viva, vault: Path) -> Iterator[tuple[httpx.Client, Checkouts]]:
    """A real uvicorn server in this process (so its engine is the one counted)."""
    write(vault / "net.md", NOTE)
    viva.import_notes([vault])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(viva=viva, hosts=["127.0.0.1"])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with fake_models():
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        try:
            with httpx.Client(base_url=url, timeout=60, headers={"Origin": url}) as http:
                http.get("/api/preferences").raise_for_status()
                http.headers["X-CSRF-Token"] = http.cookies["viva_csrf"]
                yield http, Checkouts(viva.engine)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()


def test_drill_next_checks_out_one_connection(client: tuple[httpx.Client, Checkouts]) -> None:
    http, taken = client
    response = http.get("/api/drill/next")
    response.raise_for_status()
    assert response.json()["question"] is not None
    assert taken.count == 1


def test_review_checks_out_one_connection(client: tuple[httpx.Client, Checkouts]) -> None:
    http, taken = client
    qid = http.get("/api/drill/next").json()["question"]["id"]
    taken.count = 0
    response = http.post("/api/reviews", json={"question_id": qid, "rating": 3})
    response.raise_for_status()
    assert taken.count == 1


def test_graded_review_checks_out_one_connection(
    client: tuple[httpx.Client, Checkouts],
) -> None:
    http, taken = client
    qid = http.get("/api/drill/next").json()["question"]["id"]
    taken.count = 0
    answer = "It delivers a reliable, ordered byte stream."
    response = http.post("/api/reviews", json={"question_id": qid, "rating": 3, "answer": answer})
    response.raise_for_status()
    assert response.json()["suggested"] is not None
    assert taken.count == 1


def test_service_review_checks_out_one_connection(viva: Viva, vault: Path) -> None:
    write(vault / "net.md", NOTE)
    viva.import_notes([vault])
    qid = viva.drill_queue(limit=1)[0].id
    taken = Checkouts(viva.engine)
    viva.review(qid, 3)
    assert taken.count == 1


def test_a_request_waiting_for_the_grader_holds_no_connection(viva: Viva, vault: Path) -> None:
    """Requests queued behind another's grade give their idle connection back: with the pool's
    connections held by waiting requests, any other request (a sign-in page) timed out."""
    write(vault / "net.md", NOTE)
    viva.import_notes([vault])
    qid = viva.drill_queue(limit=1)[0].id
    pool = viva.engine.pool
    graded = threading.Event()
    with fake_models(), viva.bound() as holder, viva.bound() as waiter:
        holder.grade(qid, "warming the models")
        before = pool.checkedout()  # type: ignore[attr-defined]
        waiter.preferences()  # a request that has read: it holds its connection
        assert pool.checkedout() == before + 1  # type: ignore[attr-defined]
        with holder.areas() as areas, areas.grading.grader():  # another request grades

            def grade() -> None:
                waiter.grade(qid, "A reliable, ordered byte stream.")
                graded.set()

            thread = threading.Thread(target=grade)
            thread.start()
            deadline = time.monotonic() + 30
            while pool.checkedout() > before and time.monotonic() < deadline:  # type: ignore[attr-defined]
                time.sleep(0.01)
            assert pool.checkedout() == before  # type: ignore[attr-defined]
            assert not graded.is_set()
        thread.join(timeout=60)
    assert graded.is_set()  # and once the grader is free, it grades
