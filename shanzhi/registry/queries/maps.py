"""The registry's own layers as GeoJSON: the base map where there are no tiles (issue 13 §2).

What a user is sent follows their scope: a resident their own grid and its buildings, a grid
worker their grid, community staff their community, and so on up; property staff the buildings of
the compounds their company manages and the grids they stand in. Grids and buildings come from
``permissions.visible``; a compound is drawn as the outline around its visible buildings (the
registry has no compound polygons), so it never reveals more than those buildings do. Coordinates
leave in the map's coordinate system (``registry.maps``).
"""

from collections import defaultdict

from django.db.models import Q
from shapely.geometry import MultiPoint, mapping

from shanzhi.accounts import permissions

from .. import maps
from ..models import Building, Compound, OrgNode

MAP = "registry.view_map"  # its own action: a resident sees their grid on a map, not in the tree
# Past this many buildings (a whole district) only the grids are sent: tens of thousands of dots
# say nothing at that zoom and would cost a phone its memory.
MAX_BUILDINGS = 3000
# A compound around one or two buildings is still drawn as an area: its buildings' hull, padded.
COMPOUND_PAD = 0.0003  # degrees, about 30 m


def _managed_buildings(user):
    """A property company's staff hold no place in the tree: their map is the buildings of the
    compounds their company manages (``visible`` compounds), and the grids those stand in."""
    if not permissions.has_role_for(user, "registry.view_compounds"):
        return Building.objects.none()
    return Building.objects.filter(compound__in=permissions.visible(user, Compound))


def _grids(user, within):
    qs = permissions.visible(user, OrgNode, MAP)
    if not qs.exists():
        qs = OrgNode.objects.filter(pk__in=_managed_buildings(user).values("grid_id"))
    qs = qs.filter(level=OrgNode.Level.GRID, boundary__isnull=False)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return list(qs.order_by("code").only("pk", "code", "name", "path", "boundary"))


def _buildings(user, grids):
    ids = [g.pk for g in grids]
    visible = permissions.visible(user, Building, MAP)
    if not visible.exists():
        visible = _managed_buildings(user)
    qs = (
        visible.filter(Q(grid_id__in=ids), lng__isnull=False, lat__isnull=False)
        .select_related("compound")
        .order_by("compound__name", "name")
    )
    rows = list(qs[: MAX_BUILDINGS + 1])
    return (rows, False) if len(rows) <= MAX_BUILDINGS else ([], True)


def _compound_features(buildings, system):
    by_compound = defaultdict(list)
    for b in buildings:
        by_compound[b.compound].append((b.lng, b.lat))
    features = []
    for compound, points in by_compound.items():
        hull = MultiPoint(points).convex_hull.buffer(COMPOUND_PAD, quad_segs=2)
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "compound", "id": compound.pk, "name": compound.name},
                "geometry": maps.geometry_to_map(mapping(hull), system),
            }
        )
    return features


def map_layers(user, within=None):
    """A FeatureCollection of the grids, compounds and buildings ``user`` may see (under the node
    ``within`` if given), each feature's ``kind`` saying which layer it belongs to."""
    system = maps.crs()
    grids = _grids(user, within)
    buildings, truncated = _buildings(user, grids)
    features = [
        {
            "type": "Feature",
            "properties": {"kind": "grid", "id": g.pk, "code": g.code, "name": g.name},
            "geometry": maps.geometry_to_map(g.boundary, system),
        }
        for g in grids
    ]
    features += _compound_features(buildings, system)
    for b in buildings:
        lng, lat = maps.to_map(b.lng, b.lat, system)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "building",
                    "id": b.pk,
                    "name": f"{b.compound.name}{b.name}",
                    "grid": b.grid_id,
                },
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
            }
        )
    return {"type": "FeatureCollection", "features": features, "buildings_left_out": truncated}
