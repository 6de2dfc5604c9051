"""Hot places (热点) and the handling-time histogram (办理时长分布): each figure against a recount,
each a link to exactly its cases; compounds only where the count is bounded (a community or grid);
the worklist's compound filter keeps to the reader's scope."""

import datetime as dt

import time_machine
from django.urls import reverse

from shanzhi.appeals import rollups, services
from shanzhi.appeals.tests.conftest import IN_A2, MONDAY

from .test_dashboard import IN_B, PERIOD, _list_count


def _resolve(cast, a, after_days=0):
    a = services.start(
        services.dispatch(services.accept(a, by=cast.zhang), by=cast.zhang, to_user=cast.wang), by=cast.wang
    )
    with time_machine.travel(MONDAY + dt.timedelta(days=after_days, hours=1), tick=False):
        return services.resolve(a, by=cast.wang, result="已处理")


def _seed(cast, file_appeal):
    at_compound = [file_appeal(title=f"小区{i}", building=cast.building) for i in range(3)]
    file_appeal(title="二网格", lng=IN_A2[0], lat=IN_A2[1])
    file_appeal(title="东二", lng=IN_B[0], lat=IN_B[1])
    _resolve(cast, at_compound[0])  # the same day: under one day
    _resolve(cast, at_compound[1], after_days=4)  # 3–5 days
    return at_compound


def test_hot_places_of_a_community_are_grids_and_compounds_with_their_lists(cast, file_appeal, client):
    _seed(cast, file_appeal)
    client.force_login(cast.zhang)
    dc = client.get(reverse("datacentre:node", args=[cast.community.pk]) + "?" + PERIOD).context["dc"]
    assert [(p["name"], p["received"]) for p in dc["hot_grids"]] == [
        (cast.grid.name, 3),
        (cast.grid2.name, 1),
    ]
    assert [(p["name"], p["received"]) for p in dc["hot_compounds"]] == [(cast.compound.name, 3)]
    for place in dc["hot_grids"] + dc["hot_compounds"]:
        assert _list_count(client, place["url"]) == place["received"], place["name"]
    # Above a community the compounds are not counted (that would read a street's appeals).
    client.force_login(cast.wu)
    district = client.get(reverse("datacentre:node", args=[cast.district.pk]) + "?" + PERIOD).context["dc"]
    assert district["hot_compounds"] == []
    assert {p["name"]: p["received"] for p in district["hot_grids"]} == {
        cast.grid.name: 3,
        cast.grid2.name: 1,
        cast.grid_b.name: 1,
    }


def test_the_histogram_splits_the_resolved_and_each_bar_lists_its_cases(cast, file_appeal, client):
    _seed(cast, file_appeal)
    client.force_login(cast.zhang)
    response = client.get(reverse("datacentre:node", args=[cast.community.pk]) + "?" + PERIOD)
    dc = response.context["dc"]
    bars = {b["key"]: b for b in dc["histogram"]}
    assert list(bars) == list(rollups.HANDLING_COUNTERS)
    assert {k: b["count"] for k, b in bars.items()} == {
        "handled_1d": 1,
        "handled_3d": 0,
        "handled_5d": 1,
        "handled_10d": 0,
        "handled_over_10d": 0,
    }
    assert sum(b["count"] for b in bars.values()) == dc["totals"]["resolved"] == 2
    for b in bars.values():
        assert _list_count(client, b["url"]) == b["count"], b["key"]
    html = response.content.decode()
    assert 'id="dc-hist-table"' in html and 'id="dc-hot"' in html  # the chart's table, for screen readers


def test_the_compound_filter_keeps_to_scope_and_refuses_bad_input(cast, file_appeal, client):
    _seed(cast, file_appeal)
    url = reverse("appeals:worklist") + "?bucket=all&compound="
    client.force_login(cast.chen)  # community B: compound A is out of sight
    assert client.get(url + str(cast.compound.pk)).status_code == 404
    client.force_login(cast.zhang)
    assert client.get(url + "abc").status_code == 400
    assert _list_count(client, url + str(cast.compound.pk)) == 3
    assert client.get(reverse("appeals:worklist") + "?bucket=all&figure=handled_never").status_code == 400
