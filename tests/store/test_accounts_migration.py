"""Migration 0012 (accounts): existing users keep their data and gain columns that sign no one
in; the migration goes back to 0011 and forward again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from viva.store.db import MIGRATIONS_DIR, Database


def _alembic(path: Path, action: str, revision: str) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn, conn.begin():
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
    engine.dispose()


def test_users_of_0011_gain_accounts_that_cannot_sign_in(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    _alembic(path, "upgrade", "0011")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO users (name, created_at) VALUES ('alice', '2026-01-01 00:00')")
    Database(f"sqlite:///{path}").engine.dispose()  # opening migrates to the head
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, password_hash, role, is_disabled, must_change_password FROM users"
            " ORDER BY id"
        ).fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert rows == [("local", None, "student", 0, 0), ("alice", None, "student", 0, 0)]
    assert {"sessions", "sign_in_attempts"} <= tables


def test_0012_goes_back_to_0011_and_forward_again(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    _alembic(path, "upgrade", "head")
    _alembic(path, "downgrade", "0011")
    with sqlite3.connect(path) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(users)")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("SELECT name FROM users").fetchall() == [("local",)]
    assert columns == {"id", "name", "created_at"}
    assert not {"sessions", "sign_in_attempts"} & tables
    _alembic(path, "upgrade", "head")
