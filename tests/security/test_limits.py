"""Issue #13 item 8: request bodies and answers are limited at the edge."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from viva.grading.signals import MAX_ANSWER_CHARS

pytestmark = pytest.mark.slow


def _question(api: httpx.Client) -> str:
    return str(api.get("/api/drill/next").json()["question"]["id"])


def test_the_edge_limit_is_the_graders() -> None:
    from viva.web.context import MAX_ANSWER

    assert MAX_ANSWER == MAX_ANSWER_CHARS == 20_000


def test_a_huge_json_body_is_refused_before_it_is_read(api: httpx.Client) -> None:
    qid = _question(api)
    response = api.post("/api/grade", json={"question_id": qid, "answer": "x" * 3_000_000})
    assert response.status_code == 413
    assert "larger than 512 KB" in response.json()["error"]


def test_a_chunked_body_is_counted_as_it_arrives(api: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question_id": "abcd", "answer": "'
        for _ in range(100):
            yield b"y" * 65536
        yield b'"}'

    response = api.post(
        "/api/grade", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


@pytest.mark.parametrize("where", ["grade", "review", "page"])
def test_an_answer_over_20000_characters_is_refused_and_not_stored(
    api: httpx.Client, where: str
) -> None:
    qid = _question(api)
    answer = "过拟合" * 6667  # 20,001 characters, 60 KB: under the body limit
    before = api.get("/api/home").json()["reviews_today"]
    if where == "grade":
        response = api.post("/api/grade", json={"question_id": qid, "answer": answer})
    elif where == "review":
        response = api.post(
            "/api/reviews", json={"question_id": qid, "rating": 3, "answer": answer}
        )
    else:
        response = api.post(
            "/drill/review", data={"question_id": qid, "rating": "3", "answer": answer}
        )
    assert response.status_code == 422
    assert "20000" in response.text
    assert api.get("/api/home").json()["reviews_today"] == before
    # 20,000 characters pass the edge (and reach the service: no such question)
    fine = api.post("/api/grade", json={"question_id": "ffffffff", "answer": answer[:20_000]})
    assert fine.status_code == 404
