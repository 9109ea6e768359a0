"""Accounts at the service layer: passwords, roles, sessions and the sign-in throttle (a real
SQLite file; the clock is the `now` argument)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from viva.config import load_settings
from viva.errors import ConfigError
from viva.service import Viva
from viva.service.accounts import (
    ACCOUNT_LIMIT,
    ADDRESS_LIMIT,
    WINDOW,
    AccountDisabled,
    AccountError,
    AccountNotFound,
    PasswordError,
    SignInFailed,
    SignInThrottled,
    SignUpClosed,
)
from viva.service.users import UserError

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def test_an_added_account_signs_in_and_its_session_names_it(viva: Viva) -> None:
    account, made_up = viva.accounts.add("alice", role="teacher", password=PASSWORD)
    assert (account.name, account.role, made_up) == ("alice", "teacher", None)
    assert not account.must_change_password
    signed = viva.accounts.sign_in("alice", PASSWORD, address="10.0.0.1", now=AT)
    assert signed.expires_at == AT + timedelta(days=14)
    assert signed.account.last_sign_in_at == AT
    assert viva.accounts.session(signed.token, now=AT + timedelta(days=1)) == signed.account
    # the database keeps only the token's hash
    with viva.db.reader() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash, user_id FROM sessions").all()
        hashed = conn.exec_driver_sql("SELECT password_hash FROM users WHERE name='alice'").scalar()
    assert len(stored) == 1
    assert signed.token not in stored[0][0]
    assert str(hashed).startswith("$argon2id$")
    assert PASSWORD not in str(hashed)


def test_a_session_ends_at_its_expiry_and_at_sign_out(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    signed = viva.accounts.sign_in("alice", PASSWORD, address=None, now=AT)
    assert viva.accounts.session(signed.token, now=signed.expires_at) is None
    again = viva.accounts.sign_in("alice", PASSWORD, address=None, now=AT)
    viva.accounts.sign_out(again.token)
    assert viva.accounts.session(again.token, now=AT) is None
    assert viva.accounts.session("not-a-token", now=AT) is None
    assert viva.accounts.session("", now=AT) is None


def test_a_made_up_password_must_be_changed_and_changing_ends_other_sessions(viva: Viva) -> None:
    account, made_up = viva.accounts.add("bob")
    assert made_up is not None
    assert account.must_change_password
    first = viva.accounts.sign_in("bob", made_up, address=None)
    second = viva.accounts.sign_in("bob", made_up, address=None)
    with pytest.raises(SignInFailed):
        viva.accounts.change_password(first.token, "wrong password", "a new password")
    with pytest.raises(PasswordError, match="too short"):
        viva.accounts.change_password(first.token, made_up, "short")
    with pytest.raises(PasswordError, match="same as the current"):
        viva.accounts.change_password(first.token, made_up, made_up)
    changed = viva.accounts.change_password(first.token, made_up, "a new password")
    assert not changed.must_change_password
    assert viva.accounts.session(first.token) is not None  # this one stays
    assert viva.accounts.session(second.token) is None  # the other one ended
    with pytest.raises(SignInFailed):
        viva.accounts.sign_in("bob", made_up, address=None)
    assert viva.accounts.sign_in("bob", "a new password", address=None).account.name == "bob"


def test_wrong_password_unknown_account_and_no_password_fail_alike(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    for name, password in (("alice", "wrong password"), ("nobody", PASSWORD), ("local", "x" * 8)):
        with pytest.raises(SignInFailed, match="the account name or the password is wrong"):
            viva.accounts.sign_in(name, password, address=None, now=AT)


def test_throttle_refuses_the_sixth_attempt_in_the_window_even_with_the_right_password(
    viva: Viva,
) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    for _ in range(ACCOUNT_LIMIT):
        with pytest.raises(SignInFailed):
            viva.accounts.sign_in("alice", "wrong password", address="10.0.0.1", now=AT)
    with pytest.raises(SignInThrottled, match="this account; try again in 14 minute") as refused:
        viva.accounts.sign_in("alice", PASSWORD, address="10.0.0.2", now=AT + timedelta(minutes=1))
    assert refused.value.retry_after == 14 * 60
    assert refused.value.http_status == 429
    # refused attempts do not prolong the wait: once the first ones leave the window, it works
    later = AT + WINDOW + timedelta(seconds=1)
    assert viva.accounts.sign_in("alice", PASSWORD, address="10.0.0.1", now=later).token


def test_success_clears_the_account_count(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    for round_ in range(3):
        for _ in range(ACCOUNT_LIMIT - 1):
            with pytest.raises(SignInFailed):
                viva.accounts.sign_in("alice", "wrong", address=None, now=AT)
        assert viva.accounts.sign_in("alice", PASSWORD, address=None, now=AT), round_


def test_throttle_per_address_covers_every_account_name(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    for n in range(ADDRESS_LIMIT):
        with pytest.raises(SignInFailed):
            viva.accounts.sign_in(f"guess{n}", "wrong password", address="10.9.9.9", now=AT)
    with pytest.raises(SignInThrottled, match="this address"):
        viva.accounts.sign_in("alice", PASSWORD, address="10.9.9.9", now=AT)
    # another address is not held back
    assert viva.accounts.sign_in("alice", PASSWORD, address="10.0.0.1", now=AT).token


def test_an_address_counts_only_failed_attempts(viva: Viva) -> None:
    """A class behind one school NAT: its students' sign-ins never hold the address back; only
    wrong passwords do."""
    for n in range(ADDRESS_LIMIT + 10):
        viva.accounts.add(f"student{n}", password=PASSWORD)
    for n in range(ADDRESS_LIMIT - 1):
        with pytest.raises(SignInFailed):
            viva.accounts.sign_in(f"student{n}", "wrong password", address="10.1.1.1", now=AT)
    for n in range(ADDRESS_LIMIT + 10):
        assert viva.accounts.sign_in(f"student{n}", PASSWORD, address="10.1.1.1", now=AT).token
    with pytest.raises(SignInFailed):  # the 30th failure is still checked
        viva.accounts.sign_in("student0", "wrong password", address="10.1.1.1", now=AT)
    with pytest.raises(SignInThrottled, match="this address"):
        viva.accounts.sign_in("student1", PASSWORD, address="10.1.1.1", now=AT)


def test_a_class_signing_in_at_once_from_one_address_is_not_held_back(viva: Viva) -> None:
    """More students than the address limit sign in at the same moment (threads released by
    one barrier): every one of them gets a session."""
    import threading

    students = [f"student{n}" for n in range(ADDRESS_LIMIT + 10)]
    for name in students:
        viva.accounts.add(name, password=PASSWORD)
    start = threading.Barrier(len(students))
    outcomes: dict[str, object] = {}

    def sign_in(name: str) -> None:
        start.wait()
        try:
            outcomes[name] = bool(viva.accounts.sign_in(name, PASSWORD, address="10.2.2.2").token)
        except Exception as error:  # every outcome is checked below
            outcomes[name] = error

    threads = [threading.Thread(target=sign_in, args=(name,)) for name in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == dict.fromkeys(students, True)


def test_disabling_ends_sessions_and_refuses_sign_in(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    signed = viva.accounts.sign_in("alice", PASSWORD, address=None)
    assert viva.accounts.set_disabled("alice", True).is_disabled
    assert viva.accounts.session(signed.token) is None
    with pytest.raises(AccountDisabled, match="'alice' is disabled"):
        viva.accounts.sign_in("alice", PASSWORD, address=None)
    viva.accounts.set_disabled("alice", False)
    assert viva.accounts.sign_in("alice", PASSWORD, address=None).token


def test_reset_password_makes_a_one_time_password_and_ends_sessions(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    signed = viva.accounts.sign_in("alice", PASSWORD, address=None)
    made_up = viva.accounts.reset_password("alice")
    assert made_up is not None
    assert viva.accounts.session(signed.token) is None
    assert viva.accounts.sign_in("alice", made_up, address=None).account.must_change_password
    assert viva.accounts.reset_password("alice", "chosen by admin") is None
    assert not viva.accounts.account("alice").must_change_password


def test_roles_names_and_passwords_are_checked(viva: Viva) -> None:
    with pytest.raises(AccountError, match=r"one of student, teacher, admin \(not 'wizard'\)"):
        viva.accounts.add("alice", role="wizard", password=PASSWORD)
    with pytest.raises(UserError, match="is not 1-64 letters"):
        viva.accounts.add("../etc", password=PASSWORD)
    with pytest.raises(PasswordError, match="must not be the account's name"):
        viva.accounts.add("alice-smith", password="Alice-Smith")
    viva.accounts.add("alice", password=PASSWORD)
    with pytest.raises(UserError, match="already called 'alice'"):
        viva.accounts.add("alice", password=PASSWORD)
    assert viva.accounts.set_role("alice", "admin").role == "admin"
    with pytest.raises(AccountNotFound, match="no account is called 'nobody'"):
        viva.accounts.set_role("nobody", "admin")
    assert [a.name for a in viva.accounts.accounts()] == ["local", "alice"]
    assert not viva.accounts.account("local").has_password  # the personal user never signs in


def test_sign_up_only_when_open(viva: Viva, env: dict[str, str]) -> None:
    with pytest.raises(SignUpClosed):
        viva.accounts.sign_up("carol", PASSWORD)
    opened = Viva(load_settings({**env, "VIVA_OPEN_SIGN_UP": "1"}))
    try:
        signed = opened.accounts.sign_up("carol", PASSWORD)
        assert (signed.account.role, signed.account.must_change_password) == ("student", False)
        assert opened.accounts.session(signed.token) is not None
    finally:
        opened.close()


def test_a_session_binds_the_service_to_its_user(viva: Viva) -> None:
    viva.accounts.add("alice", password=PASSWORD)
    signed = viva.accounts.sign_in("alice", PASSWORD, address=None)
    viva.as_user("alice").set_preferences(ui_lang="en")
    with viva.signed_in(signed.token) as alice:
        assert alice is not None
        assert (alice.user, alice.preferences().ui_lang) == ("alice", "en")
        assert alice.account is not None
        assert alice.account.name == "alice"
    with viva.signed_in("forged") as nobody:
        assert nobody is None
    assert viva.preferences().ui_lang == "zh"  # the local user's stay theirs


def test_multi_user_settings_are_read_and_checked() -> None:
    settings = load_settings(
        {"VIVA_HOME": "/tmp/x", "VIVA_MULTI_USER": "1", "VIVA_BEHIND_TLS_PROXY": "yes"}
    )
    assert (settings.multi_user, settings.open_sign_up, settings.behind_tls_proxy) == (
        True,
        False,
        True,
    )
    assert load_settings({"VIVA_HOME": "/tmp/x", "VIVA_SESSION_DAYS": "1"}).session_seconds == 86400
    assert not load_settings({"VIVA_HOME": "/tmp/x"}).multi_user
    with pytest.raises(ConfigError, match="VIVA_MULTI_USER must be a yes/no value"):
        load_settings({"VIVA_HOME": "/tmp/x", "VIVA_MULTI_USER": "maybe"})
