"""A bank written back as Markdown notes: the student's version, which the importer reads back.

One note per imported note, with its front-matter tags and section headings. A question that
asks (`?`/`？`) or carries the author's number is a heading with its answer quoted under it (the
importer's heading rules 1 and 5); in a note with any other question, every question is a
`> [!question]` callout (without its number), so that none can be read as a section or run
into the answer above it. Key points are the answer's `==highlights==`: when the student
changed them, the highlights are redrawn, and a point the answer does not say word for word is
listed after it. No files are written here (service/bank.py writes them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from viva.bank._text import plain_text
from viva.bank.edits import marked_points
from viva.bank.models import KeyPointKind, LinkRole, Question

_HIGHLIGHT_MARKS = re.compile(r"==(?=\S)((?:[^=\n]|=(?!=))+?)(?<=\S)==")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_CASE = re.compile(r"^[A-Z][a-z]+(?: [A-Z][A-Za-z]*| (?:and|of|the|in|for|to))+$")
MAX_HEADING = 6


@dataclass(frozen=True, slots=True)
class NoteHeader:
    """What a written note starts with: its front-matter tags (its title is the first section
    heading, as the importer read it)."""

    tags: tuple[str, ...] = ()


def note_markdown(questions: Sequence[Question], header: NoteHeader) -> str:
    """The Markdown of one note holding these questions (in their order)."""
    out: list[str] = []
    if header.tags:
        tags = ", ".join(_yaml_tag(t) for t in header.tags)
        out += ["---", f"tags: [{tags}]", "---", ""]
    # a heading question's answer runs to the next heading, so it would swallow a callout
    # question after it: a note with any callout question writes every question as one
    as_callouts = any(not _is_heading_question(q) for q in questions)
    opened: tuple[str, ...] = ()
    for question in questions:
        section = question.section
        shared = 0
        while shared < min(len(opened), len(section)) and opened[shared] == section[shared]:
            shared += 1
        if section != opened:
            # back up to a parent section: its heading again closes the deeper ones (a callout
            # question would otherwise stay in the section above it)
            first = shared if shared < len(section) else max(0, len(section) - 1)
            for depth in range(first, len(section)):
                out += [f"{'#' * min(MAX_HEADING, depth + 1)} {section[depth]}", ""]
        opened = section
        level = min(MAX_HEADING, len(section) + 1)
        out += question_markdown(question, level=level, as_callout=as_callouts)
    return "\n".join(out).rstrip("\n") + "\n"


def _is_heading_question(question: Question) -> bool:
    """True when the importer reads this question back from a heading: it asks (`?`), or it
    is numbered in digits below the title and has an answer (an empty heading is a section)."""
    if "\n" in question.prompt:
        return False
    if question.prompt.rstrip().endswith(("?", "？")):
        return True
    numbered = bool(question.number) and str(question.number)[0].isdigit()
    return (
        numbered
        and question.has_reference
        and len(question.section) >= 1
        and not _TITLE_CASE.match(question.prompt)
    )


def question_markdown(question: Question, *, level: int, as_callout: bool = False) -> list[str]:
    """The lines of one question: its prompt (a heading, or a `> [!question]` callout), its
    answer quoted, its follow-up links."""
    prompt = " ".join(question.prompt.split())
    label = _label(question.number)
    body = _answer(question)
    lines: list[str] = []
    if not as_callout and _is_heading_question(question):
        lines.append(f"{'#' * level} {label}{prompt}")
        if body:
            lines += _quoted(body)
    else:
        lines.append(f"> [!question] {prompt}")  # a callout's title keeps no number
        if body:
            lines += _quoted(body)
    follow = [link.raw for link in question.links if link.role is LinkRole.FOLLOW_UP]
    if follow:
        word = "延伸" if _CJK.search(question.prompt) else "See also"
        colon = "：" if word == "延伸" else ": "
        lines += ["", f"{word}{colon}{'、'.join(follow) if word == '延伸' else ', '.join(follow)}"]
    return [*lines, ""]


def _answer(question: Question) -> str:
    """The reference with the key points marked the way the importer finds them again."""
    reference = (question.reference or "").strip()
    points = tuple(k.text for k in question.key_points)
    from_note = all(k.kind is not KeyPointKind.STUDENT for k in question.key_points)
    if from_note or points == marked_points(reference):
        return reference  # the importer finds the same points in it
    text = _HIGHLIGHT_MARKS.sub(r"\1", reference)
    missing: list[str] = []
    for point in points:
        at = _find_plain(text, point)
        if at is None:
            missing.append(point)
        else:
            start, end = at
            text = f"{text[:start]}=={text[start:end]}=={text[end:]}"
    if missing:
        head = "要点：" if _CJK.search(question.prompt + text) else "Key points:"
        listed = "\n".join(f"- =={point}==" for point in missing)
        text = f"{text}\n\n{head}\n\n{listed}" if text else f"{head}\n\n{listed}"
    return text


def _find_plain(text: str, point: str) -> tuple[int, int] | None:
    """Where `point` stands word for word in one line of `text`, not already marked."""
    at = text.find(point)
    while at >= 0:
        before, after = text[max(0, at - 2) : at], text[at + len(point) : at + len(point) + 2]
        if before != "==" and after != "==" and "\n" not in point:
            return at, at + len(point)
        at = text.find(point, at + 1)
    if plain_text(point) != point:
        return _find_plain(text, plain_text(point))
    return None


def _quoted(body: str) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in body.split("\n")]


def _label(number: str | None) -> str:
    if not number:
        return ""
    return f"{number}. " if number[0].isdigit() else f"{number}、"


def _yaml_tag(tag: str) -> str:
    if re.fullmatch(r"[\w\-/\u4e00-\u9fff]+", tag):
        return tag
    escaped = tag.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
