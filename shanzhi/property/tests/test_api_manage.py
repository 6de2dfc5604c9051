"""Keeping red property over the API: each endpoint's behaviour, its refusals (a 400 naming the
field with nothing written, a 403 for a role that may not act, a 404 out of scope)."""

import pytest

from shanzhi.coop.tests.test_api import call

from .. import services
from ..models import (
    CompanyContact,
    Evaluation,
    Indicator,
    ListRules,
    Period,
    SchemeVersion,
    ServiceContract,
    StandingList,
    SupervisionAction,
)
from ..services import evaluations
from .conftest import VALID_CODE

pytestmark = pytest.mark.django_db
API = "/api/v1/property/"


def test_a_company_record_contacts_and_contracts(client, red):
    c = red.cast
    url = f"{API}companies/{c.company.pk}"
    bad = call(client, "post", f"{url}/record", c.liu, {"credit_code": "91110108551385082X"})
    assert bad.status_code == 400 and bad.json()["field"] == "credit_code"
    c.company.refresh_from_db()
    assert c.company.credit_code != "91110108551385082X"
    ok = call(client, "post", f"{url}/record", c.liu, {"credit_code": VALID_CODE, "licence_no": "L-1"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["credit_code"] == VALID_CODE and ok.json()["licence_no"] == "L-1"

    bad = call(client, "post", f"{url}/contacts", c.liu, {"name": "钱经理", "phone": "12345"})
    assert bad.status_code == 400 and bad.json()["field"] == "phone"
    assert not CompanyContact.objects.filter(company=c.company).exists()
    made = call(client, "post", f"{url}/contacts", c.liu, {"name": "钱经理", "phone": "13912345678"})
    assert made.status_code == 201 and made.json()["phone"] == "139****5678"

    contract = {
        "compound": c.compound.pk,
        "starts_on": "2026-12-31",
        "ends_on": "2026-01-01",
        "fee_per_m2": "2.50",
        "level": "2",
    }
    before = ServiceContract.objects.count()
    bad = call(client, "post", f"{url}/contracts", c.liu, contract)
    assert bad.status_code == 400 and bad.json()["field"] == "ends_on"
    assert ServiceContract.objects.count() == before
    contract.update(starts_on="2026-01-01", ends_on="2026-12-31")
    made = call(client, "post", f"{url}/contracts", c.liu, contract)
    assert made.status_code == 201, made.content
    assert made.json()["fee_per_m2"] == "2.50" and made.json()["level"] == "2"
    # A compound id past any database integer is the 400 naming it, not a server error.
    huge = call(client, "post", f"{url}/contracts", c.liu, {**contract, "compound": 2**70})
    assert huge.status_code == 400 and huge.json()["field"] == "compound"


def test_company_keeping_refused_by_role_and_scope(client, red):
    c = red.cast
    body = {"credit_code": VALID_CODE}
    # 刘街道 (street 东) does not reach 西苑物业 (street 西): out of scope reads as unknown.
    assert call(client, "post", f"{API}companies/{red.company3.pk}/record", c.liu, body).status_code == 404
    # The company's own staff and a grid worker see it but do not keep it.
    assert call(client, "post", f"{API}companies/{c.company.pk}/record", c.feng, body).status_code == 403
    assert call(client, "post", f"{API}companies/{c.company.pk}/record", c.wang, body).status_code == 403
    assert call(client, "post", f"{API}companies/{c.company.pk}/record", None, body).status_code == 401


def test_scheme_versions_item_indicator_publish_and_next(client, red):
    c = red.cast
    v1 = f"{API}schemes/versions/{red.version.pk}"
    refused = call(client, "post", f"{v1}/items", c.sun, {"name": "新项目"})
    assert refused.status_code == 400 and refused.json()["field"] == "version"
    early = call(client, "post", f"{v1}/next", c.sun, {"effective_from": "2025-12-31"})
    assert early.status_code == 400 and early.json()["field"] == "effective_from"
    assert SchemeVersion.objects.filter(scheme=red.version.scheme).count() == 1
    made = call(client, "post", f"{v1}/next", c.sun, {"effective_from": "2027-01-01"})
    assert made.status_code == 201, made.content
    v2 = made.json()
    assert v2["number"] == 2 and v2["status"] == "draft" and len(v2["items"]) == 2
    url = f"{API}schemes/versions/{v2['id']}"
    item = call(client, "post", f"{url}/items", c.sun, {"name": "党建引领", "weight": "0.5"})
    assert item.status_code == 201 and item.json()["weight"] == "0.50"
    indicator = {"item": item.json()["id"], "name": "党员亮身份", "source": "residents", "rule": "deduction"}
    bad = call(client, "post", f"{url}/indicators", c.sun, {**indicator, "deduction": "1", "max_points": "5"})
    assert bad.status_code == 400 and bad.json()["field"] == "rule"
    other = call(client, "post", f"{url}/indicators", c.sun, {**indicator, "item": red.rules.item_id})
    assert other.status_code == 400 and other.json()["field"] == "item"  # an item of version 1
    assert not Indicator.objects.filter(item_id=item.json()["id"]).exists()
    good = call(
        client, "post", f"{url}/indicators", c.sun, {**indicator, "rule": "points", "max_points": "5"}
    )
    assert good.status_code == 201 and good.json()["max_points"] == "5.00"
    assert call(client, "post", f"{url}/publish", c.liu).status_code == 403
    published = call(client, "post", f"{url}/publish", c.sun)
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = call(client, "post", f"{url}/publish", c.sun)
    assert again.status_code == 400 and again.json()["field"] == "version"
    # Out of scope: a user outside the district reads the version as unknown.
    assert call(client, "post", f"{url}/publish", c.nobody).status_code == 404


def test_opening_a_period(client, red):
    c = red.cast
    made = call(client, "post", f"{API}periods", c.sun, {"kind": "quarter", "starts_on": "2026-10-01"})
    assert made.status_code == 201, made.content
    assert made.json()["ends_on"] == "2026-12-31" and made.json()["kind"] == "quarter"
    count = Period.objects.count()
    for body, field in (
        ({"kind": "quarter", "starts_on": "2026-10-01"}, "starts_on"),  # exists
        ({"kind": "half", "starts_on": "2026-07-01"}, "starts_on"),  # the fixtures' half-year
        ({"kind": "half", "starts_on": "2026-04-01"}, "starts_on"),  # not a half-year's first day
        ({"kind": "year", "starts_on": "2027-01-01"}, "kind"),
        ({"kind": "half", "starts_on": "9999-07-01"}, "starts_on"),
        ({"kind": "half", "starts_on": "2027-1-1"}, "starts_on"),
    ):
        got = call(client, "post", f"{API}periods", c.sun, body)
        assert got.status_code == 400 and got.json()["field"] == field, (body, got.content)
    assert Period.objects.count() == count
    assert (
        call(client, "post", f"{API}periods", c.liu, {"kind": "half", "starts_on": "2027-01-01"}).status_code
        == 403
    )
    listed = call(client, "get", f"{API}periods", c.feng).json()
    assert {p["id"] for p in listed} == set(Period.objects.values_list("pk", flat=True))


def test_list_rules_propose_and_approve(client, red):
    c = red.cast
    rules = {
        "red_top_n": 1,
        "red_min_score": "80",
        "black_bottom_n": 1,
        "black_below": "60",
        "veto_black": True,
    }
    assert call(client, "get", f"{API}lists/rules", c.liu).status_code == 403
    bad = call(client, "post", f"{API}lists/rules", c.sun, {**rules, "black_below": "85"})
    assert bad.status_code == 400 and bad.json()["field"] == "black_below"
    assert not ListRules.objects.filter(red_min_score=80).exists()
    ok = call(client, "post", f"{API}lists/rules", c.sun, rules)
    assert ok.status_code == 200 and ok.json()["red_min_score"] == "80.00"
    assert call(client, "get", f"{API}lists/rules", c.sun).json() == ok.json()

    url = f"{API}periods/{red.period.pk}/lists"
    empty = call(client, "post", url, c.sun)
    assert empty.status_code == 400 and empty.json()["field"] == "period"
    for company, score in ((c.company, "92"), (c.company2, "55"), (red.company3, "70")):
        Evaluation.objects.filter(pk=evaluations.evaluation_of(company, red.period).pk).update(score=score)
    proposed = call(client, "post", url, c.sun)
    assert proposed.status_code == 201, proposed.content
    entries = {(e["company"], e["standing"]) for e in proposed.json()["entries"]}
    assert entries == {(c.company.name, "red"), (c.company2.name, "black")}
    approve = f"{API}lists/{proposed.json()['id']}/approve"
    assert call(client, "post", approve, c.sun).status_code == 403  # the district never approves its own
    done = call(client, "post", approve, c.liu)
    assert done.status_code == 200 and done.json()["status"] == "approved"
    again = call(client, "post", approve, c.liu)
    assert again.status_code == 400 and again.json()["field"] == "status"
    assert StandingList.objects.get(pk=proposed.json()["id"]).approved_by == c.liu
    quarter = services.open_period(c.district, kind="quarter", starts_on="2026-07-01", by=c.sun)
    refused = call(client, "post", f"{API}periods/{quarter.pk}/lists", c.sun)
    assert refused.status_code == 400 and refused.json()["field"] == "period"


def test_supervision_open_reply_close(client, red):
    c = red.cast
    url = f"{API}companies/{c.company.pk}/supervision"
    bad = call(client, "post", url, c.liu, {"kind": "rectify", "reason": "楼道堆物", "workdays": 0})
    assert bad.status_code == 400 and bad.json()["field"] == "workdays"
    assert not SupervisionAction.objects.filter(company=c.company).exists()
    assert call(client, "post", url, c.feng, {"kind": "interview", "reason": "x"}).status_code == 403
    assert (
        call(
            client,
            "post",
            f"{API}companies/{red.company3.pk}/supervision",
            c.liu,
            {"kind": "interview", "reason": "x"},
        ).status_code
        == 404
    )
    made = call(client, "post", url, c.liu, {"kind": "interview", "reason": "投诉集中，约谈负责人"})
    assert made.status_code == 201 and made.json()["status"] == "open"
    action = f"{API}supervision/{made.json()['id']}"
    reply = call(client, "post", f"{action}/notes", c.feng, {"note": "已安排整改"})
    assert reply.status_code == 201 and reply.json()["what"] == "reply"
    assert call(client, "post", f"{action}/close", c.feng, {"note": "完成"}).status_code == 403
    assert call(client, "get", action, c.nobody).status_code == 404
    empty = call(client, "post", f"{action}/close", c.liu, {"note": ""})
    assert empty.status_code == 400 and empty.json()["field"] == "note"
    closed = call(client, "post", f"{action}/close", c.liu, {"note": "已整改到位"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [e["what"] for e in closed.json()["timeline"]] == ["opened", "reply", "closed"]
    late = call(client, "post", f"{action}/notes", c.liu, {"note": "补充"})
    assert late.status_code == 400 and late.json()["field"] == "status"
    seen = call(client, "get", action, c.feng).json()
    assert seen["status"] == "closed" and len(seen["timeline"]) == 3


def test_control_characters_are_refused_naming_the_field(client, red):
    c = red.cast
    got = call(client, "post", f"{API}companies/{c.company.pk}/contacts", c.liu, {"name": "钱\u202e经理"})
    assert got.status_code == 400 and got.json()["field"] == "name"
    assert not CompanyContact.objects.filter(company=c.company).exists()


def _targets(red):
    """(user, url, body builder) for every keeping endpoint: each text or number field set to v."""
    from ..services import supervision

    c = red.cast
    action = supervision.open_action(c.company, kind="interview", reason="约谈", by=c.liu)
    co = f"{API}companies/{c.company.pk}"
    v = f"{API}schemes/versions/{red.version.pk}"
    return [
        (c.liu, f"{co}/record", lambda x: {"credit_code": x, "licence_no": x, "party_org": x}),
        (c.liu, f"{co}/contacts", lambda x: {"name": x, "title": x, "phone": x}),
        (
            c.liu,
            f"{co}/contracts",
            lambda x: {"compound": x, "starts_on": x, "ends_on": x, "fee_per_m2": x, "level": x},
        ),
        (c.liu, f"{co}/contracts", lambda x: {**_CONTRACT(c), "starts_on": x, "fee_per_m2": x}),
        (c.sun, f"{v}/items", lambda x: {"name": x, "weight": x}),
        (c.sun, f"{v}/indicators", lambda x: {"item": x, "name": x, "rule": x, "source": x}),
        (c.sun, f"{v}/next", lambda x: {"effective_from": x}),
        (c.sun, f"{API}periods", lambda x: {"kind": "half", "starts_on": x}),
        (c.sun, f"{API}periods", lambda x: {"kind": x, "starts_on": "2027-01-01"}),
        (
            c.sun,
            f"{API}lists/rules",
            lambda x: {"red_top_n": x, "red_min_score": x, "black_bottom_n": 1, "black_below": x},
        ),
        (c.sun, f"{API}lists/rules", lambda x: {**_RULES, "red_min_score": x, "black_below": x}),
        (c.liu, f"{co}/supervision", lambda x: {"kind": x, "reason": x, "workdays": x}),
        (c.liu, f"{co}/supervision", lambda x: {"kind": "rectify", "reason": x, "workdays": 5}),
        (c.liu, f"{API}supervision/{action.pk}/notes", lambda x: {"note": x}),
        (c.feng, f"{API}supervision/{action.pk}/notes", lambda x: {"note": x}),
        (c.liu, f"{API}supervision/{action.pk}/close", lambda x: {"note": x}),
    ]


def _CONTRACT(c):
    return {"compound": c.compound.pk, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "level": "1"}


_RULES = {"red_top_n": 3, "red_min_score": "90", "black_bottom_n": 2, "black_below": "60"}


def test_malformed_input_is_a_400_naming_the_field_and_writes_nothing(client, red):
    from shanzhi.tests.malformed import ALWAYS_REFUSED, BAD

    from ..models import CompanyProfile, SchemeItem, SupervisionEvent

    def counts():
        return [
            m.objects.count()
            for m in (
                CompanyContact,
                ServiceContract,
                SchemeItem,
                Indicator,
                SchemeVersion,
                Period,
                SupervisionAction,
                SupervisionEvent,
                CompanyProfile,
            )
        ]

    wrong = []
    for user, url, build in _targets(red):
        for name, value in BAD.items():
            before = counts()
            got = call(client, "post", url, user, build(value))
            if got.status_code >= 500 or (name in ALWAYS_REFUSED and got.status_code != 400):
                wrong.append(f"{url} [{name}]: {got.status_code}")
            elif got.status_code == 400 and (not got.json().get("field") or counts() != before):
                wrong.append(f"{url} [{name}]: 400 without a field, or with something written")
    assert not wrong, "\n".join(wrong)
