"""`viva users ...`: the admin's accounts, end to end (in-process runner, real SQLite file)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import Cli
from viva.config import load_settings
from viva.service import Viva


def _one_time_password(output: str) -> str:
    found = re.search(r"One-time password: (\S+)", output)
    assert found is not None, output
    return found.group(1)


def test_add_prints_a_one_time_password_that_signs_in(cli: Cli, env: dict[str, str]) -> None:
    added = cli("users", "add", "zhang-san")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Added student 'zhang-san'.\nOne-time password: ")
    password = _one_time_password(added.output)
    viva = Viva(load_settings(env))
    try:
        signed = viva.accounts.sign_in("zhang-san", password, address=None)
        assert signed.account.must_change_password
    finally:
        viva.close()


def test_add_with_password_stdin_role_and_list(cli: Cli) -> None:
    added = cli(
        "users", "add", "li-si", "--role", "teacher", "--password-stdin", input="s3cret-words\n"
    )
    assert added.exit_code == 0, added.output
    assert added.output == "Added teacher 'li-si'.\n"
    assert cli("users", "role", "li-si", "admin").output == "'li-si' now has the role admin.\n"
    listed = json.loads(cli("users", "list", "--json").stdout)
    assert [
        (a["name"], a["role"], a["can_sign_in"], a["must_change_password"]) for a in listed
    ] == [
        ("local", "student", False, False),
        ("li-si", "admin", True, False),
    ]
    table = cli("users", "list")
    assert table.exit_code == 0
    assert "li-si" in table.output
    assert "no password" in table.output  # the local user


def test_reset_password_disable_and_enable(cli: Cli, env: dict[str, str]) -> None:
    cli("users", "add", "wang", "--password-stdin", input="first password\n")
    reset = cli("users", "reset-password", "wang")
    assert reset.exit_code == 0, reset.output
    assert "signed out everywhere" in reset.output
    password = _one_time_password(reset.output)
    chosen = cli("users", "reset-password", "wang", "--password-stdin", input="chosen password\n")
    assert "One-time password" not in chosen.output
    assert cli("users", "disable", "wang").output == "'wang' is disabled (signed out everywhere).\n"
    listed = json.loads(cli("users", "list", "--json").stdout)
    assert listed[-1]["is_disabled"] is True
    assert cli("users", "enable", "wang").exit_code == 0
    viva = Viva(load_settings(env))
    try:
        assert viva.accounts.sign_in("wang", "chosen password", address=None).token
        assert password != "chosen password"
    finally:
        viva.close()


def test_bad_input_is_explained_with_a_non_zero_exit(cli: Cli) -> None:
    cli("lang", "en")  # the English wording; Chinese is checked where students see it
    bad_role = cli("users", "add", "zhao", "--role", "wizard")
    assert bad_role.exit_code == 1
    assert "the role must be one of student, teacher, admin (not 'wizard')" in bad_role.output
    bad_name = cli("users", "add", "a b")
    assert bad_name.exit_code == 1
    assert "the user name 'a b' is not 1-64 letters" in bad_name.output
    empty = cli("users", "add", "zhao", "--password-stdin", input="")
    assert empty.exit_code == 1
    assert "--password-stdin read no password" in empty.output
    short = cli("users", "add", "zhao", "--password-stdin", input="short\n")
    assert short.exit_code == 1
    assert "the password is too short (5 characters; at least 8)" in short.output
    cli("users", "add", "zhao", "--password-stdin", input="long enough\n")
    taken = cli("users", "add", "zhao", "--password-stdin", input="long enough\n")
    assert taken.exit_code == 1
    assert "a user is already called 'zhao'" in taken.output
    for args in (("role", "nobody", "admin"), ("reset-password", "nobody"), ("disable", "nobody")):
        missing = cli("users", *args)
        assert missing.exit_code == 1, args
        assert "no account is called 'nobody'" in missing.output
        assert "Traceback" not in missing.output


def test_delete_asks_unless_yes_and_refuses_the_last_admin(cli: Cli, env: dict[str, str]) -> None:
    cli("lang", "en")
    from tests.conftest import SEED

    assert cli("users", "add", "wang", "--password-stdin", input="s3cret-words\n").exit_code == 0
    assert (
        cli(
            "users", "add", "boss", "--role", "admin", "--password-stdin", input="s3cret-words\n"
        ).exit_code
        == 0
    )
    viva = Viva(load_settings(env))
    try:
        viva.as_user("wang").import_notes([SEED], bank="notes")
    finally:
        viva.close()
    unconfirmed = cli("users", "delete", "wang")
    assert unconfirmed.exit_code == 1
    assert "confirm with --yes" in unconfirmed.output
    assert "Traceback" not in unconfirmed.output
    deleted = cli("users", "delete", "wang", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert deleted.output.startswith("Deleted the account 'wang': ")
    names = [a["name"] for a in json.loads(cli("users", "list", "--json").stdout)]
    assert names == ["local", "boss"]
    last = cli("users", "delete", "boss", "--yes")
    assert last.exit_code == 1
    assert "'boss' is the last admin" in last.output
    gone = cli("users", "delete", "nobody", "--yes")
    assert gone.exit_code == 1
    assert "no account is called 'nobody'" in gone.output
    local = cli("users", "delete", "local", "--yes")
    assert local.exit_code == 1
    assert "delete the data folder" in local.output


def test_export_data_writes_a_zip_for_the_local_user_or_a_named_one(
    cli: Cli, tmp_path: Path
) -> None:
    cli("lang", "en")
    import zipfile

    from tests.conftest import SEED

    assert cli("import", str(SEED)).exit_code == 0
    written = cli("export", "data", str(tmp_path / "mine.zip"))
    assert written.exit_code == 0, written.output
    assert re.match(r"Wrote \d+ row\(s\) from \d+ table\(s\) and 1 file\(s\) to ", written.output)
    archive = zipfile.ZipFile(tmp_path / "mine.zip")
    assert json.loads(archive.read("data.json"))["user"] == "local"
    assert cli("users", "add", "chen", "--password-stdin", input="s3cret-words\n").exit_code == 0
    theirs = cli("export", "data", str(tmp_path / "chen.zip"), "--user", "chen")
    assert theirs.exit_code == 0, theirs.output
    data = json.loads(zipfile.ZipFile(tmp_path / "chen.zip").read("data.json"))
    assert data["user"] == "chen"
    assert data["tables"].get("banks", []) == []
    wrong = cli("export", "data", str(tmp_path / "x.zip"), "--user", "nobody")
    assert wrong.exit_code == 1
    assert "no user is called 'nobody'" in wrong.output
    bad = cli("export", "data", str(tmp_path / "x.tar"))
    assert bad.exit_code == 1
    assert "does not end in .zip" in bad.output
