"""The upgrade of a data dir written by the release before users (schema 0009): nothing is
lost, and everything belongs to the local user.

`tests/data/release-0009/` was written by that release (see make_release_home.py there).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from viva.config import load_settings
from viva.service import Viva
from viva.store.db import Database
from viva.store.schema import HEAD_REVISION

RELEASE = Path(__file__).parents[1] / "data" / "release-0009"
OWNED = (
    "memories",
    "reviews",
    "interviews",
    "exemplars",
    "question_edits",
    "preferences",
    "live_interviews",
    "recordings",
)
pytestmark = pytest.mark.sqlite_only("the release-0009 fixture is a SQLite file")
SHARED = ("banks", "notes", "sections", "questions", "key_points", "links", "import_runs")


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in OWNED + SHARED}


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(RELEASE, home)
    return home


def test_release_database_upgrades_with_nothing_lost(old_home: Path) -> None:
    before = _counts(old_home / "viva.db")
    with sqlite3.connect(old_home / "viva.db") as conn:
        old_ids = {r[0] for r in conn.execute("SELECT question_id FROM memories")}
        old_reviews = conn.execute(
            "SELECT id, question_id, rating, undone_at IS NULL FROM reviews ORDER BY id"
        ).fetchall()
    assert before["reviews"] == 4
    assert before["memories"] == 3  # the fixture holds what the test expects
    viva = Viva(load_settings({"VIVA_HOME": str(old_home), "VIVA_BUILTIN_BANK": "1"}))
    try:
        assert viva.preferences().new_per_day == 7  # opening it upgrades it
        with viva.db.reader() as conn:
            assert Database.current_revision(conn) == HEAD_REVISION
        after = _counts(old_home / "viva.db")
        assert after == before
        with sqlite3.connect(old_home / "viva.db") as conn:
            assert conn.execute("SELECT id, name FROM users").fetchall() == [(1, "local")]
            for table in OWNED:
                owners = {r[0] for r in conn.execute(f"SELECT DISTINCT user_id FROM {table}")}
                assert owners == {1}, table
            banks = dict(conn.execute("SELECT name, user_id FROM banks").fetchall())
            assert banks == {"notes": 1, "extra": 1, "my-questions": 1, "builtin": None}
            assert (
                conn.execute(
                    "SELECT id, question_id, rating, undone_at IS NULL FROM reviews ORDER BY id"
                ).fetchall()
                == old_reviews
            )
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # the service reads it all as the local user, with the ids reviews refer to
        prefs = viva.preferences()
        assert (prefs.ui_lang, prefs.desired_retention) == ("en", 0.85)
        assert {b.name: b.is_enabled for b in viva.banks()} == {
            "notes": True,
            "extra": True,
            "my-questions": True,
            "builtin": False,  # hidden by the local user before: still hidden for them
        }
        for qid in old_ids:
            assert viva.question(qid).id == qid
        assert viva.undo_last_review() is not None  # the latest not yet undone
        assert viva.interviews()[0].overall == 71
        edited = viva.edits()
        assert [e.fields for e in edited] == [("reference",)]
        assert viva.questions(banks=["my-questions"])[0].prompt.startswith("自己加的问题")
        mine = viva.questions(banks=["notes"])[0]
        assert [d.note for d in viva.disputes(mine.id)] == ["说到了要点"]
        # a re-import of the same note keeps every id (and so the history)
        report = viva.import_notes([RELEASE.parent / "seed-note.txt"], bank="notes")
        assert report.counts["added"] == 0
        # files: the recording and the uploads moved under the local user, the calibration
        # and FSRS parameters into rows (the old files kept beside, renamed)
        (recording,) = viva.recordings()
        assert viva.recording_file(recording).read_bytes() == b"RIFF-release-recording"
        assert viva.recordings_dir == old_home / "users" / "local" / "recordings"
        assert (viva.uploads_dir / "notes" / "uploaded.md").is_file()
        assert not (old_home / "recordings").exists()
        assert viva.calibration().fitted_on == "my-grades.csv (40 answers)"
        stored = json.loads((old_home / "fsrs-parameters.json.moved").read_text("utf-8"))
        assert viva.scheduler()._fsrs.parameters == tuple(stored["parameters"])
        assert (old_home / "fsrs-parameters.json.moved").is_file()
        assert (old_home / "calibration.json.moved").is_file()
    finally:
        viva.close()
