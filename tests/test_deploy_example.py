"""The example deployment (deploy/compose.yaml, deploy/Dockerfile) stays true to the code.

No container engine runs here, so the example is checked where it can rot: every command it
runs is a command `viva` has with those options, and every service's settings load as hosted
mode expects (PostgreSQL, the job queue, the data volume).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from viva.cli import app
from viva.config import load_settings

DEPLOY = Path(__file__).parents[1] / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
VIVA_SERVICES = {n: s for n, s in COMPOSE["services"].items() if n != "db"}


def _dockerfile_command() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    found = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert found is not None
    return list(yaml.safe_load(found.group(1)))


@pytest.mark.parametrize(
    "command",
    [*(s["command"] for s in VIVA_SERVICES.values()), _dockerfile_command()],
    ids=lambda c: " ".join(c[1:3]),
)
def test_every_command_of_the_example_is_a_viva_command(command: list[str]) -> None:
    assert command[0] == "viva"
    # the same words and options, asking for help: Typer checks every option's name and value
    result = CliRunner().invoke(app, [*command[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_the_services_settings_are_hosted_mode(tmp_path: Path) -> None:
    assert set(VIVA_SERVICES) == {"migrate", "web", "worker"}
    for service in VIVA_SERVICES.values():
        env = {k: str(v) for k, v in service["environment"].items()}
        assert env["VIVA_HOME"] == "/data"
        assert "viva-data:/data" in service["volumes"]
        settings = load_settings({**env, "VIVA_HOME": str(tmp_path)})
        assert settings.effective_database_url.startswith("postgresql+psycopg://")
        assert settings.jobs == "queue"
        assert settings.allowed_hosts  # it answers the name the proxy forwards
        assert settings.multi_user  # a class signs in
        assert settings.behind_tls_proxy
    # the schema is upgraded once, before either kind of worker starts
    for name in ("web", "worker"):
        waits = VIVA_SERVICES[name]["depends_on"]["migrate"]["condition"]
        assert waits == "service_completed_successfully"
    assert COMPOSE["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
