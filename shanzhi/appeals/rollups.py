"""The rollups the metrics read (``AppealDayStat`` and the coarser grains), kept in step with the appeals.

A *cell* is (day of filing, community); ``refresh`` rebuilds a cell's day rows and its month rows
from the appeals, ``touch`` marks a cell dirty inside a move's transaction, ``drain`` (a task and
the sweep) refreshes the marked cells, ``rebuild`` recomputes a range of days. Why this shape
(recompute not deltas, two grains, marks, advisory locks, ``next_due_at``): docs/ARCHITECTURE.md,
"The metrics rollups".
"""

import contextvars
import datetime as dt
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import rollup_grains
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
    AppealRollupMark,
)
from .rollup_counters import (  # noqa: F401  (re-exported: what a cell counts)
    ALL_COUNTERS,
    COUNTERS,
    DUE_COUNTERS,
    HANDLING_BUCKETS,
    HANDLING_COUNTERS,
    VERIFIED,
    _aggregates,
    counted,
    figure_q,
)
from .rollup_days import day_bounds, day_of, month_of, next_month, street_path  # noqa: F401  (re-exported)

S = Appeal.Status
BATCH = 500
DRAIN_DELAY = dt.timedelta(seconds=5)
LOCK_NAMESPACE = 0x5A52  # "ZR": keeps these advisory locks apart from any other user of them
MONTH_NAMESPACE = LOCK_NAMESPACE + 1
BACKLOG_NAMESPACE = LOCK_NAMESPACE + 2  # a community's backlog rows (the day bits are 0)
KEY = ("path", "grid_id", "community_id", "category_id", "assignee_department_id")


# --- marking -----------------------------------------------------------------------------------


_batching = contextvars.ContextVar("rollup_batching", default=False)


@contextmanager
def batched():
    """For a bulk writer (the demo): moves inside only mark their cells, and every marked cell is
    refreshed once at the end, in the writer's transaction, instead of once per move."""
    token = _batching.set(True)
    try:
        yield
    finally:
        _batching.reset(token)
    drain()  # not reached when the block raised: its transaction is rolled back anyway


def nudges():
    """Whether a mark written now is followed by a drain: not inside ``batched``."""
    return not _batching.get()


def touch(appeal):
    """Mark the appeal's cell for a refresh, in the caller's transaction, and nudge a drain (carried
    by the transaction's one task when ``outbox.gather`` is open)."""
    AppealRollupMark.objects.create(day=day_of(appeal.created_at), community_id=appeal.community_id)
    after_mark()


def after_mark():
    """The nudge that follows a mark (for a caller that wrote the mark row itself); none inside
    ``batched``, which drains once at its end."""
    from . import outbox

    if not nudges():
        return
    if not outbox.add_drain():
        nudge()


def nudge():
    """Enqueue a drain of the marked cells (one per transaction is enough)."""
    from .tasks import drain_rollups

    if not drain_rollups.get_backend().supports_defer:
        # A backend that runs tasks at once (the tests') drains now, inside this transaction.
        drain_rollups.enqueue()
        return
    # A queued drain runs after the commit and takes every mark: one per transaction is enough.
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(getattr(entry[1], "rollup_nudge", False) for entry in conn.run_on_commit):
        return
    drain_rollups.using(run_after=timezone.now() + DRAIN_DELAY).enqueue()
    if conn.in_atomic_block:
        transaction.on_commit(_nudged)


def _nudged():
    """Only a marker in the transaction's on-commit list (rolled back with its savepoint)."""


_nudged.rollup_nudge = True


# --- computing a cell --------------------------------------------------------------------------


def _rows(appeals, now, day):
    """Stat rows (unsaved) for ``appeals`` (all filed on ``day``) per place × category × department."""
    out = []
    appeals = counted(appeals).annotate(due_day=TruncDate("deadline")).values(*KEY, "due_day")
    for r in appeals.annotate(**_aggregates(now)).order_by():
        out.append(
            AppealDayStat(
                day=day,
                due_day=r["due_day"],
                path=r["path"],
                street_path=street_path(r["path"]),
                grid_id=r["grid_id"],
                community_id=r["community_id"],
                category_id=r["category_id"],
                department_id=r["assignee_department_id"],
                handling=r["n_handling"] or dt.timedelta(0),
                next_due_at=r["n_next_due_at"],
                refreshed_at=now,
                **{c: r[f"n_{c}"] for c in (*COUNTERS, *DUE_COUNTERS)},
            )
        )
    return out


def _cell_key(day, community_id, namespace=LOCK_NAMESPACE):
    """One bigint per cell: namespace, day, community (ids below 2**24)."""
    return (namespace << 48) | (day.toordinal() << 24) | ((community_id or 0) & 0xFFFFFF)


def _lock(day, community_id, wait=True, namespace=LOCK_NAMESPACE):
    """Serialise work on one cell until the transaction ends (PostgreSQL); True if held. A day cell
    is always locked before its month cell, and only drains (which never wait) hold several."""
    if connection.vendor != "postgresql":
        return True
    key = _cell_key(day, community_id, namespace)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s::bigint)", [key])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s::bigint)", [key])
        return bool(cursor.fetchone()[0])


def _cell(day, community_id):
    return Q(day=day, community_id=community_id) if community_id else Q(day=day, community__isnull=True)


def refresh(day, community_id, *, now=None, wait=True, backlog=True):
    """Recompute the rows of one (day, community) cell from the appeals table, and the cell's share
    of its community's backlog rows unless ``backlog`` is off (the sweep's refresh of passed
    deadlines changes no open case). Returns False only when ``wait`` is off and another
    transaction holds the cell."""
    with transaction.atomic():
        month = month_of(day)
        if not (
            _lock(day, community_id, wait)
            and _lock(month, community_id, wait, MONTH_NAMESPACE)
            and (not backlog or _lock_backlog(community_id, wait))
        ):
            return False
        now = now or timezone.now()
        start, end = day_bounds(day)
        appeals = Appeal.objects.filter(created_at__gte=start, created_at__lt=end)
        appeals = (
            appeals.filter(community_id=community_id)
            if community_id
            else appeals.filter(community__isnull=True)
        )
        AppealDayStat.objects.filter(_cell(day, community_id)).delete()
        AppealDayStat.objects.bulk_create(_rows(appeals, now, day))
        rollup_grains.refresh_day_totals(day, community_id, now, ALL_COUNTERS, COUNTERS)
        _refresh_month(month, community_id, now)
        if backlog:  # the cell's share: a move that changes an open case's clock marks its cell
            rollup_grains.refresh_backlog_cell(day, community_id, appeals, now)
    return True


def _lock_backlog(community_id, wait=True):
    """The lock of a community's backlog rows, taken after its day and month cells' locks."""
    return _lock(dt.date.min, community_id, wait, BACKLOG_NAMESPACE)


def _refresh_month(month, community_id, now):
    """Rebuild the month rows and totals of a (month, community) from its day rows (caller holds the lock)."""
    rollup_grains.refresh_month(month, community_id, now, ALL_COUNTERS, COUNTERS)


def month_rows(model, days, month, community_id, now):
    """``rollup_grains.month_rows`` with every counter (per dimension and month of the deadline)."""
    return rollup_grains.month_rows(model, days, month, community_id, now, ALL_COUNTERS)


# --- draining and the sweep -----------------------------------------------------------------------


def drain(now=None):
    """Refresh every marked cell once; returns how many cells were refreshed."""
    refreshed, busy = 0, set()
    while True:
        with transaction.atomic():
            marks = list(
                AppealRollupMark.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", "day", "community_id")[:BATCH]
            )
            marks = [m for m in marks if (m[1], m[2]) not in busy]
            if not marks:
                return refreshed
            done = []
            # Sorted, so that two drains (or a rebuild) take the cell locks in one order.
            for cell in sorted({(d, c) for _pk, d, c in marks}, key=lambda c: (c[0], c[1] or 0)):
                if refresh(*cell, now=now, wait=False):
                    done.append(cell)
                    refreshed += 1
                else:
                    busy.add(cell)
            done = set(done)
            AppealRollupMark.objects.filter(pk__in=[pk for pk, d, c in marks if (d, c) in done]).delete()
            if not done:
                return refreshed


def refresh_due(now=None):
    """Refresh the cells in which a deadline has passed since they were computed (for the sweep)."""
    now = now or timezone.now()
    cells = (
        AppealDayStat.objects.filter(next_due_at__lte=now)
        .values_list("day", "community_id")
        .distinct()
        .order_by()
    )
    count = 0
    for day, community_id in sorted(set(cells), key=lambda c: (c[0], c[1] or 0)):
        count += bool(refresh(day, community_id, now=now, wait=False, backlog=False))
    return count


def rebuild(start=None, end=None, now=None):
    """Recompute every row for the days of filing in [start, end) (default: all of them), one day per
    transaction. Returns the number of rows written."""
    now = now or timezone.now()
    appeals = Appeal.objects.all()
    # By default every day that has appeals or rows (a stray row outside the appeals' days goes too).
    days = (
        [day_of(now)]
        + [day_of(t) for t in appeals.aggregate(a=Min("created_at"), b=Max("created_at")).values() if t]
        + [d for d in AppealDayStat.objects.aggregate(a=Min("day"), b=Max("day")).values() if d]
    )
    start = start or min(days)
    end = end or max(days) + dt.timedelta(days=1)
    written, day = 0, start
    while day < end:
        day_start, day_end = day_bounds(day)
        with transaction.atomic():
            on_day = appeals.filter(created_at__gte=day_start, created_at__lt=day_end)
            stale = AppealDayStat.objects.filter(day=day)
            cells = set(on_day.values_list("community_id", flat=True).distinct().order_by())
            for model in (AppealDayStat, AppealDayTotal, AppealDepartmentDay):
                cells |= set(
                    model.objects.filter(day=day).values_list("community_id", flat=True).distinct().order_by()
                )
            cells = sorted(cells, key=lambda c: c or 0)
            for community_id in cells:
                _lock(day, community_id)
            stale.delete()
            rows = _rows(on_day, now, day)
            AppealDayStat.objects.bulk_create(rows, batch_size=1000)
            for community_id in cells:
                rollup_grains.refresh_day_totals(day, community_id, now, ALL_COUNTERS, COUNTERS)
            written += len(rows)
        day += dt.timedelta(days=1)
    month = month_of(start)
    while month < end:
        with transaction.atomic():
            cells = set(
                AppealDayStat.objects.filter(day__gte=month, day__lt=next_month(month))
                .values_list("community_id", flat=True)
                .distinct()
                .order_by()
            )
            for model in (AppealMonthStat, AppealMonthTotal, AppealDepartmentMonth):
                cells |= set(
                    model.objects.filter(month=month)
                    .values_list("community_id", flat=True)
                    .distinct()
                    .order_by()
                )
            for community_id in sorted(cells, key=lambda c: c or 0):
                _lock(month, community_id, namespace=MONTH_NAMESPACE)
                _refresh_month(month, community_id, now)
        month = next_month(month)
    # The backlog is per community whatever the days: every community with open cases or rows.
    timed = Appeal.objects.filter(status__in=Appeal.TIMED)
    cells = set(timed.values_list("community_id", flat=True).distinct().order_by())
    for model in (AppealBacklogCell, AppealBacklogStat, AppealBacklogMonth):
        cells |= set(model.objects.values_list("community_id", flat=True).distinct().order_by())
    for community_id in sorted(cells, key=lambda c: c or 0):
        with transaction.atomic():
            _lock_backlog(community_id)
            rollup_grains.refresh_backlog(community_id, now)
    return written
