"""Banks, notes and questions: rows to domain objects and back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from viva.bank.edits import Edit, apply_edit
from viva.bank.models import (
    BankBuild,
    KeyPoint,
    KeyPointKind,
    Link,
    LinkKind,
    LinkRole,
    NoteProblem,
    Question,
    Severity,
    SourceRef,
)
from viva.bank.sync import IMPORTER_VERSION, StoredQuestion, SyncPlan, fingerprint, is_within
from viva.store.db import new_id, upsert
from viva.store.owners import bank_label, is_shared_label, visible_to, writable_by
from viva.store.schema import (
    bank_choices,
    banks,
    import_runs,
    key_points,
    links,
    notes,
    question_edits,
    questions,
    sections,
    users,
)

SECTION_SEPARATOR = " / "


@dataclass(frozen=True, slots=True)
class BankSummary:
    """A bank with its question counts."""

    name: str
    is_builtin: bool
    is_enabled: bool
    active: int
    retired: int
    with_reference: int
    notes: int
    shared_by: str | None = None  # the teacher who shared it with a class of the user's


@dataclass(frozen=True, slots=True)
class StoredNote:
    """What a re-import needs to know about a stored note."""

    path: str
    source: str
    sha256: str
    importer_version: int
    is_active: bool


def section_key(section: Sequence[str]) -> str:
    """The text form of a section path used for filtering ("项目经历 / Transformer")."""
    return SECTION_SEPARATOR.join(section)


def find_bank_id(conn: Connection, user_id: int, name: str) -> int | None:
    """The id of the bank the user calls `name` (theirs, built-in, or "teacher/name" shared
    with a class of theirs), or None."""
    return conn.execute(
        sa.select(banks.c.id).where(bank_label(user_id) == name, visible_to(user_id))
    ).scalar()


def is_shared_bank(conn: Connection, user_id: int, name: str) -> bool:
    """Whether the bank the user calls `name` is one a teacher shared with them (read-only)."""
    found = conn.execute(
        sa.select(banks.c.id).where(
            bank_label(user_id) == name, visible_to(user_id), is_shared_label(user_id)
        )
    ).first()
    return found is not None


def ensure_bank(
    conn: Connection, user_id: int, name: str, *, is_builtin: bool, now: datetime
) -> int:
    """The id of bank `name`, created when missing: the user's own, or (`is_builtin`) the
    shared bank of that name that every user sees."""
    owner = None if is_builtin else user_id
    found = conn.execute(
        sa.select(banks.c.id).where(
            banks.c.name == name,
            banks.c.user_id.is_(None) if owner is None else banks.c.user_id == owner,
        )
    ).scalar()
    if found is not None:
        return int(found)
    result = conn.execute(
        banks.insert().values(
            user_id=owner,
            name=name,
            is_builtin=is_builtin,
            is_enabled=True,
            created_at=now,
            updated_at=now,
        )
    )
    return new_id(result)


def lock_bank(conn: Connection, bank_id: int) -> None:
    """Hold the bank's row until the transaction ends: two imports of the shared built-in
    bank (two workers starting) write it one after the other (PostgreSQL; SQLite's write
    transaction already holds the whole database)."""
    conn.execute(sa.select(banks.c.id).where(banks.c.id == bank_id).with_for_update(key_share=True))


def set_bank_enabled(
    conn: Connection, user_id: int, bank_id: int, enabled: bool, now: datetime
) -> None:
    """Include or exclude a bank from the user's drills, interviews and listings (their own
    bank's flag, or their choice for a shared bank)."""
    owned = conn.execute(
        banks.update()
        .where(banks.c.id == bank_id, banks.c.user_id == user_id)
        .values(is_enabled=enabled, updated_at=now)
    )
    if owned.rowcount:
        return
    shared = conn.execute(
        sa.select(banks.c.id).where(banks.c.id == bank_id, visible_to(user_id))
    ).scalar()
    if shared is None:
        raise LookupError(f"bank {bank_id} is not the user's")  # a bug: the service checks
    row = {"user_id": user_id, "bank_id": bank_id, "is_enabled": enabled, "updated_at": now}
    upsert(
        conn, bank_choices, [row], key=("user_id", "bank_id"), update=("is_enabled", "updated_at")
    )


def _visible_bank_ids(user_id: int) -> sa.Select[tuple[int]]:
    return sa.select(banks.c.id).where(visible_to(user_id))


def _check_bank(conn: Connection, user_id: int, bank_id: int) -> None:
    """Refuse to write into a bank that is not the user's (or the built-in one): a bug, the
    service checks first."""
    writable = sa.select(banks.c.id).where(writable_by(user_id), banks.c.id == bank_id)
    if conn.execute(writable).first() is None:
        raise LookupError(f"bank {bank_id} is not the user's")


def _edits_of(user_id: int) -> sa.ColumnElement[bool]:
    """The outer-join condition of a question's edit by this user."""
    return sa.and_(
        question_edits.c.question_id == questions.c.id, question_edits.c.user_id == user_id
    )


def _has_reference() -> sa.ColumnElement[bool]:
    """True when the question has a reference as read: the student's edit, else the note's
    (the query must outer-join `question_edits`)."""
    edited = question_edits.c.reference
    return sa.case(
        (edited.is_not(None), edited != ""),
        else_=questions.c.reference.is_not(None),
    )


def bank_summaries(conn: Connection, user_id: int) -> list[BankSummary]:
    """Every bank the user sees with its counts, built-in last."""
    q = questions.c
    counts = (
        sa.select(
            q.bank_id,
            sa.func.sum(sa.case((q.is_active, 1), else_=0)).label("active"),
            sa.func.sum(sa.case((q.is_active, 0), else_=1)).label("retired"),
            sa.func.sum(sa.case((sa.and_(q.is_active, _has_reference()), 1), else_=0)).label(
                "with_reference"
            ),
        )
        .select_from(questions.outerjoin(question_edits, _edits_of(user_id)))
        .where(q.bank_id.in_(_visible_bank_ids(user_id)))
        .group_by(q.bank_id)
        .subquery()
    )
    note_counts = (
        sa.select(notes.c.bank_id, sa.func.count().label("notes"))
        .where(notes.c.retired_at.is_(None), notes.c.bank_id.in_(_visible_bank_ids(user_id)))
        .group_by(notes.c.bank_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(
            bank_label(user_id).label("label"),
            banks.c.is_builtin,
            sa.func.coalesce(bank_choices.c.is_enabled, banks.c.is_enabled),
            sa.func.coalesce(counts.c.active, 0),
            sa.func.coalesce(counts.c.retired, 0),
            sa.func.coalesce(counts.c.with_reference, 0),
            sa.func.coalesce(note_counts.c.notes, 0),
            sa.case((is_shared_label(user_id), users.c.name), else_=None).label("shared_by"),
        )
        .select_from(banks)
        .outerjoin(users, users.c.id == banks.c.user_id)
        .outerjoin(counts, counts.c.bank_id == banks.c.id)
        .outerjoin(note_counts, note_counts.c.bank_id == banks.c.id)
        .outerjoin(
            bank_choices,
            sa.and_(bank_choices.c.bank_id == banks.c.id, bank_choices.c.user_id == user_id),
        )
        .where(visible_to(user_id))
        .order_by(banks.c.is_builtin, is_shared_label(user_id), "label")
    )
    return [
        BankSummary(
            row[0],
            bool(row[1]),
            bool(row[2]),
            int(row[3]),
            int(row[4]),
            int(row[5]),
            int(row[6]),
            shared_by=row[7],
        )
        for row in rows
    ]


def note_tags(conn: Connection, user_id: int, bank_name: str) -> dict[str, tuple[str, ...]]:
    """The front-matter tags of a bank's notes, by vault-relative path."""
    rows = conn.execute(
        sa.select(notes.c.path, notes.c.tags)
        .join(banks, banks.c.id == notes.c.bank_id)
        .where(bank_label(user_id) == bank_name, visible_to(user_id))
    )
    return {r.path: tuple(r.tags) for r in rows}


def stored_notes(conn: Connection, user_id: int, bank_id: int) -> dict[str, StoredNote]:
    """The bank's notes by vault-relative path."""
    rows = conn.execute(
        sa.select(
            notes.c.path,
            notes.c.source,
            notes.c.sha256,
            notes.c.importer_version,
            notes.c.retired_at,
        ).where(notes.c.bank_id == bank_id, notes.c.bank_id.in_(_visible_bank_ids(user_id)))
    )
    return {
        r.path: StoredNote(r.path, r.source, r.sha256, r.importer_version, r.retired_at is None)
        for r in rows
    }


def stored_questions(conn: Connection, user_id: int, bank_id: int) -> dict[str, StoredQuestion]:
    """Fingerprints of the bank's questions, for planning a re-import."""
    rows = conn.execute(
        sa.select(questions.c.id, questions.c.fingerprint, questions.c.is_active, notes.c.source)
        .join(notes, notes.c.id == questions.c.note_id)
        .where(questions.c.bank_id == bank_id, questions.c.bank_id.in_(_visible_bank_ids(user_id)))
    )
    return {r.id: StoredQuestion(r.fingerprint, bool(r.is_active), r.source) for r in rows}


def apply_import(
    conn: Connection,
    user_id: int,
    bank_id: int,
    build: BankBuild,
    plan: SyncPlan,
    *,
    now: datetime,
    asset_names: Mapping[str, str],
) -> None:
    """Write an import into the bank (the user's, or the shared built-in one) inside the
    caller's transaction."""
    _check_bank(conn, user_id, bank_id)
    note_ids = _upsert_notes(conn, bank_id, build, now)
    by_id = {q.id: q for q in build.questions}
    if plan.updated or plan.restored:
        stale = list(set(plan.updated) | set(plan.restored))
        for chunk in _chunks(stale):
            conn.execute(key_points.delete().where(key_points.c.question_id.in_(chunk)))
            conn.execute(links.delete().where(links.c.question_id.in_(chunk)))
    # rows are built and sent a batch at a time: a note of 800,000 questions must not hold
    # 800,000 row dicts at once (issue #12, bounded memory)
    for batch in _chunks(plan.added, _WRITE_BATCH):
        conn.execute(
            questions.insert(),
            [_question_row(by_id[qid], bank_id, note_ids, now, created=True) for qid in batch],
        )
    for qid in (*plan.updated, *plan.restored):
        row = _question_row(by_id[qid], bank_id, note_ids, now, created=False)
        conn.execute(questions.update().where(questions.c.id == qid).values(**row))
    if plan.unchanged:
        _move_unchanged(conn, [by_id[qid] for qid in plan.unchanged], note_ids)
    for batch in _chunks([*plan.added, *plan.updated, *plan.restored], _WRITE_BATCH):
        kp_rows = [
            {"question_id": qid, "position": n, "text": k.text, "kind": k.kind.value}
            for qid in batch
            for n, k in enumerate(by_id[qid].key_points)
        ]
        if kp_rows:
            conn.execute(key_points.insert(), kp_rows)
        link_rows = [
            _link_row(qid, n, link, asset_names)
            for qid in batch
            for n, link in enumerate(by_id[qid].links)
        ]
        if link_rows:
            conn.execute(links.insert(), link_rows)
    for chunk in _chunks(list(plan.retired)):
        conn.execute(
            questions.update()
            .where(questions.c.id.in_(chunk))
            .values(is_active=False, retired_at=now, updated_at=now)
        )
    _rebuild_sections(conn, bank_id, build, note_ids)
    conn.execute(banks.update().where(banks.c.id == bank_id).values(updated_at=now))


def record_run(
    conn: Connection,
    user_id: int,
    bank_id: int,
    build: BankBuild,
    counts: Mapping[str, int],
    *,
    started_at: datetime,
    finished_at: datetime,
) -> None:
    """Remember an import (its counts and problems) for `viva` reports."""
    _check_bank(conn, user_id, bank_id)
    conn.execute(
        import_runs.insert().values(
            bank_id=bank_id,
            started_at=started_at,
            finished_at=finished_at,
            roots=list(build.roots),
            problems=[
                {
                    "file": p.file,
                    "line": p.line,
                    "message": p.message,
                    "severity": p.severity.value,
                    "kind": p.category,
                }
                for p in build.problems
            ],
            **{k: counts[k] for k in ("added", "updated", "retired", "unchanged")},
        )
    )


def last_run_problems(conn: Connection, user_id: int, bank_id: int) -> list[NoteProblem]:
    """The problems the bank's most recent import reported."""
    problems = conn.execute(
        sa.select(import_runs.c.problems)
        .where(
            import_runs.c.bank_id == bank_id,
            import_runs.c.bank_id.in_(_visible_bank_ids(user_id)),
        )
        .order_by(import_runs.c.id.desc())
        .limit(1)
    ).scalar()
    return [
        NoteProblem(p["file"], p["line"], p["message"], Severity(p["severity"]), kind=p.get("kind"))
        for p in problems or []
    ]


def _upsert_notes(
    conn: Connection, bank_id: int, build: BankBuild, now: datetime
) -> dict[str, int]:
    existing = {
        r.path: r.id
        for r in conn.execute(
            sa.select(notes.c.id, notes.c.path, notes.c.source).where(notes.c.bank_id == bank_id)
        )
    }
    ids: dict[str, int] = {}
    seen: set[str] = set()
    for note in build.notes:
        values = {
            "source": note.source,
            "sha256": note.sha256,
            "title": note.title,
            "tags": list(note.tags),
            "question_count": note.question_count,
            "importer_version": IMPORTER_VERSION,
            "imported_at": now,
            "retired_at": None,
        }
        seen.add(note.path)
        if note.path in existing:
            conn.execute(notes.update().where(notes.c.id == existing[note.path]).values(**values))
            ids[note.path] = existing[note.path]
        else:
            result = conn.execute(notes.insert().values(bank_id=bank_id, path=note.path, **values))
            ids[note.path] = new_id(result)
    vanished = [
        r.id
        for r in conn.execute(
            sa.select(notes.c.id, notes.c.path, notes.c.source).where(
                notes.c.bank_id == bank_id, notes.c.retired_at.is_(None)
            )
        )
        if r.path not in seen and is_within(r.source, build.roots)
    ]
    for chunk in _chunks(vanished):
        conn.execute(notes.update().where(notes.c.id.in_(chunk)).values(retired_at=now))
    return ids


def _move_unchanged(
    conn: Connection, moved: Sequence[Question], note_ids: Mapping[str, int]
) -> None:
    """Unchanged questions keep their row; only their place and number may have moved."""
    current = {}
    for chunk in _chunks([q.id for q in moved]):
        for r in conn.execute(
            sa.select(
                questions.c.id,
                questions.c.line,
                questions.c.position,
                questions.c.note_id,
                questions.c.number,
            ).where(questions.c.id.in_(chunk))
        ):
            current[r.id] = (r.line, r.position, r.note_id, r.number)
    changes = [
        {
            "b_id": q.id,
            "line": q.source.line,
            "position": q.position,
            "note_id": note_ids[q.source.file],
            "number": q.number,
        }
        for q in moved
        if current.get(q.id) != (q.source.line, q.position, note_ids[q.source.file], q.number)
    ]
    if changes:
        conn.execute(
            questions.update()
            .where(questions.c.id == sa.bindparam("b_id"))
            .values(
                line=sa.bindparam("line"),
                position=sa.bindparam("position"),
                note_id=sa.bindparam("note_id"),
                number=sa.bindparam("number"),
            ),
            changes,
        )


def _rebuild_sections(
    conn: Connection, bank_id: int, build: BankBuild, note_ids: Mapping[str, int]
) -> None:
    ids = list(note_ids.values())
    for chunk in _chunks(ids):
        conn.execute(sections.delete().where(sections.c.note_id.in_(chunk)))
    counts: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    for q in build.questions:
        counts[(q.source.file, q.section)] += 1
    rows = [
        {
            "bank_id": bank_id,
            "note_id": note_ids[file],
            "path": list(path),
            "key": section_key(path),
            "question_count": n,
        }
        for (file, path), n in counts.items()
    ]
    if rows:
        conn.execute(sections.insert(), rows)


def _question_row(
    q: Question, bank_id: int, note_ids: Mapping[str, int], now: datetime, *, created: bool
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "bank_id": bank_id,
        "note_id": note_ids[q.source.file],
        "section": list(q.section),
        "section_key": section_key(q.section),
        "number": q.number,
        "prompt": q.prompt,
        "reference": q.reference,
        "line": q.source.line,
        "position": q.position,
        "tags": list(q.tags),
        "fingerprint": fingerprint(q),
        "is_active": True,
        "updated_at": now,
        "retired_at": None,
    }
    if created:
        row["id"] = q.id
        row["created_at"] = now
    return row


def _link_row(
    qid: str, position: int, link: Link, asset_names: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "question_id": qid,
        "position": position,
        "raw": link.raw,
        "target": link.target,
        "kind": link.kind.value,
        "role": link.role.value,
        "is_embed": link.is_embed,
        "is_resolved": link.is_resolved,
        "line": link.line,
        "note": link.note,
        "section": list(link.section),
        "target_question_id": link.question_id,
        "asset": asset_names.get(link.file) if link.file else None,
    }


_WRITE_BATCH = 5000


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- reading -------------------------------------------------------------------------------
def load_questions(
    conn: Connection,
    user_id: int,
    *,
    bank_names: Sequence[str] | None = None,
    section: str | None = None,
    ids: Sequence[str] | None = None,
    include_retired: bool = False,
    sections: Sequence[str] = (),
    edits: bool = True,
) -> list[Question]:
    """Questions as domain objects, in bank, note and file order, with the student's edits laid
    over the note's text (the one place they are applied; `edits=False`: as the note says).

    `section` matches a section name at any depth, or a path prefix written "A / B";
    `sections`: any of several such (with `section`, that one alone).
    """
    q = questions.c
    query = (
        sa.select(
            q.id,
            bank_label(user_id).label("bank"),
            q.section,
            q.number,
            q.prompt,
            q.reference,
            notes.c.path.label("file"),
            q.line,
            q.position,
            q.tags,
        )
        .join(banks, banks.c.id == q.bank_id)
        .join(notes, notes.c.id == q.note_id)
        .where(visible_to(user_id))
        .order_by(banks.c.is_builtin, banks.c.name, notes.c.path, q.position)
    )
    if not include_retired:
        query = query.where(q.is_active)
    if bank_names is not None:
        query = query.where(bank_label(user_id).in_(list(bank_names)))
    if ids is not None:
        query = query.where(q.id.in_(list(ids)))
    rows = list(conn.execute(query))
    wanted = _wanted_sections(section, sections)
    if wanted:
        rows = [r for r in rows if any(_section_matches(r.section, w) for w in wanted)]
    kps: dict[str, list[KeyPoint]] = defaultdict(list)
    lks: dict[str, list[Link]] = defaultdict(list)
    wanted_ids = [r.id for r in rows]
    for chunk in _chunks(wanted_ids):
        for r in conn.execute(
            sa.select(key_points)
            .where(key_points.c.question_id.in_(chunk))
            .order_by(key_points.c.question_id, key_points.c.position)
        ):
            kps[r.question_id].append(KeyPoint(r.text, KeyPointKind(r.kind)))
        for r in conn.execute(
            sa.select(links)
            .where(links.c.question_id.in_(chunk))
            .order_by(links.c.question_id, links.c.position)
        ):
            lks[r.question_id].append(
                Link(
                    raw=r.raw,
                    target=r.target,
                    kind=LinkKind(r.kind),
                    is_embed=r.is_embed,
                    line=r.line,
                    role=LinkRole(r.role),
                    is_resolved=r.is_resolved,
                    note=r.note,
                    section=tuple(r.section),
                    question_id=r.target_question_id,
                    file=r.asset,
                )
            )
    found = [
        Question(
            id=r.id,
            bank=r.bank,
            section=tuple(r.section),
            number=r.number,
            prompt=r.prompt,
            reference=r.reference,
            source=SourceRef(r.file, r.line),
            key_points=tuple(kps[r.id]),
            tags=tuple(r.tags),
            links=tuple(lks[r.id]),
            position=r.position,
        )
        for r in rows
    ]
    if not edits:
        return found
    changed = load_edits(conn, user_id, wanted_ids)
    if not changed:
        return found
    return [apply_edit(question, changed.get(question.id)) for question in found]


def load_edits(conn: Connection, user_id: int, ids: Sequence[str]) -> dict[str, Edit]:
    """The user's edits of these questions, by question id."""
    found: dict[str, Edit] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        rows = conn.execute(
            sa.select(
                question_edits.c.question_id,
                question_edits.c.prompt,
                question_edits.c.reference,
                question_edits.c.key_points,
            ).where(question_edits.c.user_id == user_id, question_edits.c.question_id.in_(chunk))
        )
        for r in rows:
            points = None if r.key_points is None else tuple(str(p) for p in r.key_points)
            found[r.question_id] = Edit(r.prompt, r.reference, points)
    return found


def _wanted_sections(section: str | None, sections: Sequence[str]) -> list[str]:
    chosen = [section] if section else list(sections)
    return [w.strip().casefold() for w in chosen if w.strip()]


def _section_matches(path: Sequence[str], wanted: str) -> bool:
    folded = [p.casefold() for p in path]
    if wanted in folded:
        return True
    return section_key(folded).startswith(wanted)


def find_question_ids(conn: Connection, user_id: int, prefix: str) -> list[str]:
    """Ids of questions the user sees that start with `prefix` (one may type the first few
    characters)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        sa.select(questions.c.id)
        .where(
            questions.c.id.like(f"{escaped}%", escape="\\"),
            questions.c.bank_id.in_(_visible_bank_ids(user_id)),
        )
        .limit(5)
    )
    return [r.id for r in rows]


def question_index(
    conn: Connection,
    user_id: int,
    *,
    bank_names: Sequence[str],
    section: str | None = None,
    sections: Sequence[str] = (),
) -> list[tuple[str, bool, tuple[str, ...]]]:
    """(id, has a reference, section) of the active questions, in bank, note and file order.

    A light listing for choosing what to load: no answers, key points or links; the section
    comes from its text key (no JSON to decode for 20,000 rows).
    """
    q = questions.c
    rows = conn.execute(
        sa.select(q.id, q.section_key, _has_reference())
        .join(banks, banks.c.id == q.bank_id)
        .join(notes, notes.c.id == q.note_id)
        .outerjoin(question_edits, _edits_of(user_id))
        .where(q.is_active, bank_label(user_id).in_(list(bank_names)), visible_to(user_id))
        .order_by(banks.c.is_builtin, banks.c.name, notes.c.path, q.position)
    )
    wanted = _wanted_sections(section, sections)
    out = []
    for qid, key, has_reference in rows:
        path = tuple(key.split(SECTION_SEPARATOR)) if key else ()
        if not wanted or any(_section_matches(path, w) for w in wanted):
            out.append((str(qid), bool(has_reference), path))
    return out


def section_index(
    conn: Connection, user_id: int, *, bank_names: Sequence[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """(bank, section path) of every active question the user sees, in bank, note and file
    order: what a chooser of sections lists (no answers loaded)."""
    q = questions.c
    rows = conn.execute(
        sa.select(bank_label(user_id), q.section_key)
        .join(banks, banks.c.id == q.bank_id)
        .join(notes, notes.c.id == q.note_id)
        .where(q.is_active, bank_label(user_id).in_(list(bank_names)), visible_to(user_id))
        .order_by(banks.c.is_builtin, banks.c.name, notes.c.path, q.position)
    )
    return [(str(name), tuple(key.split(SECTION_SEPARATOR)) if key else ()) for name, key in rows]
