"""Love-bank fixtures on top of the shared cast: volunteers in communities A and B, an activity."""

import datetime
import types

import pytest
from django.db import connection
from django.utils import timezone

from shanzhi.accounts import services as accounts
from shanzhi.volunteering import services

PASSWORD = "Ceshi#2026pass"


def make_volunteer_user(username, display, node):
    user = accounts.create_user(username=username, password=PASSWORD, display_name=display)
    accounts.grant_role(user, "volunteer", node=node)
    return user


def soon(hours=24):
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture
def vol(cast):
    """``vol.ma`` (马志愿, community A) and two more volunteers in A, one in B; staff zhang (A), chen (B)."""
    v = types.SimpleNamespace(cast=cast)
    v.ma = services.register_volunteer(user=cast.ma, community=cast.community, by=cast.ma, name="马志愿")
    v.niu_user = make_volunteer_user("niu_vol", "牛志愿", cast.community)
    v.niu = services.register_volunteer(user=v.niu_user, community=cast.community, by=cast.zhang)
    v.yang_user = make_volunteer_user("yang_vol", "杨志愿", cast.community)
    v.yang = services.register_volunteer(user=v.yang_user, community=cast.community, by=v.yang_user)
    v.bai_user = make_volunteer_user("bai_vol", "白志愿", cast.community_b)
    v.bai = services.register_volunteer(user=v.bai_user, community=cast.community_b, by=cast.chen)
    return v


@pytest.fixture
def activity(vol):
    cast = vol.cast
    return services.publish_activity(
        community=cast.community,
        title="敬老院义务理发",
        place="幸福小区活动室",
        starts_at=soon(24),
        ends_at=soon(27),
        capacity=2,
        by=cast.zhang,
    )


@pytest.fixture
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrency)")


@pytest.fixture
def pg_race_db(_postgresql_only, transactional_db):
    """A committed database that threads share (each thread opens its own connection), PostgreSQL only.
    Emptying it afterwards: the project conftest lifts the append-only guards (test code only)."""
