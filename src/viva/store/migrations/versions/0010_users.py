"""Users: every row a student owns carries their user; one "local" user owns what was there.

The built-in bank stays shared (`banks.user_id` NULL) and so does the embedding cache.
Bank names are unique per user; memories, preferences and edits are keyed by user too.
Calibration and FSRS parameters become rows (the service moves the local user's old files in).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from viva.store.schema import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

LOCAL_USER = "local"

# every table a student owns (banks apart: the built-in one has no owner)
_OWNED = (
    "memories",
    "reviews",
    "interviews",
    "exemplars",
    "question_edits",
    "preferences",
    "live_interviews",
    "recordings",
)
# tables whose primary key gains the user (a question is remembered once per user)
_KEYED = {
    "memories": ("question_id",),
    "question_edits": ("question_id",),
    "preferences": ("key",),
}


def _user_column(table: str, *, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE", name=f"fk_{table}_user"),
        nullable=nullable,
    )


def upgrade() -> None:
    bind = op.get_bind()
    is_sqlite = bind.dialect.name == "sqlite"
    users = op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    now = datetime.now(UTC)
    bind.execute(users.insert().values(name=LOCAL_USER, created_at=now))
    local = bind.execute(sa.select(users.c.id).where(users.c.name == LOCAL_USER)).scalar_one()

    # banks: the owner's, unique per owner; the built-in bank keeps no owner
    naming = {"uq": "uq_%(table_name)s_%(column_0_name)s"}  # names SQLite's unnamed UNIQUE
    with op.batch_alter_table("banks", naming_convention=naming) as batch:
        batch.add_column(_user_column("banks"))
        batch.drop_constraint("uq_banks_name" if is_sqlite else "banks_name_key", type_="unique")
        batch.create_unique_constraint("uq_banks_user_name", ["user_id", "name"])
    op.create_index(
        "uq_banks_shared_name",
        "banks",
        ["name"],
        unique=True,
        sqlite_where=sa.text("user_id IS NULL"),
        postgresql_where=sa.text("user_id IS NULL"),
    )
    banks = sa.table(
        "banks",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("is_builtin", sa.Boolean),
        sa.column("is_enabled", sa.Boolean),
    )
    bind.execute(banks.update().where(banks.c.is_builtin.is_(False)).values(user_id=local))
    # the built-in bank is everyone's: the local user's choice to hide it becomes theirs alone
    choices = op.create_table(
        "bank_choices",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "bank_id", sa.Integer, sa.ForeignKey("banks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("is_enabled", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    hidden = bind.execute(
        sa.select(banks.c.id).where(banks.c.is_builtin.is_(True), banks.c.is_enabled.is_(False))
    ).scalars()
    rows = [
        {"user_id": local, "bank_id": i, "is_enabled": False, "updated_at": now} for i in hidden
    ]
    if rows:
        bind.execute(choices.insert(), rows)
    bind.execute(banks.update().where(banks.c.is_builtin.is_(True)).values(is_enabled=True))

    for table in _OWNED:
        with op.batch_alter_table(table, naming_convention=naming) as batch:
            batch.add_column(_user_column(table))
        bind.execute(
            sa.table(table, sa.column("user_id", sa.Integer)).update().values(user_id=local)
        )
        with warnings.catch_warnings():
            # SQLite's copy of a table whose primary key changes: SQLAlchemy notes the change
            warnings.filterwarnings("ignore", "Table '_alembic_tmp_", sa.exc.SAWarning)
            with op.batch_alter_table(
                table, recreate="always" if is_sqlite else "auto", naming_convention=naming
            ) as batch:
                batch.alter_column("user_id", existing_type=sa.Integer, nullable=False)
                if table in _KEYED:
                    if not is_sqlite:
                        batch.drop_constraint(f"{table}_pkey", type_="primary")
                    batch.create_primary_key(f"{table}_pkey", ["user_id", *_KEYED[table]])
                if table == "exemplars":
                    batch.drop_constraint(
                        "uq_exemplars_key" if is_sqlite else "exemplars_key_answer_key",
                        type_="unique",
                    )
                    batch.create_unique_constraint(
                        "uq_exemplars_user_key_answer", ["user_id", "key", "answer"]
                    )
    op.drop_index("ix_memories_due", table_name="memories")
    op.create_index("ix_memories_due", "memories", ["user_id", "due"])
    op.create_index("ix_reviews_user", "reviews", ["user_id", "id"])

    op.create_table(
        "calibrations",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("profile", sa.String(32), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "fsrs_parameters",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("reviews", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    # Deliberately one-way: going back would have to merge every user's rows into one owner
    # (colliding bank names, preferences, memories). Restore a backup taken before upgrading.
    raise RuntimeError(
        "Viva does not go back past the users migration (0010): restore the backup of the "
        "database taken before the upgrade instead"
    )
