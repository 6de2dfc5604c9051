"""The coarser rollup grains rebuilt from a cell's day rows (``AppealMonthStat``, ``AppealMonthTotal``,
``AppealDepartmentMonth``, ``AppealDayTotal``, ``AppealDepartmentDay``) and the open backlog's counts (``AppealBacklogStat``, ``AppealBacklogMonth``); the upkeep half of
``appeals.rollups``, which calls these under its cell locks and re-exports them. Why each grain:
docs/ARCHITECTURE.md, "The metrics rollups"."""

from collections import Counter

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from shanzhi.registry.paths import community_path

from .models import (
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
    AppealDepartmentMonth.objects.filter(_cell(community_id), month=month).delete()
    AppealDepartmentMonth.objects.bulk_create(department_month_rows(days, month, community_id, now, counters))


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


def department_month_rows(days, month, community_id, now, counters):
    """The department rows (unsaved ``AppealDepartmentMonth``) of a (month, community) from its day
    rows (dicts): the rows assigned to a department, per department, category and month of the
    deadline."""
    sums = {}
    for r in days:
        if r["department_id"] is None:
            continue
        due_month = month_of(r["due_day"]) if r["due_day"] else None
        k = (r["department_id"], r["category_id"], due_month)
        row = sums.get(k)
        if row is None:
            row = sums[k] = AppealDepartmentMonth(
                month=month,
                community_id=community_id,
                department_id=r["department_id"],
                key=r["category_id"],
                due_month=due_month,
                refreshed_at=now,
            )
        _add(row, r, counters)
    return list(sums.values())


# --- day totals ---------------------------------------------------------------------------------


def refresh_day_totals(day, community_id, now, counters, filed):
    """Rebuild the day totals and the department days of a (day, community) cell from its day rows
    (one read of them; caller holds the lock)."""
    days = list(_day_rows(community_id, counters, day=day))
    AppealDayTotal.objects.filter(_cell(community_id), day=day).delete()
    AppealDayTotal.objects.bulk_create(day_total_rows(days, day, community_id, now, counters, filed))
    AppealDepartmentDay.objects.filter(_cell(community_id), day=day).delete()
    AppealDepartmentDay.objects.bulk_create(
        department_day_rows(days, day, community_id, now, counters, filed)
    )


def department_day_rows(days, day, community_id, now, counters, filed):
    """The department days (unsaved ``AppealDepartmentDay``) of a (day, community) from its day rows
    (dicts): the rows assigned to a department, per department, in the day totals' two kinds (the
    filed counters in a row with no due day; the due counters per due day, where any is due)."""
    due_counters = [c for c in counters if c not in filed]
    sums = {}
    for r in days:
        if r["department_id"] is None:
            continue
        keys = [(r["department_id"], None)] + ([(r["department_id"], r["due_day"])] if r["due"] else [])
        for department, due_day in keys:
            row = sums.get((department, due_day))
            if row is None:
                row = sums[(department, due_day)] = AppealDepartmentDay(
                    day=day,
                    community_id=community_id,
                    department_id=department,
                    due_day=due_day,
                    refreshed_at=now,
                )
            if due_day is None:
                _add(row, r, filed)
            else:
                for c in due_counters:
                    setattr(row, c, getattr(row, c) + r[c])
    return list(sums.values())


def day_total_rows(days, day, community_id, now, counters, filed):
    """The day totals (unsaved) of a (day, community) from its day rows (dicts), once over every
    category (``category`` None) and once per category, in two kinds of rows: the *filed* rows
    (``due_day`` None), per place, with the ``filed`` counters and the handling time; the *due*
    rows, per place and due day, with the other counters (the due ones) alone, only where an
    appeal is due. A period's filed counters read the filed rows, a few dozen a community-day
    whatever the deadlines of its appeals (split by due day, they were three times as many)."""
    due_counters = [c for c in counters if c not in filed]
    sums = {}

    def row_of(place, category, due_day, street_path):
        row = sums.get((place, category, due_day))
        if row is None:
            row = sums[(place, category, due_day)] = AppealDayTotal(
                day=day,
                community_id=community_id,
                path=place,
                street_path=street_path,
                category_id=category,
                due_day=due_day,
                refreshed_at=now,
            )
        return row

    for r in days:
        place = community_path(r["path"])
        for category in (None, r["category_id"]):
            _add(row_of(place, category, None, r["street_path"]), r, filed)
            if r["due"]:  # the due counters are of the due (``rollups.DUE_COUNTERS``): none without
                due = row_of(place, category, r["due_day"], r["street_path"])
                for c in due_counters:
                    setattr(due, c, getattr(due, c) + r[c])
    return list(sums.values())


# --- the open backlog ---------------------------------------------------------------------------
# Three grains, all the open cases on the clock (a timed status, not suspended, with a deadline):
# per cell (``AppealBacklogCell``: day of filing, community) and place, day of the deadline and day
# of the warning; their sums per community (``AppealBacklogStat``, what "overdue now" and "warning
# now" read); and those per month of the deadline (``AppealBacklogMonth``). All three change only
# under the community's backlog lock, so the cells' shares always add up to the other two.


def _open_counts(appeals, *by):
    """{(*by, path, day of the deadline, day of the warning): cases} of the open cases on the clock
    among ``appeals``, grouped by the fields ``by`` too."""
    rows = (
        appeals.filter(status__in=Appeal.TIMED, suspended=False, deadline__isnull=False)
        .annotate(due=TruncDate("deadline"), warn=TruncDate("warn_at"), filed=TruncDate("created_at"))
        .values(*by, "path", "due", "warn")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(*(r[b] for b in by), r["path"], r["due"], r["warn"]): r["n"] for r in rows}


def refresh_backlog(community_id, now):
    """Recount a community's backlog as a whole, its cells' shares, rows and month rows from one
    grouped count of its open cases (one snapshot: they add up), for ``rollups.rebuild`` and when
    a cell's change cannot be added (caller holds the community's backlog lock)."""
    cells = _open_counts(Appeal.objects.filter(_cell(community_id)), "filed")
    rows, months = Counter(), Counter()
    for (_day, path, due_day, warn_day), n in cells.items():
        rows[(path, due_day, warn_day)] += n
        months[(path, month_of(due_day))] += n
    for model in (AppealBacklogCell, AppealBacklogStat, AppealBacklogMonth):
        model.objects.filter(_cell(community_id)).delete()
    AppealBacklogCell.objects.bulk_create(
        (
            AppealBacklogCell(day=day, community_id=community_id, path=p, due_day=d, warn_day=w, open=n)
            for (day, p, d, w), n in cells.items()
        ),
        batch_size=1000,
    )
    AppealBacklogStat.objects.bulk_create(
        (
            AppealBacklogStat(
                community_id=community_id, path=p, due_day=d, warn_day=w, open=n, refreshed_at=now
            )
            for (p, d, w), n in rows.items()
        ),
        batch_size=1000,
    )
    AppealBacklogMonth.objects.bulk_create(
        (
            AppealBacklogMonth(community_id=community_id, path=p, due_month=m, open=n, refreshed_at=now)
            for (p, m), n in months.items()
        ),
        batch_size=1000,
    )


def refresh_backlog_cell(day, community_id, appeals, now):
    """Recount a cell's share of the backlog from ``appeals`` (the cell's own) and add its change to
    the community's backlog rows and month rows, so a refresh costs the cell's open cases, not the
    community's (caller holds the cell's lock and the community's backlog lock). Rows that cannot
    take the change (a share they never had: rows edited by hand, a restore) are recounted as a
    whole instead."""
    new = _open_counts(appeals)
    cell = AppealBacklogCell.objects.filter(_cell(community_id), day=day)
    old = {(r.path, r.due_day, r.warn_day): r.open for r in cell}
    if new == old:
        return
    cell.delete()
    AppealBacklogCell.objects.bulk_create(
        AppealBacklogCell(day=day, community_id=community_id, path=p, due_day=d, warn_day=w, open=n)
        for (p, d, w), n in new.items()
    )
    change, months = Counter(new), Counter()
    change.subtract(old)
    added = True
    for (path, due_day, warn_day), n in change.items():
        if n:
            key = {"path": path, "due_day": due_day, "warn_day": warn_day}
            added &= _add_open(AppealBacklogStat, community_id, n, now, **key)
            months[(path, month_of(due_day))] += n
    for (path, due_month), n in months.items():
        if n:
            added &= _add_open(AppealBacklogMonth, community_id, n, now, path=path, due_month=due_month)
    if not added:
        refresh_backlog(community_id, now)


def _add_open(model, community_id, n, now, **key):
    """Add ``n`` (may be negative) to one backlog row's open cases, creating it or deleting it as it
    comes from or goes to zero; False when it cannot take it (no row, or too few open cases)."""
    rows = model.objects.filter(_cell(community_id), **key)
    if rows.filter(open__gte=max(0, -n)).update(open=F("open") + n, refreshed_at=now):
        if n < 0:
            rows.filter(open=0).delete()
        return True
    if n < 0:
        return False
    model.objects.create(community_id=community_id, open=n, refreshed_at=now, **key)
    return True
