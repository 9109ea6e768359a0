"""The microphone button in a real browser: Chromium's fake microphone plays a spoken answer.

The answer is synthesised on the server (piper, English) and fed as the fake capture device;
the page records it with MediaRecorder, the server transcribes it with Whisper, the transcript
lands in the answer box (editable), the delivery figures appear beside it, then it is graded.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import LiveServer, launch

pytestmark = [pytest.mark.slow, pytest.mark.model]

SPOKEN = (
    "Overfitting means the model memorizes noise in the training data, "
    "so it does well on training data but fails on new data."
)


@pytest.fixture
def spoken_answer(live: LiveServer, tmp_path: Path) -> tuple[Path, float]:
    with live.service() as viva:
        if not viva.speech_to_text_available():
            pytest.fail("the voice extra is not installed: make installs it")
        wav = viva.synthesize(SPOKEN, "en")
    target = tmp_path / "answer.wav"
    target.write_bytes(wav.read_bytes())
    with wave.open(str(target)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    return target, seconds


def test_answer_aloud_then_edit_and_grade(
    playwright: Any, live: LiveServer, spoken_answer: tuple[Path, float], tmp_path: Path
) -> None:
    wav, seconds = spoken_answer
    with live.service() as viva:
        question = next(
            q for q in viva.questions(banks=["builtin"]) if "overfitting" in q.prompt.lower()
        )
    browser = launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
    )
    context = browser.new_context()
    context.grant_permissions(["microphone"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{live.url}/drill/q/{question.id}")
        mic = page.get_by_test_id("mic")
        mic.click()
        expect(mic).to_have_class(re.compile("recording"))
        page.wait_for_timeout(int((seconds + 1.0) * 1000))
        mic.click()
        answer = page.get_by_test_id("answer")
        expect(answer).to_have_value(re.compile("overfitting", re.IGNORECASE), timeout=60_000)
        delivery = page.get_by_test_id("delivery")
        expect(delivery).to_be_visible()
        assert "词/分钟" in delivery.inner_text()  # English words per minute, Chinese interface
        answer.fill(answer.input_value() + " Regularization helps.")  # the transcript is editable
        page.get_by_test_id("grade-button").click()
        expect(page.get_by_test_id("score")).to_be_visible(timeout=60_000)
        assert int(page.get_by_test_id("score").inner_text()) > 0
    except Exception:
        page.screenshot(path=str(tmp_path / "voice.png"), full_page=True)
        raise
    finally:
        browser.close()
    with live.service() as viva:
        kept = viva.recordings()
    assert len(kept) == 1
    assert kept[0].question_id == question.id


def test_a_spoken_interview_answer_shows_its_delivery_in_the_report(
    live: LiveServer, spoken_answer: tuple[Path, float]
) -> None:
    wav, _ = spoken_answer
    with live.client() as api:
        started = api.post("/api/interviews", json={"plan": "tech-job", "seed": 3}).json()
        token, version = started["token"], started["version"]
        heard = api.post(
            "/api/transcribe",
            files={"audio": ("answer.wav", wav.read_bytes(), "audio/wav")},
            data={"interview": token},
        )
        assert heard.status_code == 200, heard.text
        body = heard.json()
        assert body["delivery"]["time_limit"] == started["question"]["seconds"]
        assert body["delivery"]["rate"] > 0
        report_id = None
        first = True
        while report_id is None:
            step = api.post(
                f"/api/interviews/live/{token}/answer",
                json={
                    "answer": body["transcript"]["text"] if first else "",
                    "version": version,
                    "recording_id": body["recording_id"] if first else None,
                },
            ).json()
            first = False
            report_id = step["report_id"]
            if step["interview"] is not None:
                version = step["interview"]["version"]
        turns = api.get(f"/api/interviews/{report_id}").json()["turns"]
        assert turns[0]["recording_id"] == body["recording_id"]
        assert turns[0]["delivery"]["rate"] == body["delivery"]["rate"]
        assert "delivery" not in turns[1]
        page = api.get(f"/interview/report/{report_id}").text
        assert 'data-testid="turn-delivery"' in page


def test_bad_audio_gets_a_clear_error(api: Any) -> None:
    refused = api.post(
        "/api/transcribe", files={"audio": ("answer.webm", b"not audio at all" * 50, "audio/webm")}
    )
    assert refused.status_code in (400, 415, 422)
    assert refused.json()["error"]
    assert "Traceback" not in refused.text
