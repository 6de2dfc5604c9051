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


def _split(first, end_day, with_months):
    """(whole months or None, [day ranges at the edges]) of the days [first, end_day), as ``_parts``
    splits them."""
    whole = _whole_months(first, end_day) if with_months else None
    if whole is None:
        return None, [(first, end_day)]
    return whole, [(a, b) for a, b in ((first, whole[0]), (whole[1], end_day)) if a < b]


def _within(field, ranges):
    q = Q()
    for a, b in ranges:
        q |= Q(**{f"{field}__gte": a, f"{field}__lt": b})
    return q


def _filtered(rows, conditions, summed, prefix):
    """One statement: ``rows`` where any of ``conditions`` (per period: a Q or None) holds, each
    counter of ``summed`` summed once per period under its own condition (``{prefix}{i}_{f}``)."""
    wanted = {i: q for i, q in enumerate(conditions) if q is not None}
    if not wanted:
        return {}
    either = Q()
    for q in wanted.values():
        either |= q
    sums = {f"{prefix}{i}_{f}": Sum(f, filter=q) for i, q in wanted.items() for f in summed}
    return rows.filter(either).order_by().aggregate(**sums)


def total_sums(stats, periods, months=None, totals=None, month_totals=None, within_grid=False):
    """[{counter: sum}] for each period (first day, day after the last) of ``periods``: what
    ``compute`` sums into its total, read from the same rows (the whole months from the month rows'
    grid dimension, which sums to the whole cell; the other days from the day totals' place rows,
    else the day rows), but without a unit: each table read once for all the periods, each
    period's sums filtered, so a dashboard's two comparisons cost three statements, not eight."""
    filed_months, _keys = _filed_months(months, month_totals, within_grid)
    filed = [_split(first, end_day, filed_months is not None) for first, end_day in periods]
    due = [_split(first, end_day, months is not None) for first, end_day in periods]
    reads = [
        (filed_months, "month", [w for w, _e in filed], SUMMED),
        (None if months is None else months.filter(due__gt=0), "due_month", [w for w, _e in due], DUE_SUMMED),
    ]
    out = [dict.fromkeys((*SUMMED, *DUE_SUMMED)) for _p in periods]
    for rows, field, wholes, summed in reads:
        if any(wholes):
            conditions = [_within(field, [w]) if w else None for w in wholes]
            _add_all(out, _filtered(rows.filter(dimension="grid"), conditions, summed))
    # The days at the edges: the day totals' place rows (filed ones have no due day), else the day
    # rows; filed and due conditions of every period in one statement.
    days, filed_q = stats, Q()
    if totals is not None:
        days, filed_q = totals.filter(category__isnull=True), Q(due_day__isnull=True)
    conditions, summed = [], []
    for (_w, edges), (_dw, due_edges) in zip(filed, due, strict=True):
        conditions += [filed_q & _within("day", edges) if edges else None]
        conditions += [Q(due__gt=0) & _within("due_day", due_edges) if due_edges else None]
    _add_all(out, _filtered(days, conditions, [SUMMED, DUE_SUMMED] * len(periods)), halves=True)
    return out


def _filtered(rows, conditions, summed):
    """One statement: ``rows`` where any of ``conditions`` (a Q, or None for nothing) holds, the
    counters of ``summed`` (the same for each condition, or a list of them, one per condition)
    summed once per condition under its own (``c{i}_{counter}``); {} when there is no condition."""
    wanted = {i: q for i, q in enumerate(conditions) if q is not None}
    if not wanted:
        return {}
    either = Q()
    for q in wanted.values():
        either |= q
    fields = summed if isinstance(summed, list) else [summed] * len(conditions)
    sums = {f"c{i}_{f}": Sum(f, filter=q) for i, q in wanted.items() for f in fields[i]}
    return rows.filter(either).order_by().aggregate(**sums)


def _add_all(out, row, halves=False):
    """Add ``_filtered``'s sums to the periods' (``halves``: two conditions a period)."""
    for key, value in row.items():
        i, field = key[1:].split("_", 1)
        i = int(i) // 2 if halves else int(i)
        if value is not None:
            out[i][field] = value if out[i][field] is None else out[i][field] + value
