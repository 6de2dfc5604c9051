"""The map's points: clusters of the period's appeals at grid level (titles only, no person),
a heat layer of cells above it (the rollups' grid grain spread over each grid's polygon), scope 404s, bad input 400s."""

import math

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from shapely.geometry import box

from shanzhi.appeals.models import Appeal
from shanzhi.appeals.tests.conftest import IN_A1, IN_A2

from .. import services
from ..queries import heat
from .test_dashboard import IN_B, IN_C, PERIOD


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


def test_above_a_grid_a_heat_layer_of_cells_from_the_rollups(cast, file_appeal, client):
    file_appeal(title="一")
    file_appeal(title="二")
    file_appeal(title="三", lng=IN_A2[0], lat=IN_A2[1])
    file_appeal(title="东二", lng=IN_B[0], lat=IN_B[1])
    file_appeal(title="西一", lng=IN_C[0], lat=IN_C[1])
    client.force_login(cast.zhang)
    res = _points(client, cast.community).json()
    assert res["kind"] == "heat" and res["total"] == 3  # the community's own grids only
    cells, size = res["cells"], res["size"]
    assert 0 < len(cells) <= heat.HEAT_CELLS**2
    assert abs(sum(c[2] for c in cells) - 3) < 0.05  # every appeal spread, none lost or doubled
    assert res["max"] == max(c[2] for c in cells)
    assert abs(res["km2"] / ((size * 111.2) ** 2 * math.cos(math.radians(34.862))) - 1) < 0.01
    near_a1 = [c for c in cells if abs(c[0] - IN_A1[0]) < size and abs(c[1] - IN_A1[1]) < size]
    assert near_a1 and all(c[2] > 0 for c in near_a1)  # the cells around a point in grid A1
    body = _points(client, cast.community).content.decode()
    assert "一" not in body and cast.jumin.display_name not in body  # counts only
    assert _points(client, cast.community_b).status_code == 404
    assert _points(client, cast.community, "preset=forever").status_code == 400
    quiet = _points(client, cast.community, "start=2025-01-01&end=2025-01-31").json()
    assert (quiet["cells"], quiet["total"], quiet["max"]) == ([], 0, 0)
    client.force_login(cast.wu)
    with CaptureQueriesContext(connection) as queries:
        assert _points(client, cast.district).json()["total"] == 5
    table = connection.ops.quote_name(Appeal._meta.db_table)
    assert not [q["sql"] for q in queries if table in q["sql"]]  # the rollups only, never the appeals
    # The big screen of the street reads the same layer, for its node only.
    _screen, token = services.issue_screen(cast.street, label="街道", by=cast.liu)
    client.logout()
    wall = client.get(reverse("datacentre:screen_points", args=[token])).json()
    assert wall["kind"] == "heat" and wall["total"] == 4
    assert client.get(reverse("datacentre:screen_points", args=["scr_none"])).status_code == 404


def test_a_grids_appeals_spread_over_the_cells_it_covers_by_area():
    assert dict(heat._shares(box(0, 0, 2, 2), 0, 0, 1, 4, 4)) == {
        (0, 0): 0.25,
        (0, 1): 0.25,
        (1, 0): 0.25,
        (1, 1): 0.25,
    }
    assert dict(heat._shares(box(0.5, 0, 1.5, 1), 0, 0, 1, 4, 4)) == {(0, 0): 0.5, (1, 0): 0.5}
    # Past the lattice: clipped to it.
    assert [key for key, _share in heat._shares(box(3.5, 3.5, 9, 9), 0, 0, 1, 4, 4)] == [(3, 3)]
    assert heat._lattice([box(0, 0, 10, 1)]) == (0, 0, 0.25, 40, 5)  # the longer side: 40 cells
