"""The dashboards of a department (职能部门) and of a property company (物业企业): the appeals
assigned to them, for their own staff only (``access.own_department`` / ``own_company``).

* **A department** reads the rollups' day rows of its department (the rollup's department grain,
  served by the index on (department, day)), as ``metrics.stats_for`` does for its handlers.
* **A property company**: the rollups have no company grain, so its figures are the rollup's own
  definitions (``rollups.figure_q``, the same aggregates a rollup cell sums) counted over the
  appeals assigned to the company, filed (or, for 按期结案率, due) in the period. Bounded: one
  company's appeals, found through the index on (assignee_company, status), in a period of at
  most ``MAX_DAYS``; never the whole table.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, DurationField, F, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shanzhi.appeals import metrics, rollups
from shanzhi.appeals import queries as appeal_queries
from shanzhi.appeals.models import Appeal, AppealDayStat, Category, MetricsRules
from shanzhi.registry.models import Department, PropertyCompany

from ..access import own_company, own_department
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


def _list_url(period, figure=None, bucket="all"):
    """The worklist (already scoped to the reader's department or company) behind a figure."""
    query = {"bucket": bucket}
    if figure:
        query.update(figure=figure, **period.list_query())
    return reverse("appeals:worklist") + "?" + urlencode(query)


def _department_figures(dept, period, rules):
    days = AppealDayStat.objects.filter(department_id=dept.pk)
    start, end = metrics.period(period.start, period.end)
    units, total = metrics.compute(days, "category", start, end, rules=rules)
    rows = (
        days.filter(day__gte=period.start, day__lt=period.end)
        .values("day")
        .annotate(received=Sum("received"), accepted=Sum("accepted"), resolved=Sum("resolved"))
        .order_by()
    )
    return total, [(u.name, u.received, u.key) for u in units[:TOP_CATEGORIES]], rows


def _company_appeals(company):
    return rollups.counted(Appeal.objects.filter(assignee_company_id=company.pk)).order_by()


def company_figures(company, period, rules, now=None):
    """(total Figures, top categories, trend rows) of the appeals assigned to ``company``."""
    now = now or timezone.now()
    q = rollups.figure_q(now)
    start, end = metrics.period(period.start, period.end)
    appeals = _company_appeals(company)
    filed = appeals.filter(created_at__gte=start, created_at__lt=end)
    sums = filed.aggregate(
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
    categories = filed.values("category_id").annotate(n=Count("pk")).order_by("-n", "category_id")
    categories = list(categories[:TOP_CATEGORIES])
    names = {c.pk: str(c) for c in Category.objects.filter(pk__in=[r["category_id"] for r in categories])}
    trend = (
        filed.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=q["accepted"]),
            resolved=Count("pk", filter=q["resolved"]),
        )
    )
    return total, [(names.get(r["category_id"], ""), r["n"], r["category_id"]) for r in categories], trend


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
    """What a department's (``kind`` "department") or a company's ("company") dashboard shows."""
    rules = MetricsRules.current()
    if kind == "department":
        total, categories, rows = _department_figures(unit, period, rules)
        assigned = Appeal.objects.filter(assignee_department_id=unit.pk)
    else:
        total, categories, rows = company_figures(unit, period, rules)
        assigned = Appeal.objects.filter(assignee_company_id=unit.pk)
    # 当前超期: the worklist's own condition, over the unit's open cases (its assignee index).
    overdue = assigned.filter(appeal_queries.late_q("overdue", timezone.now())).order_by().count()
    figures = [
        {
            "key": "received",
            "label": _("收到"),
            "value": total.received,
            "url": _list_url(period, "received"),
        },
        {
            "key": "resolved",
            "label": _("办结"),
            "value": total.resolved,
            "url": _list_url(period, "resolved"),
        },
        {
            "key": "on_time",
            "label": _("按期结案"),
            "value": total.on_time,
            "url": _list_url(period, "on_time"),
        },
        {
            "key": "overdue",
            "label": _("当前超期"),
            "value": overdue,
            "url": _list_url(period, bucket="overdue"),
            "tone": "danger",
        },
    ]
    rates = [
        {"key": r, "label": label, "value": getattr(total, r), "previous": None, "year_earlier": None}
        for r, label in (
            ("response_rate", _("响应率")),
            ("resolution_rate", _("解决率")),
            ("satisfaction_rate", _("满意率")),
            ("on_time_rate", _("按期结案率")),
        )
    ]
    trend = _trend(period, rows)
    cats = [{"name": n, "received": c, "previous": 0, "url": ""} for n, c, _k in categories]
    hist = histogram_rows(total, lambda name: _list_url(period, name))
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
        "list_url": _list_url(period),
        "chart_data": {
            "trend": trend,
            "rates": rates,
            "categories": cats,
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
