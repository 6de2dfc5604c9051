"""The map's points: clusters of the period's appeals at grid level (titles only, no person),
a heat layer of the appeals per grid above it (from the rollups), scope 404s, bad input 400s."""

from django.urls import reverse

from shanzhi.appeals.tests.conftest import IN_A1, IN_A2

from .. import services
from .test_dashboard import IN_B, PERIOD


def _points(client, node, query=PERIOD):
    return client.get(reverse("datacentre:points", args=[node.pk]) + "?" + query)


def test_a_grid_gets_clusters_with_titles_only(cast, file_appeal, client):
    for i in range(4):
        file_appeal(title=f"噪音{i}", lng=IN_A1[0] + i * 0.0000001, lat=IN_A1[1])
    file_appeal(title="网格二", lng=IN_A2[0], lat=IN_A2[1])
    client.force_login(cast.wang)
    res = _points(client, cast.grid).json()
    assert res["kind"] == "clusters" and not res["truncated"]
    assert sum(c["count"] for c in res["points"]) == 4  # grid A1's only
    top = res["points"][0]
    assert top["count"] == 4 and len(top["titles"]) == 4
    assert set(top) == {"lng", "lat", "count", "titles"}  # no person, no address, no number
    body = _points(client, cast.grid).content.decode()
    assert cast.jumin.display_name not in body and "网格二" not in body
    assert _points(client, cast.grid2).status_code == 404  # another grid: out of sight


def test_above_a_grid_a_heat_layer_from_the_rollups(cast, file_appeal, client):
    file_appeal(title="一")
    file_appeal(title="二")
    file_appeal(title="三", lng=IN_A2[0], lat=IN_A2[1])
    file_appeal(title="东二", lng=IN_B[0], lat=IN_B[1])
    client.force_login(cast.zhang)
    res = _points(client, cast.community).json()
    assert res["kind"] == "heat"
    assert {p["name"]: p["count"] for p in res["points"]} == {cast.grid.name: 2, cast.grid2.name: 1}
    assert "一" not in {t for p in res["points"] for t in p.get("titles", [])}  # no titles in a heat layer
    assert _points(client, cast.community_b).status_code == 404
    assert _points(client, cast.community, "preset=forever").status_code == 400
    # The big screen of the street reads the same layer, for its node only.
    _screen, token = services.issue_screen(cast.street, label="街道", by=cast.liu)
    client.logout()
    wall = client.get(reverse("datacentre:screen_points", args=[token])).json()
    assert {p["name"] for p in wall["points"]} == {cast.grid.name, cast.grid2.name, cast.grid_b.name}
    assert client.get(reverse("datacentre:screen_points", args=["scr_none"])).status_code == 404
