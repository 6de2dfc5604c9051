"""Which grid holds a point: the grid polygons, parsed and prepared once per process.

Every intake with a map point asks this. Reading all grid boundaries and building a shapely
shape for each on every call cost more than the rest of the intake together, so the prepared
shapes are kept per process. They are keyed by the reference version (``core.refdata``), which a
database trigger renews on any write to the org tree: a boundary edited in this process, in
another worker, in the admin or by an import is seen on the very next request, without relying on
anyone remembering to clear a cache. Where the version row is missing (a flushed test database),
a fingerprint of the grid rows is computed instead, as before. ``node(pk)`` serves the tree's
rows from the same kind of cache (intake reads the grid and its community on every request).
"""

import hashlib
import threading
from dataclasses import dataclass

import shapely
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from shapely.geometry import mapping, shape

from shanzhi.core import refdata

from .models import OrgNode


@dataclass(frozen=True)
class _Grid:
    pk: int
    path: str
    bounds: tuple
    geom: object


_lock = threading.Lock()
_cached = (None, ())  # (fingerprint, grids in code order)


def _rows():
    # A retired grid no longer takes appeals: a point in it is placed as if no grid covered it.
    return OrgNode.objects.filter(level="grid", boundary__isnull=False, retired_at__isnull=True)


# One round trip and one short string on PostgreSQL (the production database).
_PG_FINGERPRINT = """
    SELECT md5(string_agg(id::text || '|' || code || '|' || path || '|' || boundary::text, ';' ORDER BY id))
    FROM {table} WHERE level = 'grid' AND boundary IS NOT NULL AND retired_at IS NULL
"""


def _fingerprint():
    version = refdata.version()
    if version is not None:
        return f"v{version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_FINGERPRINT.format(table=connection.ops.quote_name(OrgNode._meta.db_table)))
            return cursor.fetchone()[0]
    h = hashlib.sha256()
    for row in _rows().order_by("pk").values_list("pk", "code", "path", Cast("boundary", TextField())):
        h.update(repr(row).encode())
    return h.hexdigest()


def _load():
    grids = []
    for pk, path, boundary in _rows().order_by("code").values_list("pk", "path", "boundary"):
        geom = shape(boundary)
        shapely.prepare(geom)
        grids.append(_Grid(pk, path, geom.bounds, geom))
    return tuple(grids)


def _grids():
    global _cached
    fingerprint = _fingerprint()
    cached_fingerprint, grids = _cached
    if cached_fingerprint == fingerprint:
        return grids
    grids = _load()
    # A row changed between the fingerprint and the load is caught by the next call's fingerprint.
    with _lock:
        _cached = (fingerprint, grids)
    return grids


def clear():
    global _cached
    with _lock:
        _cached = (None, ())


def grid_shapes(path):
    """[(grid id, prepared shapely polygon)] of the live grids under ``path``, from the per-process
    cache (WGS-84 as stored). Shared by the requests of this process: read them, never change them."""
    return [(g.pk, g.geom) for g in _grids() if g.path.startswith(path)]


def grid_id_at(lng, lat, within_path=None):
    """The id of the first grid (by code) whose polygon covers the point, or None. "Covers": the
    boundary counts, as a point and a polygon intersect exactly where the polygon covers it;
    ``intersects_xy`` asks without making a shapely Point (which cost more than the question)."""
    for g in _grids():
        minx, miny, maxx, maxy = g.bounds
        if not (minx <= lng <= maxx and miny <= lat <= maxy):
            continue
        if within_path is not None and not g.path.startswith(within_path):
            continue
        if shapely.intersects_xy(g.geom, lng, lat):
            return g.pk
    return None


def _all_nodes():
    return {n.pk: n for n in OrgNode.objects.all()}


def node(pk):
    """The org-tree row ``pk`` from the per-process cache (None if there is none). Shared by the
    requests of this process: read it, never change it (``OrgNode.objects.get`` to edit)."""
    found = refdata.cached("registry.nodes", _all_nodes).get(pk)
    if found is None:  # created this very moment in another process: read it, do not trust the miss
        found = OrgNode.objects.filter(pk=pk).first()
    return found


def node_at(path):
    """The org-tree row whose path is ``path``, from the same per-process cache as ``node`` (None if
    there is none)."""
    nodes = refdata.cached("registry.nodes", _all_nodes)
    found = refdata.cached("registry.node_paths", lambda: {n.path: n for n in nodes.values()}).get(path)
    if found is None:  # created this very moment in another process: read it, do not trust the miss
        found = OrgNode.objects.filter(path=path).first()
    return found


_outlines = {}  # (fingerprint of the grid rows, path) -> GeoJSON geometry or None


def outline(path):
    """The outline of a street, community or grid: the union of its grids' polygons (GeoJSON, in
    WGS-84 as stored), or None when none of its grids has one. Computed once per set of grid
    boundaries (the same fingerprint as ``grid_id_at``), so an edited boundary is seen at once."""
    grids = _grids()
    key = (_cached[0], path)
    if key in _outlines:
        return _outlines[key]
    shapes = [g.geom for g in grids if g.path.startswith(path)]
    # Adjacent grids share edges; a small snap closes the slivers a hand-drawn boundary leaves.
    geom = mapping(shapely.unary_union(shapes).simplify(0.00001)) if shapes else None
    with _lock:
        if len(_outlines) > 5000:
            _outlines.clear()
        # Entries of an older set of boundaries are never asked again (their fingerprint is gone).
        _outlines[key] = geom
    return geom
