"""API tokens: "last used" is kept to the minute, so a busy integration does not write its token
row on every request; a process keeps the valid keys it met (``apikeys``) until a write to the
tokens or to an account's active flag or name renews their version row, whoever writes it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shanzhi.accounts import apikeys
from shanzhi.accounts.models import ApiToken, RoleGrant, User
from shanzhi.accounts.services import issue_api_token, revoke_api_token, user_for_token
from shanzhi.core.models import ReferenceVersion

pytestmark = pytest.mark.django_db


def test_a_token_finds_its_user_and_records_its_first_use(cast):
    token = issue_api_token(cast.wang)
    assert user_for_token(token) == cast.wang
    assert ApiToken.objects.get(user=cast.wang).last_used_at is not None


@pytest.fixture
def versioned(db):
    # A transactional test elsewhere may have flushed the rows: without them nothing is cached.
    for name in ("reference", apikeys.VERSION):
        ReferenceVersion.objects.get_or_create(name=name, defaults={"value": 1})


def test_uses_within_a_minute_do_not_write_again(cast, versioned):
    token = issue_api_token(cast.wang)
    user_for_token(token)
    with CaptureQueriesContext(connection) as ctx:
        assert user_for_token(token) == cast.wang
    # The version rows (read once per request) and the account with its grants: no token row, no write.
    assert len(ctx.captured_queries) == 2
    assert not any("apitoken" in q["sql"] for q in ctx.captured_queries)


def test_a_use_after_a_minute_is_recorded(cast, versioned, monkeypatch):
    token = issue_api_token(cast.wang)
    user_for_token(token)
    first = ApiToken.objects.get(user=cast.wang).last_used_at
    monkeypatch.setattr(apikeys, "USE_RESOLUTION", datetime.timedelta(0))  # a minute has passed
    user_for_token(token)
    assert ApiToken.objects.get(user=cast.wang).last_used_at > first


def test_the_user_comes_with_its_grants(cast, versioned, django_assert_max_num_queries):
    token = issue_api_token(cast.wang)
    user = user_for_token(token)
    with django_assert_max_num_queries(0):
        roles = user.roles()
    assert roles == {g.role for g in RoleGrant.objects.filter(user=cast.wang)} and roles
    nobody = User.objects.create_user("no-grants")
    assert user_for_token(issue_api_token(nobody)).grants() == []


def test_a_revoked_kept_key_is_refused_at_once(cast, versioned):
    token = issue_api_token(cast.wang)
    assert user_for_token(token) == cast.wang
    revoke_api_token(ApiToken.objects.get(user=cast.wang), by=cast.xitong)
    assert user_for_token(token) is None
    issue_api_token(cast.wang)  # another key's issue does not bring it back
    assert user_for_token(token) is None


def test_a_disabled_account_s_kept_key_is_refused_at_once(cast, versioned):
    token = issue_api_token(cast.wang)
    assert user_for_token(token) == cast.wang
    User.objects.filter(pk=cast.wang.pk).update(is_active=False)  # no signal: the trigger sees it
    assert user_for_token(token) is None
    User.objects.filter(pk=cast.wang.pk).update(is_active=True)
    assert user_for_token(token) == cast.wang


def test_a_renamed_account_s_key_carries_the_new_name(cast, versioned):
    token = issue_api_token(cast.wang)
    assert apikeys.key_for(token).username == cast.wang.username
    User.objects.filter(pk=cast.wang.pk).update(username="open311-renamed")
    assert apikeys.key_for(token).username == "open311-renamed"


def test_last_used_and_logins_leave_the_kept_keys_alone(cast, versioned):
    token = issue_api_token(cast.wang)
    user_for_token(token)
    before = ReferenceVersion.objects.get(name=apikeys.VERSION).value
    ApiToken.objects.filter(user=cast.wang).update(last_used_at=timezone.now())
    User.objects.filter(pk=cast.wang.pk).update(last_login=timezone.now())
    assert ReferenceVersion.objects.get(name=apikeys.VERSION).value == before
    ApiToken.objects.filter(user=cast.wang).update(name="改名")  # not a listed column either
    assert ReferenceVersion.objects.get(name=apikeys.VERSION).value == before
    User.objects.filter(pk=cast.wang.pk).update(is_active=True)  # a listed column, even unchanged
    assert ReferenceVersion.objects.get(name=apikeys.VERSION).value != before


def test_unknown_and_revoked_tokens_find_nobody(cast):
    token = issue_api_token(cast.wang)
    assert user_for_token(token + "x") is None
    revoke_api_token(ApiToken.objects.get(user=cast.wang), by=cast.xitong)
    assert user_for_token(token) is None
