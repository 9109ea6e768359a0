"""The student's own version of a question: edits kept apart from the note they fix.

An imported question is what the note says; an `Edit` is what the student changed (the prompt,
the reference, the key points: each one or left as the note has it). Edits live beside the
imported rows and are laid over them when a question is read (`apply_edit`), so a re-import of
the note replaces the note's text and leaves the student's version standing. `checked_edit`
reports every problem at once. No storage here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from viva.bank._text import highlights
from viva.bank.models import KeyPoint, KeyPointKind, Question
from viva.errors import VivaError

MAX_PROMPT = 500  # characters: a question, not an essay
MAX_REFERENCE = 20_000  # the grader reads the first 20,000 characters of a text
MAX_KEY_POINTS = 20
MAX_KEY_POINT = 300

#: The fields an edit may change, in the order they are shown.
FIELDS = ("prompt", "reference", "key_points")


class EditError(VivaError):
    """An edit that cannot be kept as written (empty prompt, too long, too many points)."""

    http_status = 422


@dataclass(frozen=True, slots=True)
class Edit:
    """What the student changed of a question; None leaves the note's version."""

    prompt: str | None = None
    reference: str | None = None
    key_points: tuple[str, ...] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the fields this edit changes."""
        return tuple(name for name in FIELDS if getattr(self, name) is not None)

    @property
    def is_empty(self) -> bool:
        """True when nothing is changed (the note's version stands)."""
        return not self.fields

    def merged(self, newer: Edit) -> Edit:
        """This edit with the fields `newer` changes replaced."""
        return Edit(
            prompt=newer.prompt if newer.prompt is not None else self.prompt,
            reference=newer.reference if newer.reference is not None else self.reference,
            key_points=newer.key_points if newer.key_points is not None else self.key_points,
        )

    def without_same_as(self, note: Question) -> Edit:
        """The edit minus the fields that say what the note already says (compared as a form
        sends them back: trimmed, one kind of line break, key points' spaces folded)."""
        reference = (note.reference or "").replace("\r\n", "\n").strip()
        points = tuple(dict.fromkeys(" ".join(k.text.split()) for k in note.key_points))
        return Edit(
            prompt=None if self.prompt == note.prompt.strip() else self.prompt,
            reference=None if self.reference == reference else self.reference,
            key_points=None if self.key_points == points else self.key_points,
        )


def checked_edit(
    *,
    prompt: str | None = None,
    reference: str | None = None,
    key_points: tuple[str, ...] | list[str] | None = None,
) -> Edit:
    """An `Edit` from what the student typed: spaces trimmed, empty key points dropped,
    duplicates removed; every problem reported in one error.

    Raises:
        EditError: an empty or over-long prompt, an over-long reference, too many or too long
            key points.
    """
    problems: list[str] = []
    if prompt is not None:
        prompt = prompt.strip()
        if not prompt:
            problems.append("the question is empty")
        elif len(prompt) > MAX_PROMPT:
            problems.append(f"the question is {len(prompt)} characters long (at most {MAX_PROMPT})")
    if reference is not None:
        reference = reference.replace("\r\n", "\n").strip()
        if len(reference) > MAX_REFERENCE:
            problems.append(
                f"the reference answer is {len(reference)} characters long"
                f" (at most {MAX_REFERENCE})"
            )
    points: tuple[str, ...] | None = None
    if key_points is not None:
        cleaned = [" ".join(p.split()) for p in key_points]
        points = tuple(dict.fromkeys(p for p in cleaned if p))
        if len(points) > MAX_KEY_POINTS:
            problems.append(f"{len(points)} key points (at most {MAX_KEY_POINTS})")
        long = [p for p in points if len(p) > MAX_KEY_POINT]
        if long:
            problems.append(
                f"{len(long)} key point(s) longer than {MAX_KEY_POINT} characters"
                f" (the first starts {long[0][:20]!r})"
            )
    if problems:
        raise EditError(
            "; ".join(problems),
            hint="a key point is one short statement an answer should make; "
            "the reference answer holds the full text",
        )
    return Edit(prompt=prompt, reference=reference, key_points=points)


def apply_edit(question: Question, edit: Edit | None) -> Question:
    """The question as the student edited it (the same question when there is no edit)."""
    if edit is None or edit.is_empty:
        return question
    changes: dict[str, object] = {"edited": edit.fields}
    if edit.prompt is not None:
        changes["prompt"] = edit.prompt
    if edit.reference is not None:
        changes["reference"] = edit.reference or None
    if edit.key_points is not None:
        changes["key_points"] = tuple(KeyPoint(p, KeyPointKind.STUDENT) for p in edit.key_points)
    return replace(question, **changes)  # type: ignore[arg-type]


def marked_points(reference: str) -> tuple[str, ...]:
    """The `==highlighted==` key points of a reference as the student wrote it."""
    return tuple(k.text for k in highlights(reference))
