"""'Someone already reported this': open appeals of a category near a point, shown at intake so a
resident or worker can add to a case instead of filing a duplicate."""

import math

from ..models import Appeal
from .placing import _clean_point

# --- "someone already reported this" ------------------------------------------------------------

EARTH_RADIUS_M = 6_371_000


def distance_m(lng1, lat1, lng2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def nearby_open(category, lng, lat, radius_m=None, *, exclude=None, limit=10):
    """Open appeals of the same category within ``radius_m`` (default: the category's radius),
    nearest first, as (appeal, metres). Unscoped on purpose: the intake hint shows a resident
    that a problem is already known. Show only number, category, status and dates from these rows,
    never the other person's words, name, phone or photos."""
    lng, lat = _clean_point(lng, lat)
    if lng is None:
        return []
    radius = float(radius_m if radius_m is not None else category.duplicate_radius_m)
    dlat = radius / 111_320
    dlng = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    rows = (
        Appeal.objects.filter(
            category=category, lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng)
        )
        .exclude(status__in=Appeal.FINAL)
        .select_related("category")
    )
    if exclude is not None:
        rows = rows.exclude(pk=getattr(exclude, "pk", exclude))
    found = [(a, distance_m(lng, lat, a.lng, a.lat)) for a in rows[:500]]
    found = [(a, d) for a, d in found if d <= radius]
    found.sort(key=lambda pair: pair[1])
    return found[:limit]
