"""The open cases overdue now and in the warning band now under a place path, as the worklist's tabs
count them (``queries.late_q``), at a cost that follows the days the backlog spans rather than the
cases in it: the whole days before today from ``AppealBacklogStat`` (per place, deadline day and
warning day, kept by ``rollups``; for "overdue", the months before this one from their sums per
month, ``AppealBacklogMonth``), today's deadlines and warnings from the appeals' own partial
indexes on the open cases (``appeal_timed_deadline``, ``appeal_timed_warn``, which include the path,
so the count is read from the index alone). The caller decides that the reader sees every appeal
under the path (``datacentre.queries._sees_all_under``); anyone else counts the worklist itself."""

from collections import Counter

from django.db.models import Count, Sum

from .models import Appeal, AppealBacklogMonth, AppealBacklogStat
from .rollup_days import day_bounds, day_of, month_of

BUCKETS = ("overdue", "warning")


def _parts(path, bucket, now):
    """([row querysets], [appeal querysets]): the sums of the rows' ``open`` and the appeals' counts
    add up to the bucket under ``path`` at ``now``."""
    if bucket not in BUCKETS:
        raise ValueError(bucket)
    today = day_of(now)
    today_start, tomorrow = day_bounds(today)
    rows = AppealBacklogStat.objects.filter(path__startswith=path)
    timed = Appeal.objects.filter(path__startswith=path, status__in=Appeal.TIMED, suspended=False)
    if bucket == "overdue":
        # deadline < now: a deadline month before this one (the month rows), a day of this month
        # before today, or today before now.
        month = month_of(today)
        months = AppealBacklogMonth.objects.filter(path__startswith=path, due_month__lt=month)
        return [months, rows.filter(due_day__gte=month, due_day__lt=today)], [
            timed.filter(deadline__gte=today_start, deadline__lt=now)
        ]
    # warn_at <= now <= deadline: warned before today and due after it, or else a deadline later today
    # (already warned), or a warning earlier today (due after today); the three are disjoint.
    return [rows.filter(warn_day__lt=today, due_day__gt=today)], [
        timed.filter(deadline__gte=now, deadline__lt=tomorrow, warn_at__lte=now),
        timed.filter(warn_at__gte=today_start, warn_at__lte=now, deadline__gte=tomorrow),
    ]


def count(path, bucket, now):
    rows, today = _parts(path, bucket, now)
    total = sum(qs.order_by().aggregate(n=Sum("open"))["n"] or 0 for qs in rows)
    return total + sum(qs.order_by().count() for qs in today)


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
