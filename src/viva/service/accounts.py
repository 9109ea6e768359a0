"""Accounts for the hosted use: passwords, roles, sessions and the sign-in throttle.

Passwords are hashed with argon2id (argon2-cffi); a session is a random token whose SHA-256
is stored, so a copy of the database signs no one in. The throttle is a rule over rows, so it
holds for every worker process on the database:

- an attempt is recorded (per account name and per client address) *before* the password is
  checked, and forgotten when it succeeds;
- when an account has had more than `ACCOUNT_LIMIT` (an address more than `ADDRESS_LIMIT`)
  attempts in the last `WINDOW`, the attempt is refused without checking the password, and
  not counted; it may try again once the oldest counted attempt leaves the window.

The personal use never comes here: its one user, "local", has no password.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from viva.errors import NotFoundError, VivaError
from viva.service.data import AccountDeletionRefused, DeletedAccount
from viva.service.preferences import now_utc
from viva.store.accounts import Account
from viva.store.accounts import session_digest as token_hash

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.engine import Connection

    from viva.service.runtime import Runtime

__all__ = [
    "ACCOUNT_LIMIT",
    "ADDRESS_LIMIT",
    "ROLES",
    "WINDOW",
    "Account",
    "AccountDeletionRefused",
    "AccountDisabled",
    "AccountError",
    "AccountNotFound",
    "AccountService",
    "PasswordError",
    "SignInFailed",
    "SignInThrottled",
    "SignUpClosed",
    "SignedIn",
]

ROLES = ("student", "teacher", "admin")
MIN_PASSWORD = 8
MAX_PASSWORD = 256  # argon2 takes any length; a bound keeps a huge body from being hashed
ACCOUNT_LIMIT = 5  # attempts per account name in a window
ADDRESS_LIMIT = 30  # failed attempts per client address (a whole class may share one NAT)
WINDOW = timedelta(minutes=15)


class AccountError(VivaError):
    """An account change that cannot be made (a role that does not exist, …)."""

    http_status = 422


class PasswordError(AccountError):
    """A new password that is too short, too long, or the account's name."""


class AccountNotFound(NotFoundError):
    """No account has this name."""


class SignInFailed(VivaError):
    """The name or the password is wrong (which one is not said)."""

    http_status = 401


class AccountDisabled(VivaError):
    """The password is right, but the account is disabled."""

    http_status = 403


class SignUpClosed(VivaError):
    """Sign-up is off: the admin adds accounts."""

    http_status = 403


class SignInThrottled(VivaError):
    """Too many attempts for this account or from this address in the window."""

    http_status = 429

    def __init__(self, message: str, *, hint: str | None, retry_after: int) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after  # seconds


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the token goes into the cookie (and nowhere else)."""

    account: Account
    token: str
    expires_at: datetime
    is_first: bool = False  # the account's first sign-in (or its sign-up)


def one_time_password() -> str:
    """A password for the admin to hand over (about 80 bits; no 0/O or 1/l to misread)."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    groups = ("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


class AccountService:
    """Accounts and sessions over the runtime's database (not bound to one user)."""

    _hasher: PasswordHasher | None = None
    _dummy_hash: str | None = None

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings

    # --- hashing --------------------------------------------------------------------------
    @classmethod
    def hasher(cls) -> PasswordHasher:
        """argon2id with argon2-cffi's recommended parameters (RFC 9106, low memory)."""
        if cls._hasher is None:
            from argon2 import PasswordHasher

            cls._hasher = PasswordHasher()
        return cls._hasher

    def _hash(self, password: str) -> str:
        return self.hasher().hash(password)

    def _verify(self, stored: str | None, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        if stored is None:  # no such account, or no password: take as long as a real check
            if AccountService._dummy_hash is None:
                AccountService._dummy_hash = self._hash(secrets.token_hex(16))
            stored = AccountService._dummy_hash
            password = "\x00" + password
        try:
            return self.hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def check_password(name: str, password: str) -> None:
        """Refuse a password that is too short, too long or the account's own name."""
        if len(password) < MIN_PASSWORD:
            raise PasswordError(
                f"the password is too short ({len(password)} characters; at least {MIN_PASSWORD})",
                hint="a few words you will remember make a good password",
            )
        if len(password) > MAX_PASSWORD:
            raise PasswordError(
                f"the password is too long ({len(password)} characters; at most {MAX_PASSWORD})"
            )
        if password.strip().casefold() == name.casefold():
            raise PasswordError("the password must not be the account's name")

    @staticmethod
    def check_role(role: str) -> str:
        """The role, or an error naming the roles there are."""
        if role not in ROLES:
            raise AccountError(
                f"the role must be one of {', '.join(ROLES)} (not {role!r})",
                hint="students drill; teachers run classes; admins manage accounts",
            )
        return role

    # --- the admin's commands -------------------------------------------------------------
    def add(
        self, name: str, *, role: str = "student", password: str | None = None
    ) -> tuple[Account, str | None]:
        """Add an account; without a password, one is made up and returned (it must be
        changed at the first sign-in)."""
        from viva.service.users import add_user
        from viva.store.accounts import update_account

        self.check_role(role)
        made_up = password is None
        chosen = one_time_password() if password is None else password
        self.check_password(name, chosen)
        hashed = self._hash(chosen)
        user_id = add_user(self.runtime, name)
        with self.runtime.db.transaction() as conn:
            update_account(
                conn, user_id, password_hash=hashed, must_change_password=made_up, role=role
            )
        return self.account(name), chosen if made_up else None

    def accounts(self) -> list[Account]:
        """Every account, oldest first."""
        from viva.store.accounts import all_accounts

        with self.runtime.db.reader() as conn:
            return all_accounts(conn)

    def account(self, name: str) -> Account:
        """The account called `name`."""
        from viva.store.accounts import find_account

        with self.runtime.db.reader() as conn:
            found = find_account(conn, name)
        if found is None:
            raise AccountNotFound(
                f"no account is called {name!r}", hint="`viva users list` shows them"
            )
        return found[0]

    def set_role(self, name: str, role: str) -> Account:
        """Give an account another role."""
        from viva.store.accounts import update_account

        self.check_role(role)
        account = self.account(name)
        with self.runtime.db.transaction() as conn:
            update_account(conn, account.id, role=role)
        return self.account(name)

    def reset_password(self, name: str, password: str | None = None) -> str | None:
        """Set a new password (made up and returned when none is given; it must be changed at
        the next sign-in) and end the account's sessions."""
        from viva.store.accounts import clear_attempts, delete_sessions, update_account

        account = self.account(name)
        made_up = password is None
        chosen = one_time_password() if password is None else password
        self.check_password(name, chosen)
        hashed = self._hash(chosen)
        with self.runtime.db.transaction() as conn:
            update_account(conn, account.id, password_hash=hashed, must_change_password=made_up)
            delete_sessions(conn, account.id)
            clear_attempts(conn, _account_key(name))
        return chosen if made_up else None

    def set_disabled(self, name: str, disabled: bool) -> Account:
        """Disable an account (its sessions end at once) or enable it again."""
        from viva.store.accounts import delete_sessions, update_account

        account = self.account(name)
        with self.runtime.db.transaction() as conn:
            update_account(conn, account.id, is_disabled=disabled)
            if disabled:
                delete_sessions(conn, account.id)
        return self.account(name)

    def delete(self, name: str) -> DeletedAccount:
        """Delete an account: every row it owns (and what depends on them) and its folder.

        Raises:
            AccountNotFound: no account has the name.
            AccountDeletionRefused: the local user, or the last enabled admin.
        """
        from viva.service.data import delete_account

        return delete_account(self.runtime, self.account(name), account_key=_account_key(name))

    def delete_own(self, token: str, password: str, *, confirm: str) -> DeletedAccount:
        """The signed-in user deletes their own account, confirmed by their password and by
        typing the account's name (`confirm`); the session ends with it.

        Raises:
            SignInFailed: the session is gone, or the password is wrong.
            AccountError: `confirm` is not the account's name.
            AccountDeletionRefused: the last enabled admin.
        """
        account = self._confirmed(token, password)
        if account is None:
            raise SignInFailed(
                "the password is wrong: nothing was deleted",
                hint="names and passwords are case-sensitive",
            )
        if confirm.strip() != account.name:
            raise AccountError(
                f"type the account's name {account.name!r} to confirm (not {confirm.strip()!r}): "
                "nothing was deleted",
                hint="deleting an account cannot be undone; export your data first",
            )
        return self.delete(account.name)

    # --- signing in -----------------------------------------------------------------------
    def sign_in(
        self, name: str, password: str, *, address: str | None, now: datetime | None = None
    ) -> SignedIn:
        """Check the password (throttled) and start a session.

        Raises:
            SignInThrottled: too many attempts for the account or from the address.
            SignInFailed: no such account, no password set, or a wrong password.
            AccountDisabled: the password is right but the account is disabled.
        """
        from viva.store.accounts import (
            add_attempts,
            clear_attempts,
            count_attempts,
            delete_attempts,
            delete_old_attempts,
            find_account,
            update_account,
        )

        now = now or now_utc()
        name = name.strip()
        account_key = _account_key(name)
        address_key = f"address:{address}" if address else None
        since = now - WINDOW
        # An account's attempt is recorded before its password is checked, so a burst of
        # guesses at one account is held back even while they are all in flight. An address
        # counts only the attempts that failed: a class behind one school NAT signing in at
        # the same moment is never held back by its own successful sign-ins.
        with self.runtime.db.transaction() as conn:
            delete_old_attempts(conn, before=since)
            ids = add_attempts(conn, [account_key], now=now)
        # counted after the insert is committed: concurrent workers see each other's attempts
        with self.runtime.db.reader() as conn:
            checks = [(*count_attempts(conn, account_key, since=since), ACCOUNT_LIMIT, "account")]
            if address_key is not None:
                failed, oldest = count_attempts(conn, address_key, since=since)
                checks.append((failed + 1, oldest, ADDRESS_LIMIT, "address"))
            found = find_account(conn, name)
        for count, oldest, limit, what in checks:
            if count > limit:
                with self.runtime.db.transaction() as conn:
                    delete_attempts(conn, ids)  # a refused attempt does not prolong the wait
                wait = max(1, math.ceil(((oldest or now) + WINDOW - now).total_seconds()))
                minutes = math.ceil(wait / 60)
                raise SignInThrottled(
                    f"too many sign-in attempts for this {what}; try again in {minutes} minute(s)",
                    hint="ask your teacher or the admin to reset the password if you forgot it",
                    retry_after=wait,
                )
        account, stored = found if found is not None else (None, None)
        if not self._verify(stored, password) or account is None:
            if address_key is not None:
                with self.runtime.db.transaction() as conn:
                    add_attempts(conn, [address_key], now=now)
            raise SignInFailed(
                "the account name or the password is wrong",
                hint="names and passwords are case-sensitive",
            )
        if account.is_disabled:
            with self.runtime.db.transaction() as conn:
                delete_attempts(conn, ids)
            raise AccountDisabled(
                f"the account {name!r} is disabled", hint="ask the admin to enable it again"
            )
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(seconds=self.settings.session_seconds)
        rehash = stored is not None and self.hasher().check_needs_rehash(stored)
        with self.runtime.db.transaction() as conn:
            delete_attempts(conn, ids)
            clear_attempts(conn, account_key)
            _start_session(conn, account.id, token, now=now, expires_at=expires_at)
            update_account(conn, account.id, last_sign_in_at=now)
            if rehash:
                update_account(conn, account.id, password_hash=self._hash(password))
        self.apply_retention(account.name, now)
        return SignedIn(
            self.account(name), token, expires_at, is_first=account.last_sign_in_at is None
        )

    def apply_retention(self, name: str, now: datetime) -> None:
        """Old recordings go when their owner signs in (at most once a day; see
        `SpeechService.apply_retention`), so they go even if no new one is ever saved."""
        from viva.service.bank import BankService
        from viva.service.speech import SpeechService
        from viva.service.unit import UnitOfWork

        with UnitOfWork(self.runtime, user=name) as unit:
            SpeechService(self.runtime, unit, BankService(self.runtime, unit)).apply_retention(
                now=now
            )

    def sign_up(self, name: str, password: str, *, now: datetime | None = None) -> SignedIn:
        """Make a student account and sign it in (only when open sign-up is on)."""
        from viva.store.accounts import update_account

        if not self.settings.open_sign_up:
            raise SignUpClosed(
                "sign-up is closed on this server",
                hint="ask your teacher or the admin for an account",
            )
        now = now or now_utc()
        name = name.strip()
        account, _ = self.add(name, role="student", password=password)
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(seconds=self.settings.session_seconds)
        with self.runtime.db.transaction() as conn:
            _start_session(conn, account.id, token, now=now, expires_at=expires_at)
            update_account(conn, account.id, last_sign_in_at=now)
        return SignedIn(self.account(name), token, expires_at, is_first=True)

    def session(self, token: str, *, now: datetime | None = None) -> Account | None:
        """The account a session token signs in (None: unknown, expired or disabled)."""
        from viva.store.accounts import session_account

        if not token or len(token) > 128:
            return None
        with self.runtime.db.reader() as conn:
            return session_account(conn, token_hash(token), now=now or now_utc())

    def sign_out(self, token: str) -> None:
        """End the session (nothing happens for an unknown token)."""
        from viva.store.accounts import delete_session

        with self.runtime.db.transaction() as conn:
            delete_session(conn, token_hash(token))

    def _confirmed(self, token: str, password: str) -> Account | None:
        """The session's account if `password` is its password (None: no such session, or a
        wrong password; the check takes as long either way)."""
        from viva.store.accounts import account_by_id

        account = self.session(token)
        stored = None
        if account is not None:
            with self.runtime.db.reader() as conn:
                found = account_by_id(conn, account.id)
            stored = None if found is None else found[1]
        if not self._verify(stored, password):
            return None
        return account

    def change_password(self, token: str, current: str, new: str) -> Account:
        """Change the signed-in account's password: the other sessions end, this one stays.

        Raises:
            SignInFailed: the session is gone, or the current password is wrong.
            PasswordError: the new password is not acceptable.
        """
        from viva.store.accounts import delete_sessions, update_account

        account = self._confirmed(token, current)
        if account is None:
            raise SignInFailed(
                "the current password is wrong", hint="names and passwords are case-sensitive"
            )
        self.check_password(account.name, new)
        if new == current:
            raise PasswordError("the new password is the same as the current one")
        hashed = self._hash(new)
        with self.runtime.db.transaction() as conn:
            update_account(conn, account.id, password_hash=hashed, must_change_password=False)
            delete_sessions(conn, account.id, keep=token_hash(token))
        return self.account(account.name)


def _account_key(name: str) -> str:
    return f"account:{name.strip().casefold()[:150]}"


def _start_session(
    conn: Connection, user_id: int, token: str, *, now: datetime, expires_at: datetime
) -> None:
    from viva.store.accounts import create_session, delete_expired_sessions

    delete_expired_sessions(conn, now=now)
    create_session(conn, user_id, token_hash(token), now=now, expires_at=expires_at)
