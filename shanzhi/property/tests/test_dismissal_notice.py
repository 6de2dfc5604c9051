"""The notice on a dismissed company's staff's home: shown while the compound's transition is open,
linking the transition page and naming the handover items still to hand over; not shown to
another company's staff, nor the new company's, nor after the transition closes."""

import pytest
from django.urls import reverse

from ..models import Transition
from ..services import transitions
from .transition_fixtures import build_market, dismissal_vote

pytestmark = pytest.mark.django_db

NOTICE = "解聘交接通知"


def _home(client, user):
    client.force_login(user)
    got = client.get(reverse("accounts:home"))
    assert got.status_code == 200
    return got.content.decode()


def test_no_notice_before_a_dismissal(client, cast):
    build_market(cast)
    dismissal_vote(cast, passed=False)
    assert NOTICE not in _home(client, cast.feng)


def test_the_dismissed_companys_staff_see_the_notice_and_what_is_left(client, cast):
    m = build_market(cast)
    t = dismissal_vote(cast).transition
    html = _home(client, cast.feng)
    assert NOTICE in html and reverse("property:transition", args=[t.pk]) in html
    assert "幸福小区业主大会表决解聘安居物业" in html
    assert "待移交：资料、钥匙、账户、维修记录、资金" in html
    # Keys handed over by the company, funds confirmed by the community: neither is left.
    transitions.mark_handed(t, t.items.get(kind="keys"), note="钥匙 86 把", by=cast.feng)
    transitions.confirm_item(t, t.items.get(kind="funds").pk, note="已核对", by=cast.zhang)
    html = _home(client, cast.feng)
    assert "待移交：资料、账户、维修记录" in html
    for item in ("documents", "accounts", "maintenance"):
        transitions.mark_handed(t, t.items.get(kind=item), note="已移交", by=cast.feng)
    assert "移交事项已全部提交，待社区确认" in _home(client, cast.feng)
    # The page it links to opens for them.
    assert client.get(reverse("property:transition", args=[t.pk])).status_code == 200
    # Nobody else is told: the market's companies (one may take over), community staff.
    for user in (m.listed_staff, m.state_staff, cast.zhang, cast.sun):
        assert NOTICE not in _home(client, user)
    # Once the transition is closed, the notice goes.
    Transition.objects.filter(pk=t.pk).update(status=Transition.Status.CLOSED)
    assert NOTICE not in _home(client, cast.feng)
