"""Co-construction fixtures on top of the cast and the love-bank fixtures."""

import types

import pytest

from shanzhi.accounts import services as accounts
from shanzhi.coop import services
from shanzhi.volunteering.tests.conftest import (  # noqa: F401  (fixtures shared with volunteering)
    PASSWORD,
    _postgresql_only,
    pg_race_db,
    soon,
    vol,
)


def make_user(username, display, role, **scope):
    user = accounts.create_user(username=username, password=PASSWORD, display_name=display)
    accounts.grant_role(user, role, **scope)
    return user


@pytest.fixture
def co(cast):
    """``co.he_reg``: 何单位 (unit member of 区人民医院) registered in community A where they live;
    ``co.qian``: a unit member of 区第二中学 (community C); ``co.jumin_b``: a resident of community B;
    ``co.resource``: a published elderly-care resource in A with room for 2; ``co.need``: an open
    individual need of household A1; ``co.common``: an open common need of A."""
    c = types.SimpleNamespace(cast=cast)
    c.he_reg = services.register_member(
        user=cast.he,
        community=cast.community,
        by=cast.he,
        branch=cast.party_branch,
        household=cast.household2,
    )
    c.qian = make_user("qian_unit", "钱单位", "unit_member", unit=cast.unit_c)
    c.jumin_b = make_user("jumin_b", "居民乙", "resident", node=cast.grid_b, resident=cast.resident_b)
    c.resource = services.create_resource(
        community=cast.community,
        title="上门理发",
        category="elderly",
        kind="volunteer",
        provider_kind="unit",
        provider_unit=cast.unit,
        by=cast.zhang,
        capacity=2,
        weekdays="1111100",
        time_from="09:00",
        time_to="11:00",
        place="幸福小区",
        contact_name="联系人甲",
        contact_phone="13912345678",
        grid=cast.grid,
        publish=True,
    )
    c.need = services.submit_need(
        by=cast.wang,
        title="独居老人需要理发",
        category="elderly",
        source="home_visit",
        household=cast.household,
        weekdays="0100000",
        time_from="09:30",
        time_to="10:30",
    )
    c.common = services.submit_need(
        by=cast.zhang,
        title="楼道照明维修",
        category="repair",
        source="online",
        scope="common",
        community=cast.community,
        slots=2,
    )
    return c
