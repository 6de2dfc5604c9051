"""The appeal loop's counters per compound, for red property's evaluation of the company that
serves it (registered with ``registry.figures``; property never imports appeals).

The same definitions as the metrics pages (``rollup_counters._aggregates``, explained in ``metrics``):
received, rated, satisfied and basic over the appeals *filed* in the period; due, suspended and on
time over those whose deadline *fell* in it. An appeal belongs to a compound through its building.
Read from the appeals table with two grouped queries over the compounds asked for (the rollups
carry no compound); a half-year of a district is one pass over the ``created_at`` index.
"""

import datetime as dt

from django.utils import timezone

from .models import Appeal
from .rollup_counters import _aggregates

FILED = ("n_received", "n_invalid", "n_rated", "n_satisfied", "n_basic")
DUE = ("n_due", "n_suspended", "n_on_time")


def _window(start, end, tz):
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return begin, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def compound_counters(compound_ids, start, end, now=None):
    now = now or timezone.now()
    begin, stop = _window(start, end, timezone.get_current_timezone())
    base = Appeal.objects.filter(building__compound_id__in=compound_ids).exclude(status=Appeal.Status.MERGED)
    base = base.exclude(merged_into__isnull=False)
    agg = _aggregates(now)
    out = {}
    filed = base.filter(created_at__gte=begin, created_at__lt=stop).values("building__compound_id")
    for row in filed.annotate(**{k: agg[k] for k in FILED}).order_by():
        out.setdefault(row["building__compound_id"], {}).update({k[2:]: row[k] for k in FILED})
    due = base.filter(deadline__gte=begin, deadline__lt=stop).values("building__compound_id")
    for row in due.annotate(**{k: agg[k] for k in DUE}).order_by():
        out.setdefault(row["building__compound_id"], {}).update({k[2:]: row[k] for k in DUE})
    return out
