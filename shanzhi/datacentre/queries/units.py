"""The dashboards of a department (职能部门) and of a property company (物业企业): the appeals
assigned to them, for their own staff only (``access.own_department`` / ``own_company``).

* **A department** reads its department rows (``AppealDepartmentMonth``: per department, category
  and month of the deadline) for the whole months of its period, and for the days at the edges
  its department days (``AppealDepartmentDay``: one row a community-day) for its trend and its
  comparisons' totals, the rollups' day rows of its department (the index on (department, day))
  for its figures by category: a year costs its months, and a comparison its days, not the
  appeals the department handled in them.
* **A property company**: the rollups have no company grain, so its figures are the rollup's own
  definitions (``rollups.figure_q``, the same aggregates a rollup cell sums) counted over the
  appeals assigned to the company, filed (or, for 按期结案率, due) in the period. Bounded: the
  company's appeals of the period, found through the partial indexes on (assignee_company,
  created_at) and (assignee_company, deadline), in a period of at most ``MAX_DAYS``; never the
  whole table, nor every appeal the company was ever assigned (its cost follows the period, not
  the history).
* **Comparisons** are the same figures of the period before and of the same days a year earlier,
  shown by the nodes' own ``rate_rows`` and ``category_rows``.
* **Links** open the worklist narrowed to the cases assigned to the unit (``department=`` /
  ``company=``): a department's worklist also holds the cases it was only summoned to (吹哨报到),
  which no figure here counts.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, DurationField, F, Q, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shanzhi.appeals import metrics, rollups
from shanzhi.appeals import queries as appeal_queries
from shanzhi.appeals.models import (
    Appeal,
    AppealDayStat,
    AppealDepartmentDay,
    AppealDepartmentMonth,
    Category,
    MetricsRules,
)
from shanzhi.registry.models import Department, PropertyCompany

from ..access import own_company, own_department
from . import category_rows, rate_rows
from .hot import histogram_rows
from .period import GRAINS, PRESETS

TOP_CATEGORIES = 10


def department_or_404(user, pk):
    if not (user.is_authenticated and own_department(user, pk)):
        raise Http404
    return Department.objects.get(pk=pk)


def company_or_404(user, pk):
    if not (user.is_authenticated and own_company(user, pk)):
        raise Http404
    return PropertyCompany.objects.get(pk=pk)


def _list_url(kind, unit, period, figure=None, bucket="all", **extra):
    """The worklist behind a figure: the cases assigned to the unit (``department=`` or
    ``company=``: a department's worklist also holds the cases it was only summoned to, which its
    figures do not count)."""
    query = {"bucket": bucket, kind: unit.pk, **extra}
    if figure:
        query.update(figure=figure, **period.list_query())
    return reverse("appeals:worklist") + "?" + urlencode(query)


def _department_total(dept, period, rules):
    """(units by category, total) of the department in ``period``: its department rows for the
    whole months (read as the month rows' category dimension), its day rows for the other days."""
    start, end = metrics.period(period.start, period.end)
    days = AppealDayStat.objects.filter(department_id=dept.pk)
    months = AppealDepartmentMonth.objects.filter(department_id=dept.pk)
    return metrics.compute(days, "category", start, end, months=months, rules=rules)


TREND = {"received": Sum("received"), "accepted": Sum("accepted"), "resolved": Sum("resolved")}


def _department_trend_rows(dept, period):
    """[{day, received, accepted, resolved}] of the department's trend: by month, the whole months
    from its department rows (dated their first day) and the days at the edges from its department
    days; by day or week, its department days (their filed rows: one a community-day)."""
    days = AppealDepartmentDay.objects.filter(department_id=dept.pk, due_day__isnull=True)
    whole = metrics.whole_months(period.start, period.end)
    if period.grain != "month" or whole is None:
        return list(
            days.filter(day__gte=period.start, day__lt=period.end).values("day").annotate(**TREND).order_by()
        )
    months = AppealDepartmentMonth.objects.filter(
        department_id=dept.pk, month__gte=whole[0], month__lt=whole[1]
    )
    rows = [{**r, "day": r.pop("month")} for r in months.values("month").annotate(**TREND).order_by()]
    edges = Q()
    for a, b in ((period.start, whole[0]), (whole[1], period.end)):
        if a < b:
            edges |= Q(day__gte=a, day__lt=b)
    if edges:
        rows += list(days.filter(edges).values("day").annotate(**TREND).order_by())
    return rows


def _department_figures(dept, period, rules):
    units, total = _department_total(dept, period, rules)
    rows = _department_trend_rows(dept, period)
    return total, [(u.name, u.received, u.key) for u in units[:TOP_CATEGORIES]], rows


def _department_totals(dept, periods, rules):
    """[the department's total of each period] (the comparisons): its department rows for the
    whole months, its department days for the other days, all the periods at once
    (``metrics.totals``), so that their cost follows the days, not the appeals it handled."""
    days = AppealDepartmentDay.objects.filter(department_id=dept.pk)
    months = AppealDepartmentMonth.objects.filter(department_id=dept.pk)
    bounds = [metrics.period(p.start, p.end) for p in periods]
    return metrics.totals(
        days, bounds, months=months, rules=rules, month_dimension="category", filed_rows=True
    )


def _department_received(dept, period, keys):
    """{category id: received} of ``period``, of the categories ``keys`` only (those shown)."""
    start, end = metrics.period(period.start, period.end)
    days = AppealDayStat.objects.filter(department_id=dept.pk)
    months = AppealDepartmentMonth.objects.filter(department_id=dept.pk)
    return metrics.received(days, "category", start, end, months=months, keys=keys)


def _company_appeals(company):
    return rollups.counted(Appeal.objects.filter(assignee_company_id=company.pk)).order_by()


def company_total(company, period, rules, now=None):
    """The total Figures of the appeals assigned to ``company`` in ``period``: the rollup's own
    definitions (``figure_q``) counted over its appeals."""
    now = now or timezone.now()
    q = rollups.figure_q(now)
    start, end = metrics.period(period.start, period.end)
    appeals = _company_appeals(company)
    sums = appeals.filter(created_at__gte=start, created_at__lt=end).aggregate(
        **{f"n_{c}": Count("pk", filter=q[c]) if q[c] else Count("pk") for c in rollups.COUNTERS},
        n_handling=Sum(
            F("resolved_at") - F("accepted_at"), filter=q["resolved"], output_field=DurationField()
        ),
    )
    due = appeals.filter(deadline__gte=start, deadline__lt=end).aggregate(
        **{f"n_{c}": Count("pk", filter=q[c]) for c in rollups.DUE_COUNTERS}
    )
    total = metrics.Figures(key=None, basic_weight=float(rules.basic_weight), weights=rules.weights)
    for c in rollups.COUNTERS:
        setattr(total, c, sums[f"n_{c}"])
    for c in rollups.DUE_COUNTERS:
        setattr(total, c, due[f"n_{c}"])
    total.handling_hours = (sums["n_handling"] or dt.timedelta(0)).total_seconds() / 3600
    return total


def _company_filed(company, period):
    start, end = metrics.period(period.start, period.end)
    return _company_appeals(company).filter(created_at__gte=start, created_at__lt=end)


def _company_categories(company, period, limit=None):
    rows = _company_filed(company, period).values("category_id").annotate(n=Count("pk"))
    rows = rows.order_by("-n", "category_id")
    return [(r["category_id"], r["n"]) for r in (rows[:limit] if limit else rows)]


def company_figures(company, period, rules, now=None):
    """(total Figures, top categories, trend rows) of the appeals assigned to ``company``."""
    now = now or timezone.now()
    q = rollups.figure_q(now)
    total = company_total(company, period, rules, now)
    categories = _company_categories(company, period, TOP_CATEGORIES)
    names = {c.pk: str(c) for c in Category.objects.filter(pk__in=[k for k, _n in categories])}
    trend = (
        _company_filed(company, period)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=q["accepted"]),
            resolved=Count("pk", filter=q["resolved"]),
        )
    )
    return total, [(names.get(k, ""), n, k) for k, n in categories], trend


def _company_compared(company, period, rules):
    return company_total(company, period, rules), dict(_company_categories(company, period))


def _trend(period, rows):
    points = defaultdict(lambda: {"received": 0, "accepted": 0, "resolved": 0})
    for r in rows:
        p = points[period.bucket(r["day"])]
        for f in ("received", "accepted", "resolved"):
            p[f] += r[f] or 0
    labels, day = [], period.start
    while day < period.end:
        if not labels or labels[-1] != period.bucket(day):
            labels.append(period.bucket(day))
        day += dt.timedelta(days=1)
    return [{"label": b.isoformat(), **points[b]} for b in labels]


def unit_dashboard(user, unit, kind, period):
    """What a department's (``kind`` "department") or a company's ("company") dashboard shows, with
    the comparisons of the nodes' dashboards (``rate_rows``, ``category_rows``): the period before
    of the same length and the same days a year earlier."""
    rules = MetricsRules.current()
    if kind == "department":
        total, categories, rows = _department_figures(unit, period, rules)
        previous, year_earlier = _department_totals(unit, [period.previous, period.year_earlier], rules)
        before = _department_received(unit, period.previous, [k for _n, _c, k in categories if k is not None])
        assigned = Appeal.objects.filter(assignee_department_id=unit.pk)
    else:
        total, categories, rows = company_figures(unit, period, rules)
        previous, before = _company_compared(unit, period.previous, rules)
        year_earlier, _c = _company_compared(unit, period.year_earlier, rules)
        assigned = Appeal.objects.filter(assignee_company_id=unit.pk)
    # 当前超期: the worklist's own condition, over the unit's open cases (a department's from the
    # partial index of its open cases on the clock by deadline, ``appeal_timed_dept``; a company's
    # from its assignee index).
    overdue = assigned.filter(appeal_queries.late_q("overdue", timezone.now())).order_by().count()

    def url(figure=None, bucket="all", **extra):
        return _list_url(kind, unit, period, figure, bucket, **extra)

    figures = [
        {"key": "received", "label": _("收到"), "value": total.received, "url": url("received")},
        {"key": "resolved", "label": _("办结"), "value": total.resolved, "url": url("resolved")},
        {"key": "on_time", "label": _("按期结案"), "value": total.on_time, "url": url("on_time")},
        {
            "key": "overdue",
            "label": _("当前超期"),
            "value": overdue,
            "url": url(bucket="overdue"),
            "tone": "danger",
        },
    ]
    rates = rate_rows(total, previous, year_earlier)
    rates[3]["url"] = url("on_time")
    trend = _trend(period, rows)
    cats = category_rows(
        [(k, n, c) for n, c, k in categories], before, lambda code: url("received", category=code)
    )
    hist = histogram_rows(total, lambda name: url(name))
    return {
        "kind": kind,
        "unit": unit,
        "period": period,
        "presets": PRESETS.items(),
        "grains": GRAINS.items(),
        "figures": figures,
        "rates": rates,
        "totals": total,
        "avg_handling_hours": total.avg_handling_hours,
        "trend": trend,
        "categories": cats,
        "histogram": hist,
        "list_url": url(),
        "chart_data": {
            "trend": trend,
            "rates": [{k: r[k] for k in ("label", "value", "previous", "year_earlier")} for r in rates],
            "categories": [{k: c[k] for k in ("name", "received", "previous", "url")} for c in cats],
            "ranking": [],
            "histogram": hist,
            "labels": {
                "received": _("收到"),
                "accepted": _("受理"),
                "resolved": _("办结"),
                "now": _("本期"),
                "previous": _("上一周期"),
                "year_earlier": _("去年同期"),
                "composite": _("综合得分"),
                "closed": _("办结件数"),
            },
        },
    }
