"""A live server per module (uvicorn in a subprocess on a free port, temp data dir).

The refusals tested here change nothing, so the tests of one module share a server; a test
that needs a data dir of its own starts one with `start_server`.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import LiveServer, start_server, stop_server


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module."""
    server = start_server(tmp_path_factory.mktemp("server"))
    yield server
    stop_server(server)


@pytest.fixture
def api(shared: LiveServer) -> Iterator[httpx.Client]:
    """A client with the CSRF cookie, its header and the server's Origin."""
    with shared.client() as client:
        yield client
