"""WGS-84 ⇄ GCJ-02, the offset that Chinese web maps (高德, 腾讯) use for their tiles and for the
coordinates they hand back. Pure: no settings, no database.

The registry stores WGS-84 (which CGCS2000, the national datum, matches to a few centimetres: far
below what a click on a map can tell). GCJ-02 is WGS-84 plus a published, deterministic distortion
of up to several hundred metres, applied inside China only. Going forward is a formula; going back
has no closed form, so ``to_wgs84`` iterates the forward formula until it lands within 1e-9°
(about 0.1 mm), instead of the one-step approximation that is off by up to a couple of metres.
"""

import math

# Krasovsky 1940 ellipsoid, which the GCJ-02 formula is defined on.
_A = 6378245.0
_EE = 0.00669342162296594323


def outside_china(lng, lat):
    """The formula leaves points outside this rough box unchanged (as every implementation does)."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift_lat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _shift_lng(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def _offset(lng, lat):
    d_lat = _shift_lat(lng - 105.0, lat - 35.0)
    d_lng = _shift_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lng, d_lat


def to_gcj02(lng, lat):
    """(lng, lat) in GCJ-02 of a WGS-84 (or CGCS2000) point."""
    if outside_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def to_wgs84(lng, lat, tolerance=1e-9):
    """(lng, lat) in WGS-84 of a GCJ-02 point: the WGS-84 point whose ``to_gcj02`` is this one."""
    if outside_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _step in range(30):  # converges in 3-4 steps; the bound only guards against a bad input
        g_lng, g_lat = to_gcj02(w_lng, w_lat)
        e_lng, e_lat = g_lng - lng, g_lat - lat
        w_lng, w_lat = w_lng - e_lng, w_lat - e_lat
        if abs(e_lng) < tolerance and abs(e_lat) < tolerance:
            break
    return w_lng, w_lat
