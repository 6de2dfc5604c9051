"""API tokens: "last used" is kept to the minute, so a busy integration does not write its token
row on every request."""

import datetime

import pytest
from django.utils import timezone

from shanzhi.accounts.models import ApiToken
from shanzhi.accounts.services import issue_api_token, revoke_api_token, user_for_token

pytestmark = pytest.mark.django_db


def test_a_token_finds_its_user_and_records_its_first_use(cast):
    token = issue_api_token(cast.wang)
    assert user_for_token(token) == cast.wang
    assert ApiToken.objects.get(user=cast.wang).last_used_at is not None


def test_uses_within_a_minute_do_not_write_again(cast, django_assert_num_queries):
    token = issue_api_token(cast.wang)
    user_for_token(token)
    with django_assert_num_queries(1):  # the lookup only
        assert user_for_token(token) == cast.wang


def test_a_use_after_a_minute_is_recorded(cast):
    token = issue_api_token(cast.wang)
    user_for_token(token)
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    ApiToken.objects.filter(user=cast.wang).update(last_used_at=long_ago)
    user_for_token(token)
    assert ApiToken.objects.get(user=cast.wang).last_used_at > long_ago


def test_unknown_and_revoked_tokens_find_nobody(cast):
    token = issue_api_token(cast.wang)
    assert user_for_token(token + "x") is None
    revoke_api_token(ApiToken.objects.get(user=cast.wang), by=cast.xitong)
    assert user_for_token(token) is None
