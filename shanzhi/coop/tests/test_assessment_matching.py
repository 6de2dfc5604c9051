""" "一考双评一公示", the unit report, and suggested matches by category, place and time."""

import io

import pytest
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from shanzhi.coop import queries, reports, services
from shanzhi.coop.models import Assessment
from shanzhi.core.errors import DomainError


@pytest.fixture
def period(co):
    cast = co.cast
    today = timezone.localdate()
    services.sign_agreement(
        unit=cast.unit,
        community=cast.community,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        unit_signatory="书记",
        signed_on=today.replace(month=1, day=1),
        commitments=[{"kind": "activity", "content": "义诊", "promised_count": 2}],
        by=cast.zhao,
    )
    return services.open_period(
        community=cast.community,
        name=f"{today.year}年度",
        by=cast.zhao,
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )


def test_assess_publish_and_the_public_list(co, period):
    cast = co.cast
    claim = services.claim_need(co.need, by=cast.he, registration=co.he_reg)
    services.finish_claim(claim, by=cast.he, result="完成")
    services.rate_claim(claim, by=cast.jumin, stars=4)
    services.assess(period, unit=cast.unit, score="92.5", by=cast.zhao, comment="履约积极")
    member = services.assess(period, registration=co.he_reg, score=78, by=cast.zhao)
    assert member.grade == Assessment.Grade.PASS
    services.assess(period, registration=co.he_reg, score=85, by=cast.zhao)  # re-scored before publishing
    assert Assessment.objects.get(pk=member.pk).grade == Assessment.Grade.GOOD
    services.publish_period(period, by=cast.zhao)
    with pytest.raises(DomainError) as err:
        services.assess(period, unit=cast.unit, score=50, by=cast.zhao)
    assert err.value.code == "state"
    rows = queries.assessment_rows(period, public=True)
    assert [(r["kind"], r["assessment"].grade) for r in rows] == [("单位", "excellent"), ("在职党员", "good")]
    member_row = rows[1]
    assert member_row["rating"] == 4.0 and member_row["ratings"] == 1 and member_row["services"] == 1
    assert member_row["name"].endswith("*") and co.he_reg.volunteer.name not in member_row["name"]


def test_assessment_input_and_scope(co, period):
    cast = co.cast
    with pytest.raises(DomainError) as err:
        services.assess(period, unit=cast.unit, score=101, by=cast.zhao)
    assert err.value.field == "score"
    with pytest.raises(DomainError) as err:
        services.assess(period, unit=cast.unit_c, score=80, by=cast.zhao)
    assert err.value.field == "subject"
    with pytest.raises(Http404):
        services.assess(period, unit=cast.unit, score=80, by=cast.chen)
    assert grade_table() == [(95, "excellent"), (85, "good"), (60, "pass"), (59.9, "fail")]


def grade_table():
    return [(s, services.grade_for(s)) for s in (95, 85, 60, 59.9)]


def test_unit_report_workbook(co, period):
    cast = co.cast
    services.assess(period, unit=cast.unit, score=88, by=cast.zhao)
    services.publish_period(period, by=cast.zhao)
    report = queries.unit_report(cast.unit, period.starts_on, period.ends_on)
    data = reports.unit_report_xlsx(report)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["说明", "共建协议履约", "在职党员报到", "单位认领需求", "社区考评"]
    members = list(wb["在职党员报到"].iter_rows(values_only=True))
    assert members[1][0] == co.he_reg.volunteer.name and members[1][1] == "东一社区"
    assert list(wb["社区考评"].iter_rows(values_only=True))[1][3] == "良好"
    text = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "13912345678" not in text


def test_suggested_resources_rank_by_place_and_time(co):
    cast = co.cast
    far = services.create_resource(
        community=cast.community,
        title="理发（周末）",
        category="elderly",
        kind="low_cost",
        price_note="10元/次",
        provider_kind="business",
        provider_name="美发店",
        by=cast.zhang,
        weekdays="0000011",
        publish=True,
    )
    other_grid = services.create_resource(
        community=cast.community,
        title="理发（二网格）",
        category="elderly",
        kind="volunteer",
        provider_kind="business",
        provider_name="志愿理发师",
        by=cast.zhang,
        grid=cast.grid2,
        weekdays="0100000",
        publish=True,
    )
    services.create_resource(
        community=cast.community,
        title="法律咨询",
        category="legal",
        kind="public",
        provider_kind="business",
        provider_name="律所",
        by=cast.zhang,
        publish=True,
    )
    matches = queries.suggest_resources(cast.zhang, co.need)
    assert [m.item.pk for m in matches] == [
        co.resource.pk,
        other_grid.pk,
    ]  # weekend-only one has no shared day
    assert "同一网格" in matches[0].reasons and "时段吻合" in matches[0].reasons
    assert far.pk not in [m.item.pk for m in matches]
    assert [m.item.pk for m in queries.suggest_needs(cast.zhang, co.resource)] == [co.need.pk]
    assert queries.suggest_resources(cast.chen, co.need) == []
