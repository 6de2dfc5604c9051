"""A passed dismissal's transition through its services: opening, the checklist, fallback
management, closing; refusals and bad input leave nothing half-written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from shanzhi.core.errors import DomainError

from .. import queries, services
from ..models import HandoverItem, ServiceContract, Transition, TransitionEvent, Vote
from ..services import transitions
from .conftest import build_roll, end_period, period
from .transition_fixtures import _scan, build_market, dismissal_vote

TERMS = {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "fee_per_m2": "0.90", "level": "3"}


@pytest.fixture
def opened(cast):
    m = build_market(cast)
    vote = dismissal_vote(cast)
    m.t = vote.transition
    return m


def test_passed_dismissal_opens_the_transition_and_notices_the_company(cast, opened):
    t = opened.t
    assert t.status == "open" and t.company == cast.company and t.compound == cast.compound
    assert sorted(t.items.values_list("kind", flat=True)) == sorted(HandoverItem.Kind.values)
    assert list(t.timeline.values_list("what", flat=True)) == ["opened", "notice"]
    # The outgoing company's staff see it (the notice on its timeline); another company's do not.
    assert queries.transition_for(cast.feng, t.pk) == t
    with pytest.raises(Http404):
        queries.transition_for(opened.listed_staff, t.pk)
    assert not queries.transitions_for(cast.jumin).exists()


def test_failed_or_ordinary_votes_open_nothing(cast):
    dismissal_vote(cast, passed=False)
    assert not Transition.objects.exists()


def test_an_ordinary_item_4_vote_opens_nothing(cast):
    vote = dismissal_vote(cast, purpose="")
    assert vote.result["passed"] and not Transition.objects.exists()


@pytest.mark.parametrize("item,purpose", [(6, "dismiss_company"), (4, "sack"), (4, ["x"])])
def test_dismissal_purpose_is_checked(cast, item, purpose):
    with pytest.raises(DomainError) as e:
        services.create_vote(
            cast.compound,
            item=item,
            question="解聘",
            called_by="committee",
            **period(7),
            purpose=purpose,
            by=cast.zhang,
        )
    assert e.value.field == "purpose" and not Vote.objects.exists()


def test_company_marks_community_confirms_with_who_and_when(cast, opened):
    t = opened.t
    keys = t.items.get(kind="keys")
    transitions.mark_handed(t, keys, note="钥匙 86 把", by=cast.feng)
    transitions.confirm_item(t, keys.pk, note="已清点", by=cast.zhang)
    keys.refresh_from_db()
    assert (keys.handed_by, keys.confirmed_by, keys.confirmed_note) == (cast.feng, cast.zhang, "已清点")
    assert keys.handed_at and keys.confirmed_at
    assert list(t.timeline.values_list("what", flat=True))[-2:] == ["handed", "confirmed"]


def test_refusals_on_the_checklist(cast, opened):
    t = opened.t
    funds = t.items.get(kind="funds")
    with pytest.raises(PermissionDenied):
        transitions.confirm_item(t, funds, note="x", by=cast.feng)
    with pytest.raises(PermissionDenied):
        transitions.mark_handed(t, funds, note="x", by=cast.zhang)
    with pytest.raises(Http404):
        transitions.confirm_item(t, funds, note="x", by=cast.chen)  # another community's staff
    with pytest.raises(DomainError) as e:
        transitions.confirm_item(t, funds, note="  ", by=cast.zhang)
    assert e.value.field == "note"
    with pytest.raises(DomainError) as e:
        transitions.confirm_item(t, 999999, note="ok", by=cast.zhang)
    assert e.value.field == "item"
    transitions.confirm_item(t, funds, note="账户余额已移交", by=cast.zhang)
    with pytest.raises(DomainError) as e:
        transitions.confirm_item(t, funds, note="again", by=cast.zhang)
    assert e.value.field == "item"
    with pytest.raises(DomainError) as e:
        transitions.mark_handed(t, funds, note="late", by=cast.feng)
    assert e.value.field == "item"
    assert TransitionEvent.objects.filter(transition=t, what="confirmed").count() == 1


def test_the_new_company_staff_may_not_mark_the_old_companys_handover(cast, opened):
    t = opened.t
    transitions.appoint_fallback(t, opened.state, **TERMS, agreement_no="DD-2026-01", by=cast.zhang)
    with pytest.raises(PermissionDenied):
        transitions.mark_handed(t, t.items.first(), note="x", by=opened.state_staff)


def test_fallback_needs_a_designated_company_and_a_valid_agreement(cast, opened):
    t = opened.t
    for company, extra, field in [
        (opened.listed, {}, "company"),  # listed, but not designated for fallback
        (None, {}, "company"),
        (opened.state, {"fee_per_m2": "abc"}, "fee_per_m2"),
        (opened.state, {"ends_on": "2026-01-01"}, "ends_on"),
        (opened.state, {"agreement_no": ""}, "agreement_no"),
    ]:
        data = {**TERMS, "agreement_no": "DD-1", **extra}
        with pytest.raises(DomainError) as e:
            transitions.appoint_fallback(t, company, **data, by=cast.zhang)
        assert e.value.field == field
    assert not ServiceContract.objects.filter(company=opened.state).exists()
    with pytest.raises(PermissionDenied):
        transitions.appoint_fallback(t, opened.state, **TERMS, agreement_no="DD-1", by=cast.liu)


def test_fallback_takes_over_and_the_transition_closes_when_the_checklist_is_done(cast, opened):
    t = opened.t
    transitions.appoint_fallback(t, opened.state, **TERMS, agreement_no="DD-2026-01", by=cast.zhang)
    t.refresh_from_db()
    cast.compound.refresh_from_db()
    assert (t.next_kind, t.new_company, t.agreement_no, t.status) == (
        "fallback",
        opened.state,
        "DD-2026-01",
        "open",
    )
    assert cast.compound.property_company == opened.state
    # The dismissed company's contract ends the day before the fallback starts (民法典 第九百五十条).
    old = ServiceContract.objects.get(company=cast.company, compound=cast.compound)
    assert str(old.ends_on) == "2026-12-31"
    # The fallback company is a company like any other: its staff see it, the evaluation covers it.
    assert queries.transition_for(opened.state_staff, t.pk) == t
    with pytest.raises(DomainError) as e:
        transitions.appoint_fallback(t, opened.state, **TERMS, agreement_no="DD-2", by=cast.zhang)
    assert e.value.field == "company"
    for item in t.items.all():
        transitions.confirm_item(t, item, note="已接收", by=cast.zhao)
    t.refresh_from_db()
    assert t.status == "closed" and t.closed_at
    assert list(t.timeline.values_list("what", flat=True))[-1] == "closed"
    with pytest.raises(DomainError) as e:
        transitions.confirm_item(t, t.items.first(), note="x", by=cast.zhang)
    assert e.value.field == "status"


def test_no_second_dismissal_while_a_transition_is_open(cast, opened):
    with pytest.raises(DomainError) as e:
        services.create_vote(
            cast.compound,
            item=4,
            question="再次解聘",
            called_by="committee",
            **period(7),
            purpose="dismiss_company",
            by=cast.zhang,
        )
    assert e.value.field == "purpose"
    assert Transition.objects.count() == 1


def test_a_dismissal_through_the_api_opens_the_transition(cast, client):
    from shanzhi.coop.tests.test_api import call

    build_market(cast)
    roll = build_roll(cast)
    body = {
        "compound": cast.compound.pk,
        "item": 4,
        "question": "是否解聘安居物业",
        "called_by": "committee",
        "starts_on": str(timezone.localdate()),  # ballots are taken within the period
        "ends_on": str(timezone.localdate() + datetime.timedelta(days=14)),
        "purpose": "dismiss_company",
    }
    made = call(client, "post", "/api/v1/property/votes", cast.zhang, body)
    assert made.status_code == 201 and made.json()["purpose"] == "dismiss_company"
    vote = Vote.objects.get(pk=made.json()["id"])
    services.open_vote(vote, by=cast.zhang)
    services.cast(vote, "yes", by=cast.jumin)
    services.cast(vote, "yes", by=cast.jumin, owner=None)
    paper = services.enter_paper(vote, roll.dev, "yes", scan=_scan(), by=cast.zhang)
    services.confirm_paper(paper, by=cast.zhao)
    end_period(vote)
    assert call(client, "post", f"/api/v1/property/votes/{vote.pk}/close", cast.zhao).status_code == 200
    listed = call(client, "get", "/api/v1/property/transitions", cast.feng).json()
    assert [t["company"] for t in listed] == ["安居物业"]
    bad = call(client, "post", "/api/v1/property/votes", cast.zhang, {**body, "purpose": "sack"})
    assert bad.status_code == 400
