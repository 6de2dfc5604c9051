"""Owners' roll fixtures on the shared cast.

幸福小区 (community 东一): owner A is 居民甲 (cast.resident, account jumin_a) with 1-101 (89.50 m²) and a
second unit 1-102 (60.25 m², one head); owner B is cast.resident2 with 2-201 (120.00 m²); the
developer holds 1-301 and 1-302 unsold (75.10 m² each, one head). 和谐小区 (东二) has its own roll.
"""

import datetime
import types

import pytest
from django.db import connection
from django.utils import timezone

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


def cast_roll(cast):
    """The roll of a URL-matrix cast, built once per cast: the vote rows and the roll rows share it
    (a walk over every page builds both, and once a vote is open the roll can no longer change)."""
    if not hasattr(cast, "_roll"):
        r = build_roll(cast)
        r.c = services.add_owner(cast.compound_c, "丁", residents=[cast.resident_c])
        services.put_unit(cast.household_c, r.c, "95.00")
        cast._roll = r
    return cast._roll


def period(days=14):
    """A ballot period from today for ``days`` days, as the forms send it (a vote may not be
    created with a period already over)."""
    today = timezone.localdate()
    return {"starts_on": str(today), "ends_on": str(today + datetime.timedelta(days=days))}


def new_vote(cast, compound=None, item=4, by=None, open_it=True):
    """A vote whose ballot period runs from today for two weeks (ballots are taken only within it)."""
    today = timezone.localdate()
    vote = services.create_vote(
        compound or cast.compound,
        item=item,
        question="是否解聘安居物业",
        called_by="committee",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=14),
        by=by or cast.zhang,
    )
    return services.open_vote(vote, by=by or cast.zhang) if open_it else vote


def end_period(vote):
    """Date a vote's ballot period back so that it ended yesterday: a vote may be closed only once
    its period is over, and a test cannot wait two weeks."""
    from ..models import Vote

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Vote.objects.filter(pk=vote.pk).update(
        starts_on=yesterday - datetime.timedelta(days=14), ends_on=yesterday
    )
    vote.refresh_from_db()
    return vote


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


# --- red property: companies, a scheme, a period --------------------------------------------------

VALID_CODE = "91110108551385082Q"  # a real-format code whose GB 32100-2015 check character is right
PERIOD_START = datetime.date(2026, 7, 1)


def build_red(cast):
    """A third company (西苑物业) for 西苑小区; a published 100-point scheme of two items, and the
    second half of 2026 as a period.

    综合管理 (weight 1): 制度 (inspection, points, 10); 环境 (inspection, 2 per finding from 10, floor
    4); 重大安全事故 (inspection, veto). 服务评价 (weight 1): 居民评价 (residents, 20); 每百户投诉
    (complaints, 1 per complaint per 100 households from 10, floor 0); 按期办结 (on_time, 10); 满意率
    (satisfaction, 10); 社区意见 (opinion, 30).
    """
    from shanzhi.registry.models import Compound

    r = types.SimpleNamespace(cast=cast)
    r.company3 = registry.create_property_company(name="西苑物业", district=cast.district)
    Compound.objects.filter(pk=cast.compound_c.pk).update(property_company=r.company3)
    cast.compound_c.refresh_from_db()
    v = services.create_scheme(cast.district, name="物业服务考核", effective_from="2026-01-01", by=cast.sun)
    general = services.add_item(v, name="综合管理", by=cast.sun)
    service = services.add_item(v, name="服务评价", by=cast.sun)
    add = services.add_indicator
    r.rules = add(general, name="制度", rule="points", source="inspection", max_points="10", by=cast.sun)
    r.clean = add(
        general,
        name="环境",
        rule="deduction",
        source="inspection",
        max_points="10",
        deduction="2",
        floor="4",
        by=cast.sun,
    )
    r.veto = add(general, name="重大安全事故", rule="veto", source="inspection", by=cast.sun)
    r.residents = add(
        service, name="居民评价", rule="points", source="residents", max_points="20", by=cast.sun
    )
    r.complaints = add(
        service,
        name="每百户投诉",
        rule="deduction",
        source="complaints",
        max_points="10",
        deduction="1",
        by=cast.sun,
    )
    r.on_time = add(service, name="按期办结", rule="points", source="on_time", max_points="10", by=cast.sun)
    r.satisfaction = add(
        service, name="满意率", rule="points", source="satisfaction", max_points="10", by=cast.sun
    )
    r.opinion = add(service, name="社区意见", rule="points", source="opinion", max_points="30", by=cast.sun)
    r.version = services.publish(v, by=cast.sun)
    r.period = services.open_period(cast.district, kind="half", starts_on=PERIOD_START, by=cast.sun)
    return r


@pytest.fixture(scope="module")
def red(django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast and the red-property data, built once per module in a transaction rolled back
    after its last test (each test's own changes roll back to a savepoint)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            yield build_red(build_cast(password=PASSWORD))
            transaction.set_rollback(True)
