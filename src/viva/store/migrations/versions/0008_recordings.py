"""Recorded spoken answers: the file under the recordings dir, transcript and delivery.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("question_id", sa.String(16)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("transcript", sa.Text, nullable=False),
        sa.Column("delivery", sa.JSON, nullable=False),
    )
    op.create_index("ix_recordings_created", "recordings", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_recordings_created", table_name="recordings")
    op.drop_table("recordings")
