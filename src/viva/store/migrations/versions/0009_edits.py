"""The student's edits of questions, and grades the student disputed (exemplars of a kind).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_edits",
        sa.Column(
            "question_id",
            sa.String(16),
            sa.ForeignKey("questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("prompt", sa.Text),
        sa.Column("reference", sa.Text),
        sa.Column("key_points", sa.JSON(none_as_null=True)),
        sa.Column("note_fingerprint", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    with op.batch_alter_table("exemplars") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="calibrate")
        )
        batch.add_column(sa.Column("question_id", sa.String(16)))
        batch.add_column(sa.Column("graded", sa.Float))
        batch.add_column(sa.Column("note", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("exemplars") as batch:
        batch.drop_column("note")
        batch.drop_column("graded")
        batch.drop_column("question_id")
        batch.drop_column("kind")
    op.drop_table("question_edits")
