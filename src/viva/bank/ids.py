"""Stable question ids: derived from where a question lives, never from its answer.

Editing an answer keeps the id (and so the review history); renumbering keeps it too, since the
author's number is a label, not part of the question. Moving a question to another note or
section, or rewording it, makes a new question (the old one is retired, with its history).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

_TRAILING = re.compile(r"[\s?？。.:：!！;；,，]+$")
_SPACE = re.compile(r"\s+")


def normalise_prompt(prompt: str) -> str:
    """The form of a question's text that its id hashes: width, case and spacing folded."""
    text = unicodedata.normalize("NFKC", prompt).casefold()
    text = _TRAILING.sub("", text)
    return _SPACE.sub("", text)


def question_id(
    bank: str,
    note_path: str,
    section: Sequence[str],
    prompt: str,
    occurrence: int = 0,
    *,
    owner: str = "",
) -> str:
    """A 16-hex-digit id for the question at this place in this bank.

    `occurrence` tells apart the same question asked twice in one section. `owner` tells
    apart two users' banks of one name (ids are unique in the whole database); the local
    user and the shared built-in bank have none, so ids from before users stay the same.
    """
    parts = [
        *_owned(owner),
        bank.casefold(),
        note_path,
        "\x1e".join(normalise_prompt(s) for s in section),
        normalise_prompt(prompt),
    ]
    if occurrence:
        parts.append(str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def keyed_question_id(bank: str, key: str, *, owner: str = "") -> str:
    """The id of a question whose source names it (an Anki note's GUID): the key is its place.

    Anki keeps a note's GUID through edits and moves between decks, and updates by it on import;
    hashing it keeps a card's history through a reworded front, as Anki does.
    """
    parts = [*_owned(owner), bank.casefold(), "\x1dkey", key]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _owned(owner: str) -> list[str]:
    return [f"\x1downer{owner}"] if owner else []
