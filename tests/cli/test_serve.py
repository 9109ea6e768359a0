"""`viva serve`: localhost by default, a clear message when the port is taken."""

from __future__ import annotations

import socket

from tests.conftest import Cli
from tests.web.oidc_provider import FakeProvider, running_provider, sso_env


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


# --- single sign-on: settings that cannot work stop `viva serve` before it starts -----------
def _serve_with(env: dict[str, str], *, multi_user: bool = True, **oidc: str) -> tuple[int, str]:
    # multi-user through the environment: `--multi-user` would set it in this process's own
    multi = {"VIVA_MULTI_USER": "1" if multi_user else "0"}
    result = Cli({**env, **multi, **oidc})("serve", "--port", "0")
    return result.exit_code, result.output


def test_an_unreachable_identity_provider_is_told_at_start(env: dict[str, str]) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        issuer = f"http://127.0.0.1:{closed.getsockname()[1]}"
    code, output = _serve_with(env, **sso_env(FakeProvider(issuer=issuer)))
    assert code == 2
    assert f"the identity provider {issuer} cannot be reached" in output
    assert f"{issuer}/.well-known/openid-configuration must answer" in output
    assert "Traceback" not in output


def test_a_provider_naming_another_issuer_is_told_at_start(env: dict[str, str]) -> None:
    with running_provider() as provider:
        configured = provider.issuer
        provider.issuer = "https://elsewhere.example"  # what its discovery document now says
        code, output = _serve_with(env, **sso_env(FakeProvider(issuer=configured)))
    assert code == 2
    assert f"the identity provider {configured} cannot be used" in output
    assert "its issuer is 'https://elsewhere.example'" in " ".join(output.split())
    assert "Traceback" not in output


def test_a_missing_client_secret_or_multi_user_is_told_at_start(env: dict[str, str]) -> None:
    # a loopback issuer that nothing answers: neither check gets as far as asking it
    settings = {"VIVA_OIDC_ISSUER": "https://127.0.0.1:9", "VIVA_OIDC_CLIENT_ID": "viva"}
    code, output = _serve_with(env, **settings)
    assert code == 2
    assert "VIVA_OIDC_CLIENT_SECRET is missing" in output
    code, output = _serve_with(env, multi_user=False, **settings, VIVA_OIDC_CLIENT_SECRET="s")
    assert code == 2
    assert "single sign-on (VIVA_OIDC_ISSUER) is set, but signing in is off" in output
    assert "Traceback" not in output
