"""Delivery figures on constructed transcripts: fillers, pauses, rate, overtime (no models)."""

from __future__ import annotations

import pytest

from viva.speech.delivery import measure
from viva.speech.models import RateUnit, Segment, Transcript, Word

WORD_SECONDS = 0.25


def transcript(pieces: list[str | float], language: str) -> Transcript:
    """Words of 0.25 s each, back to back; a number in `pieces` is a silence of that length."""
    words, at = [], 0.0
    for piece in pieces:
        if isinstance(piece, float):
            at += piece
            continue
        words.append(Word(piece, at, at + WORD_SECONDS))
        at += WORD_SECONDS
    text = "".join(w.text for w in words)
    return Transcript(text, language, at, (Segment(text, 0.0, at, tuple(words)),))


def chars(text: str) -> list[str | float]:
    return list(text)


def fillers(pieces: list[str | float], language: str = "zh") -> list[str]:
    return [f.text for f in measure(transcript(pieces, language)).fillers]


def test_fillers_always_counted_and_set_off_ones() -> None:
    found = measure(
        transcript(chars("嗯，我觉得这个模型过拟合了。然后，就是，我们用了正则化。"), "zh")
    )
    assert [f.text for f in found.fillers] == ["嗯", "然后", "就是"]
    assert [f.offset for f in found.fillers] == [0, 14, 17]
    assert found.fillers[1].start == pytest.approx(14 * WORD_SECONDS)
    assert found.filler_counts() == {"嗯": 1, "就是": 1, "然后": 1}


def test_nage_as_a_normal_word_is_not_a_filler() -> None:
    assert fillers(chars("那个模型在训练集上过拟合了。")) == []
    assert fillers(chars("这就是过拟合，然后我们加了正则化。")) == []


def test_nage_set_off_by_commas_is_a_filler() -> None:
    assert fillers(chars("我们用了，那个，正则化。")) == ["那个"]


def test_repeated_words_count_every_copy_but_the_last() -> None:
    assert fillers(chars("那个那个模型就是就是不行")) == ["那个", "就是"]


def test_a_pause_sets_off_ranhou_like_a_comma() -> None:
    assert fillers([*chars("我们"), 0.6, *chars("然后"), 0.6, *chars("加了正则")]) == ["然后"]
    assert fillers([*chars("我们"), 0.1, *chars("然后"), 0.1, *chars("加了正则")]) == []


def test_a_opening_a_clause_is_a_filler_but_not_the_final_particle() -> None:
    assert fillers(chars("啊，这个问题对啊。")) == ["啊"]


def test_english_fillers_and_their_ordinary_uses() -> None:
    said = [" Um,", " I", " think,", " like,", " the", " model", " overfits."]
    said += [" I", " like", " dropout,", " you", " know."]
    assert fillers(said, "en") == ["um", "like", "you know"]
    asked = [" Do", " you", " know", " the", " answer?", " Uh", " like", " like", " this."]
    assert fillers(asked, "en") == ["uh", "like"]
    assert fillers([" It", " looks", " likely."], "en") == []


def test_rate_counts_characters_without_fillers() -> None:
    found = measure(transcript(chars("嗯，过拟合是训练误差低。"), "zh"))
    assert found.unit is RateUnit.CHARS
    assert found.units == 9  # 过拟合是训练误差低
    assert found.speaking_seconds == pytest.approx(12 * WORD_SECONDS)
    assert found.rate == pytest.approx(9 * 60 / 3.0)


def test_rate_counts_english_words() -> None:
    found = measure(transcript([" Dropout", " reduces", " overfitting", " a", " lot."], "en"))
    assert found.unit is RateUnit.WORDS
    assert found.units == 5
    assert found.rate == pytest.approx(5 * 60 / 1.25)


def test_pauses_over_two_seconds_with_their_positions() -> None:
    found = measure(transcript([" So", 3.0, " dropout", 1.5, " helps", 2.5, " a", " lot."], "en"))
    assert [(p.start, round(p.seconds, 2)) for p in found.pauses] == [(0.25, 3.0), (5.25, 2.5)]
    assert found.longest_pause == pytest.approx(3.0)


def test_time_over_the_limit() -> None:
    said = transcript([*chars("过拟合"), 5.0], "zh")
    assert measure(said, time_limit=3).over_limit == pytest.approx(5.75 - 3)
    assert measure(said, time_limit=10).over_limit == 0
    assert measure(said).over_limit == 0


def test_empty_transcript_has_zero_rate() -> None:
    found = measure(Transcript("", "zh", 3.0))
    assert found.rate == 0
    assert found.pauses == ()
    assert found.fillers == ()
