"""Opening the database: migrations, the head revision shortcut, a database from a newer Viva."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from viva.errors import DatabaseError
from viva.store.db import MIGRATIONS_DIR, Database
from viva.store.schema import HEAD_REVISION, metadata


def test_head_revision_constant_matches_alembic() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_new_database_is_migrated_to_every_table(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    with db.reader() as conn:
        assert Database.current_revision(conn) == HEAD_REVISION
    db.dispose()
    with sqlite3.connect(tmp_path / "v.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert set(metadata.tables) <= tables


def test_database_from_a_newer_viva_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    with pytest.raises(DatabaseError, match="written by a newer Viva"):
        _ = Database(f"sqlite:///{path}").engine


def test_unusable_database_url_is_explained() -> None:
    with pytest.raises(DatabaseError, match="cannot use database URL"):
        _ = Database("nosuchdialect://x").engine
