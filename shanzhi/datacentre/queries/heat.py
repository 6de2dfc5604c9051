"""The heat layer above grid level (a community's, street's or district's map): the appeals
received in the period on a lattice of longitude/latitude cells.

Read from the rollups, never the appeals table: a district's period can hold hundreds of thousands
of appeals and the table has no index that would bound reading their points, whereas the rollups'
grid grain gives the appeals received per grid in a number of rows that follows the grids. Each
grid's count is spread over the cells its polygon covers, in proportion to the area covered
(``shapely`` over the registry's cached polygons), so a cell's value is the appeals its part of
each grid received, and the cells sum to the grids' total. Within a grid the density is taken as
even: the grid's own map (clusters of the appeals' points, ``points.clusters``) is the finer view.

Bounded: at most ``HEAT_CELLS`` cells along the node's longer side (``HEAT_CELLS``² in all, only
those with appeals sent), never finer than ``MIN_CELL`` degrees; scoped like every figure (the
rollup rows the reader may see, the grids of the org tree they may see).
"""

import math

import shapely

from shanzhi.core import refdata
from shanzhi.registry import geo, maps
from shanzhi.registry.models import OrgNode

from . import compute, visible

HEAT_CELLS = 40
MIN_CELL = 0.0005  # degrees: about 50 m, finer than a grid is ever drawn
_KM_PER_DEGREE = 111.2  # of latitude (and of longitude at the equator)


def _lattice(polygons):
    """(x0, y0, size, columns, rows) of the lattice over ``polygons`` (all the node's grids, so
    that it does not move with where the period's appeals fell)."""
    bounds = [p.bounds for p in polygons]
    x0, y0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
    x1, y1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
    size = max((x1 - x0) / HEAT_CELLS, (y1 - y0) / HEAT_CELLS, MIN_CELL)
    columns = min(HEAT_CELLS, int((x1 - x0) // size) + 1)
    rows = min(HEAT_CELLS, int((y1 - y0) // size) + 1)
    return x0, y0, size, columns, rows


def _shares(polygon, x0, y0, size, columns, rows):
    """[((i, j), share)]: the cells ``polygon`` covers and the part of its area in each."""
    area = polygon.area
    if area <= 0:
        return []
    gx0, gy0, gx1, gy1 = polygon.bounds
    i0, i1 = max(0, int((gx0 - x0) // size)), min(columns - 1, int((gx1 - x0) // size))
    j0, j1 = max(0, int((gy0 - y0) // size)), min(rows - 1, int((gy1 - y0) // size))
    keys = [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]
    # One vectorised intersection per grid (shapely 2), not one call per cell.
    boxes = shapely.box(
        *zip(
            *[(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size) for i, j in keys],
            strict=True,
        )
    )
    covered = shapely.area(shapely.intersection(polygon, boxes)).tolist()
    return [(key, c / area) for key, c in zip(keys, covered, strict=True) if c > 0]


def _load_layout(path):
    grids = geo.grid_shapes(path)
    if not grids:
        return None, {}
    lattice = _lattice([g for _pk, g in grids])
    return lattice, {pk: _shares(g, *lattice) for pk, g in grids}


def _layout(path):
    """(lattice, {grid id: its cells and shares}) of the node at ``path``: geometry only, the same
    for every reader and period, so computed once per process and reference version (a grid's
    boundary edited anywhere renews the version, ``core.refdata``). Intersecting every grid with
    its cells on each request cost more than the rest of the map layer at district level."""
    return refdata.cached(f"datacentre.heat.{path}", lambda: _load_layout(path))


def cells(user, node, period, rules):
    """``{"kind": "heat", "cells": [[lng, lat, appeals], ...], "size", "km2", "max", "total"}``: the cells'
    centres in the map's coordinates, their appeals (to 0.0001: a cell may hold a small share of a grid), the cell's side in degrees and its area in km²,
    the largest cell's value and the appeals placed; ``points`` the same cells for a plain map."""
    received = {u.key: u.received for u in compute(user, node, period, "grid", rules)[0] if u.key}
    received = {k: n for k, n in received.items() if n}
    seen = set(
        visible(user, OrgNode)
        .filter(path__startswith=node.path, level=OrgNode.Level.GRID, pk__in=list(received))
        .values_list("pk", flat=True)
    )
    lattice, shares = _layout(node.path)
    shapes = [(received[pk], shares[pk]) for pk in seen if pk in shares]
    if not shapes:
        return {
            "kind": "heat",
            "cells": [],
            "points": [],
            "size": None,
            "max": 0,
            "total": 0,
            "truncated": False,
        }
    x0, y0, size, columns, rows = lattice
    sums = {}
    for count, cells_of_grid in shapes:
        for key, share in cells_of_grid:
            sums[key] = sums.get(key, 0.0) + count * share
    system = maps.crs()
    out = []
    for (i, j), value in sorted(sums.items()):
        lng, lat = maps.to_map(x0 + (i + 0.5) * size, y0 + (j + 0.5) * size, system)
        out.append([round(lng, 6), round(lat, 6), round(value, 4)])
    return {
        "kind": "heat",
        "cells": out,
        "points": [{"lng": c[0], "lat": c[1], "count": c[2]} for c in out],
        "size": round(size, 6),
        # A cell's area (km², at the lattice's middle latitude): the legend reads appeals per km²,
        # which does not change with the size of the cells.
        "km2": round(_KM_PER_DEGREE**2 * size * size * math.cos(math.radians(y0 + rows * size / 2)), 6),
        "max": max(c[2] for c in out) if out else 0,
        "total": sum(n for n, _c in shapes),
        "truncated": False,
    }
