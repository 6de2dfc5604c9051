"""Figures of the loop per grid, community, street, department or category over a period.

Computed from whatever appeal queryset the caller passes: a staff member's scoped one
(``permissions.visible``) or the public one (``public.public_appeals``), so nobody counts what
they may not see. One pass over the period's rows; no new tables.

Definitions (each a share of the row before it where it makes sense):
- received: appeals filed in the period (merged duplicates left out: they follow their main case);
- accepted: of those, accepted (受理); response rate: (accepted + rejected) / received;
- resolution rate: resolved now (办结, not reopened as unsatisfied since) / accepted;
- satisfaction rate: (satisfied + basically satisfied) / rated;
- on-time closure rate (按期结案率): resolved by the deadline / (due − suspended), where *due* are
  the accepted appeals whose deadline fell in the period and before now, and *suspended* those of
  them under suspension (缓办);
- rework rate: appeals sent back at least once (返工) / accepted;
- average handling time: hours from acceptance to resolution, over the resolved.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Department, OrgNode

from .models import Appeal, Category

DIMENSIONS = {
    "grid": _("网格"), "community": _("社区"), "street": _("街道"), "department": _("职能部门"),
    "category": _("诉求分类"),
}
DEFAULT_MIN_CASES = 5
S = Appeal.Status


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
        return [self.name, self.received, self.accepted, self.response_rate, self.resolution_rate,
                self.satisfaction_rate, self.on_time_rate, self.rework_rate, self.avg_handling_hours]


COLUMNS = [_("单位"), _("收到"), _("受理"), _("响应率%"), _("解决率%"), _("满意率%"), _("按期结案率%"),
           _("返工率%"), _("平均办理时长(小时)")]


def period(start=None, end=None, now=None):
    """[start, end) as aware datetimes; by default this month so far."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = start or today.replace(day=1)
    end = end or today + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end, dt.time.min, tz))


def _street_path(path):
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:2]) + "/" if len(parts) >= 2 else ""


KEYS = {
    "grid": lambda r: r["grid_id"],
    "community": lambda r: r["community_id"],
    "street": lambda r: _street_path(r["path"]),
    "department": lambda r: r["assignee_department_id"],
    "category": lambda r: r["category_id"],
}


def _names(dimension, keys):
    keys = [k for k in keys if k]
    if dimension in ("grid", "community"):
        return dict(OrgNode.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "street":
        return dict(OrgNode.objects.filter(path__in=keys).values_list("path", "name"))
    if dimension == "department":
        return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {c.pk: str(c) for c in Category.objects.filter(pk__in=keys).select_related("parent")}


def compute(appeals, dimension, start, end, now=None):
    """(per-unit Figures sorted by received, the total) for ``appeals`` filed in [start, end)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    now = now or timezone.now()
    due_until = min(end, now)
    rows = (
        appeals.filter(created_at__gte=start, created_at__lt=end).exclude(status=S.MERGED)
        .values("grid_id", "community_id", "path", "assignee_department_id", "category_id", "status",
                "accepted_at", "resolved_at", "deadline", "suspended", "rating", "rework_count")
        .order_by()
    )
    units = defaultdict(lambda: None)
    total = Figures(key=None, name=str(_("合计")))
    for r in rows.iterator(chunk_size=5000):
        key = KEYS[dimension](r)
        unit = units[key] or Figures(key=key)
        units[key] = unit
        for f in (unit, total):
            _count(f, r, start, due_until)
    names = _names(dimension, list(units))
    out = []
    for key, unit in units.items():
        unit.name = names.get(key) or str(_("（未归属）"))
        out.append(unit)
    out.sort(key=lambda u: (-u.received, u.name))
    return out, total


def _count(f, r, start, due_until):
    f.received += 1
    if r["status"] == S.REJECTED:
        f.rejected += 1
    if r["accepted_at"] is None:
        return
    f.accepted += 1
    if r["rework_count"]:
        f.reworked += 1
    if r["resolved_at"] is not None:
        f.resolved += 1
        f.handling_hours += (r["resolved_at"] - r["accepted_at"]).total_seconds() / 3600
    if r["rating"]:
        f.rated += 1
        if r["rating"] in (Appeal.Rating.SATISFIED, Appeal.Rating.BASIC):
            f.satisfied += 1
    if r["deadline"] is not None and r["deadline"] < due_until:
        f.due += 1
        if r["suspended"]:
            f.suspended += 1
        elif r["resolved_at"] is not None and r["resolved_at"] <= r["deadline"]:
            f.on_time += 1


def ranking(units, min_cases=DEFAULT_MIN_CASES):
    """Units with at least ``min_cases`` received, best on-time closure rate first, then satisfaction;
    units with too few cases are left out rather than ranked on noise."""
    ranked = [u for u in units if u.received >= min_cases]
    ranked.sort(key=lambda u: (-(u.on_time_rate or 0), -(u.satisfaction_rate or 0), u.name))
    return ranked
