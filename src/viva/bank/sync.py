"""Plan a re-import: which questions are added, updated, retired or unchanged.

Pure: it compares what an import built with fingerprints of what is stored. Ids come from where a
question lives, so an edited answer is an update (history kept), and a question that vanished
from a note the import covers is retired, never deleted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from viva.bank.models import Question

# one encoder for every fingerprint: json.dumps with options builds a new one per call
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

IMPORTER_VERSION = 2  # bump when the same note would import differently: forces a full re-parse


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    """What the plan needs to know of a stored question."""

    fingerprint: str
    is_active: bool
    note_source: str  # absolute path of its note when last imported


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """The changes an import makes to a bank (ids in each list)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    restored: tuple[str, ...] = field(default=())  # retired before, back in the notes now

    @property
    def is_empty(self) -> bool:
        """True when applying the plan would change no question."""
        return not (self.added or self.updated or self.retired or self.restored)

    def counts(self) -> dict[str, int]:
        """The number of questions in each group."""
        return {
            "added": len(self.added) + len(self.restored),
            "updated": len(self.updated),
            "retired": len(self.retired),
            "unchanged": len(self.unchanged),
        }


def fingerprint(question: Question) -> str:
    """A hash of what a question says: a change means "updated".

    Where it stands (line, order) and the author's number are left out: renumbering or adding a
    question above another is not an edit of that question.
    """
    payload = [
        question.section,
        question.prompt,
        question.reference,
        [(k.text, k.kind.value) for k in question.key_points],
        [(k.raw, k.role.value, k.is_resolved, k.section, k.question_id) for k in question.links],
        question.tags,
    ]
    data = _COMPACT.encode(payload)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def is_within(source: str, roots: Iterable[str]) -> bool:
    """True when a note file is one of the import's roots or lies under one of them."""
    path = Path(source)
    return any(path == Path(root) or path.is_relative_to(root) for root in roots)


def plan_sync(
    built: Iterable[Question],
    stored: Mapping[str, StoredQuestion],
    roots: Iterable[str],
) -> SyncPlan:
    """Compare an import with the stored bank; only notes under `roots` can retire questions."""
    roots = tuple(roots)
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    restored: list[str] = []
    seen: set[str] = set()
    for question in built:
        seen.add(question.id)
        old = stored.get(question.id)
        if old is None:
            added.append(question.id)
        elif not old.is_active:
            restored.append(question.id)
        elif old.fingerprint != fingerprint(question):
            updated.append(question.id)
        else:
            unchanged.append(question.id)
    retired = [
        qid
        for qid, old in stored.items()
        if old.is_active and qid not in seen and is_within(old.note_source, roots)
    ]
    return SyncPlan(
        added=tuple(added),
        updated=tuple(updated),
        retired=tuple(sorted(retired)),
        unchanged=tuple(unchanged),
        restored=tuple(restored),
    )
