"""Figures of the loop per grid, community, street, department or category over a period.

Read from the rollup (``AppealDayStat``/``AppealMonthStat``, kept by ``rollups.py``), never from
the appeals table: month rows for the whole months of the period and day rows for the days at its
edges, two grouped queries whatever the number of appeals. The caller passes the rollup rows the
reader may see (``stats_for(user)``: ``permissions.visible`` on both models, whose scopes mirror
the appeals' one, see ``access.day_stat_scope``) or the public ones (``public.public_stats``),
so nobody counts what they may not see.

Definitions (each a share of the row before it where it makes sense), over the appeals *filed* in
the period (merged duplicates left out: they follow their main case):
- received; accepted (受理); response rate: (accepted + rejected) / received;
- resolution rate: resolved now (办结, not reopened as unsatisfied since) / accepted;
- satisfaction rate: (satisfied + basically satisfied) / rated;
- on-time closure rate (按期结案率): resolved by the deadline / (due − suspended), where *due* are
  the accepted appeals whose deadline has passed (as of the last refresh of their rollup cell: a
  move, or the sweep once the deadline passes), and *suspended* those of them under suspension
  (缓办);
- rework rate: appeals sent back at least once (返工) / accepted;
- average handling time: hours from acceptance to resolution, over the resolved.

Changes from the scanning version: *due* no longer stops at the period's end (a deadline that
passed after the period still counts: the figure is about the appeals filed in it); the figures
lag a move by the drain (seconds with a task worker, one sweep interval without); a staff member's
figures cover their part of the tree (or their department's assignments) but not appeals outside
it that are assigned to them personally or to which their department was only summoned.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.accounts import permissions
from shanzhi.registry.models import Department, OrgNode

from . import rollups
from .models import AppealDayStat, AppealMonthStat, Category

DIMENSIONS = {
    "grid": _("网格"),
    "community": _("社区"),
    "street": _("街道"),
    "department": _("职能部门"),
    "category": _("诉求分类"),
}
DEFAULT_MIN_CASES = 5


@dataclass
class Figures:
    key: object
    name: str = ""
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    due: int = 0
    suspended: int = 0
    on_time: int = 0
    reworked: int = 0
    handling_hours: float = 0.0
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _share(part, whole):
        return round(100 * part / whole, 1) if whole > 0 else None

    @property
    def response_rate(self):
        return self._share(self.accepted + self.rejected, self.received)

    @property
    def resolution_rate(self):
        return self._share(self.resolved, self.accepted)

    @property
    def satisfaction_rate(self):
        return self._share(self.satisfied, self.rated)

    @property
    def on_time_rate(self):
        return self._share(self.on_time, self.due - self.suspended)

    @property
    def rework_rate(self):
        return self._share(self.reworked, self.accepted)

    @property
    def avg_handling_hours(self):
        return round(self.handling_hours / self.resolved, 1) if self.resolved else None

    def as_row(self):
        return [
            self.name,
            self.received,
            self.accepted,
            self.response_rate,
            self.resolution_rate,
            self.satisfaction_rate,
            self.on_time_rate,
            self.rework_rate,
            self.avg_handling_hours,
        ]


COLUMNS = [
    _("单位"),
    _("收到"),
    _("受理"),
    _("响应率%"),
    _("解决率%"),
    _("满意率%"),
    _("按期结案率%"),
    _("返工率%"),
    _("平均办理时长(小时)"),
]


def period(start=None, end=None, now=None):
    """[start, end) as aware datetimes; by default this month so far."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = start or today.replace(day=1)
    end = end or today + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end, dt.time.min, tz))


KEYS = {
    "grid": "grid_id",
    "community": "community_id",
    "street": "street_path",
    "department": "department_id",
    "category": "category_id",
}
# The rollup's counters (listed once, in ``rollups.COUNTERS``) and the summed handling time last.
SUMMED = (*rollups.COUNTERS, "handling")


def _names(dimension, keys):
    keys = [k for k in keys if k]
    if dimension in ("grid", "community"):
        return dict(OrgNode.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "street":
        return dict(OrgNode.objects.filter(path__in=keys).values_list("path", "name"))
    if dimension == "department":
        return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {c.pk: str(c) for c in Category.objects.filter(pk__in=keys).select_related("parent")}


# In the month rows: which dimension's rows answer, and what they are grouped by.
MONTH_KEYS = {
    "grid": ("grid", "key"),
    "community": ("grid", "community_id"),
    "street": ("grid", "street_path"),
    "department": ("department", "key"),
    "category": ("category", "key"),
}


def stats_for(user):
    """(day rows, month rows or None) the user may read. The month rows stand for the day rows only
    when every grant that sees figures covers whole communities (a community, street or district):
    a department's handler, or a grant on a single grid, reads the day rows alone."""
    days = permissions.visible(user, AppealDayStat)
    grants = [g for g in user.grants() if g.role in permissions.ACTIONS["appeals.view_metrics"]]
    whole = grants and all(g.node_id and g.node.level in ("community", "street", "district") for g in grants)
    return days, (permissions.visible(user, AppealMonthStat) if whole else None)


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


def _sums(rows, key):
    return rows.values(key).annotate(**{f"n_{f}": Sum(f) for f in SUMMED}).order_by()


def compute(stats, dimension, start, end, months=None):
    """(per-unit Figures sorted by received, the total) for the appeals filed in [start, end) (aware
    datetimes at local midnight, as ``period`` gives), from the day rows ``stats`` and, for the
    whole months of the period, the month rows ``months`` when given (see ``stats_for``)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    first, end_day = timezone.localdate(start), timezone.localdate(end)
    key = KEYS[dimension]
    whole = _whole_months(first, end_day) if months is not None else None
    if whole is None:
        parts = [_sums(stats.filter(day__gte=first, day__lt=end_day), key)]
    else:
        month_dimension, month_key = MONTH_KEYS[dimension]
        edges = Q(day__gte=first, day__lt=whole[0]) | Q(day__gte=whole[1], day__lt=end_day)
        in_months = months.filter(dimension=month_dimension, month__gte=whole[0], month__lt=whole[1])
        month_rows = _sums(in_months, month_key)
        parts = [_sums(stats.filter(edges), key), [{**r, key: r[month_key]} for r in month_rows]]
    units = {}
    for part in parts:
        for r in part:
            unit = units.setdefault(r[key], Figures(key=r[key]))
            handling = r["n_handling"] or dt.timedelta(0)
            unit.handling_hours += handling.total_seconds() / 3600
            for f in rollups.COUNTERS:
                setattr(unit, f, getattr(unit, f) + (r[f"n_{f}"] or 0))
    units = list(units.values())
    total = Figures(key=None, name=str(_("合计")))
    for unit in units:
        for f in (*rollups.COUNTERS, "handling_hours"):
            setattr(total, f, getattr(total, f) + getattr(unit, f))
    names = _names(dimension, [u.key for u in units])
    for unit in units:
        unit.name = names.get(unit.key) or str(_("（未归属）"))
    units.sort(key=lambda u: (-u.received, u.name))
    return units, total


def ranking(units, min_cases=DEFAULT_MIN_CASES):
    """Units with at least ``min_cases`` received, best on-time closure rate first, then satisfaction;
    units with too few cases are left out rather than ranked on noise."""
    ranked = [u for u in units if u.received >= min_cases]
    ranked.sort(key=lambda u: (-(u.on_time_rate or 0), -(u.satisfaction_rate or 0), u.name))
    return ranked
