"""The metrics rollup: after any sequence of moves it gives what a scan of the appeals table gives
(the scanning computation the metrics used before is kept below as the oracle), for every
dimension and every reader's scope; the sweep refreshes *due* when a deadline passes with no
move; marks are drained once per cell; rebuild is idempotent; the command; concurrent refreshes."""

import datetime as dt
import threading
from collections import defaultdict

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from shanzhi.accounts import permissions
from shanzhi.appeals import access, metrics, rollups, services
from shanzhi.appeals.models import (
    Appeal,
    AppealBacklogCell,
    AppealBacklogMonth,
    AppealBacklogStat,
    AppealDayStat,
    AppealDayTotal,
    AppealDepartmentDay,
    AppealDepartmentMonth,
    AppealMonthStat,
    AppealMonthTotal,
    AppealRollupMark,
)
from shanzhi.appeals.services import sweep

from .conftest import IN_A1, IN_A2, MONDAY

S = Appeal.Status
FIELDS = (*rollups.COUNTERS, *rollups.DUE_COUNTERS)
HISTOGRAM = (
    ("handled_1d", 0, 1),
    ("handled_3d", 1, 3),
    ("handled_5d", 3, 5),
    ("handled_10d", 5, 10),
    ("handled_over_10d", 10, None),
)


# --- the oracle: the scanning computation, over the appeals a reader's rollup scope stands for ---------


def _oracle_key(dimension, a):
    return {
        "grid": a.grid_id,
        "community": a.community_id,
        "street": rollups.street_path(a.path),
        "department": a.assignee_department_id,
        "category": a.category_id,
    }[dimension]


def oracle(appeals, dimension, start, end, now):
    """The definitions of ``metrics``' docstring, written out once more over the appeals rows."""
    units = defaultdict(lambda: metrics.Figures(key=None))
    total = metrics.Figures(key=None)
    counted = appeals.exclude(status=S.MERGED).exclude(merged_into__isnull=False)
    for a in counted.filter(created_at__gte=start, created_at__lt=end):
        for f in (units[_oracle_key(dimension, a)], total):
            f.received += 1
            f.rejected += a.status == S.REJECTED
            if a.invalid_kind_id is not None:
                f.invalid += 1
                continue
            f.responded += a.responded_on_time is True
            if a.rating:
                f.rated += 1
                f.solved += a.solved == Appeal.Solved.SOLVED
                f.satisfied += a.rating == Appeal.Rating.SATISFIED
                f.basic += a.rating == Appeal.Rating.BASIC
            f.unreachable += a.unreachable
            if a.accepted_at is None:
                continue
            f.accepted += 1
            f.reworked += bool(a.rework_count)
            if a.resolved_at is not None:
                f.resolved += 1
                span = a.resolved_at - a.accepted_at
                f.handling_hours += span.total_seconds() / 3600
                # 办理时长分布: calendar days [lo, hi) from acceptance, written out once more.
                days = span / dt.timedelta(days=1)
                bucket = next(n for n, lo, hi in HISTOGRAM if days >= lo and (hi is None or days < hi))
                setattr(f, bucket, getattr(f, bucket) + 1)
    first, last = timezone.localdate(start), timezone.localdate(end)
    for a in counted.filter(invalid_kind__isnull=True, accepted_at__isnull=False, deadline__lt=now):
        if not first <= timezone.localdate(a.deadline) < last:
            continue
        for f in (units[_oracle_key(dimension, a)], total):
            f.due += 1
            if a.suspended:
                f.suspended += 1
            elif (
                not a.ever_late
                and a.status in (S.VERIFIED, S.VISITED, S.CLOSED)
                and a.resolved_at is not None
                and a.resolved_at <= a.deadline
            ):
                f.on_time += 1
    return units, total


def _scoped_appeals(user):
    """The appeals the reader's rollup rows stand for, written from the scope rule independently."""
    q = None
    for g in user.grants():
        if g.role not in access.ACTIONS["appeals.view_metrics"]:
            continue
        gq = (
            Appeal.objects.filter(assignee_department_id=g.department_id)
            if g.department_id
            else (Appeal.objects.filter(path__startswith=g.node.path))
        )
        q = gq if q is None else q | gq
    return q if q is not None else Appeal.objects.none()


def _numbers(f):
    # Handling time in whole microseconds (the stored unit): float sums in another order never differ there.
    return tuple(getattr(f, n) for n in FIELDS) + (round(f.handling_hours * 3_600_000_000),)


PERIODS = (
    (dt.date(2026, 3, 1), dt.date(2026, 4, 30)),  # March from the month rows, April's days from the day rows
    (dt.date(2026, 3, 2), dt.date(2026, 3, 31)),  # no whole month: day rows only
    (dt.date(2026, 2, 1), dt.date(2026, 6, 1)),  # whole months only
    (dt.date(2026, 4, 1), dt.date(2026, 5, 1)),  # one month: deadlines in April of appeals filed in March
    (dt.date(2025, 7, 1), dt.date(2026, 7, 1)),  # a year of whole months
    (dt.date(2025, 12, 20), dt.date(2026, 12, 10)),  # a year with partial months at both edges
)


def assert_month_rows_are_their_day_rows():
    """Every month row is the sum of its day rows, for every counter: grouped by (month of filing,
    community, place, dimension, key, month of the deadline)."""
    from shanzhi.registry.paths import community_path

    expected = defaultdict(lambda: defaultdict(int))
    for r in AppealDayStat.objects.values():
        due_month = rollups.month_of(r["due_day"]) if r["due_day"] else None
        for dimension, key, place in (
            # A grid's rows under the grid's own path (its dashboard reads them), the others the community's.
            ("grid", r["grid_id"], r["path"] if r["grid_id"] else community_path(r["path"])),
            ("category", r["category_id"], community_path(r["path"])),
            ("department", r["department_id"], community_path(r["path"])),
        ):
            cell = (rollups.month_of(r["day"]), r["community_id"], place, dimension, key)
            sums = expected[(*cell, due_month)]
            for f in (*FIELDS, "handling"):
                sums[f] += r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
    got = {}
    for r in AppealMonthStat.objects.values():
        k = (r["month"], r["community_id"], r["path"], r["dimension"], r["key"], r["due_month"])
        assert k not in got, k
        got[k] = {
            f: r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
            for f in (*FIELDS, "handling")
        }
    expected = {k: dict(v) for k, v in expected.items()}
    assert set(got) == set(expected)
    differ = [(k, f, got[k][f], expected[k][f]) for k in got for f in got[k] if got[k][f] != expected[k][f]]
    assert differ == []


def assert_month_totals_are_their_day_rows():
    """Every month total is the sum of its day rows, for every filed counter: grouped by (month of
    filing, community, place, dimension, key), whatever the month of the deadline; per grid and
    per grid and category under the grid's path."""
    from shanzhi.registry.paths import community_path

    expected = defaultdict(lambda: defaultdict(int))
    for r in AppealDayStat.objects.values():
        place = community_path(r["path"])
        grid_place = r["path"] if r["grid_id"] else place
        for dimension, key, path in (
            ("grid", r["grid_id"], grid_place),
            ("category", r["category_id"], place),
            ("department", r["department_id"], place),
            ("grid_category", r["category_id"], grid_place),
        ):
            sums = expected[(rollups.month_of(r["day"]), r["community_id"], path, dimension, key)]
            for f in (*rollups.COUNTERS, "handling"):
                sums[f] += r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
    got = {}
    for r in AppealMonthTotal.objects.values():
        k = (r["month"], r["community_id"], r["path"], r["dimension"], r["key"])
        assert k not in got, k
        got[k] = {
            f: r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
            for f in (*rollups.COUNTERS, "handling")
        }
    assert got == {k: dict(v) for k, v in expected.items()}


def assert_department_months_are_their_day_rows():
    """Every department row is the sum of its day rows assigned to the department, for every
    counter: grouped by (month of filing, community, department, category, month of the deadline)."""
    expected = defaultdict(lambda: defaultdict(int))
    for r in AppealDayStat.objects.filter(department__isnull=False).values():
        due_month = rollups.month_of(r["due_day"]) if r["due_day"] else None
        k = (rollups.month_of(r["day"]), r["community_id"], r["department_id"], r["category_id"], due_month)
        for f in (*FIELDS, "handling"):
            expected[k][f] += r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
    got = {}
    for r in AppealDepartmentMonth.objects.values():
        k = (r["month"], r["community_id"], r["department_id"], r["key"], r["due_month"])
        assert k not in got and r["dimension"] == "category", k
        got[k] = {
            f: r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
            for f in (*FIELDS, "handling")
        }
    assert got == {k: dict(v) for k, v in expected.items()}


def assert_department_days_are_their_day_rows():
    """Every department day is the sum of its day rows assigned to the department: the filed row (no
    due day) of the filed counters and the handling time, per (day, community, department); the
    due rows of the due counters per due day too, only where some appeal is due."""
    expected = defaultdict(lambda: defaultdict(int))
    for r in AppealDayStat.objects.filter(department__isnull=False).values():
        cell = (r["day"], r["community_id"], r["department_id"])
        filed, due = expected[(*cell, None)], expected[(*cell, r["due_day"])]
        for f in (*FIELDS, "handling"):
            if f in rollups.DUE_COUNTERS:
                due[f] += r[f]
            else:
                filed[f] += r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
    expected = {k: v for k, v in expected.items() if k[-1] is None or v["due"]}
    for v in expected.values():
        for f in (*FIELDS, "handling"):
            v[f] += 0
    got = {}
    for r in AppealDepartmentDay.objects.values():
        k = (r["day"], r["community_id"], r["department_id"], r["due_day"])
        assert k not in got, k
        got[k] = {
            f: r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
            for f in (*FIELDS, "handling")
        }
    assert got == {k: dict(v) for k, v in expected.items()}


def assert_day_totals_are_their_day_rows():
    """Every day total is the sum of its day rows, once over every category and once per category:
    the filed rows (no due day) for the filed counters and the handling time, grouped by (day,
    community, place); the due rows for the due counters, grouped by due day too, only where some
    appeal is due; every other counter of a row 0."""
    from shanzhi.registry.paths import community_path

    expected = defaultdict(lambda: defaultdict(int))
    for r in AppealDayStat.objects.values():
        for category in (None, r["category_id"]):
            cell = (r["day"], r["community_id"], community_path(r["path"]), category)
            filed, due = expected[(*cell, None)], expected[(*cell, r["due_day"])]
            for f in (*FIELDS, "handling"):
                filed[f] += 0
                if f in rollups.DUE_COUNTERS:
                    due[f] += r[f]
                else:
                    filed[f] += r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
    # A due row exists where some appeal is due (a row of zeros otherwise is none).
    expected = {k: v for k, v in expected.items() if k[-1] is None or v["due"]}
    for v in expected.values():
        for f in (*FIELDS, "handling"):
            v[f] += 0
    got = {}
    for r in AppealDayTotal.objects.values():
        k = (r["day"], r["community_id"], r["path"], r["category_id"], r["due_day"])
        assert k not in got, k
        got[k] = {
            f: r[f] if f != "handling" else r[f] // dt.timedelta(microseconds=1)
            for f in (*FIELDS, "handling")
        }
    assert got == {k: dict(v) for k, v in expected.items()}


def assert_backlog_is_the_open_cases():
    """The backlog rows are the open cases on the clock (a timed status, not suspended, with a
    deadline) counted per community, place, local day of the deadline and of the warning; its
    month rows per community, place and month of the deadline; its cells' shares per day of filing
    too."""
    expected = defaultdict(int)
    for a in Appeal.objects.filter(deadline__isnull=False):
        if a.status in Appeal.TIMED and not a.suspended:
            warn_day = timezone.localdate(a.warn_at) if a.warn_at else None
            expected[(a.community_id, a.path, timezone.localdate(a.deadline), warn_day)] += 1
    got = {}
    for r in AppealBacklogStat.objects.values():
        k = (r["community_id"], r["path"], r["due_day"], r["warn_day"])
        assert k not in got and r["open"] > 0, k
        got[k] = r["open"]
    assert got == dict(expected)
    # The month rows: the same open cases per community, place and month of the deadline.
    months = defaultdict(int)
    for (community_id, path, due_day, _warn), n in expected.items():
        months[(community_id, path, rollups.month_of(due_day))] += n
    got = {}
    for r in AppealBacklogMonth.objects.values():
        k = (r["community_id"], r["path"], r["due_month"])
        assert k not in got, k
        got[k] = r["open"]
    assert got == dict(months)
    # The cells' shares: the same open cases per day of filing as well; they add up to the rows.
    cells = defaultdict(int)
    for a in Appeal.objects.filter(deadline__isnull=False, status__in=Appeal.TIMED, suspended=False):
        warn_day = timezone.localdate(a.warn_at) if a.warn_at else None
        k = (
            timezone.localdate(a.created_at),
            a.community_id,
            a.path,
            timezone.localdate(a.deadline),
            warn_day,
        )
        cells[k] += 1
    got = {}
    for r in AppealBacklogCell.objects.values():
        k = (r["day"], r["community_id"], r["path"], r["due_day"], r["warn_day"])
        assert k not in got and r["open"] > 0, k
        got[k] = r["open"]
    assert got == dict(cells)


def assert_matches_oracle(user):
    """For every dimension and period, every way of reading (day rows alone; month rows for the
    whole months where the user's scope allows, with the month totals for the filed counters and
    the day totals for the other days or not) gives what the scan gives; and the coarser rows are
    the sums of the day rows."""
    assert_month_rows_are_their_day_rows()
    assert_month_totals_are_their_day_rows()
    assert_department_months_are_their_day_rows()
    assert_department_days_are_their_day_rows()
    assert_day_totals_are_their_day_rows()
    assert_backlog_is_the_open_cases()
    days, months = metrics.stats_for(user)
    totals = permissions.visible(user, AppealDayTotal) if months is not None else None
    month_totals = permissions.visible(user, AppealMonthTotal) if months is not None else None
    now = dt.datetime.now(dt.UTC)
    ways = ((None, None, None), (months, None, None), (months, totals, month_totals))
    expected = []  # each period's total, for the comparisons' reading below
    for first, end_day in PERIODS:
        start, end = metrics.period(first, end_day)
        for dimension in metrics.DIMENSIONS:
            expected_units, expected_total = oracle(_scoped_appeals(user), dimension, start, end, now)
            if dimension == "grid":
                expected.append(_numbers(expected_total))
            for how, day_totals, filed in ways:
                reads = {"months": how, "totals": day_totals, "month_totals": filed}
                units, total = metrics.compute(days, dimension, start, end, **reads)
                received = metrics.received(days, dimension, start, end, **reads)
                assert received == {k: f.received for k, f in expected_units.items() if f.received}
                assert _numbers(total) == _numbers(expected_total), (dimension, first, how is None)
                assert {u.key: _numbers(u) for u in units} == {
                    k: _numbers(f) for k, f in expected_units.items()
                }, (dimension, first, how is None)
    # The comparisons' totals: every period at once, each way of reading, as the scan's totals.
    bounds = [metrics.period(first, end_day) for first, end_day in PERIODS]
    for how, day_totals, filed in ways:
        reads = {"months": how, "totals": day_totals, "month_totals": filed}
        assert [_numbers(t) for t in metrics.totals(days, bounds, **reads)] == expected, how is None
    # A department's own reading (the data centre's department dashboard): its department rows for
    # whole months give what its day rows alone give (themselves checked against the scan above).
    departments = AppealDayStat.objects.exclude(department=None).values_list("department_id", flat=True)
    for department in set(departments):
        own = AppealDayStat.objects.filter(department_id=department)
        rows = AppealDepartmentMonth.objects.filter(department_id=department)
        for first, end_day in PERIODS:
            start, end = metrics.period(first, end_day)
            alone = metrics.compute(own, "category", start, end)
            read = metrics.compute(own, "category", start, end, months=rows)
            assert [_numbers(u) for u in read[0]] == [_numbers(u) for u in alone[0]], (department, first)
            assert _numbers(read[1]) == _numbers(alone[1]), (department, first)
        # Its comparisons' totals: its department rows and department days, every period at once.
        own_days = AppealDepartmentDay.objects.filter(department_id=department)
        bounds = [metrics.period(first, end_day) for first, end_day in PERIODS]
        read = metrics.totals(own_days, bounds, months=rows, month_dimension="category", filed_rows=True)
        alone = [metrics.compute(own, "category", start, end)[1] for start, end in bounds]
        assert [_numbers(t) for t in read] == [_numbers(t) for t in alone], department
    start, end = metrics.period(*PERIODS[0])
    return metrics.compute(days, "grid", start, end, months=months)[1]


def assert_grid_matches_oracle(grid):
    """A grid's own reading (the data centre's grid dashboard): the rows under the grid's path, its
    month rows and month totals for whole months (``within_grid``: by category the totals' per grid
    and category rows, the due counters by category from the day rows), for every dimension and
    period, against the scan of the grid's appeals; and the coarser rows are their day rows' sums."""
    assert_month_rows_are_their_day_rows()
    assert_month_totals_are_their_day_rows()
    under = {"path__startswith": grid.path}
    days, months = AppealDayStat.objects.filter(**under), AppealMonthStat.objects.filter(**under)
    reads = {"months": months, "month_totals": AppealMonthTotal.objects.filter(**under), "within_grid": True}
    now = dt.datetime.now(dt.UTC)
    expected = []  # each period's total, for the comparisons' reading below
    for first, end_day in PERIODS:
        start, end = metrics.period(first, end_day)
        for dimension in metrics.DIMENSIONS:
            expected_units, expected_total = oracle(
                Appeal.objects.filter(**under), dimension, start, end, now
            )
            if dimension == "grid":
                expected.append(_numbers(expected_total))
            units, total = metrics.compute(days, dimension, start, end, **reads)
            received = metrics.received(days, dimension, start, end, **reads)
            assert received == {k: f.received for k, f in expected_units.items() if f.received}
            assert _numbers(total) == _numbers(expected_total), (dimension, first)
            assert {u.key: _numbers(u) for u in units} == {
                k: _numbers(f) for k, f in expected_units.items()
            }, (dimension, first)
    bounds = [metrics.period(first, end_day) for first, end_day in PERIODS]
    assert [_numbers(t) for t in metrics.totals(days, bounds, **reads)] == expected


READERS = ("zhang", "zhao", "chen", "liu", "zhou", "sun", "wu", "zheng")


def _handled(cast, a, *, rating="satisfied", rework=False, to_department=False):
    a = services.accept(a, by=cast.zhang)
    if to_department:
        a = services.dispatch(a, by=cast.zhang, to_department=cast.department)
        a = services.start(a, by=cast.zheng)
        return services.resolve(a, by=cast.zheng, result="已处理")
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    a = services.start(a, by=cast.wang)
    a = services.resolve(a, by=cast.wang, result="已处理")
    if rework:
        a = services.send_back(a, by=cast.zhao, reason="没修好")
        a = services.resolve(a, by=cast.wang, result="再次处理")
    a = services.verify(a, by=cast.zhao)
    return services.rate(
        a, by=cast.jumin, solved="solved" if rating == "satisfied" else "partly", rating=rating
    )


def test_rollup_equals_a_scan_after_a_sequence_of_moves(cast, cats, file_appeal):
    _handled(cast, file_appeal())
    _handled(cast, file_appeal(), rating="unsatisfied", rework=True)
    _handled(cast, file_appeal(category=cats.parking), to_department=True)
    services.reject(file_appeal(title="不属实"), by=cast.zhang, reason="经核实不属实")
    main = services.accept(file_appeal(lng=IN_A2[0], lat=IN_A2[1]), by=cast.zhang)
    services.merge(file_appeal(lng=IN_A2[0], lat=IN_A2[1], title="重复"), into=main, by=cast.zhang)
    services.escalate(
        services.accept(file_appeal(node=cast.community_b), by=cast.chen), by=cast.chen, reason="需街道协调"
    )
    file_appeal(node=cast.street2, title="街道层面")  # no community: a cell of its own
    slow = services.start(
        services.dispatch(
            services.accept(file_appeal(title="四天"), by=cast.zhang), by=cast.zhang, to_user=cast.wang
        ),
        by=cast.wang,
    )
    with time_machine.travel(MONDAY + dt.timedelta(days=4), tick=False):
        services.resolve(slow, by=cast.wang, result="四天后办结")  # 办理时长 3–5 days
    with time_machine.travel(MONDAY + dt.timedelta(days=9), tick=False):
        _handled(cast, file_appeal(title="第九天"))
    with time_machine.travel(MONDAY + dt.timedelta(days=20), tick=False):
        sweep.run()
        for name in READERS:
            assert_matches_oracle(getattr(cast, name))
        for grid in (cast.grid, cast.grid2):
            assert_grid_matches_oracle(grid)
        total = assert_matches_oracle(cast.wu)
    assert total.received == 9 and total.due > 0  # ten filed, one merged into another
    # The histogram's buckets split the resolved, and the four-day case is in its own bucket.
    assert sum(getattr(total, n) for n in rollups.HANDLING_COUNTERS) == total.resolved
    assert total.handled_5d == 1 and total.handled_1d == total.resolved - 1
    assert not AppealRollupMark.objects.exists()  # every mark was drained


def test_due_counters_follow_the_deadlines_month_not_the_filing_month(cast, file_appeal):
    """Appeals filed at the end of March whose deadlines fall in April: April's on-time closure rate
    counts them from the month rows of March's cells (by ``due_month``), as the recount does."""
    with time_machine.travel(dt.datetime(2026, 3, 30, 2, 0, tzinfo=dt.UTC), tick=False):
        late = services.accept(file_appeal(title="月底"), by=cast.zhang)
        _handled(cast, file_appeal(title="月底办结"))
    assert timezone.localdate(late.deadline).month == 4
    with time_machine.travel(dt.datetime(2026, 5, 6, 2, 0, tzinfo=dt.UTC), tick=False):
        sweep.run()
        rows = AppealMonthStat.objects.filter(month=dt.date(2026, 3, 1), due_month=dt.date(2026, 4, 1))
        assert rows.filter(dimension="grid").aggregate(n=Sum("due"))["n"] == 2
        days, months = metrics.stats_for(cast.zhang)
        april = metrics.period(dt.date(2026, 4, 1), dt.date(2026, 5, 1))
        total = metrics.compute(days, "grid", *april, months=months)[1]
        assert (total.received, total.due, total.on_time) == (0, 2, 1)
        for name in ("zhang", "liu", "wu", "zheng"):
            assert_matches_oracle(getattr(cast, name))
        assert_grid_matches_oracle(cast.grid)


def test_scope_follows_place_and_department(cast, cats, file_appeal, login):
    _handled(cast, file_appeal(category=cats.parking), to_department=True)
    file_appeal(node=cast.community_b)
    assert assert_matches_oracle(cast.zhang).received == 1
    assert assert_matches_oracle(cast.chen).received == 1
    assert assert_matches_oracle(cast.liu).received == 2
    assert assert_matches_oracle(cast.zhou).received == 0
    dept = assert_matches_oracle(cast.zheng)
    assert (dept.received, dept.resolved) == (1, 1)
    for user in (cast.wang, cast.jumin, cast.feng, cast.xitong):
        assert not permissions.visible(user, AppealDayStat).exists()
        assert not permissions.visible(user, AppealMonthStat).exists()
    # Month rows are per community: a department's handler reads the day rows alone.
    assert (
        metrics.stats_for(cast.zheng)[1] is None
        and not permissions.visible(cast.zheng, AppealMonthStat).exists()
    )
    assert metrics.stats_for(cast.zhang)[1] is not None
    assert (
        not permissions.visible(cast.chen, AppealMonthStat)
        .filter(path__startswith=cast.community.path)
        .exists()
    )
    assert login(cast.zheng).get(reverse("appeals:metrics"), {"dimension": "department"}).status_code == 200
    assert login(cast.wang).get(reverse("appeals:metrics")).status_code == 403
    assert login(cast.feng).get(reverse("appeals:metrics_export")).status_code == 403


def test_sweep_refreshes_due_when_a_deadline_passes_without_a_move(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    start, end = metrics.period(dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    stats = permissions.visible(cast.zhang, AppealDayStat)
    with time_machine.travel(a.deadline + dt.timedelta(minutes=1), tick=False):
        assert metrics.compute(stats, "grid", start, end)[1].due == 0  # not refreshed yet
        result = sweep.run()
        assert result["rollup_cells_due"] == 1
        assert metrics.compute(stats, "grid", start, end)[1].due == 1
        assert sweep.run()["rollup_cells_due"] == 0  # nothing passed since: nothing to do
        assert_matches_oracle(cast.zhang)


def test_drain_refreshes_each_marked_cell_once(cast, file_appeal):
    a = file_appeal()
    b = file_appeal(lng=IN_A2[0], lat=IN_A2[1])  # same community, same day: the same cell
    Appeal.objects.filter(pk__in=[a.pk, b.pk]).update(title="改")  # no move: nothing marked
    for _ in range(5):
        AppealRollupMark.objects.create(day=rollups.day_of(a.created_at), community_id=a.community_id)
    AppealRollupMark.objects.create(day=rollups.day_of(a.created_at), community_id=cast.community_c.pk)
    assert rollups.drain() == 2
    assert not AppealRollupMark.objects.exists()
    assert rollups.drain() == 0


def test_a_queued_drain_is_enqueued_once_per_transaction(cast, file_appeal, settings):
    from django_tasks_db.models import DBTaskResult

    a = file_appeal()
    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}
    drains = DBTaskResult.objects.filter(task_path__endswith="drain_rollups")
    with transaction.atomic():
        try:
            with transaction.atomic():
                rollups.touch(a)
                raise RuntimeError
        except RuntimeError:
            pass
        assert drains.count() == 0  # the nudge went with its savepoint ...
        for _ in range(3):
            rollups.touch(a)  # ... so the next touch nudges again, and only the first of these
    assert drains.count() == 1 and AppealRollupMark.objects.count() == 3
    assert drains.get().run_after is not None  # deferred a little, so that a burst coalesces
    assert rollups.drain() == 1 and not AppealRollupMark.objects.exists()


def _rows():
    return sorted(
        AppealDayStat.objects.values_list(
            "day", "path", "category_id", "department_id", *FIELDS, "handling", "next_due_at"
        )
    )


def test_rebuild_is_idempotent_and_repairs(cast, file_appeal):
    _handled(cast, file_appeal())
    services.accept(file_appeal(node=cast.community_b), by=cast.chen)
    before = _rows()
    assert rollups.rebuild() == AppealDayStat.objects.count()
    assert _rows() == before
    AppealDayStat.objects.update(received=99)
    AppealMonthStat.objects.update(received=99)
    AppealDayStat.objects.create(
        day=dt.date(2026, 3, 5), path=cast.grid.path, category=cast_category(), received=7
    )
    AppealMonthStat.objects.update(due=99)
    call_command("appeal_rollups", "--since", "2026-03-01")
    assert _rows() == before
    assert_month_rows_are_their_day_rows()  # the month rows (due counters too) repaired as well
    rollups.rebuild()
    assert _rows() == before
    assert_month_rows_are_their_day_rows()


def cast_category():
    from shanzhi.appeals.models import Category

    return Category.objects.first()


def test_the_command_refuses_a_bad_date_and_changes_nothing(cast, file_appeal):
    file_appeal()
    before = _rows()
    with pytest.raises(CommandError):
        call_command("appeal_rollups", "--since", "3月1日")
    assert _rows() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_cell_at_once_leave_one_correct_set_of_rows(cast, cats):
    appeals = [
        services.submit(
            by=cast.jumin,
            channel="web",
            title=f"并发统计{i}",
            description="同时刷新",
            category=cats.neighbour_noise,
            lng=IN_A1[0],
            lat=IN_A1[1],
        )
        for i in range(3)
    ]
    services.accept(appeals[0], by=cast.zhang)
    day, community = rollups.day_of(appeals[0].created_at), appeals[0].community_id
    AppealDayStat.objects.all().delete()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            rollups.refresh(day, community)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = list(AppealDayStat.objects.filter(day=day, community_id=community))
    # One row per key: the accepted appeal has a deadline day, the other two have none, so the
    # cell holds two rows; a race that wrote the cell twice would double one of them.
    keys = [(r.path, r.category_id, r.department_id, r.due_day) for r in rows]
    assert len(keys) == len(set(keys)) == 2
    assert (sum(r.received for r in rows), sum(r.accepted for r in rows)) == (3, 1)
    assert_matches_oracle(cast.zhang)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_moves_racing_on_one_cell_leave_it_correct_after_the_next_drain(cast, cats):
    appeals = [
        services.submit(
            by=cast.jumin,
            channel="web",
            title=f"并发受理{i}",
            description="同时受理",
            category=cats.neighbour_noise,
            lng=IN_A1[0],
            lat=IN_A1[1],
        )
        for i in range(4)
    ]
    barrier = threading.Barrier(len(appeals))
    errors = []

    def run(a):
        try:
            barrier.wait()
            services.accept(a, by=cast.zhang)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in appeals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rollups.drain()  # a drain that found a cell busy left its marks for the next one: this one
    assert not AppealRollupMark.objects.exists()
    assert assert_matches_oracle(cast.zhang).accepted == 4
