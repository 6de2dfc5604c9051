"""WGS-84 ⇄ GCJ-02 (issue 13 §2): the published test points, the inverse, and the box outside
which nothing moves; the settings-driven conversion on the way to and from a map."""

import pytest

from shanzhi.registry import coords, maps

# (WGS-84 lng, lat) → GCJ-02, as published with the reference implementations (coordtransform's
# Beijing point; eviltransform's Shanghai, Shenzhen and Beijing points).
VECTORS = [
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_forward_matches_the_published_points(wgs, gcj):
    assert coords.to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_backward_lands_on_the_original_point_within_a_millimetre(wgs, gcj):
    assert coords.to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-8)


def test_the_offset_is_hundreds_of_metres_in_the_demo_city():
    lng, lat = coords.to_gcj02(117.55, 34.86)
    assert 0.003 < abs(lng - 117.55) + abs(lat - 34.86) < 0.02


@pytest.mark.parametrize("point", [(2.35, 48.85), (-74.0, 40.7), (72.0, 30.0), (120.0, 56.0)])
def test_points_outside_china_are_left_alone(point):
    assert coords.to_gcj02(*point) == point and coords.to_wgs84(*point) == point


def test_maps_convert_only_when_the_tiles_are_gcj02(settings):
    settings.SHANZHI_MAP_CRS = "cgcs2000"  # CGCS2000 is WGS-84 at this precision: nothing moves
    assert maps.crs() == "wgs84" and maps.to_map(117.55, 34.86) == (117.55, 34.86)
    settings.SHANZHI_MAP_CRS = "gcj02"
    shown = maps.to_map(117.55, 34.86)
    assert shown != (117.55, 34.86)
    assert maps.from_map(*shown) == pytest.approx((117.55, 34.86), abs=1e-6)
    square = {"type": "Polygon", "coordinates": [[[117.55, 34.86], [117.56, 34.86], [117.55, 34.87]]]}
    moved = maps.geometry_to_map(square)
    assert moved["coordinates"][0][0] == list(shown)


def test_an_unknown_coordinate_system_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SHANZHI_MAP_CRS = "bd09"
    with pytest.raises(ImproperlyConfigured):
        maps.crs()
