"""Migration 0015 (identities, for single sign-on): existing users keep their data and no one
is linked to a provider; the migration goes back one step and forward again. Written against
"one step back" rather than a revision number, so it holds whichever migration precedes it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from viva.store.db import MIGRATIONS_DIR, Database
from viva.store.identities import find_identity, link_identity
from viva.store.schema import HEAD_REVISION


def _alembic(path: Path, action: str, revision: str) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn, conn.begin():
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
    engine.dispose()


def _before_0015() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    down = ScriptDirectory.from_config(config).get_revision("0015").down_revision
    assert isinstance(down, str)
    return down


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_users_before_0015_keep_their_data_and_are_linked_to_no_one(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    _alembic(path, "upgrade", _before_0015())
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO users (name, created_at) VALUES ('alice', '2026-01-01 00:00')")
    database = Database(f"sqlite:///{path}")  # opening migrates to the head
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with database.transaction() as conn:
        assert Database.current_revision(conn) == HEAD_REVISION
        assert conn.exec_driver_sql("SELECT count(*) FROM identities").scalar() == 0
        alice = conn.exec_driver_sql("SELECT id FROM users WHERE name = 'alice'").scalar_one()
        link_identity(conn, "https://id.example", "s-1", alice, now=now)
    with database.reader() as conn:
        found = find_identity(conn, "https://id.example", "s-1")
    assert found is not None
    assert (found.user_id, found.created_at) == (alice, now)
    with pytest.raises(sa.exc.IntegrityError), database.transaction() as conn:
        link_identity(conn, "https://id.example", "s-1", alice, now=now)  # one person, one row
    database.engine.dispose()


def test_0015_goes_back_one_step_and_forward_again(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    _alembic(path, "upgrade", "0015")
    assert "identities" in _tables(path)
    _alembic(path, "downgrade", _before_0015())
    assert "identities" not in _tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM users").fetchall() == [("local",)]
    _alembic(path, "upgrade", "head")
    assert "identities" in _tables(path)
