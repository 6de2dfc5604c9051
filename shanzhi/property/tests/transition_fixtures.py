"""Fixtures for a passed dismissal and the market: 幸福小区 (cast.compound, 安居物业 with a contract
running to 2027) dismisses its company; 城投物业 is state-owned and designated for fallback; 优家物业
is listed in the market; each of the two has one staff account."""

import datetime
import types

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shanzhi.accounts import services as accounts
from shanzhi.registry import services as registry

from .. import services
from ..services import market
from .conftest import build_roll, end_period


def _scan():
    return SimpleUploadedFile("ballot.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")


def dismissal_vote(cast, *, passed=True, purpose="dismiss_company", roll=None):
    """A dismissal vote in 幸福小区, sealed: owner A and the developer say yes (passed), or no."""
    roll = roll or build_roll(cast)
    vote = services.create_vote(
        cast.compound,
        item=4,
        question="是否解聘安居物业",
        called_by="committee",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=14),
        purpose=purpose,
        by=cast.zhang,
    )
    services.open_vote(vote, by=cast.zhang)
    choice = "yes" if passed else "no"
    services.cast(vote, choice, by=cast.jumin)
    paper = services.enter_paper(vote, roll.dev, choice, scan=_scan(), by=cast.zhang)
    services.confirm_paper(paper, by=cast.zhao)
    return services.close_vote(end_period(vote), by=cast.zhao)


def staff_of(company, username):
    user = accounts.create_user(username=username, password="Ceshi#2026pass", display_name=username)
    accounts.grant_role(user, "property_staff", property_company=company)
    return user


def build_market(cast):
    m = types.SimpleNamespace()
    services.add_contract(
        cast.company,
        cast.compound,
        starts_on="2025-01-01",
        ends_on="2027-12-31",
        fee_per_m2="1.20",
        level="2",
        by=cast.sun,
    )
    m.state = registry.create_property_company(name="城投物业", district=cast.district)
    m.listed = registry.create_property_company(name="优家物业", district=cast.district)
    m.state_staff = staff_of(m.state, "chengtou")
    m.listed_staff = staff_of(m.listed, "youjia")
    market.set_listing(m.state, listed=True, state_owned=True, fallback=True, intro="区属国企", by=cast.sun)
    market.set_listing(m.listed, listed=True, by=cast.sun)
    return m
