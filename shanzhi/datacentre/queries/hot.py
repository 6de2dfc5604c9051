"""Two more of a dashboard's sections: the hot places (热点) and the handling-time histogram
(办理时长分布). Both are links to their cases in the worklist.

* **Hot grids** come from the rollups (their grid grain: day rows, and month rows per grid above
  grid level), as every other figure does.
* **Hot compounds**: the rollups have no compound grain (an appeal knows its compound only through
  the building it was filed at, and most have none), so they are a grouped count of the appeals
  themselves, bounded: only on a community's or a grid's dashboard (never a street's or a
  district's), over the appeals under that node filed in the period (at most ``MAX_DAYS``). The
  path prefix is served by the appeals' ``path`` index (on PostgreSQL its ``varchar_pattern_ops``
  twin answers ``LIKE 'prefix%'``), so a page view reads one community's appeals of the period,
  never the table.
* **The histogram** is the rollup's own counters (``rollups.HANDLING_BUCKETS``, calendar days from
  acceptance to resolution, over the resolved among the appeals filed in the period, the clock of
  平均办理时长), read from the period's total that the dashboard already computed.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy

from shanzhi.accounts import permissions
from shanzhi.appeals import metrics, rollups
from shanzhi.appeals.models import Appeal
from shanzhi.registry import geo
from shanzhi.registry.models import OrgNode

from . import _seen, figure_url, received

HOT = 8  # places listed
COMPOUND_LEVELS = (OrgNode.Level.COMMUNITY, OrgNode.Level.GRID)
BUCKET_LABELS = {
    "handled_1d": gettext_lazy("不足1天"),
    "handled_3d": gettext_lazy("1–3天"),
    "handled_5d": gettext_lazy("3–5天"),
    "handled_10d": gettext_lazy("5–10天"),
    "handled_over_10d": gettext_lazy("10天以上"),
}


def hot_grids(user, node, period):
    """The grids under ``node`` with the most appeals received in the period (the rollups' received
    counter alone: no rate is shown), most first, ties by name."""
    if node.level == OrgNode.Level.GRID:
        return []
    counts = {k: n for k, n in received(user, node, period, "grid").items() if k and n}
    grids = _seen(user, node, [geo.node(k) for k in counts])
    top = sorted(grids, key=lambda g: (-counts[g.pk], g.name))[:HOT]
    return [{"name": g.name, "received": counts[g.pk], "url": figure_url(g, period, "received")} for g in top]


def _appeals(user, node):
    qs = Appeal.objects.all() if user is None else permissions.visible(user, Appeal)
    return rollups.counted(qs.filter(path__startswith=node.path)).order_by()


def hot_compounds(user, node, period):
    """The compounds under a community or grid with the most appeals received in the period: a
    bounded grouped count of that node's appeals (see the module's docstring)."""
    if node.level not in COMPOUND_LEVELS:
        return []
    start, end = metrics.period(period.start, period.end)
    rows = (
        _appeals(user, node)
        .filter(created_at__gte=start, created_at__lt=end, building__isnull=False)
        .values("building__compound_id", "building__compound__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "building__compound__name")[:HOT]
    )
    return [
        {
            "name": r["building__compound__name"],
            "received": r["n"],
            "url": figure_url(node, period, "received", compound=r["building__compound_id"]),
        }
        for r in rows
    ]


def histogram_rows(total, url_of):
    """[{key, label, count, url}] of the handling-time buckets of ``total`` (a ``Figures``);
    ``url_of(bucket)`` is the list behind one bar."""
    return [
        {"key": name, "label": str(BUCKET_LABELS[name]), "count": getattr(total, name), "url": url_of(name)}
        for name in rollups.HANDLING_COUNTERS
    ]


def histogram(node, period, total):
    return histogram_rows(total, lambda name: figure_url(node, period, name))
