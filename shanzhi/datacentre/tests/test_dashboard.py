"""The dashboards' figures against a recount of the appeals table, the list behind each figure,
scope (out of scope is a 404), the map's units and outlines, and bad input (a 400)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import shape

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal
from shanzhi.appeals.tests.conftest import IN_A2, MONDAY

IN_B = (117.552, 34.866)
IN_C = (117.542, 34.862)
PERIOD = "start=2026-03-01&end=2026-04-30"
LATER = MONDAY + dt.timedelta(days=30)


@pytest.fixture
def appeals(cast, file_appeal):
    """Three in A1, one in A2, one in B, one in C; five accepted, one resolved; a month later the
    open accepted ones are overdue."""
    a1 = [file_appeal(title=f"甲{i}") for i in range(3)]
    a2 = file_appeal(title="乙", lng=IN_A2[0], lat=IN_A2[1])
    b = file_appeal(title="丙", lng=IN_B[0], lat=IN_B[1])
    c = file_appeal(title="丁", lng=IN_C[0], lat=IN_C[1])
    for a in (a1[0], a1[1], a2):
        services.accept(a, by=cast.zhang)
    services.accept(b, by=cast.liu)
    services.accept(c, by=cast.sun)
    a = Appeal.objects.get(pk=a1[0].pk)
    services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    services.start(Appeal.objects.get(pk=a.pk), by=cast.wang)
    services.resolve(Appeal.objects.get(pk=a.pk), by=cast.wang, result="已处理")
    return {"a1": a1, "a2": a2, "b": b, "c": c}


def _recount(path, **filters):
    qs = Appeal.objects.filter(path__startswith=path).exclude(status=Appeal.Status.MERGED)
    return qs.filter(merged_into__isnull=True, **filters).count()


def _figures(response):
    return {f["key"]: f for f in response.context["dc"]["figures"]}


def _list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_every_figure_equals_a_recount_and_its_list(cast, appeals, client):
    client.force_login(cast.wu)
    url = reverse("datacentre:node", args=[cast.district.pk]) + "?" + PERIOD
    figures = _figures(client.get(url))
    path = cast.district.path
    assert figures["received"]["value"] == _recount(path) == 6
    assert (
        figures["accepted"]["value"]
        == _recount(path, accepted_at__isnull=False, invalid_kind__isnull=True)
        == 5
    )
    assert figures["resolved"]["value"] == _recount(path, resolved_at__isnull=False) == 1
    for key in ("received", "accepted", "resolved"):
        assert _list_count(client, figures[key]["url"]) == figures[key]["value"], key
    # The street below: 东 has A1, A2 and B.
    street = _figures(client.get(reverse("datacentre:node", args=[cast.street.pk]) + "?" + PERIOD))
    assert street["received"]["value"] == _recount(cast.street.path) == 5
    assert _list_count(client, street["received"]["url"]) == 5


def test_overdue_now_is_the_overdue_list(cast, appeals, client):
    with time_machine.travel(LATER, tick=False):
        client.force_login(cast.wu)
        figures = _figures(client.get(reverse("datacentre:node", args=[cast.district.pk]) + "?" + PERIOD))
        now = timezone.now()
        open_late = Appeal.objects.filter(status__in=Appeal.TIMED, suspended=False, deadline__lt=now)
        assert figures["overdue"]["value"] == open_late.count() == 4
        assert _list_count(client, figures["overdue"]["url"]) == 4
        community = _figures(client.get(reverse("datacentre:node", args=[cast.community.pk]) + "?" + PERIOD))
        assert community["overdue"]["value"] == 2  # A1's accepted open one and A2's


def test_rates_against_previous_period_and_ranking_minimum(cast, appeals, client):
    client.force_login(cast.wu)
    dc = client.get(reverse("datacentre:node", args=[cast.district.pk]) + "?" + PERIOD).context["dc"]
    rates = {r["key"]: r for r in dc["rates"]}
    assert rates["response_rate"]["previous"] is None  # nothing filed in the period before
    assert rates["response_rate"]["vs_previous"] is None
    # Fewer valid appeals than the minimum sample (5 by default) in each street: nobody ranked.
    assert dc["ranking"] == []
    assert [c["received"] for c in dc["categories"]] == [6]
    assert _list_count(client, dc["categories"][0]["url"]) == 6


def test_scope_each_level_sees_its_part(cast, appeals, client):
    cases = [
        (cast.liu, cast.street, 200),
        (cast.liu, cast.community_b, 200),
        (cast.liu, cast.street2, 404),
        (cast.liu, cast.district, 404),
        (cast.zhang, cast.community, 200),
        (cast.zhang, cast.community_b, 404),
        (cast.wang, cast.grid, 200),
        (cast.wang, cast.grid2, 404),
        (cast.wang, cast.community, 404),
    ]
    for user, node, status in cases:
        client.force_login(user)
        for name in ("datacentre:node", "datacentre:map"):
            got = client.get(reverse(name, args=[node.pk]) + "?" + PERIOD).status_code
            assert got == status, (user.username, node.name, name)
    client.force_login(cast.jumin)
    assert client.get(reverse("datacentre:node", args=[cast.grid.pk])).status_code == 404
    assert client.get(reverse("datacentre:home")).status_code == 403
    # The list behind a figure refuses a node out of sight as well.
    client.force_login(cast.liu)
    assert client.get(reverse("appeals:worklist") + f"?bucket=all&node={cast.street2.pk}").status_code == 404


def test_grid_worker_sees_own_grid_figures(cast, appeals, client):
    client.force_login(cast.wang)
    response = client.get(reverse("datacentre:home") + "?" + PERIOD)
    assert response.context["dc"]["node"] == cast.grid
    figures = _figures(response)
    assert figures["received"]["value"] == _recount(cast.grid.path) == 3
    assert _list_count(client, figures["received"]["url"]) == 3


def test_map_units_outlines_and_measures(cast, appeals, client):
    client.force_login(cast.wu)
    url = reverse("datacentre:map", args=[cast.district.pk]) + "?" + PERIOD + "&measure=received"
    geo = client.get(url).json()
    by_name = {f["properties"]["name"]: f for f in geo["features"]}
    assert set(by_name) == {"东街道", "西街道"}
    east = by_name["东街道"]
    assert east["properties"]["value"] == 5
    assert east["properties"]["values"]["households"] == 3
    assert east["properties"]["values"]["per_1000"] == round(1000 * 5 / 3, 1)
    # 东街道's outline is the union of its three grids: A1 and A2 side by side, B above A1.
    outline = shape(east["geometry"])
    assert east["geometry"]["type"] == "Polygon"
    assert outline.area == pytest.approx(3 * 0.004 * 0.004, rel=1e-3)
    assert (
        east["properties"]["url"]
        == reverse("datacentre:node", args=[cast.street.pk]) + "?" + PERIOD + "&grain=day"
    )
    community = client.get(reverse("datacentre:map", args=[cast.community.pk]) + "?" + PERIOD).json()
    assert {f["properties"]["name"] for f in community["features"]} == {"东一第一网格", "东一第二网格"}


def test_bad_input_is_a_400_naming_the_field(cast, client):
    client.force_login(cast.wu)
    base = reverse("datacentre:node", args=[cast.district.pk])
    for query, field in (
        ("start=2026-99-99", "start"),
        ("grain=hour", "grain"),
        ("preset=forever", "preset"),
        ("start=2020-01-01&end=2026-01-01", "start"),
    ):
        response = client.get(f"{base}?{query}")
        assert response.status_code == 400, query
        assert field in response.content.decode(), query
    map_url = reverse("datacentre:map", args=[cast.district.pk])
    assert client.get(f"{map_url}?measure=bogus").status_code == 400
    assert client.get(reverse("appeals:worklist") + "?bucket=all&figure=bogus").status_code == 400
    assert client.get(reverse("appeals:worklist") + "?bucket=all&node=abc").status_code == 400


def test_leaders_home_opens_with_their_dashboard_and_panels(cast, client):
    for user, node in (
        (cast.wu, cast.district),
        (cast.liu, cast.street),
        (cast.zhang, cast.community),
        (cast.wang, cast.grid),
    ):
        client.force_login(user)
        response = client.get(reverse("accounts:home"))
        assert response.status_code == 200
        assert response.context["dc"]["node"] == node
        assert b'id="sz-dashboard"' in response.content
    client.force_login(cast.zhang)
    titles = {str(p.title) for p in client.get(reverse("accounts:home")).context["dc"]["panels"]}
    assert {"志愿服务", "共建需求", "红色物业"} <= titles
    client.force_login(cast.jumin)
    assert b'id="sz-dashboard"' not in client.get(reverse("accounts:home")).content


def test_a_trend_by_month_reads_the_month_rows_and_agrees_with_the_day_rows(cast, appeals):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shanzhi.datacentre import queries

    span = {"start": "2026-02-15", "end": "2026-04-30"}
    by_month = queries.Period.parse({**span, "grain": "month"})
    with CaptureQueriesContext(connection) as ctx:
        months = queries._trend(cast.wu, cast.district, by_month)
    assert any("appeals_appealmonthtotal" in q["sql"] for q in ctx.captured_queries)
    assert [p["label"] for p in months] == ["2026-02-01", "2026-03-01", "2026-04-01"]
    weeks = queries._trend(cast.wu, cast.district, queries.Period.parse({**span, "grain": "week"}))
    for figure, expected in (("received", 6), ("accepted", 5), ("resolved", 1)):
        assert sum(p[figure] for p in months) == sum(p[figure] for p in weeks) == expected
    assert months[1]["received"] == 6


def _due_recount(path, first, end, now):
    """按期结案率's counters by the definitions, over the appeals table: accepted valid appeals whose
    deadline fell in [first, end) and has passed; of them the suspended, and the closed on time."""
    qs = Appeal.objects.filter(path__startswith=path, merged_into__isnull=True, invalid_kind__isnull=True)
    qs = qs.exclude(status=Appeal.Status.MERGED).filter(accepted_at__isnull=False, deadline__lt=now)
    due = [a for a in qs if first <= timezone.localdate(a.deadline) < end]
    on_time = [
        a
        for a in due
        if not a.suspended
        and not a.ever_late
        and a.status in (Appeal.Status.VERIFIED, Appeal.Status.VISITED, Appeal.Status.CLOSED)
        and a.resolved_at <= a.deadline
    ]
    return len(due), len(on_time)


@pytest.mark.parametrize(
    "start,end,whole",
    [
        ("2026-01-01", "2026-12-31", True),  # the year before (the comparison) is whole months too
        ("2025-12-15", "2026-12-20", False),
        ("2026-03-01", "2026-03-31", False),  # the 31 days before it are not whole months
    ],
)
def test_a_year_dashboard_equals_a_recount_and_reads_month_rows_for_whole_months(
    cast, appeals, client, start, end, whole
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shanzhi.appeals.services import sweep

    services.verify(Appeal.objects.get(pk=appeals["a1"][0].pk), by=cast.zhao)  # closed on time
    with time_machine.travel(LATER, tick=False):
        sweep.run()  # the deadlines passed: the sweep refreshes their cells
        client.force_login(cast.wu)
        for node in (cast.grid, cast.district, cast.street, cast.community):
            url = reverse("datacentre:node", args=[node.pk]) + f"?start={start}&end={end}&grain=month"
            with CaptureQueriesContext(connection) as ctx:
                dc = client.get(url).context["dc"]
            day_reads = [q["sql"] for q in ctx.captured_queries if "appeals_appealdaystat" in q["sql"]]
            total_reads = [q["sql"] for q in ctx.captured_queries if "appeals_appealdaytotal" in q["sql"]]
            month_reads = [q["sql"] for q in ctx.captured_queries if "appeals_appealmonthtotal" in q["sql"]]
            # A period of whole months reads the month rows alone, for every figure (a grid's too:
            # its own month rows); the days of partial months come from the day totals where they
            # answer (the trend, the comparisons), a grid's from its day rows.
            assert month_reads, node.name
            assert (day_reads == [] and total_reads == []) is whole, node.name
            if node.level == "grid":
                assert bool(day_reads) is not whole and total_reads == [], node.name
            else:
                assert bool(total_reads) is not whole, node.name
            totals, path = dc["totals"], node.path
            assert totals["received"] == _recount(path)
            assert totals["accepted"] == _recount(path, accepted_at__isnull=False, invalid_kind__isnull=True)
            assert totals["resolved"] == _recount(path, resolved_at__isnull=False)
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            due, on_time = _due_recount(path, first, last + dt.timedelta(days=1), timezone.now())
            assert (totals["due"], totals["on_time"]) == (due, on_time), node.name
            rates = {r["key"]: r for r in dc["rates"]}
            assert rates["on_time_rate"]["value"] == round(100 * on_time / due, 1)
            assert _list_count(client, rates["on_time_rate"]["url"]) == on_time
        assert (due, on_time) == (3, 1)  # the community: A1's two accepted and A2's, one on time
