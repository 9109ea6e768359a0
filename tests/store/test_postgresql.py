"""A shared PostgreSQL database is upgraded once, explicitly (`viva db upgrade`): a process
that finds its schema behind refuses to run, and two upgrades at once queue on a lock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests import databases
from tests.conftest import SEED, Cli, query
from tests.databases import first_release_database
from viva.config import load_settings
from viva.errors import SchemaBehind
from viva.service import Viva
from viva.store.db import UPGRADE_LOCK, Database
from viva.store.schema import HEAD_REVISION

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def empty_url() -> Iterator[str]:
    """A PostgreSQL database with no tables at all (as `createdb` leaves it)."""
    url = databases.create_database(empty=True)
    yield url
    databases.drop_database(url)


@pytest.fixture
def empty_env(env: dict[str, str], empty_url: str) -> dict[str, str]:
    """The test's environment on the empty database."""
    return {**env, "VIVA_DATABASE_URL": empty_url}


def test_a_database_behind_is_refused_until_db_upgrade(empty_env: dict[str, str]) -> None:
    cli = Cli(empty_env)
    refused = cli("bank", "list")
    assert refused.exit_code == SchemaBehind.exit_code
    assert "is at schema (empty) but this Viva needs" in refused.stderr
    assert "run `viva db upgrade` first" in refused.stderr
    assert "Traceback" not in refused.output
    assert query(empty_env, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]

    status = json.loads(cli("db", "current", "--json").stdout)
    assert status["backend"] == "postgresql"
    assert (status["current"], status["head"], status["is_current"]) == (None, HEAD_REVISION, False)
    assert "The schema is behind: run `viva db upgrade`." in cli("db", "current").stdout

    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded from schema (empty) to {HEAD_REVISION}." in upgraded.stdout
    again = cli("db", "upgrade")
    assert f"already at schema {HEAD_REVISION}; nothing to do." in again.stdout
    assert "The schema is current." in cli("db", "current").stdout
    assert cli("import", str(SEED)).exit_code == 0
    assert len(json.loads(cli("bank", "list", "--json").stdout)) == 41


def test_the_service_refuses_with_a_503_and_the_way_out(empty_env: dict[str, str]) -> None:
    viva = Viva(load_settings(empty_env))
    try:
        with pytest.raises(SchemaBehind) as caught:
            viva.banks()
        assert caught.value.http_status == 503  # the service is not ready, not a bad request
        assert caught.value.hint is not None
        assert "viva db current" in caught.value.hint
    finally:
        viva.close()


def test_two_upgrades_at_once_run_one_after_the_other(
    process_env: dict[str, str], empty_url: str
) -> None:
    env = {**process_env, "VIVA_DATABASE_URL": empty_url}
    command = [sys.executable, "-m", "viva", "db", "upgrade"]
    holder = sa.create_engine(empty_url)
    try:
        with holder.connect() as conn:
            # hold the upgrade lock so that both upgrades are surely under way at once
            conn.execute(sa.select(sa.func.pg_advisory_lock(UPGRADE_LOCK)))
            conn.commit()
            runs = [
                subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)
            ]
            waiting = sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            while conn.execute(waiting).scalar() < 2:
                assert all(run.poll() is None for run in runs), "an upgrade did not wait"
                conn.commit()
                time.sleep(0.05)
            conn.execute(sa.select(sa.func.pg_advisory_unlock(UPGRADE_LOCK)))
            conn.commit()
    finally:
        holder.dispose()
    outputs = []
    for run in runs:
        out, err = run.communicate()
        assert run.returncode == 0, err.decode()
        outputs.append(out.decode())
    assert sum("upgraded from schema (empty)" in out for out in outputs) == 1
    assert sum("nothing to do" in out for out in outputs) == 1
    assert query(env, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]


def test_an_older_schema_upgrades_with_its_data(env: dict[str, str], empty_url: str) -> None:
    first_release_database(empty_url)
    old_env = {**env, "VIVA_DATABASE_URL": empty_url}
    cli = Cli(old_env)
    assert "is at schema 0001 but this Viva needs" in cli("bank", "list").stderr
    assert f"upgraded from schema 0001 to {HEAD_REVISION}" in cli("db", "upgrade").stdout
    viva = Viva(load_settings(old_env))
    try:
        viva.import_notes([SEED])
        assert {b.name for b in viva.banks()} == {"old-notes", "default"}
        question = viva.questions()[0]
        viva.review(question.id, 3)  # tables from later migrations work
        assert viva.stats().retention_achieved is None
    finally:
        viva.close()


def test_a_database_from_a_newer_viva_is_refused(env: dict[str, str], empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    cli = Cli({**env, "VIVA_DATABASE_URL": empty_url})
    for args in (("bank", "list"), ("db", "upgrade")):
        result = cli(*args)
        assert result.exit_code == 3
        assert "was written by a newer Viva (schema 9999)" in result.stderr


def test_a_password_in_the_url_is_never_shown(env: dict[str, str]) -> None:
    url = sa.make_url(env["VIVA_DATABASE_URL"]).set(password="s3cret-pw", database="nowhere")
    shown = url.render_as_string(hide_password=False)
    result = Cli({**env, "VIVA_DATABASE_URL": shown})("db", "current")
    assert result.exit_code == 3
    assert "cannot open the database" in result.stderr
    assert "s3cret-pw" not in result.output
    assert Database(shown).shown_url.count("***") == 1


def test_db_upgrade_makes_the_job_queue_tables_too(env: dict[str, str], empty_url: str) -> None:
    queue_env = {**env, "VIVA_DATABASE_URL": empty_url, "VIVA_JOBS": "queue"}
    result = Cli(queue_env)("db", "upgrade")
    assert result.exit_code == 0, result.output
    tables = query(queue_env, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert {"procrastinate_jobs", "jobs", "exemplars"} <= {t for (t,) in tables}
