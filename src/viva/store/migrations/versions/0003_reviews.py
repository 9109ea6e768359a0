"""Spaced repetition: each question's memory state and every review with its log.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memories",
        sa.Column(
            "question_id",
            sa.String(16),
            sa.ForeignKey("questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("card", sa.JSON, nullable=False),
        sa.Column("due", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_memories_due", "memories", ["due"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
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
        sa.Column("grade", sa.JSON),
        sa.Column("card_before", sa.JSON),
        sa.Column("card_after", sa.JSON),
        sa.Column("is_cram", sa.Boolean, nullable=False),
        sa.Column("undone_at", UTCDateTime),
    )
    op.create_index("ix_reviews_question", "reviews", ["question_id", "reviewed_at"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("memories")
