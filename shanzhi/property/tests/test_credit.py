"""The company credit score: the grade at its exact boundaries, the fold of events, a history row
from each source (evaluation, supervision action, approved list), the district's amounts, the
rebuild equal to the history written as things happened, and who may read it."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shanzhi.coop.tests.test_api import call
from shanzhi.core.errors import DomainError

from .. import credit, services
from ..models import CreditEvent, Evaluation
from ..services import credit as credit_service
from ..services import evaluations, lists, supervision

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "A"),
        ("90.00", "A"),
        ("89.99", "B"),
        ("75.00", "B"),
        ("74.99", "C"),
        ("60.00", "C"),
        ("59.99", "D"),
        ("0", "D"),
    ],
)
def test_the_grade_at_its_exact_boundaries(score, grade):
    assert credit.grade(D(score)) == grade


def test_no_score_no_grade():
    assert credit.grade(None) == "" and credit.current([]) is None


def _at(days):
    return T0 + datetime.timedelta(days=days)


def test_the_fold_starts_from_the_evaluation_and_moves_by_events():
    ev = credit.Change(
        "evaluation", _at(0), ("evaluation", 1), score=D("73.84"), period=datetime.date(2026, 1, 1)
    )
    steps = credit.fold(
        [
            credit.Change("black", _at(3), ("entry", 1)),
            credit.Change("interview", _at(1), ("action", 1)),
            ev,
            credit.Change("exit", _at(4), ("action", 2)),
            credit.Change("rectify", _at(2), ("action", 3)),
        ]
    )
    assert [(s.change.kind, s.delta, s.after) for s in steps] == [
        ("evaluation", D("-6.16"), D("73.84")),  # from the start (80) to the evaluation's score
        ("interview", D("-2"), D("71.84")),
        ("rectify", D("-5"), D("66.84")),
        ("black", D("-10"), D("56.84")),
        ("exit", D("-20"), D("36.84")),
    ]
    assert credit.current(steps) == D("36.84") and credit.grade(credit.current(steps)) == "D"


def test_the_score_stays_within_0_and_100_and_a_later_period_is_not_replaced():
    h1, h2 = datetime.date(2026, 1, 1), datetime.date(2026, 7, 1)
    steps = credit.fold(
        [
            credit.Change("evaluation", _at(0), ("evaluation", 2), score=D("98.50"), period=h2),
            credit.Change("red", _at(1), ("entry", 1)),
            # The earlier half-year scored again later: kept in the history, no change.
            credit.Change("evaluation", _at(2), ("evaluation", 1), score=D("10"), period=h1),
            credit.Change("exit", _at(3), ("action", 1)),
            credit.Change("exit", _at(4), ("action", 2)),
            credit.Change("exit", _at(5), ("action", 3)),
            credit.Change("exit", _at(6), ("action", 4)),
            credit.Change("exit", _at(7), ("action", 5)),
            credit.Change("exit", _at(8), ("action", 6)),
        ],
        credit.Rules(red=D("5")),
    )
    assert [s.after for s in steps[:3]] == [D("98.50"), D("100.00"), D("100.00")]
    assert steps[1].delta == D("1.50") and steps[2].delta == 0
    assert steps[-1].after == D("0.00") and steps[-1].delta == D("0.00")


def _score(red, company, score):
    ev = evaluations.evaluation_of(company, red.period)
    Evaluation.objects.filter(pk=ev.pk).update(score=D(score), grade="pass", scored_at=timezone.now())
    return ev


def _rows():
    return sorted(
        CreditEvent.objects.values_list(
            "company_id", "seq", "at", "kind", "delta", "score", "evaluation_id", "action_id", "entry_id"
        )
    )


def test_each_source_writes_its_row_and_the_rebuild_equals_the_history(red):
    c = red.cast
    # The evaluation run's scoring: the half-year's score is the base.
    ev = services.score_one(evaluations.evaluation_of(c.company, red.period), by=c.sun)
    first = CreditEvent.objects.get(company=c.company)
    assert (first.kind, first.evaluation_id, first.score) == ("evaluation", ev.pk, ev.score)
    # Scored again: the same row, not a second one (the score set here stands for a rescoring).
    services.score_one(ev, by=c.sun)
    _score(red, c.company, "95.00")
    _score(red, c.company2, "40.00")
    credit_service.rebuild()
    assert CreditEvent.objects.get(company=c.company).pk == first.pk
    # A supervision action deducts; the district's own amount applies.
    credit_service.set_rules(c.district, rectify="7.5", by=c.sun)
    a = supervision.open_action(c.company, kind="interview", reason="约谈", by=c.liu)
    b = supervision.open_action(c.company, kind="rectify", reason="整改", workdays_given="5", by=c.liu)
    # An approved list: red adds, black deducts.
    standing = lists.propose(red.period, by=c.sun)
    assert not CreditEvent.objects.filter(kind__in=["red", "black"]).exists()  # proposed only
    lists.approve(standing, by=c.liu)
    history = list(CreditEvent.objects.filter(company=c.company).order_by("seq"))
    assert [(e.kind, e.delta, e.score) for e in history] == [
        ("evaluation", D("95.00") - D("80"), D("95.00")),
        ("interview", D("-2"), D("93.00")),
        ("rectify", D("-7.5"), D("85.50")),
        ("red", D("5"), D("90.50")),
    ]
    assert history[1].action_id == a.pk and history[2].action_id == b.pk and history[3].entry_id
    black = list(CreditEvent.objects.filter(company=c.company2).order_by("seq"))
    assert [(e.kind, e.score) for e in black] == [("evaluation", D("40.00")), ("black", D("30.00"))]
    # The rebuild from the sources gives the very same history, and a second one changes nothing.
    incremental = _rows()
    assert credit_service.rebuild() == (0, 0, 0)
    CreditEvent.objects.all().delete()
    call_command("rebuild_credit", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _rows() == incremental
    assert credit_service.rebuild() == (0, 0, 0)


def test_the_district_amounts_refuse_bad_input_and_other_roles(red):
    c = red.cast
    with pytest.raises(DomainError) as exc:
        credit_service.set_rules(c.district, black="abc", by=c.sun)
    assert exc.value.field == "black"
    with pytest.raises(DomainError) as exc:
        credit_service.set_rules(c.district, red="101", by=c.sun)
    assert exc.value.field == "red"
    with pytest.raises(PermissionDenied):
        credit_service.set_rules(c.district, red="3", by=c.liu)


def test_who_reads_the_credit(client, red):
    c = red.cast
    _score(red, c.company, "88.00")
    _score(red, c.company2, "70.00")
    credit_service.rebuild()
    supervision.open_action(c.company, kind="interview", reason="约谈", by=c.liu)
    got = call(
        client, "get", reverse("api:property_company_credit", kwargs={"company_id": c.company.pk}), c.feng
    )
    assert got.status_code == 200
    body = got.json()
    assert body["score"] == "86.00" and body["grade"] == "B"
    assert [(h["kind"], h["delta"]) for h in body["history"]] == [
        ("evaluation", "8.00"),
        ("interview", "-2.00"),
    ]
    # Another company's staff: not found, as the company itself is.
    other = reverse("api:property_company_credit", kwargs={"company_id": c.company2.pk})
    assert call(client, "get", other, c.feng).status_code == 404
    client.force_login(c.feng)
    assert client.get(reverse("property:company", args=[c.company2.pk])).status_code == 404
    page = client.get(reverse("property:company", args=[c.company.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "86.00" in html and "sz-credit-data" in html and "property/credit.js" in html
