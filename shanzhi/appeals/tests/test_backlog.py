"""The data centre's "overdue now" and "warning now" from the backlog rollup (``appeals.backlog``):
the same counts as the worklist's tabs (``queries.late_q``) at any moment, whatever the time of day
(deadlines and warnings earlier today, later today, on other days), for a district, a community
and a grid; suspended and closed cases never count; a move keeps the rows in step."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db.models import Count

from shanzhi.appeals import backlog, rollups, services
from shanzhi.appeals.models import Appeal, AppealBacklogStat, InvalidKind
from shanzhi.appeals.queries import late_q

from .conftest import local

T = local(2026, 3, 2, 12, 0)  # the fixed day's noon, local time
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
# (deadline, warning) relative to T, and how the case stands besides.
CASES = (
    (-3 * D, -4 * D, {}),  # overdue for days
    (-1 * H, -1 * D, {}),  # overdue since this morning
    (1 * H, -2 * H, {}),  # due later today, warned this morning
    (2 * D, -30 * dt.timedelta(minutes=1), {}),  # warned half an hour ago, due in two days
    (2 * D, -1 * D, {}),  # warned yesterday, due in two days
    (3 * D, 1 * D, {}),  # warned tomorrow
    (-3 * D, -4 * D, {"suspended": True}),  # suspended: off the clock
    (-3 * D, -4 * D, {"status": Appeal.Status.CLOSED}),  # closed
    (-2 * D, -3 * D, {"status": Appeal.Status.RESOLVED}),  # resolved: not a timed status
)
NOWS = (
    T,
    T - 12 * H,  # local midnight this morning, exactly
    T - 12 * H - dt.timedelta(microseconds=1),  # the last instant of yesterday
    T + 12 * H - dt.timedelta(microseconds=1),  # the last instant of today
    T + 12 * H,  # tomorrow's midnight
    T - 90 * dt.timedelta(minutes=1),  # before the second case's deadline
    T - 30 * dt.timedelta(minutes=1),  # the instant the fourth case is warned
    T + 2 * D,  # the day two deadlines fall on
    T - 5 * D,
    T + 5 * D,
)


@pytest.fixture
def placed(cast, file_appeal):
    """The cases of ``CASES``, accepted in grid A1 and then given their deadlines and states."""
    for deadline, warn, state in CASES:
        a = services.accept(file_appeal(), by=cast.zhang)
        Appeal.objects.filter(pk=a.pk).update(deadline=T + deadline, warn_at=T + warn, **state)
    rollups.rebuild()  # the updates above bypassed the moves (and their marks)


def _paths(cast):
    return [cast.district.path, cast.community.path, cast.grid.path, cast.community_b.path]


@pytest.mark.django_db
def test_counts_equal_the_worklists_at_every_moment(cast, placed):
    assert AppealBacklogStat.objects.exists()
    for now in NOWS:
        for path in _paths(cast):
            for bucket in backlog.BUCKETS:
                expected = Appeal.objects.filter(late_q(bucket, now), path__startswith=path)
                assert backlog.count(path, bucket, now) == expected.count(), (now, path, bucket)
                assert backlog.counts(path, now)[bucket] == expected.count(), (now, path, bucket)
                grouped = dict(expected.values("path").annotate(n=Count("*")).values_list("path", "n"))
                assert {p: n for p, n in backlog.by_path(path, bucket, now).items() if n} == grouped
    # The fixture's moment itself: two overdue (not the suspended, closed or resolved ones), three warned.
    assert backlog.count(cast.district.path, "overdue", T) == 2
    assert backlog.count(cast.district.path, "warning", T) == 3


@pytest.mark.django_db
def test_a_move_keeps_the_backlog_in_step(cast, placed):
    late = Appeal.objects.filter(late_q("overdue", T)).order_by("pk").first()
    kind = InvalidKind.objects.get_or_create(code="out_of_scope", defaults={"name": "不属于受理范围"})[0]
    services.reject(
        late, by=cast.zhang, reason="不属于受理范围", kind=kind
    )  # off the list: the drain recounts
    expected = Appeal.objects.filter(late_q("overdue", T), path__startswith=cast.district.path).count()
    assert backlog.count(cast.district.path, "overdue", T) == expected == 1


def test_an_unknown_bucket_is_refused():
    with pytest.raises(ValueError):
        backlog.count("1/", "soon", T)


@pytest.mark.django_db
def test_a_drain_recounts_only_its_cells_open_cases_and_the_sweep_none(cast, placed, monkeypatch):
    from shanzhi.appeals import rollup_grains
    from shanzhi.appeals.models import AppealRollupMark

    from .test_rollups import assert_backlog_is_the_open_cases

    whole, cells = [], []
    real_whole, real_cell = rollup_grains.refresh_backlog, rollup_grains.refresh_backlog_cell
    monkeypatch.setattr(
        rollup_grains, "refresh_backlog", lambda c, now: whole.append(c) or real_whole(c, now)
    )
    monkeypatch.setattr(
        rollup_grains,
        "refresh_backlog_cell",
        lambda d, c, appeals, now: cells.append((d, c, appeals.count())) or real_cell(d, c, appeals, now),
    )
    for day in (dt.date(2026, 3, 1), dt.date(2026, 3, 2)):  # two cells of one community
        AppealRollupMark.objects.create(day=day, community_id=cast.community.pk)
    assert rollups.drain() == 2
    # Each cell's own appeals (those filed that day), never the community's as a whole.
    days = (dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    bounds = [rollups.day_bounds(d) for d in days]
    filed = [
        Appeal.objects.filter(community=cast.community, created_at__gte=a, created_at__lt=b).count()
        for a, b in bounds
    ]
    assert whole == [] and cells == [(d, cast.community.pk, n) for d, n in zip(days, filed, strict=True)]
    cells.clear()
    assert rollups.refresh_due(T + 5 * D) > 0  # deadlines passing change no open case
    assert cells == [] and whole == []
    assert_backlog_is_the_open_cases()


@pytest.mark.django_db
def test_a_cells_change_the_rows_cannot_take_recounts_the_community(cast, placed):
    from shanzhi.appeals.models import AppealBacklogMonth

    from .test_rollups import assert_backlog_is_the_open_cases

    AppealBacklogStat.objects.all().delete()  # rows lost (a restore, say): a closing case has none to leave
    AppealBacklogMonth.objects.all().delete()
    late = Appeal.objects.filter(late_q("overdue", T)).order_by("pk").first()
    kind = InvalidKind.objects.get_or_create(code="out_of_scope", defaults={"name": "不属于受理范围"})[0]
    services.reject(late, by=cast.zhang, reason="不属于受理范围", kind=kind)
    assert_backlog_is_the_open_cases()


@pytest.mark.django_db
def test_the_migration_fills_the_day_totals_and_the_backlog_as_the_rollups_keep_them(cast, placed):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from shanzhi.appeals.models import AppealDayTotal

    from .test_rollups import assert_backlog_is_the_open_cases, assert_day_totals_are_their_day_rows

    migration = import_module("shanzhi.appeals.migrations.0020_day_totals_backlog")
    AppealDayTotal.objects.all().delete()
    AppealBacklogStat.objects.all().delete()

    def execute(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    # The schema editor's part the fill uses (SQLite opens none inside the test's transaction).
    editor = SimpleNamespace(connection=connection, execute=execute)
    migration.fill(apps, editor)  # set-based on PostgreSQL, row by row elsewhere
    # ... and the day totals in their two kinds of rows since appeals/0028, as a migrate runs both.
    import_module("shanzhi.appeals.migrations.0028_day_totals_filed_rows").fill(apps, editor)
    assert AppealDayTotal.objects.exists() and AppealBacklogStat.objects.exists()
    assert_day_totals_are_their_day_rows()
    assert_backlog_is_the_open_cases()


@pytest.mark.django_db
def test_the_migrations_fill_the_month_totals_grid_rows_and_backlog_months_as_the_rollups_keep_them(
    cast, placed, file_appeal
):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from shanzhi.appeals.models import (
        AppealBacklogCell,
        AppealBacklogMonth,
        AppealDayTotal,
        AppealDepartmentDay,
        AppealDepartmentMonth,
        AppealMonthStat,
        AppealMonthTotal,
    )
    from shanzhi.registry.paths import community_path

    from .test_rollups import (
        assert_backlog_is_the_open_cases,
        assert_day_totals_are_their_day_rows,
        assert_department_days_are_their_day_rows,
        assert_department_months_are_their_day_rows,
        assert_month_rows_are_their_day_rows,
        assert_month_totals_are_their_day_rows,
    )

    file_appeal(node=cast.community)  # an appeal with no grid: its grid row under the community
    # One handled by a department: its department rows and department days.
    from shanzhi.appeals import services

    services.dispatch(
        services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_department=cast.department
    )
    # As before appeals/0024 and 0026: grid rows under the community's path, no totals, no months.
    for row in AppealMonthStat.objects.filter(dimension="grid"):
        AppealMonthStat.objects.filter(pk=row.pk).update(path=community_path(row.path))
    AppealMonthTotal.objects.all().delete()
    AppealBacklogMonth.objects.all().delete()
    AppealBacklogCell.objects.all().delete()

    def execute(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    editor = SimpleNamespace(connection=connection, execute=execute)
    # As before appeals/0027 and 0028: no department rows, day totals split by due day throughout.
    AppealDepartmentMonth.objects.all().delete()
    AppealDayTotal.objects.update(due_day=None)
    AppealDepartmentDay.objects.all().delete()  # as before appeals/0034
    names = (
        "0024_month_totals",
        "0026_backlog_cells_months",
        "0027_department_months",
        "0028_day_totals_filed_rows",
        "0034_department_days",
    )
    for name in names:
        import_module(f"shanzhi.appeals.migrations.{name}").fill(apps, editor)  # SQL on PostgreSQL
    assert AppealMonthTotal.objects.filter(dimension="grid_category").exists()
    assert AppealBacklogMonth.objects.exists() and AppealBacklogCell.objects.exists()
    assert_month_rows_are_their_day_rows()
    assert_month_totals_are_their_day_rows()
    assert_department_months_are_their_day_rows()
    assert AppealDepartmentDay.objects.exists()
    assert_department_days_are_their_day_rows()
    assert_day_totals_are_their_day_rows()
    assert_backlog_is_the_open_cases()
