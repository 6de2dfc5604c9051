"""The loop's figures: definitions on a known set of appeals, scope, ranking threshold, export,
and the public disclosure page (no login, no person in it). The rollup's own tests (equality with
a scan of the appeals table, the sweep, rebuild, concurrency) are in test_rollups.py."""

import datetime as dt
import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.accounts import permissions
from shanzhi.appeals import metrics, rollups, services
from shanzhi.appeals.models import Appeal, AppealDayStat
from shanzhi.appeals.services import sweep

from .conftest import IN_A2, MONDAY


def _handled(cast, file_appeal, *, rating="satisfied", rework=False, **kw):
    a = services.accept(file_appeal(**kw), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    a = services.start(a, by=cast.wang)
    a = services.resolve(a, by=cast.wang, result="已处理")
    if rework:
        a = services.send_back(a, by=cast.zhao, reason="没修好")
        a = services.resolve(a, by=cast.wang, result="再次处理")
    a = services.verify(a, by=cast.zhao)
    a = services.rate(a, by=cast.jumin, rating=rating)
    return a


def _figures(user, dimension="grid", days=30):
    start, end = metrics.period(dt.date(2026, 3, 1), dt.date(2026, 3, 1) + dt.timedelta(days=days))
    return metrics.compute(permissions.visible(user, AppealDayStat), dimension, start, end)


def test_rates_follow_their_definitions(cast, file_appeal):
    _handled(cast, file_appeal)
    _handled(cast, file_appeal, rating="unsatisfied", rework=True)  # reopened: resolved once, reworked
    services.reject(file_appeal(title="不属实"), by=cast.zhang, reason="经核实不属实")
    file_appeal(title="还没受理")
    late = services.accept(file_appeal(title="超期"), by=cast.zhang)
    with time_machine.travel(MONDAY + dt.timedelta(days=20), tick=False):
        services.dispatch(late, by=cast.zhang, to_user=cast.wang)
        services.start(late, by=cast.wang)
        services.resolve(late, by=cast.wang, result="办理完毕")
        units, total = _figures(cast.zhang)
    assert (total.received, total.accepted, total.rejected) == (5, 3, 1)
    assert total.response_rate == 80.0  # (3 accepted + 1 rejected) / 5
    assert total.resolution_rate == 66.7  # 2 resolved / 3 accepted: the unsatisfied one was reopened
    assert total.satisfaction_rate == 50.0  # 1 satisfied of 2 rated
    assert total.rework_rate == 33.3  # 1 sent back / 3 accepted
    # All three were due by then: one on time, one resolved late, the reopened one not resolved again.
    assert (total.due, total.on_time) == (3, 1) and total.on_time_rate == 33.3
    assert total.avg_handling_hours is not None
    assert [u.name for u in units] == [cast.grid.name]


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


def test_ranking_leaves_out_units_with_too_few_cases(cast, file_appeal):
    for _ in range(3):
        file_appeal()
    file_appeal(lng=IN_A2[0], lat=IN_A2[1])
    units, _total = _figures(cast.zhang)
    assert [u.name for u in metrics.ranking(units, 3)] == [cast.grid.name]
    assert len(metrics.ranking(units, 1)) == 2


def test_metrics_page_and_export(cast, login, file_appeal):
    _handled(cast, file_appeal)
    client = login(cast.zhang)
    params = {"dimension": "category", "start": "2026-03-01", "end": "2026-03-31", "min_cases": "1"}
    page = client.get(reverse("appeals:metrics"), params)
    assert page.status_code == 200 and "sz-metrics-data" in page.content.decode()
    export = client.get(reverse("appeals:metrics_export"), params)
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
