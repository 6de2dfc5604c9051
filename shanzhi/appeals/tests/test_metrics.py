"""The loop's figures: definitions on a known set of appeals, scope, ranking threshold, export,
and the public disclosure page (no login, no person in it). The rollup's own tests (equality with
a scan of the appeals table, the sweep, rebuild, concurrency) are in test_rollups.py."""

import datetime as dt
import io
from decimal import Decimal

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.accounts import permissions
from shanzhi.appeals import metrics, rollups, services
from shanzhi.appeals.models import Appeal, AppealDayStat, InvalidKind, MetricsRules
from shanzhi.appeals.services import sweep

from .conftest import IN_A2, MONDAY


def _handled(cast, file_appeal, *, rating="satisfied", solved="solved", rework=False, worker=None, **kw):
    worker = worker or cast.wang
    a = services.accept(file_appeal(**kw), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=worker)
    a = services.start(a, by=worker)
    a = services.resolve(a, by=worker, result="已处理")
    if rework:
        a = services.send_back(a, by=cast.zhao, reason="没修好")
        a = services.resolve(a, by=worker, result="再次处理")
    a = services.verify(a, by=cast.zhao)
    if rating:
        a = services.rate(a, by=cast.jumin, solved=solved, rating=rating)
    return a


def _figures(user, dimension="grid", days=30):
    start, end = metrics.period(dt.date(2026, 3, 1), dt.date(2026, 3, 1) + dt.timedelta(days=days))
    return metrics.compute(permissions.visible(user, AppealDayStat), dimension, start, end)


def _kind(code="consult"):
    return InvalidKind.objects.get_or_create(code=code, defaults={"name": code})[0]


def test_rates_follow_their_definitions(cast, file_appeal):
    _handled(cast, file_appeal)  # solved, 满意
    _handled(cast, file_appeal, solved="partly", rating="basic", rework=True)  # 部分解决, 基本满意
    _handled(cast, file_appeal, solved="unsolved", rating="unsatisfied")  # reopened: not closed
    services.reject(file_appeal(title="咨询"), by=cast.zhang, reason="已答复政策", kind=_kind())
    services.reject(file_appeal(title="不属实"), by=cast.zhang, reason="经核实不属实")  # no invalid kind
    file_appeal(title="还没受理")
    late = file_appeal(title="两天后才受理")
    unreachable = _handled(cast, file_appeal, rating="")
    for _try in range(3):
        unreachable = services.visit(unreachable, by=cast.zhang, unreachable=True, note="无人接听")
    with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
        services.accept(late, by=cast.zhang)  # 16 working hours after filing: past the 8-hour limit
    with time_machine.travel(MONDAY + dt.timedelta(days=20), tick=False):
        sweep.run()
        units, total = _figures(cast.zhang)
    assert (total.received, total.invalid, total.valid, total.rejected) == (8, 1, 7, 2)
    # 响应率: accepted within the limit / received − invalid; the plain refusal and the one still
    # waiting count against it, the invalid one is in neither part.
    assert total.responded == 4 and total.response_rate == 57.1
    # 解决率 and 满意率 over the visited (the two questions answered), the unreachable apart.
    assert (total.rated, total.solved, total.satisfied, total.basic, total.unreachable) == (3, 1, 1, 1, 1)
    assert total.resolution_rate == 33.3
    assert total.satisfaction_rate == 66.7  # (1 满意 + 1 × 1 基本满意) / 3
    # 按期结案率 over the accepted whose deadline fell in March: the reopened one and the one only
    # accepted are not closed; the unreachable one was verified in time, so it counts as on time.
    assert (total.due, total.suspended, total.on_time) == (5, 0, 3) and total.on_time_rate == 60.0
    assert total.rework_rate == 20.0  # 1 of 5 accepted
    assert total.avg_handling_hours is not None
    assert total.composite == round(0.2 * 57.1 + 0.3 * 33.3 + 0.3 * 66.7 + 0.2 * 60.0, 1)
    assert [u.name for u in units] == [cast.grid.name]


def test_the_weight_of_basic_satisfaction_is_a_rule(cast, file_appeal):
    _handled(cast, file_appeal)
    _handled(cast, file_appeal, solved="partly", rating="basic")
    assert _figures(cast.zhang)[1].satisfaction_rate == 100.0
    MetricsRules.objects.filter(pk=MetricsRules.current().pk).update(basic_weight=Decimal("0.5"))
    assert _figures(cast.zhang)[1].satisfaction_rate == 75.0  # (1 + 0.5 × 1) / 2


def test_a_reopened_case_stays_late_when_its_first_cycle_was(cast, file_appeal):
    a = services.start(
        services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang),
        by=cast.wang,
    )
    with time_machine.travel(MONDAY + dt.timedelta(days=10), tick=False):  # the deadline was the 9th
        a = services.verify(services.resolve(a, by=cast.wang, result="迟办"), by=cast.zhao)
        a = services.rate(a, by=cast.jumin, solved="unsolved", rating="unsatisfied")
        assert a.status == Appeal.Status.REOPENED and a.ever_late
        a = services.resolve(services.start(a, by=cast.wang), by=cast.wang, result="重办完毕")
        a = services.rate(
            services.verify(a, by=cast.zhao), by=cast.jumin, solved="solved", rating="satisfied"
        )
    assert a.resolved_at <= a.deadline  # the second cycle was on time ...
    with time_machine.travel(MONDAY + dt.timedelta(days=25), tick=False):
        sweep.run()
        total = _figures(cast.zhang)[1]
    assert (total.due, total.on_time) == (1, 0)  # ... but the first one was not


def test_rework_clears_the_resolved_state(cast, file_appeal):
    a = services.start(
        services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang),
        by=cast.wang,
    )
    a = services.resolve(a, by=cast.wang, result="已处理")
    assert _figures(cast.zhang)[1].resolved == 1
    a = services.send_back(a, by=cast.zhao, reason="没修好")
    assert a.resolved_at is None and a.resolved_by is None
    total = _figures(cast.zhang)[1]
    assert (total.resolved, total.reworked, total.avg_handling_hours) == (0, 1, None)


def test_suspended_cases_leave_the_on_time_denominator(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    Appeal.objects.filter(pk=a.pk).update(suspended=True)  # the state under test, not the approval flow
    rollups.refresh(rollups.day_of(a.created_at), a.community_id)  # what a move through the services does
    with time_machine.travel(MONDAY + dt.timedelta(days=20), tick=False):
        sweep.run()  # the deadline passed with no move: the sweep refreshes the cell
        _units, total = _figures(cast.zhang)
    assert (total.due, total.suspended, total.on_time_rate) == (1, 1, None)


def test_figures_count_only_what_the_user_sees(cast, file_appeal):
    file_appeal()
    file_appeal(lng=IN_A2[0], lat=IN_A2[1])
    assert _figures(cast.zhang)[1].received == 2
    assert _figures(cast.liu)[1].received == 2 and _figures(cast.wu)[1].received == 2
    assert _figures(cast.chen)[1].received == 0 and _figures(cast.zhou)[1].received == 0
    # Grid workers and residents have no figures at all (the page answers them 403).
    assert _figures(cast.wang)[1].received == 0 and _figures(cast.jumin)[1].received == 0
    by_community = _figures(cast.zhang, "community")[0]
    assert [(u.name, u.received) for u in by_community] == [(cast.community.name, 2)]


def test_ranking_leaves_out_units_with_too_few_cases_or_no_score(cast, file_appeal):
    for _ in range(3):
        _handled(cast, file_appeal)
    _handled(cast, file_appeal, lng=IN_A2[0], lat=IN_A2[1], worker=cast.li)
    file_appeal(node=cast.community_b)  # a unit with cases but no rate at all
    with time_machine.travel(MONDAY + dt.timedelta(days=20), tick=False):
        sweep.run()
        units, _total = _figures(cast.zhang, "community")
        grids = _figures(cast.zhang)[0]
    assert [u.name for u in metrics.ranking(grids, 3)] == [cast.grid.name]
    assert len(metrics.ranking(grids, 1)) == 2
    assert {u.name for u in units} >= {cast.community.name}
    assert all(u.composite is not None for u in metrics.ranking(units, 0))


def _unit(name, **rates):
    """A unit with the given counts (Figures computes the rates)."""
    return metrics.Figures(key=name, name=name, weights={"response_rate": 1.0, "on_time_rate": 1.0}, **rates)


def test_ranking_breaks_ties_by_the_next_measure_never_by_name():
    # Both have composite 75: A by 100 % response and 50 % on time, B the other way round.
    b = _unit("甲单位", received=2, responded=1, due=2, on_time=2, rated=2, satisfied=1)
    a = _unit("乙单位", received=2, responded=2, due=2, on_time=1, rated=2, satisfied=2)
    same1 = _unit("丙单位", received=2, responded=1, due=2, on_time=1, rated=2, satisfied=1)
    same2 = _unit("丁单位", received=2, responded=1, due=2, on_time=1, rated=2, satisfied=1)
    none = _unit("戊单位", received=9)  # no rate at all: left out, never ranked as 0
    few = _unit("己单位", received=1, responded=1, due=1, on_time=1)
    ranked = metrics.ranking([same2, none, a, few, same1, b], min_cases=2)
    assert [(u.rank, u.name) for u in ranked[:2]] == [(1, "甲单位"), (2, "乙单位")]  # on time decides
    assert {(u.rank, u.name) for u in ranked[2:]} == {(3, "丙单位"), (3, "丁单位")}  # equal: one place
    assert "戊单位" not in [u.name for u in ranked] and "己单位" not in [u.name for u in ranked]


def test_metrics_page_and_export(cast, login, file_appeal):
    _handled(cast, file_appeal)
    params = {"dimension": "category", "start": "2026-03-01", "end": "2026-03-31", "min_cases": "1"}
    with time_machine.travel(MONDAY + dt.timedelta(days=20), tick=False):
        sweep.run()
        client = login(cast.zhang)
        page = client.get(reverse("appeals:metrics"), params)
        export = client.get(reverse("appeals:metrics_export"), params)
    body = page.content.decode()
    assert page.status_code == 200 and "sz-metrics-data" in body
    assert reverse("appeals:metrics_definitions") in body and 'id="sz-summons-figures"' in body
    definitions = login(cast.zhang).get(reverse("appeals:metrics_definitions")).content.decode()
    assert "解决率" in definitions and "基本满意" in definitions and "按期结案率 | 按期结案" in definitions
    client = login(cast.zhang)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("appeals:metrics_definitions")).content.decode()
    assert "on-time closure rate" in english and 'sz-prose" lang="en"' in english
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "单位" and rows[2][1] == 1 and rows[-1][0] == "合计"
    assert login(cast.wang).get(reverse("appeals:metrics")).status_code == 403
    assert login(cast.jumin).get(reverse("appeals:metrics_export")).status_code == 403


def test_disclosure_is_public_and_anonymised(cast, client, file_appeal):
    a = _handled(cast, file_appeal, contact_phone="13912345678", contact_name="王小明")
    a = services.close(a, by=cast.zhang)
    page = client.get(reverse("appeals:disclosure"))
    body = page.content.decode()
    assert page.status_code == 200 and a.number in body and a.title in body
    assert "13912345678" not in body and "王小明" not in body and a.description not in body


def test_a_period_running_past_today_reads_this_month_from_the_month_rows():
    today = dt.date(2026, 3, 10)
    d = dt.date
    assert metrics._whole_months(d(2025, 3, 11), d(2026, 3, 11), today) == (d(2025, 4, 1), d(2026, 4, 1))
    assert metrics._whole_months(d(2026, 3, 1), d(2026, 3, 11), today) == (d(2026, 3, 1), d(2026, 4, 1))
    # A period ending today or before keeps its last, partial month on the day rows.
    assert metrics._whole_months(d(2026, 1, 5), d(2026, 3, 10), today) == (d(2026, 2, 1), d(2026, 3, 1))
    assert metrics._whole_months(d(2026, 3, 2), d(2026, 3, 9), today) is None
