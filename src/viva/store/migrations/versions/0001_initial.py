"""The question bank: banks, notes, sections, questions, key points, links, import runs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "banks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("is_builtin", sa.Boolean, nullable=False),
        sa.Column("is_enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False
        ),
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
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("path", sa.JSON, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("question_count", sa.Integer, nullable=False),
        sa.UniqueConstraint("note_id", "key"),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column(
            "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("section", sa.JSON, nullable=False),
        sa.Column("section_key", sa.Text, nullable=False),
        sa.Column("number", sa.String(20)),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("reference", sa.Text),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("retired_at", UTCDateTime),
    )
    op.create_index("ix_questions_bank_active", "questions", ["bank_id", "is_active"])
    op.create_table(
        "key_points",
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
    op.create_table(
        "links",
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
        sa.Column("asset", sa.Text),
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=False),
        sa.Column("roots", sa.JSON, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("retired", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("problems", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("import_runs", "links", "key_points", "questions", "sections", "notes", "banks"):
        op.drop_table(table)
