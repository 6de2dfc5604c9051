"""A community withdraws a market request still waiting for the company's answer: page and API,
the company then sees it withdrawn and can no longer answer (400 naming the state), only the
compound's community staff may (another community: 404), only from 待答复, and a withdrawal racing
an acceptance leaves exactly one of them done (PostgreSQL)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from shanzhi.coop.tests.test_api import call
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry.models import Compound
from shanzhi.tests.cast import build_cast

from ..models import MarketRequest, ServiceContract
from ..services import market
from .conftest import PASSWORD
from .test_races import at_once
from .transition_fixtures import build_market, dismissal_vote

TERMS = {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "fee_per_m2": "1.10", "level": "2"}


def _state(req):
    return MarketRequest.objects.filter(pk=req.pk).values(
        "status", "withdrawn_reason", "withdrawn_by", "withdrawn_at", "answer_note", "contract"
    )[0]


@pytest.fixture
def pending(cast):
    m = build_market(cast)
    m.t = dismissal_vote(cast).transition
    m.req = market.request_company(cast.compound, m.listed, **TERMS, by=cast.zhang)
    return m


@pytest.mark.django_db
def test_the_community_withdraws_on_the_page_and_the_company_can_no_longer_answer(cast, pending, client):
    m = pending
    client.force_login(cast.zhang)
    page = client.get(reverse("property:market_requests")).content.decode()
    assert reverse("property:market_withdraw", args=[m.req.pk]) in page
    got = client.post(reverse("property:market_withdraw", args=[m.req.pk]), {"reason": "业主另有意向"})
    assert got.status_code == 302
    m.req.refresh_from_db()
    assert (m.req.status, m.req.withdrawn_reason, m.req.withdrawn_by) == (
        "withdrawn",
        "业主另有意向",
        cast.zhang,
    )
    assert m.req.withdrawn_at is not None
    assert list(m.t.timeline.values_list("what", flat=True))[-1] == "withdrawn"
    assert AuditEvent.objects.filter(action="property.market_withdrawn", actor_id=cast.zhang.pk).count() == 1
    # The company sees it withdrawn, with the reason, and no buttons to answer it.
    client.force_login(m.listed_staff)
    html = client.get(reverse("property:market_requests")).content.decode()
    assert "已撤回" in html and "业主另有意向" in html and "接受并签订合同" not in html
    before = _state(m.req)
    refused = client.post(reverse("property:market_accept", args=[m.req.pk]))
    assert refused.status_code == 400 and "已撤回" in refused.content.decode()
    for verb, body in (("accept", {}), ("decline", {"note": "不接"})):
        api = call(
            client, "post", reverse(f"api:property_market_{verb}", args=[m.req.pk]), m.listed_staff, body
        )
        assert api.status_code == 400
        assert api.json()["field"] == "status" and "已撤回" in api.json()["message"]
    assert _state(m.req) == before and not ServiceContract.objects.filter(company=m.listed).exists()
    # The slot is free: the community may ask the same company again.
    again = market.request_company(cast.compound, m.listed, **TERMS, by=cast.zhang)
    assert again.status == "requested"


@pytest.mark.django_db
def test_the_api_withdraws_with_an_optional_reason(cast, pending, client):
    m = pending
    url = reverse("api:property_market_withdraw", args=[m.req.pk])
    got = call(client, "post", url, cast.zhao, {})
    assert got.status_code == 200
    assert got.json()["status"] == "withdrawn" and got.json()["withdrawn_reason"] == ""
    seen = call(client, "get", reverse("api:property_market_requests"), m.listed_staff).json()
    assert [(r["id"], r["status"]) for r in seen] == [(m.req.pk, "withdrawn")]


@pytest.mark.django_db
def test_only_the_compounds_community_staff_withdraw(cast, pending, client):
    m = pending
    before = _state(m.req)
    url = reverse("api:property_market_withdraw", args=[m.req.pk])
    # Another community's staff do not see the request at all.
    with pytest.raises(Http404):
        market.withdraw(m.req, by=cast.chen)
    assert call(client, "post", url, cast.chen, {}).status_code == 404
    client.force_login(cast.chen)
    assert client.post(reverse("property:market_withdraw", args=[m.req.pk])).status_code == 404
    # Those who see it but do not keep the compound's requests: the street, the company, a grid worker.
    for user in (cast.liu, cast.sun, m.listed_staff, cast.wang):
        with pytest.raises(PermissionDenied):
            market.withdraw(m.req, by=user)
        assert call(client, "post", url, user, {}).status_code == 403
    # A company other than the one asked does not see it.
    assert call(client, "post", url, cast.feng, {}).status_code == 404
    assert _state(m.req) == before


@pytest.mark.django_db
@pytest.mark.parametrize("answer", ["accept", "decline", "withdraw"])
def test_only_a_waiting_request_is_withdrawn(cast, answer):
    m = build_market(cast)
    bare = Compound.objects.create(community=cast.community, name="无物业小区")
    req = market.request_company(bare, m.listed, **TERMS, by=cast.zhang)
    if answer == "accept":
        market.accept(req, by=m.listed_staff)
    elif answer == "decline":
        market.decline(req, note="人手不足", by=m.listed_staff)
    else:
        market.withdraw(req, by=cast.zhang)
    before = _state(req)
    with pytest.raises(DomainError) as e:
        market.withdraw(req, reason="再撤", by=cast.zhang)
    label = {"accept": "已接受", "decline": "已谢绝", "withdraw": "已撤回"}[answer]
    assert e.value.field == "status" and label in str(e.value.message)
    assert _state(req) == before


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["长" * 501, "a\x00b", 12])
def test_a_bad_reason_is_a_400_naming_it_and_nothing_changes(cast, pending, client, reason):
    m = pending
    before = _state(m.req)
    got = call(
        client,
        "post",
        reverse("api:property_market_withdraw", args=[m.req.pk]),
        cast.zhang,
        {"reason": reason},
    )
    assert got.status_code == 400 and got.json()["field"] == "reason"
    client.force_login(cast.zhang)
    if isinstance(reason, str):
        page = client.post(reverse("property:market_withdraw", args=[m.req.pk]), {"reason": reason})
        assert page.status_code == 400
    assert _state(m.req) == before


def test_a_withdrawal_racing_an_acceptance_leaves_one_of_them(pg_race_db):
    cast = build_cast(password=PASSWORD)
    m = build_market(cast)
    bare = Compound.objects.create(community=cast.community, name="无物业小区")
    req = market.request_company(bare, m.listed, **TERMS, by=cast.zhang)
    results = at_once(
        lambda: market.withdraw(req, reason="改选", by=cast.zhang),
        lambda: market.accept(req, note="同意", by=m.listed_staff),
    )
    done = [r for r in results if isinstance(r, MarketRequest)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert refused[0].field == "status"
    req.refresh_from_db()
    bare.refresh_from_db()
    if req.status == "accepted":
        assert bare.property_company == m.listed and req.withdrawn_at is None
    else:
        assert req.status == "withdrawn" and req.contract is None and bare.property_company is None
        assert not ServiceContract.objects.filter(compound=bare).exists()
