"""Which rollup rows answer a period's figures, and how they are summed: the day rows, and for the
whole months of the period the month rows (due counters by ``due_month``) and month totals (filed
counters), for the other days the day totals where they answer the dimension; within one grid its
own rows (``metrics.compute``'s reads, apart so that ``metrics`` keeps the definitions)."""

from django.utils import timezone

from . import rollups
from .rollup_sql import Rows

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


def rows_of(qs):
    """The queryset's rows as ``rollup_sql.Rows`` (None for None), its WHERE compiled once per
    queryset: a dashboard reads the same scoped rows a dozen times."""
    if qs is None:
        return None
    kept = qs.__dict__.get("_rollup_rows")
    if kept is None:
        kept = qs.__dict__["_rollup_rows"] = Rows(qs)
    return kept


# In the day totals (``AppealDayTotal``): the dimensions they answer, and whether by their category rows.
TOTALS_BY_CATEGORY = {"community": False, "street": False, "category": True}


def _parts(
    stats,
    months,
    dimension,
    first,
    end_day,
    day,
    month,
    summed,
    totals=None,
    keys=MONTH_KEYS,
    due=False,
    only=None,
):
    """The grouped sums of ``summed`` over the days [first, end_day) of the rows' ``day`` field
    (``day``: "day" or "due_day"), from the month rows' ``month`` field ("month" or "due_month") for
    the period's whole months when ``months`` is given and ``keys`` (dimension: its month rows'
    dimension and key) answers the dimension, and for the other days the day totals (``totals``,
    when given and they answer the dimension: tens of rows a community-day) or else the day rows
    (about one an appeal). All are ``Rows``. ``due``: only rows with due counters (``due > 0``);
    ``only``: only these units' rows."""
    key = KEYS[dimension]

    def restricted(rows, field):
        conditions = [rows.positive("due")] if due else []
        if only is not None:
            conditions.append(rows.among(field, only))
        return rows.where(*conditions)

    if totals is not None and dimension in TOTALS_BY_CATEGORY:
        stats = totals.where(totals.null("category", not TOTALS_BY_CATEGORY[dimension]))
        if day == "day":  # the filed counters: the filed rows (the due rows hold none of them)
            stats = stats.where(stats.null("due_day"))
    days = restricted(stats, key)
    whole = _whole_months(first, end_day) if months is not None and dimension in keys else None
    if whole is None:
        return [days.where(days.within(day, [(first, end_day)])).grouped(key, summed)]
    month_dimension, month_key = keys[dimension]
    in_months = restricted(months, month_key)
    in_months = in_months.where(in_months.eq("dimension", month_dimension), in_months.within(month, [whole]))
    parts = [in_months.grouped(month_key, summed, as_key=key)]
    # The days at the edges, if any (none when the period is made of whole months).
    edges = [(a, b) for a, b in ((first, whole[0]), (whole[1], end_day)) if a < b]
    if edges:
        parts.append(days.where(days.within(day, edges)).grouped(key, summed))
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


def total_sums(
    stats, months, totals, month_totals, periods, within_grid=False, month_dimension="grid", filed_rows=False
):
    """[{counter: sum}] for each period (first day, day after the last) of ``periods``: what
    ``compute`` sums into its total, read from the same rows (the whole months from the month rows'
    grid dimension, which sums to the whole cell; the other days from the day totals' place rows,
    else the day rows), but without a unit: each table read once for all the periods, each
    period's sums filtered, so a dashboard's two comparisons cost three statements, not eight.
    ``stats``, ``months``, ``totals``, ``month_totals``: ``Rows``; ``month_dimension``: the month
    rows' dimension that is summed (a department's rows have the category one only);
    ``filed_rows``: the day rows ``stats`` come in the day totals' two kinds (a department's days:
    the filed counters in the rows with no due day), so that each condition names its kind's
    partial index."""
    filed_months, _keys = _filed_months(months, month_totals, within_grid)
    filed = [_split(first, end_day, filed_months is not None) for first, end_day in periods]
    due = [_split(first, end_day, months is not None) for first, end_day in periods]
    out = [dict.fromkeys((*SUMMED, *DUE_SUMMED)) for _p in periods]
    due_months = None if months is None else months.where(months.positive("due"))
    for rows, field, wholes, summed in (
        (filed_months, "month", [w for w, _e in filed], SUMMED),
        (due_months, "due_month", [w for w, _e in due], DUE_SUMMED),
    ):
        if any(wholes):
            rows = rows.where(rows.eq("dimension", month_dimension))
            conditions = [rows.within(field, [w]) if w else None for w in wholes]
            _add_all(out, rows.filtered(conditions, [summed] * len(conditions)))
    # The days at the edges: the day totals' place rows (filed ones have no due day), else the day
    # rows; filed and due conditions of every period in one statement.
    days, filed_q = stats, stats.null("due_day") if filed_rows else None
    if totals is not None:
        days = totals.where(totals.null("category"))
        filed_q = days.null("due_day")
    conditions = []
    for (_w, edges), (_dw, due_edges) in zip(filed, due, strict=True):
        conditions.append(_both(filed_q, days.within("day", edges)) if edges else None)
        conditions.append(
            _both(days.positive("due"), days.within("due_day", due_edges)) if due_edges else None
        )
    _add_all(out, days.filtered(conditions, [SUMMED, DUE_SUMMED] * len(periods)), halves=True)
    return out


def _both(a, b):
    """AND of two conditions (``a`` may be None)."""
    if a is None:
        return b
    return f"({a[0]}) AND ({b[0]})", [*a[1], *b[1]]


def _add_all(out, row, halves=False):
    """Add ``Rows.filtered``'s sums to the periods' (``halves``: two conditions a period)."""
    for label, value in row.items():
        i, field = label[1:].split("_", 1)
        i = int(i) // 2 if halves else int(i)
        if value is not None:
            out[i][field] = value if out[i][field] is None else out[i][field] + value
