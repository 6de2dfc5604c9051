"""Owners' roll fixtures on the shared cast.

幸福小区 (community 东一): owner A is 居民甲 (cast.resident, account jumin_a) with 1-101 (89.50 m²) and a
second unit 1-102 (60.25 m², one head); owner B is cast.resident2 with 2-201 (120.00 m²); the
developer holds 1-301 and 1-302 unsold (75.10 m² each, one head). 和谐小区 (东二) has its own roll.
"""

import datetime
import types

import pytest
from django.db import connection

from shanzhi.registry import services as registry
from shanzhi.tests.cast import build_cast

from .. import services

PASSWORD = "Ceshi#2026pass"
TODAY = datetime.date(2026, 12, 3)


def build_roll(cast):
    r = types.SimpleNamespace(cast=cast)
    hh = {
        room: registry.create_household(building=cast.building, unit_no="1单元", room=room)
        for room in ("102", "301", "302")
    }
    r.a = services.add_owner(cast.compound, "甲", residents=[cast.resident])
    r.b = services.add_owner(cast.compound, "乙", residents=[cast.resident2])
    r.dev = services.add_owner(cast.compound, "开发商（未售）", is_developer=True)
    services.put_unit(cast.household, r.a, "89.50")
    services.put_unit(hh["102"], r.a, "60.25")
    services.put_unit(cast.household2, r.b, "120.00")
    services.put_unit(hh["301"], r.dev, "75.10")
    services.put_unit(hh["302"], r.dev, "75.10")
    r.other = services.add_owner(cast.compound_b, "丙", residents=[cast.resident_b])
    services.put_unit(cast.household_b, r.other, "100")
    return r


def new_vote(cast, compound=None, item=4, by=None, open_it=True):
    vote = services.create_vote(
        compound or cast.compound,
        item=item,
        question="是否解聘安居物业",
        called_by="committee",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=14),
        by=by or cast.zhang,
    )
    return services.open_vote(vote, by=by or cast.zhang) if open_it else vote


@pytest.fixture
def roll(cast):
    return build_roll(cast)


@pytest.fixture
def pg_race_db(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrency)")


@pytest.fixture
def race_roll(pg_race_db):
    return build_roll(build_cast(password=PASSWORD))
