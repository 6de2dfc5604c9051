"""The map's points: at grid level the appeals of the period as clusters, computed here (no
clustering script in the browser); above it a heat layer on a lattice of cells.

* **Clusters** (a grid's dashboard): the placed appeals of the grid filed in the period, newest
  first, at most ``POINTS_MAX`` (the reply says when more matched), binned on a square lattice of
  ``CLUSTER_CELLS`` cells across the grid; each cluster carries its count, its centre and up to
  ``TITLES`` titles. Titles only: no person, no address, no number. Bounded: one grid's appeals
  (the ``path`` index), a period of at most ``MAX_DAYS``, and the cap.
* **Heat** (a community, street or district): the appeals received in the period on a lattice of
  cells, from the rollups' grid grain (``heat.cells``).
"""

from collections import defaultdict

from shapely.geometry import shape

from shanzhi.accounts import permissions
from shanzhi.appeals import metrics, rollups
from shanzhi.appeals.models import Appeal
from shanzhi.registry import maps
from shanzhi.registry.models import OrgNode

from . import heat

POINTS_MAX = 2000
CLUSTER_CELLS = 12
MIN_CELL = 0.0002
TITLES = 5


def _appeals(user, node, period):
    qs = Appeal.objects.all() if user is None else permissions.visible(user, Appeal)
    start, end = metrics.period(period.start, period.end)
    qs = qs.filter(path__startswith=node.path, created_at__gte=start, created_at__lt=end, lng__isnull=False)
    return rollups.counted(qs.filter(lat__isnull=False))


def clusters(user, node, period):
    rows = list(
        _appeals(user, node, period)
        .order_by("-created_at", "-pk")
        .values_list("lng", "lat", "title")[: POINTS_MAX + 1]
    )
    truncated = len(rows) > POINTS_MAX
    rows = rows[:POINTS_MAX]
    system = maps.crs()
    points = [(*maps.to_map(lng, lat, system), title) for lng, lat, title in rows]
    if not points:
        return {"kind": "clusters", "points": [], "truncated": False}
    # The lattice spans the grid's own polygon (else the points'), so that nearby cases cluster
    # however few they are; never finer than ``MIN_CELL`` degrees (about 20 m).
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    if node.boundary:
        x0, y0, x1, y1 = shape(maps.geometry_to_map(node.boundary, system)).bounds
    else:
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    size = max((x1 - x0) / CLUSTER_CELLS, (y1 - y0) / CLUSTER_CELLS, MIN_CELL)
    cells = defaultdict(list)
    for x, y, title in points:
        cells[(int((x - x0) // size), int((y - y0) // size))].append((x, y, title))
    out = []
    for members in cells.values():
        n = len(members)
        out.append(
            {
                "lng": round(sum(m[0] for m in members) / n, 6),
                "lat": round(sum(m[1] for m in members) / n, 6),
                "count": n,
                "titles": [m[2] for m in members[:TITLES]],
            }
        )
    out.sort(key=lambda c: -c["count"])
    return {"kind": "clusters", "points": out, "truncated": truncated}


def points(user, node, period, rules):
    if node.level == OrgNode.Level.GRID:
        return clusters(user, node, period)
    return heat.cells(user, node, period, rules)
