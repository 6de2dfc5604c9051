"""The virtual property market through its services, pages and API: listing, requests, answers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Compound

from .. import queries
from ..models import Evaluation, MarketListing, MarketRequest, ServiceContract, StandingEntry, StandingList
from ..services import evaluations, market
from .transition_fixtures import build_market, dismissal_vote

TERMS = {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "fee_per_m2": "1.10", "level": "2"}


@pytest.fixture
def m(cast):
    return build_market(cast)


def test_listing_is_the_districts_and_fallback_needs_state_ownership(cast, m):
    with pytest.raises(PermissionDenied):
        market.set_listing(cast.company, listed=True, by=cast.liu)  # a street sees it, does not list
    with pytest.raises(Http404):
        market.set_listing(m.listed, listed=True, by=cast.liu)  # serving nothing in the street
    with pytest.raises(PermissionDenied):
        market.set_listing(m.listed, listed=True, by=m.listed_staff)
    with pytest.raises(DomainError) as e:
        market.set_listing(m.listed, listed=True, fallback=True, by=cast.sun)
    assert e.value.field == "fallback"
    assert not MarketListing.objects.get(company=m.listed).fallback


def test_public_market_shows_latest_score_and_standing(cast, m, client, django_assert_max_num_queries):
    from .conftest import build_red

    r = build_red(cast)
    ev = evaluations.evaluation_of(m.listed, r.period)
    Evaluation.objects.filter(pk=ev.pk).update(score="91.50", grade="excellent")
    standing = StandingList.objects.create(period=r.period, proposed_by=cast.sun, status="approved")
    StandingEntry.objects.create(
        list=standing, company=m.listed, standing="red", score="91.50", reason="前三"
    )
    market.set_listing(cast.company2, listed=False, by=cast.sun)
    rows = {li.company.name: (ev, st) for li, ev, st in queries.market()}
    assert set(rows) == {"城投物业", "优家物业"}
    assert str(rows["优家物业"][0].score) == "91.50" and rows["优家物业"][1].standing == "red"
    with django_assert_max_num_queries(12):
        page = client.get(reverse("property:market"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "优家物业" in html and "91.50" in html and "宜家物业" not in html
    api = client.get("/api/v1/property/market").json()
    assert {row["name"]: row["standing"] for row in api} == {"城投物业": None, "优家物业": "red"}


def test_request_needs_a_compound_without_company_or_in_transition(cast, m):
    with pytest.raises(DomainError) as e:
        market.request_company(cast.compound, m.listed, **TERMS, by=cast.zhang)
    assert e.value.field == "compound"
    bare = Compound.objects.create(community=cast.community, name="无物业小区")
    with pytest.raises(DomainError) as e:
        market.request_company(bare, cast.company2, **TERMS, by=cast.zhang)  # not listed
    assert e.value.field == "company"
    with pytest.raises(DomainError) as e:
        market.request_company(bare, m.listed, **TERMS, by=cast.chen)  # another community's staff
    assert e.value.field == "compound"
    with pytest.raises(DomainError) as e:
        market.request_company(bare, m.listed, **{**TERMS, "level": "9"}, by=cast.zhang)
    assert e.value.field == "level"
    req = market.request_company(bare, m.listed, **TERMS, note="老旧小区", by=cast.zhang)
    with pytest.raises(DomainError) as e:
        market.request_company(bare, m.listed, **TERMS, by=cast.zhang)
    assert e.value.field == "company"
    assert MarketRequest.objects.count() == 1 and req.transition is None
    # A company sees only the requests made to it.
    assert queries.market_request_for(m.listed_staff, req.pk) == req
    with pytest.raises(Http404):
        queries.market_request_for(cast.feng, req.pk)
    with pytest.raises(PermissionDenied):
        market.accept(req, by=cast.zhang)
    market.accept(req, note="同意", by=m.listed_staff)
    req.refresh_from_db()
    bare.refresh_from_db()
    assert req.status == "accepted" and req.contract.company == m.listed and bare.property_company == m.listed
    with pytest.raises(DomainError) as e:
        market.decline(req, note="晚了", by=m.listed_staff)
    assert e.value.field == "status"


def test_accepting_in_a_transition_is_the_new_management(cast, m):
    t = dismissal_vote(cast).transition
    market.set_listing(cast.company, listed=True, by=cast.sun)
    with pytest.raises(DomainError) as e:
        market.request_company(cast.compound, cast.company, **TERMS, by=cast.zhang)  # the dismissed one
    assert e.value.field == "company"
    req = market.request_company(cast.compound, m.listed, **TERMS, by=cast.zhang)
    assert req.transition == t
    with pytest.raises(DomainError) as e:
        market.decline(req, note="", by=m.listed_staff)
    assert e.value.field == "note" and MarketRequest.objects.get(pk=req.pk).status == "requested"
    market.accept(req, by=m.listed_staff)
    t.refresh_from_db()
    assert (t.next_kind, t.new_company, t.status) == ("market", m.listed, "open")
    old = ServiceContract.objects.get(company=cast.company, compound=cast.compound)
    assert old.ends_on == datetime.date(2026, 12, 31)
    assert list(t.timeline.values_list("what", flat=True))[-2:] == ["requested", "contracted"]
    with pytest.raises(DomainError) as e:  # the new management is in place: no more requests
        market.request_company(cast.compound, m.state, **TERMS, by=cast.zhang)
    assert e.value.field == "compound"


def test_pages_ask_answer_and_refuse_bad_input(cast, m, client):
    t = dismissal_vote(cast).transition
    client.force_login(cast.zhang)
    bad = client.post(reverse("property:market_requests"), {"compound": cast.compound.pk, "company": "x"})
    assert bad.status_code == 400 and not MarketRequest.objects.exists()
    ok = client.post(
        reverse("property:market_requests"),
        {"compound": cast.compound.pk, "company": m.listed.pk, **TERMS},
    )
    assert ok.status_code == 302
    req = MarketRequest.objects.get()
    client.force_login(m.listed_staff)
    page = client.get(reverse("property:market_requests"))
    assert "接受并签订合同" in page.content.decode()
    assert client.post(reverse("property:market_accept", args=[req.pk])).status_code == 302
    t.refresh_from_db()
    assert t.new_company == m.listed
    client.force_login(cast.feng)
    assert client.post(reverse("property:market_decline", args=[req.pk]), {"note": "x"}).status_code == 404


def test_transition_pages_and_api(cast, m, client):
    t = dismissal_vote(cast).transition
    item = t.items.get(kind="documents")
    client.force_login(cast.feng)
    page = client.get(reverse("property:transition", args=[t.pk])).content.decode()
    assert "标记已移交" in page and "确认收到" not in page
    r = client.post(reverse("property:transition_hand", args=[t.pk]), {"item": item.pk, "note": ""})
    assert r.status_code == 400
    r = client.post(reverse("property:transition_hand", args=[t.pk]), {"item": item.pk, "note": "档案 12 盒"})
    assert r.status_code == 302
    client.force_login(cast.zhang)
    r = client.post(
        reverse("property:transition_fallback", args=[t.pk]),
        {"company": m.state.pk, **TERMS, "fee_per_m2": "-1", "agreement_no": "DD"},
    )
    assert r.status_code == 400 and not ServiceContract.objects.filter(company=m.state).exists()
    api = client.post(
        f"/api/v1/property/transitions/{t.pk}/confirm",
        {"item": item.pk, "note": "已收"},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert [i["confirmed_note"] for i in api.json()["items"] if i["kind"] == "documents"] == ["已收"]
    api = client.post(
        f"/api/v1/property/transitions/{t.pk}/fallback",
        {"company": m.state.pk, **TERMS, "agreement_no": "DD-9"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["next_kind"] == "fallback"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"fee_per_m2": "1e3"}, "fee_per_m2"),
        ({"fee_per_m2": "1000"}, "fee_per_m2"),
        ({"company": "abc"}, "company"),
        ({"note": "x\u202ey"}, "note"),
        ({"note": "长" * 501}, "note"),
        ({"level": "9"}, "level"),
    ],
)
def test_bad_api_request_is_a_400_naming_the_field(cast, m, client, change, field):
    from shanzhi.accounts.services import issue_api_token

    dismissal_vote(cast)
    body = {"compound": cast.compound.pk, "company": m.listed.pk, **TERMS, **change}
    response = client.post(
        "/api/v1/property/market/requests",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_api_token(cast.zhang)}"},
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not MarketRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"item": "99999999999999999999999", "note": "ok"}, {"item": "-1", "note": "ok"}, {"note": "a\x00b"}],
)
def test_bad_form_values_are_a_400_and_change_nothing(cast, m, client, data):
    t = dismissal_vote(cast).transition
    client.force_login(cast.zhang)
    response = client.post(reverse("property:transition_confirm", args=[t.pk]), data)
    assert response.status_code == 400
    assert not t.items.filter(confirmed_at__isnull=False).exists()
