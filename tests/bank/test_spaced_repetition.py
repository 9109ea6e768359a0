"""Obsidian spaced-repetition cards (default separators), split as the plugin splits them."""

from __future__ import annotations

import pytest

from viva.bank.markdown import parse_note

SR = "<!--SR:!2021-08-11,4,270-->"


def cards(text: str) -> list[tuple[str, str | None]]:
    note = parse_note(text, "cards.md")
    return [
        (q.prompt, None if q.answer is None else "\n".join(a.text for a in q.answer))
        for q in note.questions
    ]


@pytest.mark.parametrize("separator", ["::", ":::"])
def test_single_line_card_with_text_around_and_its_schedule(separator: str) -> None:
    both = separator == ":::"
    expected = [("Question", "Answer")] + ([("Answer", "Question")] if both else [])
    assert cards(f"Question{separator}Answer") == expected
    assert cards(f"Question {separator} Answer {SR}") == expected
    assert cards(f"Question{separator}Answer\n{SR}") == expected
    assert cards(f"Some text before\nQuestion{separator}Answer\nSome text after") == expected
    assert cards(f"#flashcards/science Question{separator}Answer") == expected


def test_single_line_cards_one_per_line_with_their_comments() -> None:
    text = f"# Title\n{SR}\nQuestion1::Answer1\n{SR}\n{SR}\nQuestion2::Answer2\n{SR}\n"
    assert cards(text) == [("Question1", "Answer1"), ("Question2", "Answer2")]


def test_multiline_card_and_malformed_ones() -> None:
    assert cards("Question\n?\nAnswer") == [("Question", "Answer")]
    assert cards("?\nAnswer") == []
    assert cards("Question\n?") == []
    assert cards("Question\n??\nAnswer") == [("Question", "Answer"), ("Answer", "Question")]


def test_multiline_card_runs_from_the_blank_line_before_to_the_blank_line_after() -> None:
    text = f"\nSome text before\n\nSome text before\nQuestion\n?\nAnswer\nText after\n{SR}\n"
    assert cards(text) == [("Some text before\nQuestion", "Answer\nText after")]
    text = f"Some text before\nQuestion\n?\nAnswer\n\nText after\n{SR}\n"
    assert cards(text) == [("Some text before\nQuestion", "Answer")]


def test_schedule_comment_ends_a_multiline_card() -> None:
    text = (
        f"Question\n?\nAnswer\nText after\n{SR}\n"
        "#flashcards/tag-on-previous-line\nSome text before\nQuestion 2\n?\nAnswer 2\n"
    )
    assert cards(text) == [
        ("Question", "Answer\nText after"),
        ("Some text before\nQuestion 2", "Answer 2"),
    ]


def test_question_punctuation_stays_in_the_question() -> None:
    for mark in ("?", "??", "@", "@@", "!"):
        assert cards(f"Question{mark}\n?\nAnswer") == [(f"Question{mark}", "Answer")]


def test_fenced_code_with_blank_lines_is_one_answer() -> None:
    text = "How do you loop?\n?\n```python\nfor x in y:\n\n    print(x)\n```\n"
    assert cards(text) == [("How do you loop?", "```python\nfor x in y:\n\n    print(x)\n```")]


def test_double_colons_that_are_not_cards() -> None:
    assert cards("Use `std::vector` or `a::b` here.") == []
    assert cards("在 C++ 中用 std::vector 存放数据，用 std::sort 排序。") == []
    assert cards("进度:: 已完成") == []
    assert cards("A task [due:: 2024-01-01] and (status:: done)") == []
    assert cards("Ratio a::::b") == []


def test_flashcard_tags_are_kept_as_the_cards_tags() -> None:
    note = parse_note("#flashcards/science Q5::A5 ^d7cee0", "c.md")
    (question,) = note.questions
    assert (question.prompt, question.tags) == ("Q5", ("flashcards/science",))
    assert [a.text for a in question.answer or ()] == ["A5"]


def test_cloze_cards_are_reported_as_not_imported() -> None:
    note = parse_note("#flashcards\n\nThe capital of ==France== is Paris.\n\n{{Rome}} too.", "c.md")
    assert note.questions == ()
    (problem,) = note.problems
    assert problem.category == "cloze-skipped"
    assert (problem.line, problem.message.split(" ", 1)[0]) == (3, "2")


def test_highlights_outside_flashcard_notes_are_not_cloze_cards() -> None:
    assert parse_note("## A\n\nThe ==key point== here.\n", "n.md").problems == ()
