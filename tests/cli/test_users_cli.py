"""`viva users ...`: the admin's accounts, end to end (in-process runner, real SQLite file)."""

from __future__ import annotations

import json
import re

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
