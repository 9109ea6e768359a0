"""A spoken answer to a bank question, through the service: terms corrected, then stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED
from viva.config import load_settings
from viva.service import TranscribeOptions, Viva
from viva.speech.synthesizer import KokoroSynthesizer

pytestmark = pytest.mark.model

# From the seed note's answer to "Transformer 模型如何解决长距离依赖问题？"; Whisper base, told
# the question's terms, hears Kokoro read it as "……基于正显和于线寒暑的固定模式……" (issue 14).
SAID = "位置编码可以是基于正弦和余弦函数的固定模式，也可以是可学习的参数"


@pytest.fixture
def voice_viva(voice_env: dict[str, str]) -> Iterator[Viva]:
    service = Viva(load_settings(voice_env))
    service.import_notes([SEED])
    yield service
    service.close()


def test_a_spoken_answer_is_graded_and_stored_with_the_question_terms_put_back(
    voice_viva: Viva, kokoro: KokoroSynthesizer, tmp_path: Path
) -> None:
    question = next(
        q for q in voice_viva.questions() if q.prompt.startswith("Transformer 模型如何解决长距离")
    )
    clip = tmp_path / "answer.wav"
    clip.write_bytes(kokoro.synthesize(SAID))
    result = voice_viva.transcribe_file(
        clip, TranscribeOptions(question_id=question.id, keep=True, kind="drill")
    )
    transcript = result.transcript
    assert transcript.language == "zh"
    for term in ("位置编码", "正弦", "余弦函数"):
        assert term in transcript.text
    # The pinned models mishear this clip (正线, 于线, 寒树): the terms above were put back by
    # the correction. Should a future recogniser hear it right, pick a sentence it mishears.
    assert transcript.corrections
    material = question.prompt + (question.reference or "")
    for fix in transcript.corrections:
        assert fix.term in material
        assert fix.heard not in material
        assert fix.heard in transcript.raw_text  # what was heard is kept
        assert transcript.text[fix.start : fix.start + len(fix.term)] == fix.term
    stored = voice_viva.recording(result.recording_id or 0)
    assert stored.transcript == transcript.text  # the corrected text is what is kept
