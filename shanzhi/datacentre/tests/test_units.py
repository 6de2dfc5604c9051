"""The dashboards of a department and of a property company: their own staff only (anyone else,
and another unit, is a 404), figures equal to a recount by the metrics' definitions, each figure a
link to its cases, bad input a 400."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shanzhi.appeals import metrics, services
from shanzhi.appeals.models import Appeal
from shanzhi.appeals.tests.conftest import MONDAY
from shanzhi.appeals.tests.test_rollups import FIELDS, oracle

from .test_dashboard import PERIOD, _list_count


def _to(cast, a, **to):
    return services.dispatch(services.accept(a, by=cast.zhang), by=cast.zhang, **to)


def _dashboard(client, name, pk, query=PERIOD):
    return client.get(reverse(f"datacentre:{name}", args=[pk]) + "?" + query)


def test_department_handler_sees_their_departments_figures(cast, file_appeal, client):
    a = _to(cast, file_appeal(title="占道经营"), to_department=cast.department)
    services.resolve(services.start(a, by=cast.zheng), by=cast.zheng, result="已清理")
    _to(cast, file_appeal(title="违建"), to_department=cast.department)
    _to(cast, file_appeal(title="别的部门"), to_department=cast.department2)
    file_appeal(title="没有交办")
    client.force_login(cast.zheng)
    response = _dashboard(client, "department", cast.department.pk)
    assert response.status_code == 200
    dc = response.context["dc"]
    figures = {f["key"]: f for f in dc["figures"]}
    assert figures["received"]["value"] == 2 and figures["resolved"]["value"] == 1
    assert _list_count(client, figures["resolved"]["url"]) == 1
    assert sum(b["count"] for b in dc["histogram"]) == 1
    assert [p["received"] for p in dc["trend"] if p["received"]] == [2]
    html = response.content.decode()
    assert "别的部门" not in html and cast.jumin.display_name not in html
    with time_machine.travel(MONDAY + dt.timedelta(days=40), tick=False):
        client.force_login(cast.zheng)  # (the session of 40 days ago has expired)
        late = _dashboard(client, "department", cast.department.pk)
        figures = {f["key"]: f for f in late.context["dc"]["figures"]}
        assert figures["overdue"]["value"] == 1  # 违建, still open past its deadline
        assert _list_count(client, figures["overdue"]["url"]) == 1


def test_company_figures_equal_a_recount_by_the_definitions(cast, file_appeal, client):
    a = _to(cast, file_appeal(title="电梯故障", building=cast.building), to_company=cast.company)
    services.resolve(services.start(a, by=cast.feng), by=cast.feng, result="已修好")
    services.verify(Appeal.objects.get(pk=a.pk), by=cast.zhao)
    services.rate(Appeal.objects.get(pk=a.pk), by=cast.jumin, solved="solved", rating="satisfied")
    _to(cast, file_appeal(title="绿化", building=cast.building), to_company=cast.company)
    _to(cast, file_appeal(title="别家物业"), to_company=cast.company2)
    client.force_login(cast.feng)
    dc = _dashboard(client, "company", cast.company.pk).context["dc"]
    start, end = metrics.period(dt.date(2026, 3, 1), dt.date(2026, 5, 1))
    _units, expected = oracle(
        Appeal.objects.filter(assignee_company=cast.company), "category", start, end, timezone.now()
    )
    total = dc["totals"]
    assert tuple(getattr(total, f) for f in FIELDS) == tuple(getattr(expected, f) for f in FIELDS)
    assert total.received == 2 and total.satisfaction_rate == 100.0
    figures = {f["key"]: f for f in dc["figures"]}
    for key in ("received", "resolved"):
        assert _list_count(client, figures[key]["url"]) == figures[key]["value"], key
    assert [c["received"] for c in dc["categories"]] == [2]


def test_out_of_scope_is_a_404_and_bad_input_a_400(cast, client):
    cases = [
        (cast.zheng, "department", cast.department2.pk),
        (cast.zheng, "company", cast.company.pk),
        (cast.feng, "company", cast.company2.pk),
        (cast.feng, "department", cast.department.pk),
        (cast.wu, "department", cast.department.pk),  # a district leader: not the department's own
        (cast.wu, "company", cast.company.pk),
        (cast.jumin, "company", cast.company.pk),
        (cast.zheng, "department", 999999),
    ]
    for user, name, pk in cases:
        client.force_login(user)
        assert _dashboard(client, name, pk).status_code == 404, (user.username, name, pk)
    client.logout()
    assert _dashboard(client, "company", cast.company.pk).status_code == 302
    client.force_login(cast.feng)
    for query, field in (
        ("preset=forever", "preset"),
        ("start=2026-13-01", "start"),
        ("grain=hour", "grain"),
    ):
        response = _dashboard(client, "company", cast.company.pk, query)
        assert response.status_code == 400 and field in response.content.decode(), query


def _counts(client, dc):
    """{what: (figure, count of the list behind it)} for every link of a unit's dashboard."""
    out = {f["key"]: (f["value"], _list_count(client, f["url"])) for f in dc["figures"]}
    out.update({b["key"]: (b["count"], _list_count(client, b["url"])) for b in dc["histogram"]})
    out.update({c["name"]: (c["received"], _list_count(client, c["url"])) for c in dc["categories"]})
    out["on_time_rate"] = (dc["totals"].on_time, _list_count(client, dc["rates"][3]["url"]))
    return out


def test_a_departments_figures_open_its_assigned_cases_not_those_it_was_summoned_to(
    cast, file_appeal, client
):
    handled = _to(cast, file_appeal(title="占道经营"), to_department=cast.department)
    services.resolve(services.start(handled, by=cast.zheng), by=cast.zheng, result="已清理")
    _to(cast, file_appeal(title="违建"), to_department=cast.department)
    summoned = services.accept(file_appeal(title="联合执法"), by=cast.zhang)
    services.summon(summoned, by=cast.zhang, lead=cast.department, parts={cast.department.pk: "到场"})
    client.force_login(cast.zheng)
    # The department's worklist holds the summoned case too; its figures do not count it.
    assert _list_count(client, reverse("appeals:worklist") + "?bucket=all") == 3
    dc = _dashboard(client, "department", cast.department.pk).context["dc"]
    counts = _counts(client, dc)
    assert counts["received"] == (2, 2) and counts["resolved"] == (1, 1)
    badge = client.get(dc["figures"][0]["url"]).content.decode()
    assert 'id="sz-figure-filter"' in badge and cast.department.name in badge
    assert all(figure == listed for figure, listed in counts.values()), counts
    with time_machine.travel(MONDAY + dt.timedelta(days=40), tick=False):
        client.force_login(cast.zheng)
        assert _list_count(client, reverse("appeals:worklist") + "?bucket=overdue") == 2
        dc = _dashboard(client, "department", cast.department.pk).context["dc"]
        counts = _counts(client, dc)
        assert counts["overdue"] == (1, 1)  # 违建; 联合执法 is the community's case
        assert all(figure == listed for figure, listed in counts.values()), counts


def test_the_worklists_unit_filter_rejects_bad_input(cast, client):
    client.force_login(cast.zheng)
    url = reverse("appeals:worklist") + "?bucket=all&"
    for query, field in (("department=abc", "department"), ("company=%EF%BC%91", "company")):
        response = client.get(url + query)
        assert response.status_code == 400 and field in response.content.decode(), query
    assert client.get(url + "department=999999").status_code == 404
    assert client.get(url + "company=99999999999999999999999").status_code == 400


@pytest.mark.parametrize("kind", ["department", "company"])
def test_a_units_comparisons_are_its_own_figures_of_the_period_before_and_a_year_earlier(
    cast, file_appeal, client, kind
):
    unit, reader = (cast.department, cast.zheng) if kind == "department" else (cast.company, cast.feng)
    done = _to(cast, file_appeal(title="甲", building=cast.building), **{f"to_{kind}": unit})
    services.resolve(services.start(done, by=reader), by=reader, result="已处理")
    services.verify(Appeal.objects.get(pk=done.pk), by=cast.zhao)
    services.rate(Appeal.objects.get(pk=done.pk), by=cast.jumin, solved="solved", rating="satisfied")
    _to(cast, file_appeal(title="乙", building=cast.building), **{f"to_{kind}": unit})
    client.force_login(reader)
    today = _dashboard(client, kind, unit.pk, "start=2026-03-02&end=2026-03-02").context["dc"]
    assert [r["value"] for r in today["rates"]][1:3] == [100.0, 100.0]
    tomorrow = _dashboard(client, kind, unit.pk, "start=2026-03-03&end=2026-03-03").context["dc"]
    assert [r["previous"] for r in tomorrow["rates"]] == [r["value"] for r in today["rates"]]
    assert all(r["value"] is None and r["vs_previous"] is None for r in tomorrow["rates"])
    a_year_on = _dashboard(client, kind, unit.pk, "start=2027-03-02&end=2027-03-02").context["dc"]
    assert [r["year_earlier"] for r in a_year_on["rates"]] == [r["value"] for r in today["rates"]]
    assert today["rates"][2]["vs_previous"] is None  # no sample the day before: no change
    assert [(c["received"], c["previous"]) for c in today["categories"]] == [(2, 0)]
    html = _dashboard(client, kind, unit.pk, "start=2026-03-03&end=2026-03-03").content.decode()
    assert "去年同期" in html and "同比" in html


def test_a_departments_year_reads_its_department_rows_and_agrees_with_its_day_rows(cast, file_appeal, client):
    """A year of whole months is read from the department rows (``AppealDepartmentMonth``); the
    same days as dates that cut a month read the day rows at the edges: the same figures."""
    from shanzhi.appeals.models import AppealDepartmentMonth

    a = _to(cast, file_appeal(title="占道经营"), to_department=cast.department)
    services.resolve(services.start(a, by=cast.zheng), by=cast.zheng, result="已清理")
    _to(cast, file_appeal(title="违建"), to_department=cast.department)
    _to(cast, file_appeal(title="别的部门"), to_department=cast.department2)
    assert AppealDepartmentMonth.objects.filter(department=cast.department).exists()
    with time_machine.travel(MONDAY + dt.timedelta(days=40), tick=False):
        client.force_login(cast.zheng)
        year = _dashboard(client, "department", cast.department.pk, "preset=year&grain=month").context["dc"]
        start = MONDAY.date() - dt.timedelta(days=3)
        cut = f"start={start}&end={MONDAY.date() + dt.timedelta(days=3)}&grain=month"
        days = _dashboard(client, "department", cast.department.pk, cut).context["dc"]
    for dc in (year, days):
        figures = {f["key"]: f["value"] for f in dc["figures"]}
        assert figures["received"] == 2 and figures["resolved"] == 1
        assert [p["received"] for p in dc["trend"] if p["received"]] == [2]
        assert [c["received"] for c in dc["categories"]] == [2]
