"""The dashboards' reads: every figure from the appeal rollups (``appeals.metrics``, never the
appeals table, except the open cases overdue or in the warning band now, an indexed count of the
worklist's own tabs), within the reader's part of the tree (``permissions.visible`` with
``datacentre.view``)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shanzhi.accounts import dashboards, permissions
from shanzhi.appeals import metrics, refs, rollups
from shanzhi.appeals.models import (
    Appeal,
    AppealDayStat,
    AppealDayTotal,
    AppealMonthStat,
    AppealMonthTotal,
    MetricsRules,
)
from shanzhi.registry import geo
from shanzhi.registry.models import OrgNode

from ..access import ACTION, REPORTS
from .compare import RATES, _totals, category_rows, rate_rows
from .period import GRAINS, PRESETS, Period
from .scope import _under, late_by_path, late_counts  # noqa: F401  (late_by_path: the map's)

__all__ = [
    "Period",
    "dashboard",
    "node_or_404",
    "category_rows",
    "rate_rows",
    "root_node",
    "rollup_rows",
    "PRESETS",
    "GRAINS",
]

# The level whose units a node's dashboard ranks and maps (a grid's: itself).
CHILD = {"district": "street", "street": "community", "community": "grid"}
TOP_CATEGORIES = 10


def root_node(user):
    """The highest node the user reads figures for (their grant's node), or None."""
    nodes = [g.node for g in user.grants() if g.role in permissions.ACTIONS[ACTION] and g.node_id]
    return min(nodes, key=lambda n: (len(n.path), n.path)) if nodes else None


def node_or_404(user, pk):
    """A node whose figures the user reads; any other (also for users who read none) is a 404.
    The node is the process's copy of the org tree (``registry.geo.node``: read it, never change
    it), the scope decided on it (``permissions.covers``) rather than asked of the database."""
    node = geo.node(pk)
    if node is None or not permissions.covers(user, node, ACTION):
        raise Http404
    return node


def _seen(user, node, others):
    """The nodes of ``others`` (the process's copies) the reader may see: a big screen sees its own
    node's subtree only."""
    if user is None:
        return [n for n in others if n is not None and n.path.startswith(node.path)]
    return [n for n in others if n is not None and permissions.covers(user, n, ACTION)]


def visible(user, model):
    """The rows of ``model`` the reader may see; ``None`` is a big screen, whose token binds it to
    one node: every read below also keeps to that node's subtree, so the node is its scope."""
    if user is None:
        return model._default_manager.all()
    return permissions.visible(user, model, ACTION)


def rollup_rows(user, node):
    """(day rows, month rows) of the appeals under ``node`` that the user may read. A grid's month
    rows are its own (under its path: the per-grid rows), which answer its totals."""
    return _under(user, node, AppealDayStat), _under(user, node, AppealMonthStat)


def month_totals(user, node):
    """The month totals (``AppealMonthTotal``) under ``node`` that the user may read: the filed
    counters of whole months, not split by the deadline's month (a grid's: its own rows)."""
    return _under(user, node, AppealMonthTotal)


def day_totals(user, node):
    """The day totals (``AppealDayTotal``) under ``node`` that the user may read, else None (a grid:
    the day totals are per community): a period's partial months in tens of rows a community-day."""
    if node.level == OrgNode.Level.GRID:
        return None
    return _under(user, node, AppealDayTotal)


def _reads(user, node):
    """The rollup rows ``metrics.compute`` and ``metrics.received`` read for ``node``."""
    days, months = rollup_rows(user, node)
    return days, {
        "months": months,
        "totals": day_totals(user, node),
        "month_totals": month_totals(user, node),
        "within_grid": node.level == OrgNode.Level.GRID,
    }


def compute(user, node, period, dimension, rules, named=True):
    days, reads = _reads(user, node)
    start, end = metrics.period(period.start, period.end)
    return metrics.compute(days, dimension, start, end, rules=rules, named=named, **reads)


def period_totals(user, node, periods, rules):
    """[the total of each period] alone (the comparisons'): ``metrics.totals``, the same rows
    ``compute`` reads, all the periods at once and no unit's name."""
    days, reads = _reads(user, node)
    bounds = [metrics.period(p.start, p.end) for p in periods]
    return metrics.totals(days, bounds, rules=rules, **reads)


def worklist_url(node, bucket="all", **params):
    query = {"bucket": bucket, "node": node.pk, **params}
    return reverse("appeals:worklist") + "?" + urlencode(query)


def figure_url(node, period, figure, **params):
    return worklist_url(node, figure=figure, **period.list_query(), **params)


def dashboard_url(node, period):
    return reverse("datacentre:node", args=[node.pk]) + "?" + period.query()


def _trend(user, node, period):
    """Received, accepted and resolved per point of the trend. By month, the whole months come from
    the month totals (one dimension's rows: each sums to the whole cell; the grid's are the fewest,
    an appeal with no grid in its row with no key), the days at the edges from the day totals (a
    grid's: its day rows): a year costs its months, not its appeals. By day or week, the day
    totals of the period (at most ``MAX_DAY_POINTS`` days, or a week grain), a grid's day rows."""
    days, _months = rollup_rows(user, node)
    totals = day_totals(user, node)
    if totals is not None:  # the days from the day totals' filed place rows (a few a community-day)
        days = totals.filter(category__isnull=True, due_day__isnull=True)
    sums = {"received": Sum("received"), "accepted": Sum("accepted"), "resolved": Sum("resolved")}
    whole = metrics.whole_months(period.start, period.end)
    if period.grain != "month" or whole is None:
        parts = [(days.filter(day__gte=period.start, day__lt=period.end), "day")]
    else:
        in_months = month_totals(user, node).filter(dimension="grid", month__gte=whole[0], month__lt=whole[1])
        parts = [(in_months, "month")]
        edges = [(a, b) for a, b in ((period.start, whole[0]), (whole[1], period.end)) if a < b]
        if edges:  # none when the period is made of whole months
            q = Q()
            for a, b in edges:
                q |= Q(day__gte=a, day__lt=b)
            parts.append((days.filter(q), "day"))
    points = defaultdict(lambda: {"received": 0, "accepted": 0, "resolved": 0})
    for rows, when in parts:
        for r in rows.values(when).annotate(**sums).order_by():
            p = points[period.bucket(r[when])]
            for f in ("received", "accepted", "resolved"):
                p[f] += r[f] or 0
    labels, day = [], period.start
    while day < period.end:
        if not labels or labels[-1] != period.bucket(day):
            labels.append(period.bucket(day))
        day += dt.timedelta(days=1)
    return [{"label": b.isoformat(), **points[b]} for b in labels]


def received(user, node, period, dimension, keys=None):
    """{unit key: appeals received} in the period (``metrics.received``: that counter alone)."""
    days, reads = _reads(user, node)
    start, end = metrics.period(period.start, period.end)
    return metrics.received(days, dimension, start, end, keys=keys, **reads)


def _categories(user, node, period):
    """The top categories of the period against the previous one: their appeals received only (no
    rate is shown, so no due counters are read)."""
    now = received(user, node, period, "category")
    categories = [c for c in (refs.by_id(k) for k in now) if c is not None]  # the process's copies
    names, codes = {c.pk: str(c) for c in categories}, {c.pk: c.code for c in categories}
    top = sorted(now.items(), key=lambda kv: (-kv[1], names.get(kv[0], "")))[:TOP_CATEGORIES]
    # The period before, of the categories shown only (a district's days: rows of every category).
    before = received(user, node, period.previous, "category", keys=[k for k, _n in top if k is not None])
    rows = [(key, names.get(key) or _("（未归属）"), n) for key, n in top]
    return category_rows(
        rows, before, lambda code: figure_url(node, period, "received", category=code), codes
    )


def _ranking(user, node, period, rules, units):
    child = CHILD.get(node.level)
    if child is None:
        return []
    ranked = metrics.ranking(units, rules.min_cases)
    nodes = _child_nodes(user, node, child, [u.key for u in ranked])
    out = []
    for u in ranked:
        target = nodes.get(u.key)
        out.append(
            {
                "rank": u.rank,
                "name": u.name,
                "composite": u.composite,
                "received": u.received,
                **{r: getattr(u, r) for r in RATES},
                "avg_handling_hours": u.avg_handling_hours,
                "url": dashboard_url(target, period) if target else "",
            }
        )
    return out


def _departments(user, node, period, rules):
    """The departments handling this node's appeals, ranked like the units (``metrics.ranking``,
    the district's minimum sample); above grid level only, where departments are dispatched to."""
    if node.level not in ("district", "street"):
        return []
    units = [u for u in compute(user, node, period, "department", rules)[0] if u.key is not None]
    return [
        {
            "rank": u.rank,
            "name": u.name,
            "composite": u.composite,
            "on_time_rate": u.on_time_rate,
            "received": u.received,
        }
        for u in metrics.ranking(units, rules.min_cases)
    ]


def _child_nodes(user, node, child, keys):
    """{unit key (a node id, or a street's path): node} among the node's visible children."""
    qs = visible(user, OrgNode).filter(parent=node, level=child).defer("boundary")  # not drawn here
    return {(n.path if child == "street" else n.pk): n for n in qs}


def dashboard(user, node, period):
    """Everything one node's dashboard shows for ``period``."""
    rules = MetricsRules.current()
    # A grid's units are itself (no ranking below it): by grid, its month rows answer both clocks.
    dimension = CHILD.get(node.level, "grid")
    units, total = compute(user, node, period, dimension, rules)
    # The comparisons show totals only, the same in any dimension (a grid's: its own month rows and
    # its day rows at the edges).
    previous, year_earlier = period_totals(user, node, [period.previous, period.year_earlier], rules)
    late = late_counts(user, node)
    now = _totals(total)
    figures = [
        {"key": k, "label": label, "value": now[k], "url": figure_url(node, period, k)}
        for k, label in (("received", _("收到")), ("accepted", _("受理")), ("resolved", _("办结")))
    ]
    figures += [
        {
            "key": "overdue",
            "label": _("当前超期"),
            "value": late["overdue"],
            "url": worklist_url(node, "overdue"),
            "tone": "danger",
        },
        {
            "key": "warning",
            "label": _("当前预警"),
            "value": late["warning"],
            "url": worklist_url(node, "warning"),
            "tone": "warning",
        },
    ]
    rates = rate_rows(total, previous, year_earlier)
    rates[3]["url"] = figure_url(node, period, "on_time")
    above = _seen(user, node, [geo.node_at(p) for p in _ancestor_paths(node.path)])
    breadcrumbs = [{"name": p.name, "url": dashboard_url(p, period)} for p in above]
    trend = _trend(user, node, period)
    categories = _categories(user, node, period)
    ranking = _ranking(user, node, period, rules, units)
    chart_data = {
        "trend": trend,
        "rates": [{k: r[k] for k in ("label", "value", "previous", "year_earlier")} for r in rates],
        "categories": [{k: c[k] for k in ("name", "received", "previous", "url")} for c in categories],
        "ranking": [{k: u[k] for k in ("name", "composite", "url")} for u in ranking],
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
    }
    from .hot import histogram, hot_compounds, hot_grids  # (hot reads this module's helpers)

    chart_data["histogram"] = histogram(node, period, total)
    return {
        "hot_grids": hot_grids(user, node, period),
        "hot_compounds": hot_compounds(user, node, period),
        "histogram": chart_data["histogram"],
        "node": node,
        "period": period,
        "presets": PRESETS.items(),
        "grains": GRAINS.items(),
        "breadcrumbs": breadcrumbs,
        "figures": figures,
        "rates": rates,
        "totals": now,
        "trend": trend,
        "categories": categories,
        "ranking": ranking,
        "departments": _departments(user, node, period, rules),
        "chart_data": chart_data,
        "min_cases": rules.min_cases,
        "child_level": CHILD.get(node.level),
        "map_url": reverse("datacentre:map", args=[node.pk]) + "?" + period.query(),
        "points_url": reverse("datacentre:points", args=[node.pk]) + "?" + period.query(),
        "list_url": worklist_url(node),
        "reports_url": reverse("datacentre:reports")
        if user and permissions.has_role_for(user, REPORTS)
        else "",
        # A big screen shows the appeals only: the apps' panels read their own user's scope.
        "panels": dashboards.panels_for(user, node, period.start, period.end) if user else [],
    }


def _ancestor_paths(path):
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


TICKER = 20


def intake_today(node):
    """Today's newest appeals under ``node`` for a big screen's ticker: the title, category and
    time only (no person, no address), merged duplicates left out."""
    midnight = metrics.period(timezone.localdate(), None)[0]
    qs = rollups.counted(Appeal.objects.filter(path__startswith=node.path, created_at__gte=midnight))
    rows = qs.order_by("-created_at").values_list("title", "category__name", "created_at")[:TICKER]
    return [{"title": t, "category": c, "at": timezone.localtime(at)} for t, c, at in rows]
