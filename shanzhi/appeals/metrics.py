"""Figures of the loop per grid, community, street, department or category over a period.

Read from the rollup (``AppealDayStat``/``AppealMonthStat``, kept by ``rollups.py``), never from
the appeals table: month rows for the whole months of the period and day rows for the days at its
edges, by the day of filing and (the due counters) by the deadline's day, at most four grouped
queries whatever the number of appeals. The caller passes the rollup rows the
reader may see (``stats_for(user)``: ``permissions.visible`` on both models, whose scopes mirror
the appeals' one, see ``access.day_stat_scope``) or the public ones (``public.public_stats``),
so nobody counts what they may not see.

Definitions follow how 12345 hotlines are assessed, where the resident's own answers at the return
visit decide "solved" and "satisfied" (docs/metrics.md says the same for readers; keep both true).
Counted over the appeals *filed* in the period, merged duplicates left out (they follow their main
case), except the on-time closure rate, counted over the appeals whose deadline *fell* in it:

- received; invalid (无效): refused (不予受理) with a reason of one of the invalid kinds
  (``InvalidKind``, edited in the admin: 咨询已答复, 重复, 不属于受理范围, 恶意诉求 …). An invalid
  appeal leaves every denominator and counts nowhere else; a refusal for any other reason is no
  response and stays in the response rate's denominator;
- 响应率 response rate = responded / (received − invalid), *responded* being accepted (受理) within
  the category's response limit in working hours from filing (``Category.response_limit_hours``,
  else ``MetricsRules.response_limit_hours``); a refusal is a response only when it rules the case
  invalid, which takes it out of the denominator as well;
- visited (回访): the two questions answered (是否解决 and 满意度), by staff's return visit or the
  resident's own rating, the last answers standing; a visit that reached nobody after
  ``MetricsRules.visit_max_tries`` tries closes the case as unreachable (回访联系不上), counted apart
  and in no denominator;
- 解决率 resolution rate = answered 已解决 / visited (部分解决 and 未解决 are not solved);
- 满意率 satisfaction rate = (满意 + w × 基本满意) / visited, w = ``MetricsRules.basic_weight``
  (default 1);
- 按期结案率 on-time closure rate = closed on time / (due − suspended): *due* are the accepted
  appeals whose deadline fell in the period and has passed (as of the last refresh of their rollup
  cell: a move, or the sweep once the deadline passes); *suspended* those of them under suspension
  now (an approved suspension already moved the deadline back by its days, so suspended time never
  counts); *closed on time*: verified (核实, and not sent back or reopened since) with the last
  resolution by the deadline, and no earlier cycle late: a reopened case (重办) is late if any of
  its cycles was (``Appeal.ever_late`` keeps the first cycle's lateness);
- rework (返工) clears the resolved state: a case sent back is not resolved until fixed again;
  rework rate = appeals sent back at least once / accepted;
- average handling time: hours from acceptance to resolution, over the resolved; its distribution
  (办理时长分布): the resolved by calendar days from acceptance (``rollups.HANDLING_BUCKETS``);
- composite score (综合得分) = the weighted mean of the four rates with the weights of
  ``MetricsRules``; none when a weighted rate is none.

Rankings leave out units with fewer than the minimum of valid appeals *and* units whose composite
score is none (never ranked as 0), and break ties by the next measure (on-time closure, satisfaction,
resolution, response rate); units equal on all of them share a place, never ordered by name.

Summoned departments (吹哨报到) have their own figures (``summons_figures``), over the parts
summoned in the period and not withdrawn: reported on time (报到 by the part's report deadline) /
parts reported or past that deadline; finished on time (完成承办 by the case's deadline) / parts
finished or past the case's deadline.

The figures lag a move by the drain (seconds with a task worker, one sweep interval without); a
staff member's figures cover their part of the tree (or their department's assignments) but not
appeals outside it that are assigned to them personally or to which their department was only
summoned.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.accounts import permissions
from shanzhi.registry import geo, unitnames

from . import refs, rollups
from .metrics_figures import COLUMNS, Figures  # noqa: F401  (re-exported)
from .metrics_reads import (  # noqa: F401  (re-exported: the data centre and the tests read them)
    DUE_SUMMED,
    GRID_MONTH_KEYS,
    KEYS,
    MONTH_KEYS,
    SUMMED,
    _filed_months,
    _parts,
    _whole_months,
    rows_of,
    total_sums,
    whole_months,
)
from .models import AppealDayStat, AppealMonthStat, AppealMonthTotal, MetricsRules, Summons
from .summons_metrics import PartFigures, summons_figures  # noqa: F401  (re-exported)

DIMENSIONS = {
    "grid": _("网格"),
    "community": _("社区"),
    "street": _("街道"),
    "department": _("职能部门"),
    "category": _("诉求分类"),
}
DEFAULT_MIN_CASES = 5


def period(start=None, end=None, now=None):
    """[start, end) as aware datetimes; by default this month so far."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = start or today.replace(day=1)
    end = end or today + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end, dt.time.min, tz))


def _names(dimension, keys):
    """{key: name} of the units: from the process's copies of the reference data (``core.refdata``:
    the org tree, departments and categories), not a query per read."""
    if dimension in ("grid", "community"):
        found = {k: geo.node(k) for k in keys if k}
    elif dimension == "street":
        found = {k: geo.node_at(k) for k in keys if k}
    elif dimension == "department":
        return {k: name for k in keys if k and (name := unitnames.department(k))}
    else:
        found = {k: refs.by_id(k) for k in keys if k}
        return {k: str(c) for k, c in found.items() if c is not None}
    return {k: n.name for k, n in found.items() if n is not None}


def stats_for(user):
    """(day rows, month rows or None) the user may read. The month rows stand for the day rows only
    when every grant that sees figures covers whole communities (a community, street or district):
    a department's handler, or a grant on a single grid, reads the day rows alone."""
    days = permissions.visible(user, AppealDayStat)
    grants = [g for g in user.grants() if g.role in permissions.ACTIONS["appeals.view_metrics"]]
    whole = grants and all(g.node_id and g.node.level in ("community", "street", "district") for g in grants)
    return days, (permissions.visible(user, AppealMonthStat) if whole else None)


def compute(
    stats,
    dimension,
    start,
    end,
    months=None,
    rules=None,
    totals=None,
    month_totals=None,
    within_grid=False,
    named=True,
):
    """(per-unit Figures sorted by received, the total) for the appeals filed in [start, end) (aware
    datetimes at local midnight, as ``period`` gives), from the day rows ``stats`` and, for the
    whole months of the period, the month rows ``months`` when given (see ``stats_for``; the filed
    counters from the month totals ``month_totals`` when given, with the same scope), the other
    days from the day totals ``totals`` when given (with ``months``: the same scope) for a
    dimension they answer. The due counters (按期结案率) are read the same way by the deadline's
    day and month. ``within_grid``: the rows are one grid's (under its path), whose month rows
    answer only the grid's own dimensions (and its month totals the categories too). ``named``:
    False when only the total is wanted (the units' names are not read)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    first, end_day = timezone.localdate(start), timezone.localdate(end)
    key = KEYS[dimension]
    stats, months, totals, month_totals = map(rows_of, (stats, months, totals, month_totals))
    filed, filed_keys = _filed_months(months, month_totals, within_grid)
    parts = _parts(stats, filed, dimension, first, end_day, "day", "month", SUMMED, totals, filed_keys)
    # A row with due counters has due > 0 (a deadline passed at its refresh, so on or before today:
    # the whole months that run past today stand for the due days as well as the filing days).
    due_keys = GRID_MONTH_KEYS if within_grid else MONTH_KEYS
    due_parts = _parts(
        stats,
        months,
        dimension,
        first,
        end_day,
        "due_day",
        "due_month",
        DUE_SUMMED,
        totals,
        due_keys,
        due=True,
    )
    rules = rules or MetricsRules.current()
    settings = {"basic_weight": float(rules.basic_weight), "weights": rules.weights}
    units = {}
    for part in parts:
        for r in part:
            unit = units.setdefault(r[key], Figures(key=r[key], **settings))
            handling = r["n_handling"] or dt.timedelta(0)
            unit.handling_hours += handling.total_seconds() / 3600
            for f in rollups.COUNTERS:
                setattr(unit, f, getattr(unit, f) + (r[f"n_{f}"] or 0))
    # 按期结案率 by the day (month) the deadline fell on.
    for part in due_parts:
        for r in part:
            unit = units.setdefault(r[key], Figures(key=r[key], **settings))
            for f in DUE_SUMMED:
                setattr(unit, f, getattr(unit, f) + (r[f"n_{f}"] or 0))
    units = list(units.values())
    total = Figures(key=None, name=str(_("合计")), **settings)
    for unit in units:
        for f in (*rollups.COUNTERS, *DUE_SUMMED, "handling_hours"):
            setattr(total, f, getattr(total, f) + getattr(unit, f))
    names = _names(dimension, [u.key for u in units]) if named else {}
    for unit in units:
        unit.name = names.get(unit.key) or str(_("（未归属）"))
    units.sort(key=lambda u: (-u.received, u.name))
    return units, total


def totals(
    stats,
    periods,
    months=None,
    rules=None,
    totals=None,
    month_totals=None,
    within_grid=False,
    month_dimension="grid",
    filed_rows=False,
):
    """[the total Figures of ``compute``] for each period (start, end) of ``periods`` (aware
    datetimes, as ``period`` gives), read as ``compute`` reads them but summed without a unit, all
    the periods in one statement per table (``metrics_reads.total_sums``, which says what
    ``month_dimension`` and ``filed_rows`` are): a comparison's figures."""
    rules = rules or MetricsRules.current()
    settings = {"basic_weight": float(rules.basic_weight), "weights": rules.weights}
    days = [(timezone.localdate(start), timezone.localdate(end)) for start, end in periods]
    out = []
    reads = map(rows_of, (stats, months, totals, month_totals))
    for sums in total_sums(
        *reads, periods=days, within_grid=within_grid, month_dimension=month_dimension, filed_rows=filed_rows
    ):
        total = Figures(key=None, name=str(_("合计")), **settings)
        for f in (*rollups.COUNTERS, *DUE_SUMMED):
            setattr(total, f, sums[f] or 0)
        total.handling_hours = (sums["handling"] or dt.timedelta(0)).total_seconds() / 3600
        out.append(total)
    return out


def received(
    stats, dimension, start, end, months=None, totals=None, month_totals=None, within_grid=False, keys=None
):
    """{unit key: appeals received} over [start, end), read as ``compute`` reads its filed counters
    but that counter alone (a section that shows no rate, such as the data centre's categories);
    ``keys``: of those units only (the rows of the others are not summed)."""
    first, end_day = timezone.localdate(start), timezone.localdate(end)
    stats, months, totals, month_totals = map(rows_of, (stats, months, totals, month_totals))
    filed, month_keys = _filed_months(months, month_totals, within_grid)
    only = None if keys is None else list(keys)
    out = {}
    for part in _parts(
        stats, filed, dimension, first, end_day, "day", "month", ("received",), totals, month_keys, only=only
    ):
        for r in part:
            out[r[KEYS[dimension]]] = out.get(r[KEYS[dimension]], 0) + (r["n_received"] or 0)
    return out


TIE_BREAKS = ("composite", "on_time_rate", "satisfaction_rate", "resolution_rate", "response_rate")


def ranking(units, min_cases=None):
    """Units with at least ``min_cases`` valid appeals and a composite score, best first; ties
    broken by the next measure (``TIE_BREAKS``), and units equal on all of them share a place
    (``rank``): never ordered by name. A unit with too few cases or no score is left out rather
    than ranked on noise or as 0."""
    if min_cases is None:
        min_cases = MetricsRules.current().min_cases

    def measures(u):
        return tuple(-1 if getattr(u, m) is None else getattr(u, m) for m in TIE_BREAKS)

    ranked = [u for u in units if u.valid >= min_cases and u.composite is not None]
    ranked.sort(key=measures, reverse=True)
    for i, unit in enumerate(ranked):
        same = i and measures(unit) == measures(ranked[i - 1])
        unit.rank = ranked[i - 1].rank if same else i + 1
    return ranked


def report(user, dimension, start=None, end=None, min_cases=None):
    """Everything the metrics page, its export and the API show, for ``user``: the units, the
    total, the ranking and the summoned departments' figures over [start, end) (dates; the
    default period is this month so far). Raises PermissionDenied for those without figures."""
    permissions.require(user, "appeals.view_metrics")
    rules = MetricsRules.current()
    min_cases = rules.min_cases if min_cases is None else min_cases
    start_at, end_at = period(start, end)
    days, months = stats_for(user)
    month_totals = None if months is None else permissions.visible(user, AppealMonthTotal)
    units, total = compute(
        days, dimension, start_at, end_at, months=months, rules=rules, month_totals=month_totals
    )
    parts, parts_total = summons_figures(permissions.visible(user, Summons), start_at, end_at)
    return {
        "dimension": dimension,
        "start": timezone.localdate(start_at),
        "end": timezone.localdate(end_at) - dt.timedelta(days=1),
        "min_cases": min_cases,
        "units": units,
        "total": total,
        "ranked": ranking(units, min_cases),
        "parts": parts,
        "parts_total": parts_total,
        "rules": rules,
    }
