"""The district's credit rules page and API: district staff read and set the amounts and grade
thresholds; bad values are a 400 naming the field with nothing written; saving counts the
district's histories again (through ``services.credit.rebuild``) and is audited; the grade follows
the district's thresholds; anyone else is refused."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.accounts import services as accounts
from shanzhi.coop.tests.test_api import call
from shanzhi.core.models import AuditEvent
from shanzhi.registry import services as registry

from .. import queries
from ..models import CreditEvent, CreditRules, Evaluation
from ..services import credit as credit_service
from ..services import evaluations, supervision

pytestmark = pytest.mark.django_db

PAGE = "property:credit_rules"
API = "api:property_credit_rules"
GOOD = {
    "interview": "3",
    "rectify": "6.50",
    "exit": "25",
    "red": "4",
    "black": "12",
    "grade_a": "92",
    "grade_b": "80.5",
    "grade_c": "65",
}


def _scored(red, company, score):
    ev = evaluations.evaluation_of(company, red.period)
    Evaluation.objects.filter(pk=ev.pk).update(score=D(score), grade="pass", scored_at=timezone.now())
    credit_service.rebuild()
    return ev


def _snapshot():
    return (
        list(CreditRules.objects.values()),
        sorted(CreditEvent.objects.values_list("company_id", "seq", "kind", "delta", "score")),
        AuditEvent.objects.filter(action="property.credit_rules").count(),
    )


def test_the_page_shows_the_defaults_and_saving_counts_the_history_again(client, red):
    c = red.cast
    _scored(red, c.company, "88.00")
    supervision.open_action(c.company, kind="interview", reason="约谈", by=c.liu)
    assert queries.credit_of(c.company)[:2] == (D("86.00"), "B")
    client.force_login(c.sun)
    page = client.get(reverse(PAGE))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="interview"' in html and 'value="2.00"' in html and 'value="90.00"' in html
    got = client.post(reverse(PAGE), GOOD)
    assert got.status_code == 302 and got.url == reverse(PAGE)
    rules = CreditRules.objects.get(district=c.district)
    assert (rules.interview, rules.rectify, rules.grade_b) == (D("3"), D("6.5"), D("80.5"))
    # 88 − 3 = 85: grade B under A ≥ 92, B ≥ 80.5.
    history = list(CreditEvent.objects.filter(company=c.company).order_by("seq"))
    assert [(e.kind, e.delta, e.score) for e in history] == [
        ("evaluation", D("8.00"), D("88.00")),
        ("interview", D("-3.00"), D("85.00")),
    ]
    assert queries.credit_of(c.company)[1] == "B"
    event = AuditEvent.objects.get(action="property.credit_rules")
    assert event.actor_id == c.sun.pk and event.detail["changed"]["interview"] == ["2.00", "3"]
    # The company page shows the district's thresholds and links the rules for district staff.
    html = client.get(reverse("property:company", args=[c.company.pk])).content.decode()
    assert "A ≥ 92.00" in html and reverse(PAGE) in html


def test_the_grade_follows_the_districts_thresholds(red):
    c = red.cast
    _scored(red, c.company, "79.00")
    assert queries.credit_of(c.company)[1] == "B"
    assert queries.credit_grades([c.company.pk]) == {c.company.pk: "B"}
    credit_service.set_rules(c.district, grade_a="95", grade_b="80", grade_c="79", by=c.sun)
    assert queries.credit_of(c.company)[1] == "C"  # 79 is C's lowest score, inclusive
    assert queries.credit_grades([c.company.pk]) == {c.company.pk: "C"}
    credit_service.set_rules(c.district, grade_c="79.01", by=c.sun)
    assert queries.credit_of(c.company)[1] == "D"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("interview", "-1"),  # a deduction is given as the points deducted
        ("rectify", "100.01"),
        ("exit", "abc"),
        ("red", "1.005"),  # three places
        ("black", ""),
        ("black", "１２"),  # full-width digits
        ("interview", "1e2"),
        ("interview", "NaN"),
        ("exit", "9" * 40),
        ("grade_a", "101"),
        ("grade_c", "-5"),
        ("grade_b", "92"),  # not below A
        ("grade_b", "95"),
        ("grade_c", "80.50"),  # not below B
    ],
)
def test_bad_values_are_refused_naming_the_field_and_nothing_changes(client, red, field, value):
    c = red.cast
    _scored(red, c.company, "88.00")
    supervision.open_action(c.company, kind="interview", reason="约谈", by=c.liu)
    before = _snapshot()
    client.force_login(c.sun)
    got = client.post(reverse(PAGE), {**GOOD, field: value})
    assert got.status_code == 400
    html = got.content.decode()
    assert f'id="{field}" name="{field}"' in html and "is-invalid" in html
    assert html.count("is-invalid") == 1  # only the field named
    api = call(client, "put", reverse("api:property_credit_rules_set"), c.sun, {**GOOD, field: value})
    assert api.status_code == 400 and api.json()["field"] == field
    assert _snapshot() == before


def test_the_api_reads_and_sets_the_rules(client, red):
    c = red.cast
    _scored(red, c.company, "88.00")
    got = call(client, "get", reverse(API), c.sun)
    assert got.status_code == 200
    assert got.json() == {
        "district": c.district.name,
        "interview": "2.00",
        "rectify": "5.00",
        "exit": "20.00",
        "red": "5.00",
        "black": "10.00",
        "grade_a": "90.00",
        "grade_b": "75.00",
        "grade_c": "60.00",
    }
    put = call(client, "put", reverse("api:property_credit_rules_set"), c.sun, {**GOOD, "grade_a": "85"})
    assert put.status_code == 200 and put.json()["grade_a"] == "85.00" and put.json()["rectify"] == "6.50"
    assert queries.credit_of(c.company)[1] == "A"  # 88 ≥ 85
    # A JSON number is not taken (it may have passed through a float).
    bad = call(client, "put", reverse("api:property_credit_rules_set"), c.sun, {**GOOD, "red": 4.5})
    assert bad.status_code == 400


def test_others_are_refused(client, red):
    c = red.cast
    other_district = registry.create_node(level="district", code="370403", name="另一区")
    outsider = accounts.create_user(username="qian_district", password="Ceshi#2026pass", display_name="钱区")
    accounts.grant_role(outsider, "district_staff", node=other_district)
    for user in (c.liu, c.feng, c.zhang, c.wu, c.jumin):
        client.force_login(user)
        assert client.get(reverse(PAGE)).status_code == 403
        assert client.post(reverse(PAGE), GOOD).status_code == 403
        assert call(client, "get", reverse(API), user).status_code == 403
        assert call(client, "put", reverse("api:property_credit_rules_set"), user, GOOD).status_code == 403
    # Another district's staff keep their own district's rules, never this one's.
    assert call(client, "put", reverse("api:property_credit_rules_set"), outsider, GOOD).status_code == 200
    assert not CreditRules.objects.filter(district=c.district).exists()
    assert CreditRules.objects.get(district=other_district).interview == D("3")
    # The company page offers the rules link to its own district's staff only.
    client.force_login(c.liu)
    assert reverse(PAGE) not in client.get(reverse("property:company", args=[c.company.pk])).content.decode()
