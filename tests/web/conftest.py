"""A live Viva server (uvicorn in a subprocess, temp data dir) and Debian's Chromium.

Each test that needs the server gets its own: the data dir is part of what is tested.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import databases
from tests.conftest import database_env
from viva.config import Settings, load_settings
from viva.service import Viva

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    """A running `viva serve` and what a test needs to reach it."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    database_url: str | None = None  # PostgreSQL: the server's database
    owns_database: bool = False  # created for this server: dropped when it stops

    @property
    def settings(self) -> Settings:
        return load_settings(self.env)

    @contextmanager
    def service(self) -> Iterator[Viva]:
        """A second `Viva` on the same data (to set up or check state beside the server)."""
        viva = Viva(self.settings)
        try:
            yield viva
        finally:
            viva.close()

    @contextmanager
    def client(self) -> Iterator[httpx.Client]:
        """An API client holding the CSRF cookie and sending its header and the Origin."""
        with httpx.Client(base_url=self.url, timeout=60, headers={"Origin": self.url}) as client:
            client.get("/api/preferences").raise_for_status()
            client.headers["X-CSRF-Token"] = client.cookies["viva_csrf"]
            yield client


def start_server(
    tmp_path: Path,
    *args: str,
    database_url: str | None = None,
    probe: str = "/api/preferences",
    **extra_env: str,
) -> LiveServer:
    """`viva serve` on a free port with its data dir under `tmp_path`; on PostgreSQL on a
    database of its own unless `database_url` names one (a restart on the same data). Ready
    once `probe` answers 200 (a multi-user server answers the API with 401: probe /sign-in)."""
    port = free_port()
    owns_database = database_url is None and databases.is_postgresql()
    if owns_database:
        database_url = databases.create_database()
    env = {
        **os.environ,
        "VIVA_HOME": str(tmp_path / "home"),
        "VIVA_BUILTIN_BANK": "1",
        **database_env(database_url),
        **extra_env,
    }
    log = tmp_path / "server.log"
    viva = Path(sys.executable).parent / "viva"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(viva), "serve", "--port", str(port), *args], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    server = LiveServer(url, env, process, log, database_url, owns_database)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stop_server(server)
            raise RuntimeError(
                f"viva serve exited ({process.returncode}): {log.read_text(errors='replace')}"
            )
        try:
            if httpx.get(url + probe, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"viva serve did not answer: {log.read_text(errors='replace')}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.database_url and server.owns_database:
        databases.drop_database(server.database_url)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh server on a free port with the built-in bank."""
    server = start_server(tmp_path)
    yield server
    stop_server(server)


@pytest.fixture
def api(live: LiveServer) -> Iterator[httpx.Client]:
    """An httpx client for the live server's JSON API."""
    with live.client() as client:
        yield client


# --- the browser ---------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:  # noqa: ARG001
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Playwright (one per process: its sync API cannot be started twice)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium (as .ci/run does)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a shared 2-core machine: patience, not wall-clock limits
    with sync_playwright() as instance:
        yield instance


def launch(playwright: Any, *extra: str) -> Any:
    """Debian's Chromium (no browser download), with extra command-line switches."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra])


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """The browser most tests share (each gets a fresh context)."""
    instance = launch(playwright)
    yield instance
    instance.close()


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh browser profile; on failure every open page is saved as a screenshot."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    yield ctx
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shots = tmp_path / "screenshots"
        shots.mkdir(exist_ok=True)
        for number, open_page in enumerate(ctx.pages):
            try:
                open_page.screenshot(path=str(shots / f"page-{number}.png"), full_page=True)
            except Exception as error:  # a crashed page: note it, keep the others
                (shots / f"page-{number}.txt").write_text(str(error))
        print(f"screenshots saved under {shots}")
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """One tab."""
    return context.new_page()
