"""The red and black lists: the rules at their boundaries, proposal and the street's approval, the
public pages and the Excel export."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.core.errors import DomainError
from shanzhi.registry import services as registry

from .. import services
from ..models import Evaluation, StandingList
from ..services import disclosures, evaluations, lists

pytestmark = pytest.mark.django_db


def _scores(red, pairs):
    """Set scores directly (the scoring has its own tests): [(company, score, vetoed)]."""
    for company, score, vetoed in pairs:
        ev = evaluations.evaluation_of(company, red.period)
        Evaluation.objects.filter(pk=ev.pk).update(score=D(score), vetoed=vetoed, grade="pass")


@pytest.fixture
def many(red):
    c = red.cast
    extra = [registry.create_property_company(name=f"测试物业{i}", district=c.district) for i in range(3)]
    _scores(
        red,
        [
            (c.company, "95.00", False),
            (c.company2, "90.00", False),  # exactly the red line: red
            (red.company3, "90.00", True),  # vetoed: black whatever the score
            (extra[0], "60.00", False),  # exactly the black line: not below it
            (extra[1], "59.99", False),
            (extra[2], "40.00", False),
        ],
    )
    return extra


def _board(standing):
    return {(e.company.name, e.standing) for e in standing.entries.all()}


def test_the_rules_at_their_boundaries(red, many):
    c = red.cast
    lists.set_rules(
        c.district,
        red_top_n="2",
        red_min_score="90",
        black_bottom_n="5",
        black_below="60",
        veto_black=True,
        by=c.sun,
    )
    board = _board(lists.propose(red.period, by=c.sun))
    assert board == {
        ("安居物业", "red"),
        ("宜家物业", "red"),
        ("西苑物业", "black"),
        ("测试物业1", "black"),
        ("测试物业2", "black"),
    }
    # Top 1: only 95; bottom 1 below 60: only the lowest (40), and the vetoed one all the same.
    lists.set_rules(
        c.district,
        red_top_n="1",
        red_min_score="90",
        black_bottom_n="1",
        black_below="60",
        veto_black=True,
        by=c.sun,
    )
    board = _board(lists.propose(red.period, by=c.sun))
    assert board == {("安居物业", "red"), ("西苑物业", "black"), ("测试物业2", "black")}


def test_a_tie_at_the_cut_shares_the_place(red, many):
    c = red.cast
    _scores(red, [(c.company, "90.00", False)])  # 安居 and 宜家 both 90
    lists.set_rules(
        c.district,
        red_top_n="1",
        red_min_score="90",
        black_bottom_n="0",
        black_below="0",
        veto_black=False,
        by=c.sun,
    )
    assert _board(lists.propose(red.period, by=c.sun)) == {("安居物业", "red"), ("宜家物业", "red")}


def test_rules_refusals_write_nothing(red):
    c = red.cast
    for kwargs, field in [
        ({"red_top_n": "x"}, "red_top_n"),
        ({"red_min_score": "101"}, "red_min_score"),
        ({"black_below": "95"}, "black_below"),
    ]:
        base = {
            "red_top_n": "5",
            "red_min_score": "90",
            "black_bottom_n": "5",
            "black_below": "60",
            "veto_black": True,
        }
        with pytest.raises(DomainError) as exc:
            lists.set_rules(c.district, by=c.sun, **{**base, **kwargs})
        assert exc.value.field == field
    assert lists.rules_for(c.district).red_top_n == 5
    with pytest.raises(PermissionDenied):
        lists.set_rules(
            c.district,
            red_top_n="1",
            red_min_score="90",
            black_bottom_n="1",
            black_below="60",
            veto_black=True,
            by=c.liu,
        )


def test_the_street_approves_and_then_it_is_public(client, red, many):
    c = red.cast
    with pytest.raises(DomainError):
        lists.propose(
            services.open_period(c.district, kind="quarter", starts_on="2026-07-01", by=c.sun), by=c.sun
        )
    standing = lists.propose(red.period, by=c.sun)
    public = reverse("property:public_lists")
    assert "安居物业" not in client.get(public).content.decode()  # proposed only
    with pytest.raises(PermissionDenied):
        lists.approve(standing, by=c.sun)  # the district proposes; a street approves
    lists.approve(standing, by=c.liu)
    assert StandingList.objects.get().status == "approved"
    with pytest.raises(DomainError) as exc:
        lists.approve(standing, by=c.liu)
    assert exc.value.field == "status"
    with pytest.raises(DomainError) as exc:
        lists.propose(red.period, by=c.sun)
    assert exc.value.field == "period"
    page = client.get(public)
    assert (
        page.status_code == 200 and "安居物业" in page.content.decode() and "95.00" in page.content.decode()
    )


def test_the_quarterly_disclosure_is_public_once_published(client, red):
    c = red.cast
    quarter = services.open_period(c.district, kind="quarter", starts_on="2026-07-01", by=c.sun)
    page = client.get(reverse("property:public_disclosure"))
    assert page.status_code == 200 and "安居物业" not in page.content.decode()  # not yet published
    disclosures.publish(quarter, by=c.sun)
    page = client.get(reverse("property:public_disclosure"))
    assert page.status_code == 200 and "安居物业" in page.content.decode()


def test_the_export_neutralises_formulas_and_carries_the_scores(client, red):
    c = red.cast
    formula = registry.create_property_company(name="=HYPERLINK(1)物业", district=c.district)
    evaluations.evaluation_of(formula, red.period)
    _scores(red, [(c.company, "95.50", False), (c.company2, "58.00", True)])
    Evaluation.objects.filter(company=c.company2).update(grade="fail")
    client.force_login(c.sun)
    r = client.get(reverse("property:evaluations_export", kwargs={"period": red.period.pk}))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][:4] == ("物业企业", "得分", "等级", "一票否决")
    by_name = {row[0]: row for row in rows[1:]}
    assert "'=HYPERLINK(1)物业" in by_name
    assert by_name["安居物业"][1:4] == (95.5, "合格", None)
    assert by_name["宜家物业"][1:4] == (58, "不合格", "是")
    assert by_name["'=HYPERLINK(1)物业"][1] is None  # not scored yet


def test_the_public_lists_show_one_districts_lists_at_a_time(client, red, many):
    """Each district ranks its companies by its own rules: its lists are shown apart, picked by
    ``?district=`` (the first by name by default; a district without lists, or nonsense, is that
    first one too)."""
    from ..models import Period, StandingEntry

    c = red.cast
    lists.approve(lists.propose(red.period, by=c.sun), by=c.liu)
    other = registry.create_node(level="district", code="370403", name="邻区")
    company = registry.create_property_company(name="邻区物业", district=other)
    period = Period.objects.create(
        district=other, kind="quarter", starts_on="2026-04-01", ends_on="2026-06-30"
    )
    theirs = StandingList.objects.create(
        period=period, status="approved", proposed_by=c.sun, approved_by=c.liu
    )
    StandingEntry.objects.create(
        list=theirs, company=company, standing="black", score=D("40"), reason="投诉多"
    )
    url = reverse("property:public_lists")
    first = client.get(url).content.decode()  # one district's lists, never both
    assert ("安居物业" in first) != ("邻区物业" in first)
    own = client.get(url, {"district": c.district.pk}).content.decode()
    assert "安居物业" in own and "邻区物业" not in own and "示范区" in own
    neighbours = client.get(url, {"district": other.pk}).content.decode()
    assert "邻区物业" in neighbours and "安居物业" not in neighbours
    assert f'<option value="{other.pk}"' in first and f'<option value="{c.district.pk}"' in first
    for nonsense in ("abc", "0", str(c.street.pk), "١"):
        page = client.get(url, {"district": nonsense})
        assert page.status_code == 200 and page.content.decode().count("list-group-item") == first.count(
            "list-group-item"
        )
