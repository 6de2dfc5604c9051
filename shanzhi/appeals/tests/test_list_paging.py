"""Lists page in the database: the API list and the worklist fetch one page of rows, count the same
query (the worklist only a bounded number of pages ahead), and keep the scope and the order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import queries
from shanzhi.appeals.models import Appeal
from shanzhi.appeals.views.pages import CappedPaginator

from .conftest import IN_A2


def _get(client, user, **params):
    return client.get(
        reverse("api:appeals_list"), params, headers={"Authorization": f"Bearer {issue_api_token(user)}"}
    )


@pytest.fixture
def five(file_appeal):
    return [file_appeal(title=f"噪音 {i}") for i in range(5)]


def test_api_list_pages_with_count_and_next_page(client, cast, five):
    order = [a.number for a in queries.worklist(cast.zhang, "all")]
    assert sorted(order) == sorted(a.number for a in five)
    first = _get(client, cast.zhang, page_size=2).json()
    assert first["count"] == 5 and [r["number"] for r in first["items"]] == order[:2]
    second = _get(client, cast.zhang, page_size=2, page=2).json()
    assert second["count"] == 5 and [r["number"] for r in second["items"]] == order[2:4]
    last = _get(client, cast.zhang, page_size=2, page=3).json()
    assert [r["number"] for r in last["items"]] == order[4:]
    assert _get(client, cast.zhang, page_size=2, page=4).json()["items"] == []
    row = first["items"][0]
    assert row["category"] == "噪音扰民（测）/邻里生活噪音（测）" and row["grid"]


def test_api_list_scope_and_filters_unchanged(client, cast, five, file_appeal):
    other = file_appeal(title="李网格那边", lng=IN_A2[0], lat=IN_A2[1])
    wang = _get(client, cast.wang).json()
    assert wang["count"] == 5 and other.number not in {r["number"] for r in wang["items"]}
    li = _get(client, cast.li).json()
    assert li["count"] == 1 and [r["number"] for r in li["items"]] == [other.number]
    assert _get(client, cast.zhang, status="closed").json() == {"items": [], "count": 0}
    assert _get(client, cast.zhang, bucket="to_accept").json()["count"] == 6
    bad = _get(client, cast.zhang, bucket="nope")
    assert bad.status_code == 400 and bad.json()["field"] == "bucket"


def test_api_list_page_size_is_capped(client, cast, five):
    assert len(_get(client, cast.zhang, page_size=1000).json()["items"]) == 5
    assert _get(client, cast.zhang, page_size=0).status_code == 400


def test_api_list_queries_do_not_grow_with_rows(client, cast, file_appeal):
    file_appeal()
    with CaptureQueriesContext(connection) as one:
        _get(client, cast.zhang)
    for i in range(4):
        file_appeal(title=f"又一条 {i}")
    with CaptureQueriesContext(connection) as five:
        assert _get(client, cast.zhang).json()["count"] == 5
    assert len(five) == len(one)


def test_capped_paginator_counts_a_bounded_number_of_pages_ahead(cast, five):
    qs = queries.worklist(cast.zhang, "all")
    exact = CappedPaginator(qs, 2, 1, ahead=5)
    assert exact.count == 5 and not exact.capped and exact.num_pages == 3
    capped = CappedPaginator(qs, 2, 1, ahead=1)  # counts up to (1 + 1) pages of 2
    assert capped.count == 4 and capped.capped
    page = capped.get_page(2)
    assert page.has_next() is False and [a.number for a in page] == [a.number for a in qs[2:4]]
    further = CappedPaginator(qs, 2, 2, ahead=1)  # asking for page 2 counts one page further
    assert (
        further.count == 5
        and not further.capped
        and further.get_page(3).object_list[0].number == qs[4].number
    )


def test_worklist_page_queries_do_not_grow_with_rows(cast, login, file_appeal):
    zhang = login(cast.zhang)
    file_appeal()
    zhang.get(reverse("appeals:worklist"))  # the first request renews the session (core.sessions)
    with CaptureQueriesContext(connection) as one:
        assert zhang.get(reverse("appeals:worklist"), {"bucket": "all"}).status_code == 200
    for i in range(4):
        file_appeal(title=f"又一条 {i}")
    with CaptureQueriesContext(connection) as five:
        body = zhang.get(reverse("appeals:worklist"), {"bucket": "all"}).content.decode()
    assert len(five) == len(one)
    assert body.count("噪音扰民（测）/邻里生活噪音（测）") == 5
    assert Appeal.objects.count() == 5
