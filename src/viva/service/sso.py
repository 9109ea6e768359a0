"""Single sign-on: who a checked ID token signs in as (the hosted use, `VIVA_OIDC_*`).

The web layer runs the OpenID Connect flow with Authlib (discovery, the authorization code with
PKCE, `state` and `nonce`, the ID token's signature and claims); what arrives here is a person
the provider vouches for: its issuer, the stable subject id (`sub`) and the other claims.

- A person seen before signs in as the user their identity is linked to.
- A first sign-in either makes a student account (the default) or, with
  `VIVA_OIDC_CREATE_ACCOUNTS=0`, links the account the admin made under the same name. The name
  comes from one claim (`VIVA_OIDC_NAME_CLAIM`, default `preferred_username`), else the e-mail's
  local part, else `sub`, reduced to the account-name rules; a new account whose name is taken
  gets the first free `name-2`, `name-3`, … (an existing account is never taken over by name
  unless the admin chose link-only mode).
- Roles stay Viva's (`viva users role`); a disabled account cannot sign in this way either. An
  account made here has no password (`viva users reset-password` gives it one).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from viva.errors import VivaError
from viva.service.accounts import AccountDisabled, AccountService, SignedIn
from viva.service.preferences import now_utc
from viva.store.accounts import session_digest

if TYPE_CHECKING:
    from viva.config import OidcSettings
    from viva.service.runtime import Runtime
    from viva.store.accounts import Account

__all__ = ["ProviderIdentity", "SingleSignOn", "SsoRefused", "account_names", "plain_name"]

MAX_NAME = 64
RESERVED = frozenset({"local"})  # the personal use's user: never a name for a person
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class SsoRefused(VivaError):
    """The provider vouched for the person, but no account here may be theirs."""

    http_status = 403

    def __init__(self, message: str, *, reason: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason  # no_name, no_account or linked: which page text tells it


@dataclass(frozen=True, slots=True)
class ProviderIdentity:
    """A person as a checked ID token names them."""

    issuer: str
    subject: str
    claims: Mapping[str, object] = field(default_factory=dict)


def plain_name(raw: str) -> str:
    """`raw` reduced to the account-name rules (1-64 letters, digits, '.', '-' or '_',
    starting with a letter or digit); "" when nothing of it is left (e.g. only Chinese)."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _NOT_NAME.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).lstrip("._-")
    return text[:MAX_NAME].rstrip("-")


def account_names(claims: Mapping[str, object], name_claim: str) -> list[str]:
    """The names the claims suggest, best first: the chosen claim, the e-mail's local part
    (unless the provider says the address is not verified), the subject id. A value with an
    "@" gives its local part (Azure AD's `preferred_username` is an address)."""
    values = [claims.get(name_claim)]
    if claims.get("email_verified") is not False:
        values.append(claims.get("email"))
    values.append(claims.get("sub"))
    names: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        name = plain_name(value.rpartition("@")[0] if "@" in value else value)
        if name and name not in names:
            names.append(name)
    return names


def _numbered(name: str) -> Iterator[str]:
    """`name`, then `name-2`, `name-3`, … each cut to fit the name's length limit."""
    yield name
    for number in range(2, 10_000):
        suffix = f"-{number}"
        yield name[: MAX_NAME - len(suffix)].rstrip("-") + suffix


class SingleSignOn:
    """Signing in as the user a provider's identity is (or becomes) linked to."""

    def __init__(self, runtime: Runtime, oidc: OidcSettings) -> None:
        self.runtime = runtime
        self.oidc = oidc

    def sign_in(self, identity: ProviderIdentity, *, now: datetime | None = None) -> SignedIn:
        """Start a session for the identity's user (making or linking it at the first sign-in).

        Raises:
            SsoRefused: link-only mode and no account to link, or no usable name.
            AccountDisabled: the user is disabled.
        """
        from viva.store.accounts import (
            account_by_id,
            create_session,
            delete_expired_sessions,
            update_account,
        )
        from viva.store.identities import find_identity, touch_identity

        now = now or now_utc()
        with self.runtime.db.reader() as conn:
            found = find_identity(conn, identity.issuer, identity.subject)
        user_id = found.user_id if found is not None else self._first_sign_in(identity, now=now)
        with self.runtime.db.reader() as conn:
            row = account_by_id(conn, user_id)
        assert row is not None  # identities go with their user (ON DELETE CASCADE)
        account = row[0]
        if account.is_disabled:
            raise AccountDisabled(
                f"the account {account.name!r} is disabled", hint="ask the admin to enable it again"
            )
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(seconds=self.runtime.settings.session_seconds)
        with self.runtime.db.transaction() as conn:
            delete_expired_sessions(conn, now=now)
            create_session(conn, account.id, session_digest(token), now=now, expires_at=expires_at)
            update_account(conn, account.id, last_sign_in_at=now)
            touch_identity(conn, identity.issuer, identity.subject, now=now)
        with self.runtime.db.reader() as conn:
            signed = account_by_id(conn, account.id)
        assert signed is not None
        # old recordings go at a sign-in, whichever way it is made
        AccountService(self.runtime).apply_retention(account.name, now)
        return SignedIn(signed[0], token, expires_at, is_first=account.last_sign_in_at is None)

    def _first_sign_in(self, identity: ProviderIdentity, *, now: datetime) -> int:
        names = account_names(identity.claims, self.oidc.name_claim)
        if not names:
            raise SsoRefused(
                "the identity provider gave no name this server can use for an account",
                reason="no_name",
                hint="the admin can choose the claim with VIVA_OIDC_NAME_CLAIM",
            )
        if self.oidc.create_accounts:
            return self._create(identity, names[0], now=now)
        return self._link(identity, names[0], now=now)

    def _create(self, identity: ProviderIdentity, name: str, *, now: datetime) -> int:
        """A new student account under the first free form of `name`, linked in the same
        transaction (two first sign-ins of one person at once make one account)."""
        from viva.store.identities import find_identity, link_identity
        from viva.store.users import create_user, find_user_id

        for candidate in _numbered(name):
            if candidate in RESERVED:
                continue
            with self.runtime.db.reader() as conn:
                if find_user_id(conn, candidate) is not None:
                    continue
            try:
                with self.runtime.db.transaction() as conn:
                    user_id = create_user(conn, candidate, now=now)
                    link_identity(conn, identity.issuer, identity.subject, user_id, now=now)
                return user_id
            except sa.exc.IntegrityError:  # the name, or the person, was taken meanwhile
                with self.runtime.db.reader() as conn:
                    found = find_identity(conn, identity.issuer, identity.subject)
                if found is not None:
                    return found.user_id
        raise SsoRefused(f"no free account name like {name!r} is left", reason="no_name")

    def _link(self, identity: ProviderIdentity, name: str, *, now: datetime) -> int:
        """Link the account the admin made as `name` (link-only mode)."""
        from viva.store.identities import find_identity, identities_of, link_identity
        from viva.store.users import find_user_id

        with self.runtime.db.reader() as conn:
            user_id = None if name in RESERVED else find_user_id(conn, name)
            linked = [] if user_id is None else identities_of(conn, user_id)
        if user_id is None:
            raise SsoRefused(
                f"no account here is called {name!r} for this sign-in",
                reason="no_account",
                hint="ask the admin to add it (viva users add NAME), then sign in again",
            )
        if any(i.issuer == identity.issuer for i in linked):
            raise SsoRefused(
                f"the account {name!r} is linked to another person at this identity provider",
                reason="linked",
                hint="ask the admin to check the account",
            )
        try:
            with self.runtime.db.transaction() as conn:
                link_identity(conn, identity.issuer, identity.subject, user_id, now=now)
        except sa.exc.IntegrityError:  # the same person signing in twice at once
            with self.runtime.db.reader() as conn:
                found = find_identity(conn, identity.issuer, identity.subject)
            if found is None:
                raise
            return found.user_id
        return user_id


def linked_account(runtime: Runtime, issuer: str, subject: str) -> Account | None:
    """The account an identity signs in as, or None (tests and the admin's checks)."""
    from viva.store.accounts import account_by_id
    from viva.store.identities import find_identity

    with runtime.db.reader() as conn:
        found = find_identity(conn, issuer, subject)
        row = None if found is None else account_by_id(conn, found.user_id)
    return None if row is None else row[0]
