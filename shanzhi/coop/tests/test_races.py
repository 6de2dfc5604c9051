"""The last place, taken by two at once (PostgreSQL only; see volunteering/tests/test_races.py)."""

import pytest
from faker import Faker

from shanzhi.accounts import services as accounts
from shanzhi.coop import services
from shanzhi.coop.models import Claim, Need, Order, Post, PostClaim, Resource
from shanzhi.core.errors import DomainError
from shanzhi.registry import services as registry
from shanzhi.tests.cast import build_cast
from shanzhi.volunteering.tests.test_races import at_once

from .conftest import PASSWORD, make_user


@pytest.fixture
def race(pg_race_db):
    cast = build_cast(password=PASSWORD)
    members = []
    for i in range(2):
        user = make_user(f"member_{i}", f"党员{i}", "unit_member", unit=cast.unit)
        members.append((user, services.register_member(user=user, community=cast.community, by=user)))
    residents = [cast.jumin]
    other = registry.register_resident(
        household=cast.household, name="居民丙", id_number=Faker("zh_CN").ssn()
    )
    user = accounts.create_user(username="jumin_c", password=PASSWORD, display_name="居民丙")
    accounts.grant_role(user, "resident", node=cast.grid, resident=other)
    residents.append(user)
    return cast, members, residents


def outcome(results):
    return sorted(
        "ok" if not isinstance(r, Exception) else getattr(r, "code", type(r).__name__) for r in results
    )


def test_two_members_claiming_the_last_slot_one_gets_it(race):
    cast, members, _residents = race
    need = services.submit_need(
        by=cast.zhang,
        title="帮忙搬运物资",
        category="assistance",
        source="online",
        scope="common",
        community=cast.community,
        slots=1,
    )
    results = at_once(*[lambda u=u, r=r: services.claim_need(need, by=u, registration=r) for u, r in members])
    assert outcome(results) == ["full", "ok"]
    need.refresh_from_db()
    assert (need.taken, need.status) == (1, Need.Status.CLAIMED)
    assert Claim.objects.filter(need=need).count() == 1


def test_two_residents_ordering_the_last_place_one_gets_it(race):
    cast, _members, residents = race
    resource = services.create_resource(
        community=cast.community,
        title="助浴服务",
        category="elderly",
        kind="low_cost",
        price_note="20元/次",
        provider_kind="business",
        provider_name="养老服务站",
        capacity=1,
        by=cast.zhang,
        publish=True,
    )
    results = at_once(*[lambda u=u: services.place_order(resource, by=u) for u in residents])
    assert outcome(results) == ["full", "ok"]
    assert Resource.objects.get(pk=resource.pk).open_orders == 1 and Order.objects.count() == 1


def test_two_members_claiming_the_last_post_one_gets_it(race):
    cast, members, _residents = race
    post = services.create_post(
        community=cast.community, kind="patrol", title="周末巡逻", slots=1, by=cast.zhang
    )
    results = at_once(*[lambda u=u, r=r: services.claim_post(post, registration=r, by=u) for u, r in members])
    assert outcome(results) == ["full", "ok"]
    assert Post.objects.get(pk=post.pk).taken == 1 and PostClaim.objects.filter(post=post).count() == 1
    assert isinstance(next(r for r in results if isinstance(r, Exception)), DomainError)
