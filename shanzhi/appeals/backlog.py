"""The open cases overdue now and in the warning band now under a place path, as the worklist's tabs
count them (``queries.late_q``), at a cost that follows the days the backlog spans rather than the
cases in it: the whole days before today from ``AppealBacklogStat`` (per place, deadline day and
warning day, kept by ``rollups``; for "overdue", the months before this one from their sums per
month, ``AppealBacklogMonth``), today's deadlines and warnings from the appeals' own partial
indexes on the open cases (``appeal_timed_deadline``, ``appeal_timed_warn``, which include the path,
so the count is read from the index alone). The caller decides that the reader sees every appeal
under the path (``datacentre.queries.scope._sees_all_under``); anyone else counts the worklist itself."""

from collections import Counter

from django.db.models import Count, Q, Sum

from .models import Appeal, AppealBacklogMonth, AppealBacklogStat
from .rollup_days import day_bounds, day_of, month_of

BUCKETS = ("overdue", "warning")


def _conditions(bucket, now):
    """(month rows' Q or None, day rows' Q, deadline-keyed open cases' Q, warning-keyed open cases'
    Q or None): the sums of the rows' ``open`` and the counts of the cases add up to the bucket at
    ``now``. The open cases are those of today: the deadline-keyed ones read the partial index on
    the deadline, the warning-keyed one the index on the warning time."""
    if bucket not in BUCKETS:
        raise ValueError(bucket)
    today = day_of(now)
    today_start, tomorrow = day_bounds(today)
    if bucket == "overdue":
        # deadline < now: a deadline month before this one (the month rows), a day of this month
        # before today, or today before now.
        month = month_of(today)
        return (
            Q(due_month__lt=month),
            Q(due_day__gte=month, due_day__lt=today),
            Q(deadline__gte=today_start, deadline__lt=now),
            None,
        )
    # warn_at <= now <= deadline: warned before today and due after it, or else a deadline later today
    # (already warned), or a warning earlier today (due after today); the three are disjoint.
    return (
        None,
        Q(warn_day__lt=today, due_day__gt=today),
        Q(deadline__gte=now, deadline__lt=tomorrow, warn_at__lte=now),
        Q(warn_at__gte=today_start, warn_at__lte=now, deadline__gte=tomorrow),
    )


def _timed(path):
    return Appeal.objects.filter(path__startswith=path, status__in=Appeal.TIMED, suspended=False)


def _parts(path, bucket, now):
    """([row querysets], [appeal querysets]): the sums of the rows' ``open`` and the appeals' counts
    add up to the bucket under ``path`` at ``now``."""
    months, days, by_deadline, by_warning = _conditions(bucket, now)
    rows = [AppealBacklogStat.objects.filter(days, path__startswith=path)]
    if months is not None:
        rows.insert(0, AppealBacklogMonth.objects.filter(months, path__startswith=path))
    timed = [_timed(path).filter(q) for q in (by_deadline, by_warning) if q is not None]
    return rows, timed


def count(path, bucket, now):
    rows, today = _parts(path, bucket, now)
    total = sum(qs.order_by().aggregate(n=Sum("open"))["n"] or 0 for qs in rows)
    return total + sum(qs.order_by().count() for qs in today)


def counts(path, now):
    """{bucket: ``count(path, bucket, now)``} for both buckets in four statements, not six: each
    table (and each index of today's open cases) read once, the buckets as filtered sums."""
    conditions = {bucket: _conditions(bucket, now) for bucket in BUCKETS}
    out = dict.fromkeys(BUCKETS, 0)
    months = AppealBacklogMonth.objects.filter(conditions["overdue"][0], path__startswith=path)
    out["overdue"] += months.order_by().aggregate(n=Sum("open"))["n"] or 0
    either = Q()
    for c in conditions.values():
        either |= c[1]
    sums = {b: Sum("open", filter=c[1]) for b, c in conditions.items()}
    for b, n in AppealBacklogStat.objects.filter(either, path__startswith=path).aggregate(**sums).items():
        out[b] += n or 0
    # Today's deadlines, [midnight, midnight) around now: both buckets' deadline-keyed cases, from
    # one range of the deadline index (a count of the path, which is never null: the index holds
    # it and the warning time, so no table row is read).
    today_start, tomorrow = day_bounds(day_of(now))
    today = _timed(path).filter(deadline__gte=today_start, deadline__lt=tomorrow).order_by()
    for b, n in today.aggregate(**{b: Count("path", filter=c[2]) for b, c in conditions.items()}).items():
        out[b] += n
    out["warning"] += _timed(path).filter(conditions["warning"][3]).order_by().count()
    return out


def by_path(path, bucket, now):
    """{appeal path: count} under ``path`` (the map sums them per unit)."""
    rows, today = _parts(path, bucket, now)
    out = Counter()
    for qs in rows:
        out.update(dict(qs.order_by().values("path").annotate(n=Sum("open")).values_list("path", "n")))
    for qs in today:
        # COUNT(*), not of the id: the index holds the path, so no table row is read.
        out.update(dict(qs.order_by().values("path").annotate(n=Count("*")).values_list("path", "n")))
    return out
