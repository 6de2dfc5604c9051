"""Which rollup rows answer a period's figures, and how they are summed: the day rows, and for the
whole months of the period the month rows (due counters by ``due_month``) and month totals (filed
counters), for the other days the day totals where they answer the dimension; within one grid its
own rows (``metrics.compute``'s reads, apart so that ``metrics`` keeps the definitions)."""

from django.db.models import Q, Sum
from django.utils import timezone

from . import rollups

KEYS = {
    "grid": "grid_id",
    "community": "community_id",
    "street": "street_path",
    "department": "department_id",
    "category": "category_id",
}
# The rollup's counters (listed once, in ``rollups.COUNTERS``) and the summed handling time last.
SUMMED = (*rollups.COUNTERS, "handling")
DUE_SUMMED = rollups.DUE_COUNTERS


# In the month rows (and the month totals): which dimension's rows answer, and what they are grouped by.
MONTH_KEYS = {
    "grid": ("grid", "key"),
    "community": ("grid", "community_id"),
    "street": ("grid", "street_path"),
    "department": ("department", "key"),
    "category": ("category", "key"),
}
# Within one grid (its rows under the grid's path): the per-grid rows, and by category the month
# totals' per grid and category rows (the due counters by category: the day rows).
GRID_MONTH_KEYS = {d: MONTH_KEYS[d] for d in ("grid", "community", "street")}
GRID_TOTAL_KEYS = {**GRID_MONTH_KEYS, "category": ("grid_category", "key")}


def _whole_months(first, end, today=None):
    """[first full month, end of the last full month) inside the days [first, end), or None. Nothing
    is filed after today, so a period that runs past today holds this month whole: its month rows
    (month to date) stand for its day rows, which at a district are the bulk of a default period."""
    today = today or timezone.localdate()
    start = first if first.day == 1 else rollups.next_month(first)
    stop = rollups.month_of(end)
    if end > today:
        stop = max(stop, rollups.next_month(rollups.month_of(today)))
    return (start, stop) if start < stop else None


whole_months = _whole_months  # the data centre's trend reads the same months from the month rows


def _sums(rows, key, summed=SUMMED):
    return rows.values(key).annotate(**{f"n_{f}": Sum(f) for f in summed}).order_by()


# In the day totals (``AppealDayTotal``): the dimensions they answer, and whether by their category rows.
TOTALS_BY_CATEGORY = {"community": False, "street": False, "category": True}


def _parts(stats, months, dimension, first, end_day, day, month, summed, totals=None, keys=MONTH_KEYS):
    """The grouped sums of ``summed`` over the days [first, end_day) of the rows' ``day`` field
    (``day``: "day" or "due_day"), from the month rows' ``month`` field ("month" or "due_month") for
    the period's whole months when ``months`` is given and ``keys`` (dimension: its month rows'
    dimension and key) answers the dimension, and for the other days the day totals (``totals``,
    when given and they answer the dimension: tens of rows a community-day) or else the day rows
    (about one an appeal)."""
    key = KEYS[dimension]
    if totals is not None and dimension in TOTALS_BY_CATEGORY:
        stats = totals.filter(category__isnull=not TOTALS_BY_CATEGORY[dimension])
        if day == "day":  # the filed counters: the filed rows (the due rows hold none of them)
            stats = stats.filter(due_day__isnull=True)
    whole = _whole_months(first, end_day) if months is not None and dimension in keys else None
    if whole is None:
        return [_sums(stats.filter(**{f"{day}__gte": first, f"{day}__lt": end_day}), key, summed)]
    month_dimension, month_key = keys[dimension]
    in_months = months.filter(
        **{"dimension": month_dimension, f"{month}__gte": whole[0], f"{month}__lt": whole[1]}
    )
    parts = [[{**r, key: r[month_key]} for r in _sums(in_months, month_key, summed)]]
    # The days at the edges, if any (none when the period is made of whole months).
    edges = [(a, b) for a, b in ((first, whole[0]), (whole[1], end_day)) if a < b]
    if edges:
        q = Q()
        for a, b in edges:
            q |= Q(**{f"{day}__gte": a, f"{day}__lt": b})
        parts.append(_sums(stats.filter(q), key, summed))
    return parts


def _filed_months(months, month_totals, within_grid):
    """(rows, keys) the filed counters of whole months are read from: the month totals when given
    (not split by the deadline's month: a third of the month rows), else the month rows."""
    if month_totals is not None:
        return month_totals, GRID_TOTAL_KEYS if within_grid else MONTH_KEYS
    return months, GRID_MONTH_KEYS if within_grid else MONTH_KEYS
