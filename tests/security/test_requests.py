"""Issue #13 items 7 and 9: plans by name only, and the requests that crashed into a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import LiveServer
from viva.store.preferences import save_preferences
from viva.store.users import find_user_id

pytestmark = pytest.mark.slow

BUILTIN_PLAN = Path(str(resources.files("viva.practice").joinpath("plans"))) / "tech-job.yaml"


def _no_crash(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, response.text
    assert "internal error" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "plan", ["/etc/passwd", "/no/such/file.yaml", "../../../../etc/hosts", str(BUILTIN_PLAN)]
)
def test_the_api_takes_plan_names_not_paths(api: httpx.Client, plan: str) -> None:
    response = api.post("/api/interviews", json={"plan": plan, "seed": 1})
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == f"no interview plan called {plan!r}"  # the same for every path
    assert "kaoyan-cs" in body["hint"]


def test_a_plan_saved_in_the_data_dir_is_chosen_by_name(
    api: httpx.Client, shared: LiveServer
) -> None:
    folder = shared.settings.plans_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my-panel.yaml").write_text(
        BUILTIN_PLAN.read_text("utf-8").replace("name: tech-job", "name: my-panel"), "utf-8"
    )
    assert "my-panel" in {p["name"] for p in api.get("/api/plans").json()}
    started = api.post("/api/interviews", json={"plan": "my-panel", "seed": 3})
    assert started.status_code == 200, started.text
    assert started.json()["plan"] == "my-panel"


@pytest.mark.parametrize("seed", [10**30, -1])
def test_an_interview_seed_out_of_range_is_refused(api: httpx.Client, seed: int) -> None:
    response = api.post("/api/interviews", json={"plan": "tech-job", "seed": seed})
    _no_crash(response)
    assert "seed" in response.json()["error"]


def test_a_30_digit_report_id_is_not_found(api: httpx.Client) -> None:
    big = "1" * 30
    response = api.get(f"/api/interviews/{big}")
    assert response.status_code == 404
    assert big in response.json()["error"]
    page = api.get(f"/interview/report/{big}")
    assert page.status_code == 404


@pytest.mark.parametrize("question_id", ["ffffffffffffffff", "zz", "ffff"])
def test_drill_review_of_an_unknown_question_is_404(api: httpx.Client, question_id: str) -> None:
    response = api.post(
        "/drill/review",
        data={"question_id": question_id, "rating": "3"},
        headers={"HX-Request": "1"},
    )
    assert response.status_code == 404
    assert question_id in response.text


def test_drill_review_accepts_a_prefix_like_the_api(api: httpx.Client) -> None:
    qid = api.get("/api/drill/next").json()["question"]["id"]
    before = api.get("/api/home").json()["reviews_today"]
    response = api.post("/drill/review", data={"question_id": qid[:6], "rating": "3"})
    assert response.status_code == 200, response.text
    assert api.get("/api/home").json()["reviews_today"] == before + 1
    api.post("/api/reviews/undo").raise_for_status()


def test_an_interview_date_in_year_9999_is_refused(api: httpx.Client) -> None:
    response = api.put("/api/preferences", json={"interview_date": "9999-12-30"})
    assert response.status_code == 422
    assert "within 3 years" in response.json()["error"]
    page = api.post("/progress/date", data={"interview_date": "9999-12-30"})
    assert page.status_code == 422
    assert api.get("/progress").status_code == 200


def test_a_far_date_stored_earlier_does_not_break_the_progress_pages(
    api: httpx.Client, shared: LiveServer
) -> None:
    with shared.service() as viva, viva.db.transaction() as conn:
        local = find_user_id(conn, "local")
        assert local is not None
        save_preferences(conn, local, {"interview_date": "9999-12-30"}, now=datetime.now(UTC))
    try:
        assert api.get("/progress").status_code == 200
        assert api.get("/api/progress").status_code == 200
        assert api.get("/").status_code == 200
    finally:
        api.put("/api/preferences", json={"interview_date": None}).raise_for_status()
