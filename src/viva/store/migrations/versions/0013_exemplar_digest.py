"""Exemplars are unique by a digest of the answer, not the answer itself.

PostgreSQL cannot index a long answer (a B-tree entry holds at most about 2.7 kB, and a
thousand Chinese characters that do not compress are 3 kB): filing the grade of such an answer
failed there. The unique key becomes (user, question key, sha256 of the answer).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_OLD = ("uq_exemplars_user_key_answer", ["user_id", "key", "answer"])
_NEW = ("uq_exemplars_user_key_digest", ["user_id", "key", "answer_sha256"])


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("exemplars") as batch:
        batch.add_column(sa.Column("answer_sha256", sa.String(64)))
    table = sa.table(
        "exemplars",
        sa.column("id", sa.Integer),
        sa.column("answer", sa.Text),
        sa.column("answer_sha256", sa.String(64)),
    )
    rows = bind.execute(sa.select(table.c.id, table.c.answer)).all()
    for start in range(0, len(rows), 500):
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")),
            [
                {"row_id": row_id, "answer_sha256": hashlib.sha256(answer.encode()).hexdigest()}
                for row_id, answer in rows[start : start + 500]
            ],
        )
    with op.batch_alter_table("exemplars") as batch:
        batch.alter_column("answer_sha256", existing_type=sa.String(64), nullable=False)
        batch.drop_constraint(_OLD[0], type_="unique")
        batch.create_unique_constraint(*_NEW)


def downgrade() -> None:
    with op.batch_alter_table("exemplars") as batch:
        batch.drop_constraint(_NEW[0], type_="unique")
        batch.drop_column("answer_sha256")
        batch.create_unique_constraint(*_OLD)
