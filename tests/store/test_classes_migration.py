"""Migration 0014 (classes) on SQLite and PostgreSQL: exemplars of 0013 stay, a class's rows go
with the class and a teacher's with the teacher, and it goes back to 0013 and forward again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from tests.store.test_db import blank_url  # noqa: F401  (the fixture)
from viva.store.db import MIGRATIONS_DIR, Database
from viva.store.schema import HEAD_REVISION

AT = "2026-01-01 00:00:00"


def _alembic(url: str, action: str, revision: str) -> None:
    engine = sa.create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
    engine.dispose()


def _tables(database: Database) -> set[str]:
    with database.reader() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_0014_adds_classes_keeps_exemplars_and_cascades(blank_url: str) -> None:  # noqa: F811
    _alembic(blank_url, "upgrade", "0013")
    engine = sa.create_engine(blank_url)
    with engine.begin() as conn:
        for name in ("teacher", "student"):
            conn.execute(
                sa.text("INSERT INTO users (name, created_at) VALUES (:n, :at)"),
                {"n": name, "at": AT},
            )
        ids = dict(conn.execute(sa.text("SELECT name, id FROM users")).all())
        conn.execute(
            sa.text(
                "INSERT INTO exemplars (user_id, key, answer, answer_sha256, score, source,"
                " created_at, kind) VALUES (:u, 'k', 'a', 'd', 0.5, 'dispute', :at, 'dispute')"
            ),
            {"u": ids["student"], "at": AT},
        )
    engine.dispose()
    database = Database(blank_url)
    before, after = database.upgrade()
    assert (before.current, after.current) == ("0013", HEAD_REVISION)
    assert {"classes", "class_members", "class_banks"} <= _tables(database)
    with database.transaction() as conn:
        teacher, student = ids["teacher"], ids["student"]
        class_id = conn.execute(
            sa.text(
                "INSERT INTO classes (user_id, name, join_code, created_at)"
                " VALUES (:t, '班', 'ABCD2345', :at) RETURNING id"
            ),
            {"t": teacher, "at": AT},
        ).scalar_one()
        conn.execute(
            sa.text("INSERT INTO class_members VALUES (:c, :s, :at)"),
            {"c": class_id, "s": student, "at": AT},
        )
        conn.execute(
            sa.text(
                "INSERT INTO exemplars (user_id, key, answer, answer_sha256, score, source,"
                " created_at, kind, class_id) VALUES (:u, 'k', 'b', 'e', 0.9, 'teacher', :at,"
                " 'teacher', :c)"
            ),
            {"u": student, "at": AT, "c": class_id},
        )
    with database.reader() as conn:
        kept = conn.execute(sa.text("SELECT kind, class_id FROM exemplars ORDER BY id")).all()
    assert kept == [("dispute", None), ("teacher", class_id)]
    with database.transaction() as conn:  # the teacher goes: their class and its rows go
        conn.execute(sa.text("DELETE FROM users WHERE id = :t"), {"t": teacher})
    with database.reader() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM classes")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM class_members")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT kind FROM exemplars")).scalars().all() == ["dispute"]
    database.dispose()


def test_0014_goes_back_to_0013_and_forward_again(blank_url: str) -> None:  # noqa: F811
    _alembic(blank_url, "upgrade", "head")
    engine = sa.create_engine(blank_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (name, created_at) VALUES ('t', :at)"), {"at": AT})
        user = conn.execute(sa.text("SELECT id FROM users WHERE name = 't'")).scalar_one()
        class_id = conn.execute(
            sa.text(
                "INSERT INTO classes (user_id, name, join_code, created_at)"
                " VALUES (:t, 'c', 'WXYZ2345', :at) RETURNING id"
            ),
            {"t": user, "at": AT},
        ).scalar_one()
        for kind, the_class in (("dispute", None), ("teacher", class_id)):
            conn.execute(
                sa.text(
                    "INSERT INTO exemplars (user_id, key, answer, answer_sha256, score, source,"
                    " created_at, kind, class_id) VALUES (:u, :kind, 'a', :kind, 0.5, 's', :at,"
                    " :kind, :c)"
                ),
                {"u": user, "kind": kind, "at": AT, "c": the_class},
            )
    engine.dispose()
    _alembic(blank_url, "downgrade", "0013")
    engine = sa.create_engine(blank_url)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        columns = {c["name"] for c in sa.inspect(conn).get_columns("exemplars")}
        kinds = conn.execute(sa.text("SELECT kind FROM exemplars")).scalars().all()
    engine.dispose()
    assert not {"classes", "class_members", "class_banks"} & tables
    assert not {"class_id", "review_id"} & columns
    assert kinds == ["dispute"]  # a correction without its class feeds no one: it goes
    _alembic(blank_url, "upgrade", "head")
    database = Database(blank_url)
    assert {"classes", "class_members", "class_banks"} <= _tables(database)
    database.dispose()
