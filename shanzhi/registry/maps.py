"""How maps are drawn: the tile source (configuration) and the coordinate system it speaks.

With no ``SHANZHI_MAP_TILES`` the maps have no tile layer at all: the registry's own layers (grid
polygons, compounds, buildings) are the base map, so a map works on an intranet with no tile server.
With tiles, ``SHANZHI_MAP_CRS`` says which coordinates they are drawn in: ``wgs84`` (also for
CGCS2000 tiles such as 天地图: the two datums differ by centimetres) or ``gcj02`` (高德, 腾讯).
The registry always stores WGS-84; everything sent to a map is converted here on the way out and
every point picked on a map on the way in, so the browser never converts anything.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import coords

CRS_CHOICES = ("wgs84", "gcj02")


def crs():
    value = (getattr(settings, "SHANZHI_MAP_CRS", "") or "wgs84").lower()
    if value == "cgcs2000":
        return "wgs84"
    if value not in CRS_CHOICES:
        raise ImproperlyConfigured(f"SHANZHI_MAP_CRS must be one of wgs84, cgcs2000, gcj02, not {value!r}")
    return value


def tiles():
    """What the map widgets need to know: the URL template (empty: no tiles), its attribution and
    the coordinate system of the points they will be given."""
    return {
        "url": getattr(settings, "SHANZHI_MAP_TILES", "") or "",
        "attribution": getattr(settings, "SHANZHI_MAP_ATTRIBUTION", "") or "",
        "crs": crs(),
    }


def to_map(lng, lat, system=None):
    """A stored (WGS-84) point in the map's coordinates."""
    if lng is None or lat is None:
        return lng, lat
    if (system or crs()) == "gcj02":
        return tuple(round(v, 7) for v in coords.to_gcj02(lng, lat))
    return lng, lat


def from_map(lng, lat, system=None):
    """A point picked on the map (in ``system``, default the configured one) as WGS-84."""
    if lng is None or lat is None:
        return lng, lat
    if (system or crs()) == "gcj02":
        return tuple(round(v, 7) for v in coords.to_wgs84(lng, lat))
    return lng, lat


def geometry_to_map(geometry, system=None):
    """A GeoJSON Polygon/MultiPolygon/Point with every position converted by ``to_map``."""
    if geometry is None or (system or crs()) != "gcj02":
        return geometry

    def walk(c):
        if c and isinstance(c[0], int | float):
            return list(to_map(c[0], c[1], "gcj02"))
        return [walk(x) for x in c]

    return {**geometry, "coordinates": walk(geometry["coordinates"])}
