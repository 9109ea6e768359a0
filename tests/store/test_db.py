"""Opening the database: migrations, the head revision shortcut, a database from a newer Viva."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from tests.databases import first_release_database, schema_at
from viva.errors import DatabaseError
from viva.store.db import MIGRATIONS_DIR, Database
from viva.store.schema import HEAD_REVISION, metadata


def test_head_revision_constant_matches_alembic() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


@pytest.mark.sqlite_only("opening a file migrates it; WAL mode")
def test_new_database_is_migrated_to_every_table(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    with db.reader() as conn:
        assert Database.current_revision(conn) == HEAD_REVISION
    db.dispose()
    with sqlite3.connect(tmp_path / "v.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert set(metadata.tables) <= tables


@pytest.mark.sqlite_only("a SQLite file (tests/store/test_postgresql.py has the server's)")
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


@pytest.mark.sqlite_only(
    "opening a file migrates it (PostgreSQL: `viva db upgrade`, tests/store/test_postgresql.py)"
)
def test_database_from_an_older_viva_is_migrated_with_its_data(tmp_path: Path) -> None:
    from tests.conftest import SEED
    from viva.config import load_settings
    from viva.service import Viva

    url = f"sqlite:///{tmp_path / 'old.db'}"
    first_release_database(url)
    viva = Viva(
        load_settings(
            {"VIVA_DATABASE_URL": url, "VIVA_HOME": str(tmp_path), "VIVA_BUILTIN_BANK": "0"}
        )
    )
    viva.import_notes([SEED])  # opening it migrates to the newest schema
    with viva.db.reader() as conn:
        assert Database.current_revision(conn) == HEAD_REVISION
    assert {b.name for b in viva.banks()} == {"old-notes", "default"}  # the old data survived
    question = viva.questions()[0]
    viva.review(question.id, 3)  # tables from later migrations work
    assert viva.stats().retention_achieved is None
    viva.close()


@pytest.fixture
def blank_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables: a new SQLite file, or an empty PostgreSQL database."""
    from tests import databases

    if not databases.is_postgresql():
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    url = databases.create_database(empty=True)
    yield url
    databases.drop_database(url)


def test_exemplars_are_keyed_by_a_digest_of_the_answer_after_0013(blank_url: str) -> None:
    import hashlib

    import sqlalchemy as sa

    answers = ["过拟合是记住了噪声。", "x" * 500]
    with schema_at(blank_url, "0012") as conn:  # exemplars as releases before 0013 stored them
        for answer in answers:
            conn.execute(
                sa.text(
                    "INSERT INTO exemplars (user_id, key, answer, score, source, created_at, kind)"
                    " VALUES (1, 'k', :answer, 0.5, 'f.jsonl', '2026-01-01 00:00:00', 'calibrate')"
                ),
                {"answer": answer},
            )
    database = Database(blank_url)
    before, after = database.upgrade()
    assert (before.current, after.current) == ("0012", HEAD_REVISION)
    with database.reader() as conn:
        rows = conn.execute(sa.text("SELECT answer, answer_sha256 FROM exemplars")).all()
        assert sorted(rows) == sorted((a, hashlib.sha256(a.encode()).hexdigest()) for a in answers)
    with pytest.raises(sa.exc.IntegrityError), database.transaction() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO exemplars (user_id, key, answer, answer_sha256, score, source,"
                " created_at, kind) SELECT user_id, key, answer, answer_sha256, score, source,"
                " created_at, kind FROM exemplars"
            )
        )
    database.dispose()
