"""The student's edits: fix a question where it is seen, add questions of one's own.

An edit of an imported question is kept apart from the note (store/edits.py) and laid over it
whenever the question is read, so it survives re-imports of the note; "restore the note's text"
drops it. Questions added in Viva go to a bank of the student's own (OWN_BANK), which no import
of notes touches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from viva.bank.edits import Edit, EditError, checked_edit, marked_points
from viva.bank.models import Question
from viva.errors import QuestionNotFound
from viva.service.bank import OWN_BANK, BankService
from viva.service.preferences import now_utc

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from viva.service.runtime import Runtime
    from viva.service.unit import UnitOfWork
    from viva.store.edits import EditSummary


class EditService:
    """Edits of questions, and questions the student adds."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork, bank: BankService) -> None:
        self.runtime = runtime
        self.unit = unit
        self.bank = bank

    def edit_question(
        self,
        id_or_prefix: str,
        *,
        prompt: str | None = None,
        reference: str | None = None,
        key_points: Sequence[str] | None = None,
    ) -> Question:
        """Change a question's prompt, reference and/or key points; returns it as now read.

        Fields left out keep their current version. A reference written with `==marks==` and
        no key points given: its marks become the key points (as a re-import would read them).
        An edit equal to the note's text is no edit (the note's version stands).

        Raises:
            EditError: an empty or over-long field (every problem at once).
            QuestionNotFound: no such question.
        """
        from viva.store import edits as store

        edit = checked_edit(
            prompt=prompt,
            reference=reference,
            key_points=None if key_points is None else list(key_points),
        )
        if edit.is_empty:
            raise EditError(
                "nothing to change", hint="give a new question, reference answer or key points"
            )
        current = self.bank.question(id_or_prefix)
        self._check_writable(current)
        if edit.reference is not None and edit.key_points is None:
            marked = marked_points(edit.reference)
            if marked and marked != tuple(k.text for k in current.key_points):
                edit = Edit(edit.prompt, edit.reference, marked)
        now = now_utc()
        with self.unit.transaction() as conn:
            if current.bank == OWN_BANK:
                store.update_own_question(conn, self.unit.user_id, current.id, edit, now)
            else:
                (note,) = self._note_versions(conn, [current.id])
                before = store.load_edits(conn, self.unit.user_id, [current.id]).get(
                    current.id, Edit()
                )
                merged = before.merged(edit).without_same_as(note)
                store.save_edit(
                    conn,
                    self.unit.user_id,
                    current.id,
                    merged,
                    note_fingerprint=store.note_fingerprint(conn, self.unit.user_id, current.id),
                    now=now,
                )
        updated = self.bank.question(current.id)
        self._moved(current, updated)
        return updated

    def restore_note(self, id_or_prefix: str) -> Question:
        """Drop the student's edit of a question: the note's text stands again.

        Raises:
            EditError: the question is not edited, or is one of the student's own.
        """
        from viva.store import edits as store

        current = self.bank.question(id_or_prefix)
        self._check_writable(current)
        if current.bank == OWN_BANK:
            raise EditError(
                f"question {current.id} was added in Viva: it has no note to go back to",
                hint="edit it instead",
            )
        with self.unit.transaction() as conn:
            if not store.delete_edit(conn, self.unit.user_id, current.id):
                raise EditError(
                    f"question {current.id} is not edited: it already reads as its note",
                )
        restored = self.bank.question(current.id)
        self._moved(current, restored)
        return restored

    def note_version(self, id_or_prefix: str) -> Question:
        """A question as its note says it (without the student's edit)."""
        current = self.bank.question(id_or_prefix)
        with self.unit.reader() as conn:
            (note,) = self._note_versions(conn, [current.id])
        return note

    def add_question(
        self,
        prompt: str,
        *,
        reference: str = "",
        key_points: Sequence[str] = (),
        section: str = "",
    ) -> Question:
        """Add a question of the student's own (to OWN_BANK, created on first use).

        `section` is a name or a path written "A / B". Key points default to the reference's
        `==marks==`.
        """
        from viva.store import edits as store
        from viva.store import questions as repo

        edit = checked_edit(prompt=prompt, reference=reference, key_points=list(key_points))
        assert edit.prompt is not None
        points = edit.key_points or marked_points(edit.reference or "")
        path = tuple(p.strip() for p in section.split(repo.SECTION_SEPARATOR.strip()) if p.strip())
        if any(len(p) > 200 for p in path):
            raise EditError("a section name is longer than 200 characters")
        now = now_utc()
        with self.unit.transaction() as conn:
            bank_id = repo.ensure_bank(conn, self.unit.user_id, OWN_BANK, is_builtin=False, now=now)
            qid = store.add_own_question(
                conn,
                self.unit.user_id,
                bank_id,
                section=path,
                prompt=edit.prompt,
                reference=edit.reference or None,
                points=points,
                now=now,
            )
        return self.bank.question(qid)

    def remove_question(self, id_or_prefix: str) -> Question:
        """Take one of the student's own questions out of their bank (history kept)."""
        from viva.store import edits as store

        current = self.bank.question(id_or_prefix)
        self._check_writable(current)
        if current.bank != OWN_BANK:
            raise EditError(
                f"question {current.id} comes from a note: remove it from the note and"
                " import the note again",
                hint="only questions added in Viva are removed here",
            )
        with self.unit.transaction() as conn:
            store.retire_own_question(conn, self.unit.user_id, current.id, now_utc())
        return current

    def edits(self, *, banks: Sequence[str] | None = None) -> list[EditSummary]:
        """The edited questions (of the named banks, default every bank), newest first; also
        those whose question is no longer in its note."""
        from viva.store import edits as store

        names = None if not banks else self.bank.bank_names(banks)
        with self.unit.reader() as conn:
            return store.edit_summaries(conn, self.unit.user_id, names)

    def edit_state(self, question_id: str) -> EditSummary | None:
        """Whether a question's note still has it and changed after the edit (None: not
        edited)."""
        from viva.store import edits as store

        with self.unit.reader() as conn:
            found = store.edit_summaries(conn, self.unit.user_id, ids=[question_id])
        return found[0] if found else None

    # --- helpers ------------------------------------------------------------------------
    def _check_writable(self, question: Question) -> None:
        """Refuse to change a question of a bank a teacher shared with the student's class."""
        from viva.service.bank import ReadOnlyBank

        if self.bank.is_shared(question.bank):
            raise ReadOnlyBank(
                f"question {question.id} is in {question.bank!r}, which your teacher shared"
                " with your class: it is read-only",
                hint="add a question of your own instead, or tell your teacher what to fix",
            )

    def _note_versions(self, conn: Connection, ids: Sequence[str]) -> list[Question]:
        from viva.store import questions as repo

        found = repo.load_questions(
            conn, self.unit.user_id, ids=ids, include_retired=True, edits=False
        )
        if len(found) != len(ids):
            raise QuestionNotFound(f"no question has the id {ids[0]!r}")
        return found

    def _moved(self, before: Question, after: Question) -> None:
        """After a change: grades of the old text are stale, and graded answers filed under
        the old prompt follow the question to its new prompt."""
        self.runtime.grader.forget(before.id)
        if before.prompt != after.prompt:
            from viva.store.exemplars import copy_exemplars

            with self.unit.transaction() as conn:
                copy_exemplars(conn, self.unit.user_id, before.prompt, after.prompt)
