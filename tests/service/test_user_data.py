"""The student's data stays theirs: export everything as a zip, delete an account leaving
nothing behind (on SQLite and PostgreSQL: the suite runs on both)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import SEED
from tests.service.test_users import _give_data
from viva.service import Viva
from viva.service.accounts import AccountError, AccountNotFound, SignInFailed
from viva.service.data import AccountDeletionRefused
from viva.store.schema import metadata
from viva.store.users import find_user_id

PASSWORD = "correct horse battery"


def _exported(viva: Viva, path: Path) -> tuple[dict[str, Any], zipfile.ZipFile]:
    viva.export_data(path)
    archive = zipfile.ZipFile(path)
    return json.loads(archive.read("data.json")), archive


def _ids(viva: Viva, name: str) -> dict[str, set[Any]]:
    """The ids of the user's row and of the rows of their banks' content, by table."""
    with viva.db.reader() as conn:
        user_id = find_user_id(conn, name)
        banks = set(
            conn.execute(sa.text("SELECT id FROM banks WHERE user_id = :u"), {"u": user_id})
            .scalars()
            .all()
        )
        found: dict[str, set[Any]] = {"users": {user_id}, "banks": banks}
        for table in ("notes", "sections", "questions"):
            query = sa.select(metadata.tables[table].c.id).where(
                metadata.tables[table].c.bank_id.in_(banks or {-1})
            )
            found[table] = set(conn.execute(query).scalars())
    return found


def _left_over(viva: Viva, ids: dict[str, set[Any]]) -> list[str]:
    """Every row of any table of the schema that refers (by a foreign key) to one of `ids`."""
    left = []
    with viva.db.reader() as conn:
        for table in metadata.sorted_tables:
            for key in table.foreign_keys:
                referred = key.column.table.name
                if referred not in ids or not ids[referred]:
                    continue
                query = (
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(key.parent.in_(ids[referred]))
                )
                count = conn.execute(query).scalar_one()
                if count:
                    left.append(f"{table.name}.{key.parent.name}: {count}")
        for name, chosen in ids.items():
            table = metadata.tables[name]
            count = conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.id.in_(chosen or {-1}))
            ).scalar_one()
            if count:
                left.append(f"{name}: {count}")
    return left


def test_export_holds_every_owned_row_the_notes_and_the_files(viva: Viva, tmp_path: Path) -> None:
    alice = viva.add_user("alice")
    bob = viva.add_user("bob")
    owned = _give_data(alice, "alice", tmp_path)
    _give_data(bob, "bob", tmp_path)
    alice.set_preferences(daily_goal=7)
    (alice.uploads_dir / "notes-1234" / "my.md").parent.mkdir(parents=True)
    (alice.uploads_dir / "notes-1234" / "my.md").write_text("# 上传的笔记\n", encoding="utf-8")
    data, archive = _exported(alice, tmp_path / "out" / "alice.zip")
    tables = data["tables"]
    assert data["format"] == "viva-data-export"
    assert data["user"] == "alice"
    assert [u["name"] for u in tables["users"]] == ["alice"]
    assert "password_hash" not in tables["users"][0]
    assert tables["users"][0]["role"] == "student"
    assert {b["name"] for b in tables["banks"]} == {"notes", "my-questions"}
    # the bank content: notes, questions, key points
    assert {Path(n["path"]).name for n in tables["notes"]} >= {"net.md", SEED.name}
    question_ids = {q["id"] for q in tables["questions"]}
    assert owned["question"] in question_ids
    assert owned["own"] in question_ids
    assert {k["question_id"] for k in tables["key_points"]} <= question_ids
    assert tables["key_points"]
    for table in ("reviews", "memories", "interviews", "live_interviews", "recordings", "jobs"):
        assert tables[table], table
        assert all(r["user_id"] == tables["users"][0]["id"] for r in tables[table]), table
    assert [r["id"] for r in tables["interviews"]] == [owned["interview"]]
    assert [r["id"] for r in tables["jobs"]] == [owned["job"]]
    assert {"key": "daily_goal", "value": 7} in [
        {"key": p["key"], "value": p["value"]} for p in tables["preferences"]
    ]
    assert tables["question_edits"][0]["question_id"] == owned["edited"]
    # nothing of bob's
    text = archive.read("data.json").decode("utf-8")
    assert "bob" not in text
    names = archive.namelist()
    assert "README.txt" in names
    assert "files/recordings/2026-03/a.wav" in names
    assert archive.read("files/recordings/2026-03/a.wav") == b"alice"
    assert archive.read("files/uploads/notes-1234/my.md").decode("utf-8") == "# 上传的笔记\n"
    # notes imported from the command line are the files themselves (a student's own);
    # only the local user's are read from outside their folder (see the next test)
    assert [n for n in names if n.startswith("notes/")] == []
    readme = archive.read("README.txt").decode("utf-8")
    assert "data.json" in readme
    assert "这个压缩包" in readme
    # written atomically: nothing but the zip in its folder
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["alice.zip"]


def test_export_leaves_out_session_and_password_hashes(viva: Viva, tmp_path: Path) -> None:
    account, _ = viva.accounts.add("carol", password=PASSWORD)
    signed = viva.accounts.sign_in("carol", PASSWORD, address="10.0.0.1")
    data, _ = _exported(viva.as_user("carol"), tmp_path / "carol.zip")
    text = json.dumps(data)
    assert signed.token not in text
    assert "token_hash" not in text
    assert "password_hash" not in text
    assert data["tables"]["sessions"][0]["user_id"] == account.id
    assert data["tables"]["users"][0]["must_change_password"] is False


def test_export_refuses_a_name_that_is_not_a_zip(viva: Viva, tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"does not end in \.zip"):
        viva.export_data(tmp_path / "out.json")
    (tmp_path / "folder.zip").mkdir()
    with pytest.raises(Exception, match="is a folder"):
        viva.export_data(tmp_path / "folder.zip")


def test_deleting_an_account_leaves_nothing_of_it(viva: Viva, tmp_path: Path) -> None:
    viva.accounts.add("dora", password=PASSWORD)
    viva.accounts.add("eve", password=PASSWORD)
    dora, eve = viva.as_user("dora"), viva.as_user("eve")
    _give_data(dora, "dora", tmp_path)
    _give_data(eve, "eve", tmp_path)
    dora.set_preferences(daily_goal=3)
    viva.accounts.sign_in("dora", PASSWORD, address=None)
    with pytest.raises(SignInFailed):
        viva.accounts.sign_in("dora", "a wrong password", address=None)
    eve_before, _ = _exported(eve, tmp_path / "eve-before.zip")
    ids = _ids(viva, "dora")
    assert ids["questions"]
    folder = dora.recordings_dir.parent
    assert folder.is_dir()

    deleted = viva.accounts.delete("dora")

    assert deleted.rows["users"] == 1
    assert deleted.rows["reviews"] == 1
    assert deleted.files >= 1
    assert _left_over(viva, ids) == []
    assert not folder.exists()
    assert [p.name for p in folder.parent.iterdir()] == ["eve"]
    with viva.db.reader() as conn:
        attempts = conn.execute(sa.text("SELECT key FROM sign_in_attempts")).scalars().all()
    assert not [a for a in attempts if "dora" in a]
    with pytest.raises(AccountNotFound):
        viva.accounts.account("dora")
    eve_after, _ = _exported(eve, tmp_path / "eve-after.zip")
    eve_before.pop("exported_at")
    eve_after.pop("exported_at")
    assert eve_after == eve_before
    # the name is free again, and the new account starts with nothing
    viva.accounts.add("dora", password=PASSWORD)
    assert viva.as_user("dora").banks() == []
    assert viva.as_user("dora").recordings() == []


def test_a_user_deletes_their_own_account_with_password_and_name(viva: Viva) -> None:
    viva.accounts.add("fay", password=PASSWORD)
    token = viva.accounts.sign_in("fay", PASSWORD, address=None).token
    viva.as_user("fay").import_notes([SEED], bank="notes")
    with pytest.raises(SignInFailed, match="nothing was deleted"):
        viva.accounts.delete_own(token, "not it", confirm="fay")
    with pytest.raises(AccountError, match="type the account's name 'fay'"):
        viva.accounts.delete_own(token, PASSWORD, confirm="Fay")
    assert viva.as_user("fay").banks()
    viva.accounts.delete_own(token, PASSWORD, confirm=" fay ")
    assert viva.accounts.session(token) is None
    with pytest.raises(AccountNotFound):
        viva.accounts.account("fay")


def test_the_last_admin_and_the_local_user_cannot_be_deleted(viva: Viva) -> None:
    viva.accounts.add("root", role="admin", password=PASSWORD)
    with pytest.raises(AccountDeletionRefused, match="'root' is the last admin"):
        viva.accounts.delete("root")
    viva.accounts.add("root2", role="admin", password=PASSWORD)
    viva.accounts.set_disabled("root2", True)  # a disabled admin manages nothing
    with pytest.raises(AccountDeletionRefused, match="last admin"):
        viva.accounts.delete("root")
    viva.accounts.set_disabled("root2", False)
    viva.accounts.delete("root")
    with pytest.raises(AccountDeletionRefused, match="local user"):
        viva.accounts.delete("local")
    with pytest.raises(AccountNotFound):
        viva.accounts.delete("nobody")


def test_the_local_user_gets_the_note_files_imported_from_the_command_line(
    viva: Viva, tmp_path: Path
) -> None:
    viva.import_notes([SEED], bank="notes")
    progress: list[tuple[int, int]] = []
    report = viva.export_data(
        tmp_path / "mine.zip", on_progress=lambda d, t: progress.append((d, t))
    )
    archive = zipfile.ZipFile(report.path)
    entry = f"notes/notes/{SEED.name}"
    assert archive.read(entry) == SEED.read_bytes()
    assert report.notes == 1
    assert report.rows > 0
    assert progress[-1][0] == progress[-1][1]
    assert [d for d, _ in progress] == list(range(1, len(progress) + 1))
