"""Key points for grading when the note marks none: the reference's informative clauses."""

from __future__ import annotations

from viva.grading.text import clauses, content_words

MAX_POINTS = 8
MIN_WORDS = 2


def key_points_from_reference(reference: str, question: str) -> tuple[str, ...]:
    """Split a reference into clauses and keep those that say something beyond the question.

    A clause that only restates the question ("管道运输的优缺点：") or is too short to check is
    dropped; neighbouring short clauses are merged by `clauses`. At most MAX_POINTS, the most
    informative kept in their original order.
    """
    asked = set(content_words(question))
    scored: list[tuple[int, int, str]] = []
    for index, clause in enumerate(clauses(reference)):
        new = set(content_words(clause.text)) - asked
        if len(new) >= MIN_WORDS:
            scored.append((len(new), index, clause.text))
    if len(scored) <= 1:
        return ()  # one statement: the whole reference already is it
    kept = sorted(sorted(scored, reverse=True)[:MAX_POINTS], key=lambda s: s[1])
    return tuple(text for _, _, text in kept)
