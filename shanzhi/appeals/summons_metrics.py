"""吹哨报到 figures per department (the summonses' own on-time rules; see `appeals.metrics`'s
docstring), re-exported by `appeals.metrics`."""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Summons


def _share(part, whole):
    from .metrics import Figures

    return Figures._share(part, whole)


@dataclass
class PartFigures:
    """吹哨报到 figures of one department (see the module docstring)."""

    key: object
    name: str = ""
    summoned: int = 0
    report_due: int = 0
    reported_on_time: int = 0
    finish_due: int = 0
    finished_on_time: int = 0

    @property
    def report_rate(self):
        return _share(self.reported_on_time, self.report_due)

    @property
    def finish_rate(self):
        return _share(self.finished_on_time, self.finish_due)


def summons_figures(summonses, start, end, now=None):
    """Per department, the parts of ``summonses`` (the rows the reader may see) summoned in
    [start, end) and not withdrawn: one grouped query. Returns (list sorted by summoned, total)."""
    now = now or timezone.now()
    reported = Q(reported_at__isnull=False)
    finished = Q(done_at__isnull=False)
    rows = (
        summonses.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Summons.Status.CANCELLED)
        .values("department_id", "department__name")
        .annotate(
            n_summoned=Count("pk"),
            n_report_due=Count("pk", filter=reported | Q(due_at__lt=now)),
            n_reported_on_time=Count("pk", filter=reported & Q(reported_at__lte=F("due_at"))),
            n_finish_due=Count("pk", filter=finished | Q(appeal__deadline__lt=now)),
            n_finished_on_time=Count("pk", filter=finished & Q(done_at__lte=F("appeal__deadline"))),
        )
        .order_by()
    )
    names = ("summoned", "report_due", "reported_on_time", "finish_due", "finished_on_time")
    units, total = [], PartFigures(key=None, name=str(_("合计")))
    for r in rows:
        unit = PartFigures(key=r["department_id"], name=r["department__name"])
        for n in names:
            setattr(unit, n, r[f"n_{n}"])
            setattr(total, n, getattr(total, n) + r[f"n_{n}"])
        units.append(unit)
    units.sort(key=lambda u: (-u.summoned, u.key))
    return units, total
