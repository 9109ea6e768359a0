"""The student's edits of imported questions (rows of `question_edits`), and questions the
student adds in Viva (a bank of their own, with no note behind it).

An edit is kept apart from the imported row it changes: an import rewrites the row from the
note and never touches the edit; `questions.load_questions` lays the edits over the rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.bank.edits import Edit
from viva.bank.sync import IMPORTER_VERSION, fingerprint
from viva.store.db import new_id, upsert
from viva.store.owners import bank_label, owned_bank_ids, visible_to
from viva.store.questions import load_edits as load_edits
from viva.store.questions import load_questions
from viva.store.schema import banks, key_points, notes, question_edits, questions

OWN_NOTE = "my-questions.md"  # the note of questions added in Viva (there is no file)


@dataclass(frozen=True, slots=True)
class EditSummary:
    """An edited question for listings: what changed, and whether its note still has it."""

    question_id: str
    bank: str
    prompt: str  # the note's prompt (the edit may change it)
    fields: tuple[str, ...]
    is_active: bool  # False: the question is no longer in its note
    is_note_changed: bool  # the note's text changed after the edit was made
    updated_at: datetime


def edited_ids(conn: Connection, user_id: int, ids: Iterable[str]) -> set[str]:
    """Which of these questions the user edited."""
    wanted = list(ids)
    out: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        out.update(
            conn.execute(
                sa.select(question_edits.c.question_id).where(
                    question_edits.c.user_id == user_id, question_edits.c.question_id.in_(chunk)
                )
            ).scalars()
        )
    return out


def save_edit(
    conn: Connection,
    user_id: int,
    question_id: str,
    edit: Edit,
    *,
    note_fingerprint: str,
    now: datetime,
) -> None:
    """Keep the user's edit of a question (replacing the one before); an empty edit removes it."""
    if edit.is_empty:
        delete_edit(conn, user_id, question_id)
        return
    values = {
        "user_id": user_id,
        "question_id": question_id,
        "created_at": now,
        "prompt": edit.prompt,
        "reference": edit.reference,
        "key_points": None if edit.key_points is None else list(edit.key_points),
        "note_fingerprint": note_fingerprint,
        "updated_at": now,
    }
    changed = ("prompt", "reference", "key_points", "note_fingerprint", "updated_at")
    upsert(conn, question_edits, [values], key=("user_id", "question_id"), update=changed)


def delete_edit(conn: Connection, user_id: int, question_id: str) -> bool:
    """Drop the user's edit of a question (the note's version stands); True if there was one."""
    deleted = conn.execute(
        question_edits.delete().where(
            question_edits.c.user_id == user_id, question_edits.c.question_id == question_id
        )
    )
    return deleted.rowcount > 0


def edit_summaries(
    conn: Connection,
    user_id: int,
    bank_names: Sequence[str] | None = None,
    *,
    ids: Sequence[str] | None = None,
) -> list[EditSummary]:
    """Every edited question (also those no longer in their note), newest edit first."""
    q = questions.c
    query = (
        sa.select(
            q.id,
            bank_label(user_id).label("name"),
            q.prompt,
            q.is_active,
            q.fingerprint,
            question_edits.c.prompt.label("new_prompt"),
            question_edits.c.reference,
            question_edits.c.key_points,
            question_edits.c.note_fingerprint,
            question_edits.c.updated_at,
        )
        .join(question_edits, question_edits.c.question_id == q.id)
        .join(banks, banks.c.id == q.bank_id)
        .where(question_edits.c.user_id == user_id, visible_to(user_id))
        .order_by(question_edits.c.updated_at.desc())
    )
    if bank_names is not None:
        query = query.where(bank_label(user_id).in_(list(bank_names)))
    if ids is not None:
        query = query.where(q.id.in_(list(ids)))
    out = []
    for r in conn.execute(query):
        edit = Edit(r.new_prompt, r.reference, None if r.key_points is None else ())
        out.append(
            EditSummary(
                question_id=r.id,
                bank=r.name,
                prompt=r.prompt,
                fields=edit.fields,
                is_active=bool(r.is_active),
                is_note_changed=r.fingerprint != r.note_fingerprint,
                updated_at=r.updated_at,
            )
        )
    return out


# --- questions added in Viva ---------------------------------------------------------------
def add_own_question(
    conn: Connection,
    user_id: int,
    bank_id: int,
    *,
    section: Sequence[str],
    prompt: str,
    reference: str | None,
    points: Sequence[str],
    now: datetime,
) -> str:
    """Add a question to the student's own bank; returns its id (random: it has no place in a
    note to derive one from, and a later edit of its text must keep it)."""
    if bank_id not in owned_bank_ids(conn, user_id):
        raise LookupError(f"bank {bank_id} is not the user's")  # a bug: the service checks
    note_id = _own_note(conn, bank_id, now)
    qid = uuid.uuid4().hex[:16]
    position = conn.execute(
        sa.select(sa.func.coalesce(sa.func.max(questions.c.position), -1)).where(
            questions.c.note_id == note_id
        )
    ).scalar_one()
    conn.execute(
        questions.insert().values(
            id=qid,
            bank_id=bank_id,
            note_id=note_id,
            section=list(section),
            section_key=" / ".join(section),
            number=None,
            prompt=prompt,
            reference=reference,
            line=0,
            position=int(position) + 1,
            tags=[],
            fingerprint="",
            is_active=True,
            created_at=now,
            updated_at=now,
        )
    )
    _write_points(conn, qid, points)
    _refresh_fingerprint(conn, user_id, qid)
    return qid


def update_own_question(
    conn: Connection, user_id: int, question_id: str, edit: Edit, now: datetime
) -> None:
    """Change a question of the student's own bank in place (there is no note to keep)."""
    values: dict[str, object] = {"updated_at": now}
    if edit.prompt is not None:
        values["prompt"] = edit.prompt
    if edit.reference is not None:
        values["reference"] = edit.reference or None
    changed = conn.execute(
        questions.update().where(_owned_question(user_id, question_id)).values(**values)
    )
    if changed.rowcount == 0:
        raise LookupError(f"question {question_id} is not the user's")  # a bug: service checks
    if edit.key_points is not None:
        conn.execute(key_points.delete().where(key_points.c.question_id == question_id))
        _write_points(conn, question_id, edit.key_points)
    _refresh_fingerprint(conn, user_id, question_id)


def retire_own_question(conn: Connection, user_id: int, question_id: str, now: datetime) -> None:
    """Take a question out of the user's own bank (its review history is kept)."""
    conn.execute(
        questions.update()
        .where(_owned_question(user_id, question_id))
        .values(is_active=False, retired_at=now, updated_at=now)
    )


def note_fingerprint(conn: Connection, user_id: int, question_id: str) -> str:
    """The fingerprint of the note's version of a question the user sees (as last imported)."""
    return str(
        conn.execute(
            sa.select(questions.c.fingerprint)
            .join(banks, banks.c.id == questions.c.bank_id)
            .where(questions.c.id == question_id, visible_to(user_id))
        ).scalar_one()
    )


def _owned_question(user_id: int, question_id: str) -> sa.ColumnElement[bool]:
    """The question, if it lies in one of the user's own banks."""
    return sa.and_(
        questions.c.id == question_id,
        questions.c.bank_id.in_(sa.select(banks.c.id).where(banks.c.user_id == user_id)),
    )


def _own_note(conn: Connection, bank_id: int, now: datetime) -> int:
    found = conn.execute(
        sa.select(notes.c.id).where(notes.c.bank_id == bank_id, notes.c.path == OWN_NOTE)
    ).scalar()
    if found is not None:
        return int(found)
    result = conn.execute(
        notes.insert().values(
            bank_id=bank_id,
            path=OWN_NOTE,
            source="",  # no file: no import covers it, so none retires its questions
            sha256="",
            title="",
            tags=[],
            question_count=0,
            importer_version=IMPORTER_VERSION,
            imported_at=now,
        )
    )
    return new_id(result)


def _write_points(conn: Connection, question_id: str, points: Sequence[str]) -> None:
    rows = [
        {"question_id": question_id, "position": n, "text": text, "kind": "student"}
        for n, text in enumerate(points)
    ]
    if rows:
        conn.execute(key_points.insert(), rows)


def _refresh_fingerprint(conn: Connection, user_id: int, question_id: str) -> None:
    (question,) = load_questions(
        conn, user_id, ids=[question_id], include_retired=True, edits=False
    )
    conn.execute(
        questions.update()
        .where(questions.c.id == question_id)
        .values(fingerprint=fingerprint(question))
    )
