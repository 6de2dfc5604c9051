"""The base map's layers (issue 13 §2): each user gets the grids and buildings of their own scope,
as GeoJSON, in the map's coordinate system; ``within`` out of scope answers 404 like an unknown code."""

import pytest
from django.urls import reverse

URL = reverse("registry:map_layers")


def names(response, kind):
    assert response.status_code == 200
    return {f["properties"]["name"] for f in response.json()["features"] if f["properties"]["kind"] == kind}


def test_a_resident_sees_their_own_grid_and_its_buildings_only(cast, login):
    response = login(cast.jumin).get(URL)
    assert names(response, "grid") == {cast.grid.name}
    assert names(response, "building") == {f"{cast.building.compound.name}{cast.building.name}"}
    assert names(response, "compound") == {cast.building.compound.name}


def test_a_grid_worker_does_not_see_the_neighbouring_grid(cast, login):
    assert names(login(cast.wang).get(URL), "grid") == {cast.grid.name}
    assert names(login(cast.li).get(URL), "grid") == {cast.grid2.name}


def test_community_staff_see_their_community_and_not_the_next(cast, login):
    grids = names(login(cast.zhang).get(URL), "grid")
    assert grids == {cast.grid.name, cast.grid2.name}
    assert cast.grid_b.name not in grids and cast.grid_c.name not in grids


def test_within_narrows_and_out_of_scope_is_404_like_unknown(cast, login):
    client = login(cast.zhang)
    assert names(client.get(URL, {"within": cast.grid2.code}), "grid") == {cast.grid2.name}
    assert client.get(URL, {"within": cast.grid_b.code}).status_code == 404
    assert client.get(URL, {"within": "no-such-node"}).status_code == 404
    assert client.get(URL, {"within": "9" * 5000}).status_code == 404


def test_a_role_without_a_map_is_refused(cast, login):
    assert login(cast.ma).get(URL).status_code == 403


def test_layers_leave_in_gcj02_when_the_tiles_are(cast, login, settings):
    settings.SHANZHI_MAP_CRS = "gcj02"
    data = login(cast.wang).get(URL).json()
    building = next(f for f in data["features"] if f["properties"]["kind"] == "building")
    lng, lat = building["geometry"]["coordinates"]
    assert (lng, lat) != (cast.building.lng, cast.building.lat)
    assert lng == pytest.approx(cast.building.lng, abs=0.01)


def test_property_staff_see_their_companys_buildings_and_the_grids_they_stand_in(cast, login):
    response = login(cast.feng).get(URL)  # 安居物业 manages 幸福小区: 1号楼 in A1, 2号楼 in A2
    assert names(response, "building") == {"幸福小区1号楼", "幸福小区2号楼"}
    assert names(response, "grid") == {cast.grid.name, cast.grid2.name}
