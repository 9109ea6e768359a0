"""Issue #13 items 4 and 10: DNS rebinding (the Host header) and the Origin of unsafe requests."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.slow


def _port(server: LiveServer) -> str:
    return server.url.rsplit(":", 1)[1]


def test_a_rebound_host_name_is_refused_for_reads_and_writes(shared: LiveServer) -> None:
    evil = f"rebind.evil.example:{_port(shared)}"
    with httpx.Client(base_url=shared.url, headers={"Host": evil}) as rebound:
        read = rebound.get("/api/preferences")
        assert read.status_code == 403
        assert "host name" in read.json()["error"]
        assert "主机名" in read.json()["error"]
        assert "viva_csrf" not in read.cookies  # nothing to replay
        page = rebound.get("/")
        assert page.status_code == 403
        write = rebound.put(
            "/api/preferences",
            json={"ui_lang": "en"},
            headers={"Origin": f"http://{evil}", "X-CSRF-Token": "x", "Cookie": "viva_csrf=x"},
        )
        assert write.status_code == 403
    with shared.client() as api:
        assert api.get("/api/preferences").json()["ui_lang"] == "zh"  # unchanged


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_loopback_names_are_served(shared: LiveServer, host: str) -> None:
    response = httpx.get(f"{shared.url}/api/home", headers={"Host": f"{host}:{_port(shared)}"})
    assert response.status_code == 200


def test_a_host_named_in_the_setting_is_served(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = start_server(tmp_path, VIVA_ALLOWED_HOSTS="viva.lan, coach.example")
    try:
        port = _port(server)
        for host in ("viva.lan", "coach.example"):
            assert (
                httpx.get(f"{server.url}/api/home", headers={"Host": f"{host}:{port}"}).status_code
                == 200
            )
        other = httpx.get(f"{server.url}/api/home", headers={"Host": f"other.lan:{port}"})
        assert other.status_code == 403
    finally:
        stop_server(server)


@pytest.mark.parametrize(
    "origin",
    [None, "null", "https://127.0.0.1:{port}", "http://127.0.0.1:1", "http://evil.example"],
)
def test_unsafe_requests_need_their_own_origin(shared: LiveServer, origin: str | None) -> None:
    with httpx.Client(base_url=shared.url) as bare:
        bare.get("/api/home")
        token = bare.cookies["viva_csrf"]
        headers = {"X-CSRF-Token": token}
        if origin is not None:
            headers["Origin"] = origin.format(port=_port(shared))
        refused = bare.put("/api/preferences", json={"new_per_day": 3}, headers=headers)
        assert refused.status_code == 403, refused.text
        assert "Origin" in refused.json()["error"] or "another site" in refused.json()["error"]
        fine = bare.put(
            "/api/preferences",
            json={"new_per_day": 3},
            headers={"X-CSRF-Token": token, "Origin": shared.url},
        )
        assert fine.status_code == 200


def test_a_page_refusal_speaks_the_interface_language(shared: LiveServer) -> None:
    with httpx.Client(base_url=shared.url) as bare:
        bare.get("/")
        refused = bare.post(
            "/language",
            headers={"X-CSRF-Token": bare.cookies["viva_csrf"], "HX-Request": "true"},
        )
        assert refused.status_code == 403
        assert "来源" in refused.text  # the interface is Chinese by default


def test_api_reads_refuse_what_the_browser_marks_as_another_site(shared: LiveServer) -> None:
    for site in ("cross-site", "same-site"):
        response = httpx.get(f"{shared.url}/api/home", headers={"Sec-Fetch-Site": site})
        assert response.status_code == 403
    other = httpx.get(f"{shared.url}/api/home", headers={"Origin": "http://evil.example"})
    assert other.status_code == 403
    own = httpx.get(f"{shared.url}/api/home", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200
    linked = httpx.get(f"{shared.url}/", headers={"Sec-Fetch-Site": "cross-site"})
    assert linked.status_code == 200  # a page may be opened from a link on another site
