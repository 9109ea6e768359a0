"""`viva serve`: localhost by default, a clear message when the port is taken."""

from __future__ import annotations

import socket

from tests.conftest import Cli


def test_a_taken_port_is_explained(cli: Cli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output


def test_binds_to_this_machine_unless_told(cli: Cli) -> None:
    text = cli("serve", "--help").output
    assert "127.0.0.1" in text
