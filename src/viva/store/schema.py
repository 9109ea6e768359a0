"""Table definitions (SQLAlchemy Core). Changes here need an Alembic migration in migrations/."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# The newest migration; checked against Alembic's head by a test so that start-up can skip
# importing Alembic when the database is already current.
HEAD_REVISION = "0015"


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores them as naive text)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = sa.MetaData()


def _owner(*, nullable: bool = False) -> sa.Column[int]:
    """The user a row belongs to (their rows go when the user goes)."""
    return sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=nullable,
    )


# Everything a student owns carries their `user_id`. Shared by everyone: the built-in bank
# (its `banks.user_id` is NULL; its notes, sections and questions hang off it) and the
# embedding cache (a vector depends on the text alone). Notes, sections, questions, key
# points, links and import runs belong to their bank's owner.
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # accounts (migration 0012): the personal use never sets a password
    sa.Column("password_hash", sa.String(255)),  # argon2id, NULL: cannot sign in
    sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("role", sa.String(16), nullable=False, server_default="student"),
    sa.Column("is_disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("last_sign_in_at", UTCDateTime),
)

# A signed-in browser: the cookie holds a random token, the table only its SHA-256.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _owner(),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_sessions_user", "user_id"),
)

# Sign-in attempts not (yet) known to have succeeded, per account and per client address:
# the throttle counts them in a window, so the rule holds across worker processes.
sign_in_attempts = sa.Table(
    "sign_in_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False),  # "account:<name>" or "address:<ip>"
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_sign_in_attempts_key_at", "key", "at"),
)

# An account at a school's identity provider (OpenID Connect) that signs a user in: the
# provider's issuer and its stable subject id for the person (migration 0015).
identities = sa.Table(
    "identities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("issuer", sa.String(500), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),  # the ID token's `sub`
    _owner(),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_sign_in_at", UTCDateTime),
    sa.UniqueConstraint("issuer", "subject", name="uq_identities_issuer_subject"),
    sa.Index("ix_identities_user", "user_id"),
)

# A teacher's class (migration 0014): `user_id` is the teacher (their classes go with them);
# students join with the code, which is random and unique.
classes = sa.Table(
    "classes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("join_code", sa.String(16), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_classes_user", "user_id"),
)

class_members = sa.Table(
    "class_members",
    metadata,
    sa.Column(
        "class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("joined_at", UTCDateTime, nullable=False),
    sa.Index("ix_class_members_user", "user_id"),
)

banks = sa.Table(
    "banks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(nullable=True),  # NULL: the built-in bank, shared by every user
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("is_builtin", sa.Boolean, nullable=False, default=False),
    # of the owner's bank; a user's choice for the shared built-in bank is in bank_choices
    sa.Column("is_enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("user_id", "name", name="uq_banks_user_name"),
    # NULLs are distinct in a unique constraint: one shared bank per name needs its own index
    sa.Index(
        "uq_banks_shared_name",
        "name",
        unique=True,
        sqlite_where=sa.text("user_id IS NULL"),
        postgresql_where=sa.text("user_id IS NULL"),
    ),
)

bank_choices = sa.Table(
    "bank_choices",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("is_enabled", sa.Boolean, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# A teacher's bank shared with a class: its members read and drill it, never change it.
class_banks = sa.Table(
    "class_banks",
    metadata,
    sa.Column(
        "class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("shared_at", UTCDateTime, nullable=False),
    sa.Index("ix_class_banks_bank", "bank_id"),
)

notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("question_count", sa.Integer, nullable=False),
    sa.Column("importer_version", sa.Integer, nullable=False),
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Column("retired_at", UTCDateTime),
    sa.UniqueConstraint("bank_id", "path"),
)

sections = sa.Table(
    "sections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("path", sa.JSON, nullable=False),
    sa.Column("key", sa.Text, nullable=False),  # path joined with " / ", for lookups
    sa.Column("question_count", sa.Integer, nullable=False),
    sa.UniqueConstraint("note_id", "key"),
)

questions = sa.Table(
    "questions",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("section", sa.JSON, nullable=False),
    sa.Column("section_key", sa.Text, nullable=False),
    sa.Column("number", sa.String(20)),
    sa.Column("prompt", sa.Text, nullable=False),
    sa.Column("reference", sa.Text),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("retired_at", UTCDateTime),
    sa.Index("ix_questions_bank_active", "bank_id", "is_active"),
)

key_points = sa.Table(
    "key_points",
    metadata,
    sa.Column(
        "question_id",
        sa.String(16),
        sa.ForeignKey("questions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
)

links = sa.Table(
    "links",
    metadata,
    sa.Column(
        "question_id",
        sa.String(16),
        sa.ForeignKey("questions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("is_embed", sa.Boolean, nullable=False),
    sa.Column("is_resolved", sa.Boolean, nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("section", sa.JSON, nullable=False),
    sa.Column("target_question_id", sa.String(16)),
    sa.Column("asset", sa.Text),  # assets: file name of the copy under the data dir
)

import_runs = sa.Table(
    "import_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("roots", sa.JSON, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("retired", sa.Integer, nullable=False),
    sa.Column("unchanged", sa.Integer, nullable=False),
    sa.Column("problems", sa.JSON, nullable=False),
)

embeddings = sa.Table(
    "embeddings",
    metadata,
    sa.Column("model_id", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),  # sha256 of the text
    sa.Column("dim", sa.Integer, nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),  # float32, little-endian
)

memories = sa.Table(
    "memories",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "question_id",
        sa.String(16),
        sa.ForeignKey("questions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("card", sa.JSON, nullable=False),  # fsrs Card.to_dict()
    sa.Column("due", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_memories_due", "user_id", "due"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(),
    sa.Column(
        "question_id",
        sa.String(16),
        sa.ForeignKey("questions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("reviewed_at", UTCDateTime, nullable=False),
    sa.Column("rating", sa.Integer, nullable=False),
    sa.Column("suggested_rating", sa.Integer),
    sa.Column("answer", sa.Text),
    sa.Column("score", sa.Integer),
    # none_as_null: a Python None is SQL NULL, not JSON 'null', so IS NULL finds it
    sa.Column("grade", sa.JSON(none_as_null=True)),
    sa.Column("card_before", sa.JSON(none_as_null=True)),  # NULL: the first review
    sa.Column("card_after", sa.JSON(none_as_null=True)),  # NULL: cram (schedule unchanged)
    sa.Column("is_cram", sa.Boolean, nullable=False),
    sa.Column("undone_at", UTCDateTime),
    sa.Index("ix_reviews_question", "question_id", "reviewed_at"),
    sa.Index("ix_reviews_user", "user_id", "id"),
)

interviews = sa.Table(
    "interviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(),
    sa.Column("plan", sa.String(200), nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("overall", sa.Integer, nullable=False),
    sa.Column("report", sa.JSON, nullable=False),  # wire.report_json
)

exemplars = sa.Table(
    "exemplars",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(),
    sa.Column("key", sa.String(32), nullable=False),  # grading.exemplars.exemplar_key(question)
    sa.Column("answer", sa.Text, nullable=False),
    # what the answer is unique by (PostgreSQL cannot index a long text: see migration 0013)
    sa.Column("answer_sha256", sa.String(64), nullable=False),
    sa.Column("score", sa.Float, nullable=False),  # 0-1
    sa.Column("source", sa.Text, nullable=False),  # the file it came from
    sa.Column("created_at", UTCDateTime, nullable=False),
    # "calibrate": graded by hand in a file; "dispute": the student's own score of a grade
    sa.Column("kind", sa.String(16), nullable=False, server_default="calibrate"),
    sa.Column("question_id", sa.String(16)),  # disputes: the bank question (no foreign key)
    sa.Column("graded", sa.Float),  # disputes: the score Viva gave (0-1)
    sa.Column("note", sa.Text),  # disputes: why, in the student's words
    # "teacher" (migration 0014): the row is the student's answer (`user_id`), scored by the
    # teacher of `class_id`; it feeds the grader of every member of that class
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE")),
    sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id", ondelete="SET NULL")),
    sa.UniqueConstraint("user_id", "key", "answer_sha256", name="uq_exemplars_user_key_digest"),
)

question_edits = sa.Table(
    "question_edits",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "question_id",
        sa.String(16),
        sa.ForeignKey("questions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # NULL: the note's version of that field stands
    sa.Column("prompt", sa.Text),
    sa.Column("reference", sa.Text),
    sa.Column("key_points", sa.JSON(none_as_null=True)),  # list of texts
    sa.Column("note_fingerprint", sa.String(32), nullable=False),  # the note's, when edited
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

preferences = sa.Table(
    "preferences",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

live_interviews = sa.Table(
    "live_interviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(),
    sa.Column("token", sa.String(32), nullable=False, unique=True),  # in URLs: not guessable
    sa.Column("version", sa.Integer, nullable=False),  # bumped by each answer (two tabs)
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("banks", sa.JSON, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),  # MockInterview.snapshot
)

recordings = sa.Table(
    "recordings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owner(),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # no foreign key: a recording outlives a question removed from its bank
    sa.Column("question_id", sa.String(16)),
    sa.Column("kind", sa.String(20), nullable=False),  # drill, interview, transcribe
    sa.Column("path", sa.Text, nullable=False),  # relative to the user's recordings dir
    sa.Column("duration", sa.Float, nullable=False),  # seconds
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("transcript", sa.Text, nullable=False),
    sa.Column("delivery", sa.JSON, nullable=False),  # wire.delivery_json
    sa.Index("ix_recordings_created", "created_at"),
)

calibrations = sa.Table(
    "calibrations",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("profile", sa.String(32), primary_key=True),  # the grading profile it fits
    sa.Column("data", sa.JSON, nullable=False),  # Calibration.to_dict()
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

fsrs_parameters = sa.Table(
    "fsrs_parameters",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("parameters", sa.JSON, nullable=False),  # fitted by `viva optimize`
    sa.Column("reviews", sa.Integer, nullable=False),  # how many reviews they were fitted on
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Slow work a request handed off (an import, a transcription): what it was asked to do, how far
# it got and what came of it. The queue itself is the job library's (or the web server's own
# job process); this row is what the pages poll and where the result lands.
jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # uuid4 hex: not guessable, not a count
    _owner(),
    sa.Column("kind", sa.String(20), nullable=False),  # import, transcribe, grade
    sa.Column("state", sa.String(12), nullable=False),  # queued, running, done, failed
    sa.Column("arguments", sa.JSON, nullable=False),  # what the job function is given
    sa.Column("stage", sa.String(20), nullable=False, server_default=""),
    sa.Column("done", sa.Float, nullable=False, server_default="0"),
    sa.Column("total", sa.Float, nullable=False, server_default="0"),
    sa.Column("result", sa.JSON),  # set when done
    sa.Column("error", sa.Text),  # set when failed: the message, hint and HTTP status
    sa.Column("hint", sa.Text),
    sa.Column("status", sa.Integer),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("started_at", UTCDateTime),
    sa.Column("finished_at", UTCDateTime),
    sa.Index("ix_jobs_user_created", "user_id", "created_at"),
)
