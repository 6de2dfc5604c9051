"""The dashboard's map: the units one level below a node (a grid: itself), each drawn from the
registry's own polygons (a street's or community's outline is the union of its grids, computed
by ``registry.geo.outline`` and cached there) and coloured by one measure. No tile server."""

from collections import Counter

from django.db.models import Count
from django.utils.translation import gettext_lazy

from shanzhi.appeals.models import MetricsRules
from shanzhi.registry import geo, maps
from shanzhi.registry.models import Household, OrgNode

from . import CHILD, compute, dashboard_url, figure_url, late_by_path, visible

MEASURES = {
    "per_1000": gettext_lazy("每千户诉求量"),
    "received": gettext_lazy("收到诉求"),
    "overdue": gettext_lazy("当前超期"),
    "satisfaction_rate": gettext_lazy("满意率%"),
    "on_time_rate": gettext_lazy("按期结案率%"),
}
# A high value is bad for these, good for the rates: the legend runs from good to bad either way.
HIGH_IS_BAD = {"per_1000", "received", "overdue"}


def _units(user, node):
    level = CHILD.get(node.level)
    if level is None:
        return None, [node]
    units = visible(user, OrgNode).filter(parent=node, level=level, retired_at__isnull=True)
    return level, list(units.order_by("code"))


def _by_prefix(rows, units):
    """Sum counts keyed by a path onto the units whose path it starts with."""
    out = Counter()
    for path, n in rows:
        for u in units:
            if path and path.startswith(u.path):
                out[u.pk] += n
                break
    return out


def _drill(unit, node, period):
    return dashboard_url(unit, period) if unit != node else figure_url(unit, period, "received")


def features(user, node, period, measure):
    """A GeoJSON FeatureCollection: one feature per unit, with every measure in its properties (the
    hover card) and ``value`` the chosen one (``None`` when the unit has no figure for it)."""
    if measure not in MEASURES:
        measure = "per_1000"
    level, units = _units(user, node)
    rules = MetricsRules.current()
    figures = {}
    if units:
        dimension = level or "grid"
        for u in compute(user, node, period, dimension, rules)[0]:
            figures[u.key] = u
    overdue = _by_prefix(late_by_path(user, node, "overdue"), units)
    household_rows = (
        visible(user, Household)
        .filter(grid__path__startswith=node.path)
        .order_by()
        .values("grid__path")
        .annotate(n=Count("pk"))
        .values_list("grid__path", "n")
    )
    households = _by_prefix(household_rows, units)
    system = maps.crs()
    out = []
    for u in units:
        f = figures.get(u.path if level == "street" else u.pk)
        received = f.received if f else 0
        n_households = households.get(u.pk, 0)
        values = {
            "received": received,
            "per_1000": round(1000 * received / n_households, 1) if n_households else None,
            "overdue": overdue.get(u.pk, 0),
            "satisfaction_rate": f.satisfaction_rate if f else None,
            "on_time_rate": f.on_time_rate if f else None,
            "households": n_households,
        }
        geometry = u.boundary if u.level == OrgNode.Level.GRID else geo.outline(u.path)
        if geometry is None:
            continue
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "id": u.pk,
                    "name": u.name,
                    "level": u.level,
                    "value": values[measure],
                    "values": values,
                    # Drill-down: a unit's own dashboard; the grid at the bottom opens its cases.
                    # A big screen (no user) is read-only: nothing to open on the wall.
                    "url": _drill(u, node, period) if user is not None else "",
                },
                "geometry": maps.geometry_to_map(geometry, system),
            }
        )
    return {
        "type": "FeatureCollection",
        "measure": measure,
        "label": str(MEASURES[measure]),
        "high_is_bad": measure in HIGH_IS_BAD,
        "features": out,
    }
