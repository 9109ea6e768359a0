"""Classes: a teacher's class, its members, the banks shared with it, and the teacher's
corrections of grades (issue #18, part 2).

`classes.user_id` is the teacher; `class_members` the students who joined with the code;
`class_banks` the teacher's banks the members read. A teacher's correction is an exemplar of
kind "teacher" on the student's answer, with the class it feeds (`class_id`) and the review it
corrects (`review_id`).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("join_code", sa.String(16), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_classes_user", "classes", ["user_id"])
    op.create_table(
        "class_members",
        sa.Column(
            "class_id",
            sa.Integer,
            sa.ForeignKey("classes.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("joined_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_class_members_user", "class_members", ["user_id"])
    op.create_table(
        "class_banks",
        sa.Column(
            "class_id",
            sa.Integer,
            sa.ForeignKey("classes.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("shared_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_class_banks_bank", "class_banks", ["bank_id"])
    with op.batch_alter_table("exemplars") as batch:
        batch.add_column(sa.Column("class_id", sa.Integer))
        batch.add_column(sa.Column("review_id", sa.Integer))
        batch.create_foreign_key(
            "fk_exemplars_class", "classes", ["class_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_exemplars_review", "reviews", ["review_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("exemplars") as batch:
        batch.drop_constraint("fk_exemplars_review", type_="foreignkey")
        batch.drop_constraint("fk_exemplars_class", type_="foreignkey")
        batch.drop_column("review_id")
        batch.drop_column("class_id")
    # corrections belong to the classes that go: without their class they would feed no one
    op.execute(sa.text("DELETE FROM exemplars WHERE kind = 'teacher'"))
    op.drop_index("ix_class_banks_bank", table_name="class_banks")
    op.drop_table("class_banks")
    op.drop_index("ix_class_members_user", table_name="class_members")
    op.drop_table("class_members")
    op.drop_index("ix_classes_user", table_name="classes")
    op.drop_table("classes")
