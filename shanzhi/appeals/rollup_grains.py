"""The coarser rollup grains rebuilt from a cell's day rows (``AppealMonthStat``, ``AppealMonthTotal``,
``AppealDayTotal``) and the open backlog's counts (``AppealBacklogStat``); the upkeep half of
``appeals.rollups``, which calls these under its cell locks and re-exports them. Why each grain:
docs/ARCHITECTURE.md, "The metrics rollups"."""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from shanzhi.registry.paths import community_path

from .models import (
    Appeal,
    AppealBacklogStat,
    AppealDayStat,
    AppealDayTotal,
    AppealMonthStat,
    AppealMonthTotal,
)
from .rollup_days import month_of, next_month

DAY_FIELDS = ("path", "street_path", "grid_id", "category_id", "department_id", "due_day", "handling")


def _cell(community_id):
    return Q(community_id=community_id) if community_id else Q(community__isnull=True)


def _day_rows(community_id, counters, **where):
    return AppealDayStat.objects.filter(_cell(community_id), **where).values(*DAY_FIELDS, *counters)


def _add(row, r, counters):
    for c in counters:
        setattr(row, c, getattr(row, c) + r[c])
    row.handling += r["handling"]


# --- month rows and month totals ----------------------------------------------------------------


def refresh_month(month, community_id, now, counters, filed):
    """Rebuild the month rows and the month totals of a (month, community) from its day rows (one
    read of them; caller holds the month cell's lock). ``filed``: the counters the totals keep."""
    days = list(_day_rows(community_id, counters, day__gte=month, day__lt=next_month(month)))
    AppealMonthStat.objects.filter(_cell(community_id), month=month).delete()
    AppealMonthStat.objects.bulk_create(month_rows(AppealMonthStat, days, month, community_id, now, counters))
    AppealMonthTotal.objects.filter(_cell(community_id), month=month).delete()
    AppealMonthTotal.objects.bulk_create(month_total_rows(days, month, community_id, now, filed))


def grid_place(r):
    """The place a per-grid row is filed under: the day row's own path when it has a grid (the
    grid's), else its community's (``community_path``)."""
    return r["path"] if r["grid_id"] else community_path(r["path"])


def month_rows(model, days, month, community_id, now, counters):
    """The month rows (unsaved ``model`` instances) of a (month, community) from its day rows (dicts):
    summed per dimension separately (per grid, per category, per department) and per month of the
    deadline, so that the filed counters are read by ``month`` and the due counters by ``due_month``.
    A grid's rows are under its own path (``grid_place``), the others under the community's."""
    sums = {}
    for r in days:
        place = community_path(r["path"])
        due_month = month_of(r["due_day"]) if r["due_day"] else None
        for dimension, key, path in (
            ("grid", r["grid_id"], grid_place(r)),
            ("category", r["category_id"], place),
            ("department", r["department_id"], place),
        ):
            row = sums.get((path, dimension, key, due_month))
            if row is None:
                row = sums[(path, dimension, key, due_month)] = model(
                    month=month,
                    community_id=community_id,
                    path=path,
                    street_path=r["street_path"],
                    dimension=dimension,
                    key=key,
                    due_month=due_month,
                    refreshed_at=now,
                )
            _add(row, r, counters)
    return list(sums.values())


def month_total_rows(days, month, community_id, now, counters):
    """The month totals (unsaved) of a (month, community) from its day rows (dicts): the month rows'
    dimensions without the month of the deadline, and per grid and category under the grid's path;
    ``counters``: the filed ones."""
    sums = {}
    for r in days:
        place = community_path(r["path"])
        for dimension, key, path in (
            ("grid", r["grid_id"], grid_place(r)),
            ("category", r["category_id"], place),
            ("department", r["department_id"], place),
            ("grid_category", r["category_id"], grid_place(r)),
        ):
            row = sums.get((path, dimension, key))
            if row is None:
                row = sums[(path, dimension, key)] = AppealMonthTotal(
                    month=month,
                    community_id=community_id,
                    path=path,
                    street_path=r["street_path"],
                    dimension=dimension,
                    key=key,
                    refreshed_at=now,
                )
            _add(row, r, counters)
    return list(sums.values())


# --- day totals ---------------------------------------------------------------------------------


def refresh_day_totals(day, community_id, now, counters):
    """Rebuild the day totals of a (day, community) cell from its day rows (caller holds the lock)."""
    days = _day_rows(community_id, counters, day=day)
    AppealDayTotal.objects.filter(_cell(community_id), day=day).delete()
    AppealDayTotal.objects.bulk_create(day_total_rows(AppealDayTotal, days, day, community_id, now, counters))


def day_total_rows(model, days, day, community_id, now, counters):
    """The day totals (unsaved ``model`` instances) of a (day, community) from its day rows (dicts):
    summed per place and due day (``category`` None), and per place, category and due day."""
    sums = {}
    for r in days:
        place, due_day = community_path(r["path"]), r["due_day"]
        for category in (None, r["category_id"]):
            row = sums.get((place, category, due_day))
            if row is None:
                row = sums[(place, category, due_day)] = model(
                    day=day,
                    community_id=community_id,
                    path=place,
                    street_path=r["street_path"],
                    category_id=category,
                    due_day=due_day,
                    refreshed_at=now,
                )
            _add(row, r, counters)
    return list(sums.values())


# --- the open backlog ---------------------------------------------------------------------------


def backlog_rows(community_id, now):
    """The backlog rows (unsaved) of a community, from its open cases on the clock (a timed status,
    not suspended, with a deadline), per place, day of the deadline and day of the warning."""
    appeals = Appeal.objects.filter(
        _cell(community_id), status__in=Appeal.TIMED, suspended=False, deadline__isnull=False
    )
    rows = (
        appeals.annotate(due=TruncDate("deadline"), warn=TruncDate("warn_at"))
        .values("path", "due", "warn")
        .annotate(n=Count("*"))
        .order_by()
    )
    return [
        AppealBacklogStat(
            community_id=community_id,
            path=r["path"],
            due_day=r["due"],
            warn_day=r["warn"],
            open=r["n"],
            refreshed_at=now,
        )
        for r in rows
    ]


def refresh_backlog(community_id, now):
    """Rebuild a community's backlog rows (caller holds the community's backlog lock)."""
    AppealBacklogStat.objects.filter(_cell(community_id)).delete()
    AppealBacklogStat.objects.bulk_create(backlog_rows(community_id, now), batch_size=1000)
