"""Single sign-on at the service layer: which account a provider's identity signs in as (a real
database; the provider's side is tested over HTTP in tests/web/test_sso_http.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from viva.config import load_settings
from viva.errors import ConfigError
from viva.service import Viva
from viva.service.accounts import AccountDisabled, SignInFailed
from viva.service.sso import ProviderIdentity, SsoRefused, account_names, plain_name
from viva.store.schema import identities, sessions, users

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ISSUER = "https://id.school.example"
OIDC = {
    "VIVA_OIDC_ISSUER": ISSUER,
    "VIVA_OIDC_CLIENT_ID": "viva",
    "VIVA_OIDC_CLIENT_SECRET": "s3cret",
}


@pytest.fixture
def sso(env: dict[str, str]) -> Iterator[Viva]:
    service = Viva(load_settings({**env, **OIDC}))
    yield service
    service.close()


@pytest.fixture
def link_only(env: dict[str, str]) -> Iterator[Viva]:
    service = Viva(load_settings({**env, **OIDC, "VIVA_OIDC_CREATE_ACCOUNTS": "0"}))
    yield service
    service.close()


def _person(subject: str, **claims: object) -> ProviderIdentity:
    return ProviderIdentity(ISSUER, subject, {"sub": subject, **claims})


def test_names_follow_the_account_rules() -> None:
    assert plain_name("zhang.san") == "zhang.san"
    assert plain_name("Zhang San") == "Zhang-San"
    assert plain_name("  ..李四 (lisi)") == "lisi"
    assert plain_name("张三") == ""
    assert plain_name("ｗａｎｇ５") == "wang5"  # full-width letters typed by an IME
    assert plain_name("x" * 100) == "x" * 64
    assert plain_name("a//b") == "a-b"


def test_names_come_from_the_claim_then_the_email_then_the_subject() -> None:
    claims = {"sub": "248289761001", "preferred_username": "张三", "email": "zs@school.edu"}
    assert account_names(claims, "preferred_username") == ["zs", "248289761001"]
    assert account_names({**claims, "preferred_username": "zhangsan"}, "preferred_username") == [
        "zhangsan",
        "zs",
        "248289761001",
    ]
    # an address in the claim gives its local part; an unverified e-mail is passed over
    assert account_names({"sub": "s1", "upn": "li.si@corp.example"}, "upn") == ["li.si", "s1"]
    unverified = {"sub": "s2", "email": "admin@evil.example", "email_verified": False}
    assert account_names(unverified, "preferred_username") == ["s2"]
    assert account_names({"sub": "张"}, "preferred_username") == []


def test_a_first_sign_in_makes_a_student_account_without_a_password(sso: Viva) -> None:
    signed = sso.single_sign_on.sign_in(_person("s-1", preferred_username="wangwu"), now=AT)
    account = signed.account
    assert (account.name, account.role, account.has_password) == ("wangwu", "student", False)
    assert signed.is_first
    assert signed.expires_at == AT + timedelta(days=14)
    assert account.last_sign_in_at == AT
    assert sso.accounts.session(signed.token, now=AT) == account
    with sso.db.reader() as conn:
        linked = conn.execute(sa.select(identities.c.issuer, identities.c.subject)).all()
    assert linked == [(ISSUER, "s-1")]
    # no password signs in to an account made by single sign-on, until the admin sets one
    with pytest.raises(SignInFailed):
        sso.accounts.sign_in("wangwu", "", address=None, now=AT)
    sso.accounts.reset_password("wangwu", "correct horse battery")
    assert sso.accounts.sign_in("wangwu", "correct horse battery", address=None, now=AT).token


def test_the_second_sign_in_reuses_the_account_even_under_a_new_name(sso: Viva) -> None:
    first = sso.single_sign_on.sign_in(_person("s-1", preferred_username="wangwu"), now=AT)
    later = AT + timedelta(days=3)
    second = sso.single_sign_on.sign_in(_person("s-1", preferred_username="wang.wu"), now=later)
    assert second.account.id == first.account.id
    assert second.account.name == "wangwu"  # the account's name does not follow the provider
    assert not second.is_first
    assert second.token != first.token
    with sso.db.reader() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar() == 2
        assert conn.execute(sa.select(identities.c.last_sign_in_at)).scalar() == later


def test_a_name_clash_gets_the_next_free_name_and_never_takes_the_account(sso: Viva) -> None:
    admin, _ = sso.accounts.add("zhangsan", role="admin", password="correct horse battery")
    sso.accounts.add("zhangsan-2", password="correct horse battery")
    signed = sso.single_sign_on.sign_in(_person("s-9", preferred_username="zhangsan"), now=AT)
    assert signed.account.name == "zhangsan-3"
    assert signed.account.role == "student"
    assert signed.account.id != admin.id
    other = sso.single_sign_on.sign_in(_person("s-10", preferred_username="local"), now=AT)
    assert other.account.name == "local-2"  # the personal use's user is nobody's
    long = sso.single_sign_on.sign_in(_person("s-11", preferred_username="y" * 64), now=AT)
    sso.single_sign_on.sign_in(_person("s-11b", preferred_username="y" * 70), now=AT)
    with sso.db.reader() as conn:
        names = set(conn.execute(sa.select(users.c.name)).scalars())
    assert long.account.name == "y" * 64
    assert "y" * 62 + "-2" in names


def test_the_same_subject_at_another_issuer_is_another_person(sso: Viva) -> None:
    one = sso.single_sign_on.sign_in(_person("s-1", preferred_username="chen"), now=AT)
    other = ProviderIdentity("https://other.example", "s-1", {"preferred_username": "chen"})
    two = sso.single_sign_on.sign_in(other, now=AT)
    assert (one.account.name, two.account.name) == ("chen", "chen-2")


def test_a_disabled_account_cannot_sign_in_by_sso(sso: Viva) -> None:
    sso.single_sign_on.sign_in(_person("s-1", preferred_username="zhao"), now=AT)
    sso.accounts.set_disabled("zhao", True)
    with pytest.raises(AccountDisabled, match="the account 'zhao' is disabled"):
        sso.single_sign_on.sign_in(_person("s-1", preferred_username="zhao"), now=AT)
    with sso.db.reader() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar() == 0


def test_link_only_links_the_account_the_admin_made(link_only: Viva) -> None:
    made, _ = link_only.accounts.add("sunqi", role="teacher", password="correct horse battery")
    signed = link_only.single_sign_on.sign_in(_person("s-5", preferred_username="sunqi"), now=AT)
    assert (signed.account.id, signed.account.role) == (made.id, "teacher")
    # the password still works beside it
    assert link_only.accounts.sign_in("sunqi", "correct horse battery", address=None, now=AT)
    # a second person claiming the same name is not linked to it
    with pytest.raises(SsoRefused, match="linked to another person"):
        link_only.single_sign_on.sign_in(_person("s-6", preferred_username="sunqi"), now=AT)


def test_link_only_refuses_a_person_with_no_account(link_only: Viva) -> None:
    with pytest.raises(SsoRefused) as refused:
        link_only.single_sign_on.sign_in(_person("s-7", preferred_username="nobody"), now=AT)
    assert refused.value.message == "no account here is called 'nobody' for this sign-in"
    assert refused.value.http_status == 403
    with link_only.db.reader() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(identities)).scalar() == 0
    with pytest.raises(SsoRefused):  # the personal use's user is never linked
        link_only.single_sign_on.sign_in(_person("s-8", preferred_username="local"), now=AT)


def test_deleting_a_user_deletes_their_identities(sso: Viva) -> None:
    signed = sso.single_sign_on.sign_in(_person("s-1", preferred_username="gone"), now=AT)
    with sso.db.transaction() as conn:
        conn.execute(users.delete().where(users.c.id == signed.account.id))
    with sso.db.reader() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(identities)).scalar() == 0


def test_without_settings_single_sign_on_is_refused(viva: Viva) -> None:
    with pytest.raises(ConfigError, match="single sign-on is not configured"):
        viva.single_sign_on.sign_in(_person("s-1"), now=AT)


def test_sso_settings_are_read_and_every_problem_is_told_at_once() -> None:
    base = {"VIVA_HOME": "/nowhere"}
    assert load_settings(base).oidc is None
    read = load_settings(
        {
            **base,
            **OIDC,
            "VIVA_OIDC_NAME": "统一身份认证|University ID",
            "VIVA_OIDC_SCOPES": "openid, profile",
            "VIVA_OIDC_CREATE_ACCOUNTS": "0",
            "VIVA_OIDC_NAME_CLAIM": "upn",
        }
    )
    oidc = read.oidc
    assert oidc is not None
    assert (oidc.scopes, oidc.create_accounts, oidc.name_claim) == (
        ("openid", "profile"),
        False,
        "upn",
    )
    assert (oidc.name_in("zh"), oidc.name_in("en")) == ("统一身份认证", "University ID")
    assert oidc.discovery_url == f"{ISSUER}/.well-known/openid-configuration"
    assert "s3cret" not in repr(read)
    default = load_settings({**base, **OIDC, "VIVA_OIDC_NAME": "学校统一认证"}).oidc
    assert default is not None
    assert default.scopes == ("openid", "profile", "email")
    assert (default.create_accounts, default.name_claim) == (True, "preferred_username")
    assert default.name_in("en") == "学校统一认证"  # one name for both pages
    # plain http only to this machine (a provider run for testing)
    assert load_settings({**base, **OIDC, "VIVA_OIDC_ISSUER": "http://127.0.0.1:9000"}).oidc
    with pytest.raises(ConfigError) as bad:
        load_settings(
            {
                **base,
                "VIVA_OIDC_ISSUER": "http://id.school.example",
                "VIVA_OIDC_CLIENT_ID": "viva",
                "VIVA_OIDC_SCOPES": "profile email",
                "VIVA_OIDC_CREATE_ACCOUNTS": "maybe",
            }
        )
    assert bad.value.message == (
        "single sign-on is not configured right: VIVA_OIDC_CLIENT_SECRET is missing; "
        "VIVA_OIDC_ISSUER must be an https:// URL (not 'http://id.school.example'); "
        "VIVA_OIDC_SCOPES must include openid (not 'profile email'); "
        "VIVA_OIDC_CREATE_ACCOUNTS must be a yes/no value (not 'maybe')"
    )
    assert bad.value.exit_code == 2
    with pytest.raises(ConfigError, match="VIVA_OIDC_ISSUER is missing"):
        load_settings({**base, "VIVA_OIDC_NAME": "统一身份认证"})
