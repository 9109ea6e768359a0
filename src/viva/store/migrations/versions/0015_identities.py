"""Identities: single sign-on through a school's OpenID Connect provider (issue #18).

Each row links a person at an identity provider (its issuer and the ID token's `sub`) to a
Viva user; one person is one row (unique issuer and subject), and a user's rows go with them.
Roles stay Viva's: nothing the provider says changes one.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_sign_in_at", UTCDateTime),
        sa.UniqueConstraint("issuer", "subject", name="uq_identities_issuer_subject"),
    )
    op.create_index("ix_identities_user", "identities", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_identities_user", table_name="identities")
    op.drop_table("identities")
