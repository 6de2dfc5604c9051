"""The staff pages of the registry: who sees which page, what is masked, reveal, search, grid
health and boundaries. Statuses for every role are walked in tests/test_url_matrix.py; here
each page is checked for what it shows."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shanzhi.core.masking import mask_id_number, mask_phone
from shanzhi.core.models import AuditEvent
from shanzhi.registry import services
from shanzhi.registry.models import CareTag, NetworkPost, OrgNode
from shanzhi.tests.cast import square

HTMX = {"HTTP_HX_REQUEST": "true"}
# Two edges cross; lopsided so that its signed area is not zero (a symmetric bow tie fails earlier).
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[117.0, 34.0], [117.02, 34.01], [117.02, 34.0], [117.0, 34.02], [117.0, 34.0]]],
}


def full_values(cast):
    """Every full ID number and phone number of the cast (residents, unit, property company)."""
    values = ["13900000002", "13800000001"]
    for r in (cast.resident, cast.resident2, cast.resident_b, cast.resident_c):
        values += [r.id_number, r.phone]
    return [v for v in values if v]


def assert_nothing_unmasked(html, cast):
    leaked = [v for v in full_values(cast) if v in html]
    assert not leaked, "full personal values on the page"


def page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None))
    return response, response.content.decode()


# --- home and the tree -----------------------------------------------------------------------


def test_grid_worker_lands_on_their_grid_page(cast, login):
    response, html = page(login(cast.wang), "registry:home")
    assert response.status_code == 200
    assert cast.grid.name in html
    assert 'id="sz-map-data"' in html
    assert cast.resident.name in html
    assert cast.resident2.name not in html


def test_community_staff_home_shows_their_community_with_counts(cast, login):
    response, html = page(login(cast.zhang), "registry:home")
    assert response.status_code == 200
    top = response.context["tops"]
    assert [n.code for n in top] == [cast.community.code]
    assert (top[0].n_grids, top[0].n_households, top[0].n_residents) == (2, 2, 2)
    assert cast.grid.name in html and cast.grid2.name in html
    assert cast.community_b.name not in html


def test_resident_home_is_their_own_household(cast, login):
    response, html = page(login(cast.jumin), "registry:home")
    assert response.status_code == 200
    assert cast.resident.name in html
    assert mask_id_number(cast.resident.id_number) in html
    assert cast.resident2.name not in html
    assert_nothing_unmasked(html, cast)


@pytest.mark.parametrize("who", ["zheng", "anquan", "shenji", "ma", "nobody"])
def test_roles_without_registry_access_get_403_on_home(cast, login, who):
    response, _html = page(login(getattr(cast, who)), "registry:home")
    assert response.status_code == 403


def test_node_page_shows_breadcrumb_only_of_visible_ancestors(cast, login):
    _r, html = page(login(cast.liu), "registry:node", code=cast.grid.code)
    assert cast.street.name in html and cast.community.name in html
    assert cast.district.name not in html  # the street staff's scope starts at the street

    response, _html = page(login(cast.wang), "registry:node", code=cast.grid.code)
    assert response.context["crumbs"] == []


def test_children_counts_take_the_same_queries_however_many_children(cast, login):
    client = login(cast.sun)
    url = reverse("registry:node", kwargs={"code": cast.community.code})
    client.get(url)  # the first request renews the session (core.sessions): not compared
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(3, 7):
        grid = services.create_node(
            level="grid",
            code=f"{cast.community.code}00{i}",
            name=f"第{i}网格",
            parent=cast.community,
            boundary=square(117.56 + i / 100, 34.86),
        )
        building = services.create_building(compound=cast.compound, grid=grid, name=f"{i}号楼")
        services.create_household(building=building, unit_no="", room="101")
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(response.context["children"]) == 6
    assert len(after.captured_queries) == len(before.captured_queries)


def test_grid_page_shows_map_tags_worker_posts_and_households(cast, login):
    post = NetworkPost.objects.create(kind="building_head", resident=cast.resident, grid=cast.grid)
    post.buildings.add(cast.building)
    response, html = page(login(cast.zhang), "registry:node", code=cast.grid.code)
    assert response.status_code == 200
    map_data = response.context["map_data"]
    assert map_data["features"]["geometry"] == cast.grid.boundary
    assert map_data["markers"] == [{"name": "幸福小区1号楼", "label": "1号楼", "lng": 117.551, "lat": 34.861}]
    assert "王网格" in html and "李网格" not in html
    assert "楼栋长" in html
    tags = {t["code"]: t["count"] for t in response.context["tag_counts"]}
    assert tags["elderly_alone"] == 1 and tags["veteran"] == 0
    assert reverse("registry:household", kwargs={"pk": cast.household.pk}) in html
    assert_nothing_unmasked(html, cast)


def test_community_page_lists_compounds_units_and_party_orgs(cast, login):
    _r, html = page(login(cast.zhang), "registry:node", code=cast.community.code)
    for text in ("幸福小区", "区人民医院", "东一社区党委", "幸福小区党支部"):
        assert text in html
    assert "区第二中学" not in html


def test_grid_worker_cannot_open_another_grid_or_its_people(cast, login):
    client = login(cast.wang)
    assert page(client, "registry:node", code=cast.grid2.code)[0].status_code == 404
    assert page(client, "registry:resident", pk=cast.resident2.pk)[0].status_code == 404
    assert page(client, "registry:household", pk=cast.household2.pk)[0].status_code == 404


def test_community_staff_cannot_open_another_communitys_grid(cast, login):
    client = login(cast.chen)
    assert page(client, "registry:node", code=cast.grid.code)[0].status_code == 404
    assert page(client, "registry:node_boundary", code=cast.grid.code)[0].status_code == 404
    assert page(client, "registry:compound", pk=cast.compound.pk)[0].status_code == 404


def test_households_page_through_htmx_returns_only_the_table(cast, login):
    client = login(cast.wang)
    for room in range(102, 140):
        services.create_household(building=cast.building, unit_no="1单元", room=str(room))
    response = client.get(reverse("registry:node", kwargs={"code": cast.grid.code}) + "?page=2", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="households">')
    assert "第 2 / 2 页" in html


# --- masking, sensitive tags, no-store ---------------------------------------------------------


@pytest.mark.parametrize(
    "who,name,kwargs",
    [
        ("wang", "registry:home", {}),
        ("zhang", "registry:node", {"code": "370402001001001"}),
        ("zhang", "registry:household", "household"),
        ("zhang", "registry:resident", "resident"),
        ("liu", "registry:resident", "resident_b"),
        ("zhang", "registry:compound", "compound"),
        ("zhang", "registry:party_org", "party_branch"),
        ("zhang", "registry:units", {}),
        ("sun", "registry:property_companies", {}),
        ("jumin", "registry:resident", "resident"),
    ],
)
def test_pages_show_only_masked_id_numbers_and_phones(cast, login, who, name, kwargs):
    if isinstance(kwargs, str):
        kwargs = {"pk": getattr(cast, kwargs).pk}
    response, html = page(login(getattr(cast, who)), name, **kwargs)
    assert response.status_code == 200
    assert_nothing_unmasked(html, cast)


def test_resident_page_shows_masked_values(cast, login):
    _r, html = page(login(cast.zhang), "registry:resident", pk=cast.resident.pk)
    assert mask_id_number(cast.resident.id_number) in html
    assert mask_phone(cast.resident.phone) in html


def test_search_results_show_masked_values(cast, login):
    response = login(cast.zhang).post(reverse("registry:search"), {"q": cast.resident.name})
    html = response.content.decode()
    assert mask_id_number(cast.resident.id_number) in html
    assert_nothing_unmasked(html, cast)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("registry:resident", "resident"),
        ("registry:household", "household"),
        ("registry:node", None),
        ("registry:search", None),
        ("registry:party_org", "party_branch"),
    ],
)
def test_pages_with_personal_data_are_not_cached(cast, login, name, kwargs):
    kw = (
        {"pk": getattr(cast, kwargs).pk}
        if kwargs
        else ({"code": cast.grid.code} if name == "registry:node" else {})
    )
    response, _html = page(login(cast.zhang), name, **kw)
    assert "no-store" in response["Cache-Control"]


def test_sensitive_tags_only_for_roles_allowed_to_see_them(cast, login):
    cast.resident.tags.add(CareTag.objects.get(code="low_income"))
    _r, staff_html = page(login(cast.wang), "registry:resident", pk=cast.resident.pk)
    assert "低保户" in staff_html and "独居老人" in staff_html
    _r, own_html = page(login(cast.jumin), "registry:resident", pk=cast.resident.pk)
    assert "低保户" not in own_html
    assert "独居老人" in own_html


# --- reveal -------------------------------------------------------------------------------------


def reveal_url(resident):
    return reverse("registry:resident_reveal", kwargs={"pk": resident.pk})


def test_reveal_button_shown_only_to_roles_that_may_reveal(cast, login):
    _r, html = page(login(cast.wang), "registry:resident", pk=cast.resident.pk)
    assert reveal_url(cast.resident) in html
    _r, html = page(login(cast.sun), "registry:resident", pk=cast.resident.pk)
    assert reveal_url(cast.resident) not in html


def test_reveal_form_asks_for_a_reason(cast, login):
    response = login(cast.wang).get(reveal_url(cast.resident) + "?field=id_number", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="reason"' in html
    assert_nothing_unmasked(html, cast)


def test_reveal_with_reason_returns_full_value_and_records_it(cast, login):
    response = login(cast.wang).post(
        reveal_url(cast.resident), {"field": "phone", "reason": "入户走访需要联系"}, **HTMX
    )
    assert response.status_code == 200
    assert cast.resident.phone in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert event.actor_username == cast.wang.username
    assert event.target_type == "registry.resident" and event.target_id == str(cast.resident.pk)
    assert event.detail == {"field": "phone", "reason": "入户走访需要联系"}


@pytest.mark.parametrize("reason", ["", "  ", "看看"])
def test_reveal_without_a_real_reason_returns_the_form_with_the_error(cast, login, reason):
    response = login(cast.wang).post(
        reveal_url(cast.resident), {"field": "id_number", "reason": reason}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "请写明查看原因" in html and 'name="reason"' in html
    assert cast.resident.id_number not in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


@pytest.mark.parametrize("who", ["sun", "wu", "jumin"])
def test_reveal_refused_for_roles_without_it(cast, login, who):
    response = login(getattr(cast, who)).post(
        reveal_url(cast.resident), {"field": "phone", "reason": "入户走访需要联系"}
    )
    assert response.status_code == 403
    assert cast.resident.phone not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_reveal_out_of_scope_is_404(cast, login):
    response = login(cast.wang).post(
        reveal_url(cast.resident2), {"field": "phone", "reason": "入户走访需要联系"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_reveal_of_an_unknown_field_is_refused(cast, login):
    response = login(cast.wang).post(
        reveal_url(cast.resident), {"field": "name", "reason": "入户走访需要联系"}
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


# --- search ---------------------------------------------------------------------------------------


def search(client, q):
    response = client.post(reverse("registry:search"), {"q": q}, **HTMX)
    assert response.status_code == 200
    return {r.pk for r in response.context["results"]}


def test_search_by_name_finds_only_in_scope_residents(cast, login):
    wang = login(cast.wang)
    assert cast.resident.pk in search(wang, cast.resident.name)
    assert search(wang, cast.resident2.name) == set()


def test_search_by_pinyin_initials(cast, login):
    initials = services.name_initials(cast.resident.name)
    assert cast.resident.pk in search(login(cast.wang), initials)
    assert search(login(cast.chen), initials) <= {cast.resident_b.pk}


def test_search_by_building_and_room(cast, login):
    assert search(login(cast.wang), "1号楼 101") == {cast.resident.pk}
    assert search(login(cast.wang), "301") == set()
    assert search(login(cast.liu), "301") == {cast.resident_b.pk}
    assert search(login(cast.liu), "1号楼301") == {cast.resident_b.pk}


def test_search_by_exact_id_number_is_scoped(cast, login):
    assert search(login(cast.wang), cast.resident.id_number) == {cast.resident.pk}
    assert search(login(cast.wang), cast.resident_c.id_number) == set()
    assert search(login(cast.sun), cast.resident_c.id_number) == {cast.resident_c.pk}


def test_search_page_renders_the_form_and_works_by_get(cast, login):
    client = login(cast.zhang)
    response, html = page(client, "registry:search")
    assert response.status_code == 200 and 'name="q"' in html
    response = client.get(reverse("registry:search") + "?q=" + cast.resident.name)
    assert cast.resident.name in response.content.decode()


@pytest.mark.parametrize("who", ["jumin", "xitong", "feng"])
def test_search_refused_for_roles_without_registry_people(cast, login, who):
    assert login(getattr(cast, who)).post(reverse("registry:search"), {"q": "a"}).status_code == 403


# --- grid health ------------------------------------------------------------------------------------


@pytest.fixture
def unhealthy(cast, settings):
    """Band 1–1: A1 (one household) is fine, A2 gets two (too many), new grid A3 has none (too few)."""
    settings.SHANZHI_GRID_HOUSEHOLDS_MIN = 1
    settings.SHANZHI_GRID_HOUSEHOLDS_MAX = 1
    services.create_household(building=cast.building2, unit_no="1单元", room="202")
    cast.grid3 = services.create_node(
        level="grid",
        code="370402001001003",
        name="东一第三网格",
        parent=cast.community,
        boundary=square(117.558, 34.860),
    )
    return cast


def test_grid_health_lists_out_of_range_grids_per_community(unhealthy, login):
    cast = unhealthy
    response, html = page(login(cast.zhang), "registry:grid_health")
    assert response.status_code == 200
    (community,) = response.context["health"].communities
    assert community.community == cast.community
    assert [g.code for g in community.too_many] == [cast.grid2.code]
    assert [g.code for g in community.too_few] == [cast.grid3.code]
    assert cast.grid2.name in html and cast.grid3.name in html
    assert cast.grid.name not in html
    assert response.context["summary"] == {"low": 1, "ok": 1, "high": 1}


def test_grid_health_stays_within_scope(unhealthy, login):
    cast = unhealthy
    response, html = page(login(cast.wang), "registry:grid_health")
    assert response.context["health"].communities == []
    assert cast.grid2.name not in html
    response, _html = page(login(cast.chen), "registry:grid_health")
    assert all(g.parent_id == cast.community_b.pk for g in response.context["health"].grids)


def test_grid_health_for_one_node(unhealthy, login):
    cast = unhealthy
    client = login(cast.sun)
    response = client.get(reverse("registry:grid_health") + f"?node={cast.community_c.code}")
    assert [g.code for g in response.context["health"].grids] == [cast.grid_c.code]
    assert (
        login(cast.chen).get(reverse("registry:grid_health") + f"?node={cast.community.code}").status_code
        == 404
    )


# --- boundaries -------------------------------------------------------------------------------------


def boundary_url(node):
    return reverse("registry:node_boundary", kwargs={"code": node.code})


def test_boundary_get_returns_geojson(cast, login):
    data = login(cast.wang).get(boundary_url(cast.grid)).json()
    assert data["type"] == "Feature" and data["geometry"] == cast.grid.boundary
    data = login(cast.zhang).get(boundary_url(cast.community)).json()
    assert {f["properties"]["code"] for f in data["features"]} == {cast.grid.code, cast.grid2.code}


def test_boundary_post_replaces_the_polygon(cast, login):
    new = square(117.6, 34.9)
    response = login(cast.sun).post(boundary_url(cast.grid), {"boundary": json.dumps(new)})
    assert response.status_code == 302
    cast.grid.refresh_from_db()
    assert cast.grid.boundary == new
    assert cast.grid.centroid_lng == pytest.approx(117.602)


def test_self_intersecting_boundary_is_refused_with_400_and_nothing_changes(cast, login):
    before = OrgNode.objects.get(pk=cast.grid.pk).boundary
    response = login(cast.sun).post(boundary_url(cast.grid), {"boundary": json.dumps(BOW_TIE)}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "边界不是有效的多边形" in html and 'name="boundary"' in html
    assert OrgNode.objects.get(pk=cast.grid.pk).boundary == before


def test_boundary_error_page_without_htmx_and_as_json(cast, login):
    client = login(cast.xitong)
    response = client.post(boundary_url(cast.grid), {"boundary": "{not json"})
    assert response.status_code == 400
    assert "不是有效的 JSON" in response.content.decode()
    response = client.post(boundary_url(cast.grid), json.dumps(BOW_TIE), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "boundary"


def test_boundary_post_refused_for_community_staff(cast, login):
    before = OrgNode.objects.get(pk=cast.grid.pk).boundary
    response = login(cast.zhang).post(boundary_url(cast.grid), {"boundary": json.dumps(square(117.6, 34.9))})
    assert response.status_code == 403
    assert OrgNode.objects.get(pk=cast.grid.pk).boundary == before


def test_boundary_form_shown_only_to_those_who_may_edit(cast, login):
    _r, html = page(login(cast.sun), "registry:node", code=cast.grid.code)
    assert 'id="boundary-form"' in html
    _r, html = page(login(cast.zhang), "registry:node", code=cast.grid.code)
    assert 'id="boundary-form"' not in html


# --- places and organisations ----------------------------------------------------------------------


def test_compound_page_for_staff_and_property_company(cast, login):
    _r, html = page(login(cast.wang), "registry:compound", pk=cast.compound.pk)
    assert "1号楼" in html and "2号楼" not in html  # building 2 lies in 李网格's grid
    response, html = page(login(cast.feng), "registry:compound", pk=cast.compound.pk)
    assert response.status_code == 200 and "幸福小区" in html
    assert cast.resident.name not in html


def test_household_page_lists_members_with_masked_values(cast, login):
    _r, html = page(login(cast.wang), "registry:household", pk=cast.household.pk)
    assert cast.resident.name in html
    assert mask_phone(cast.resident.phone) in html


def test_party_org_tree_and_members(cast, login):
    _r, html = page(login(cast.zhang), "registry:party_orgs")
    assert "东一社区党委" in html and "幸福小区党支部" in html and "地缘" in html
    response, html = page(login(cast.zhang), "registry:party_org", pk=cast.party_committee.pk)
    assert response.context["org"].n_members_total == 1
    response, html = page(login(cast.zhang), "registry:party_org", pk=cast.party_branch.pk)
    assert cast.resident.name in html and mask_phone(cast.resident.phone) in html
    assert [a.pk for a in response.context["ancestors"]] == [cast.party_committee.pk]


def test_unit_member_sees_party_orgs_but_not_the_member_list(cast, login):
    response, html = page(login(cast.he), "registry:party_org", pk=cast.party_branch.pk)
    assert response.status_code == 200
    assert cast.resident.name not in html


def test_unit_list_is_scoped_and_masked(cast, login):
    _r, html = page(login(cast.he), "registry:units")
    assert "区人民医院" in html and "139****0002" in html
    assert "区第二中学" not in html


def test_property_company_list_shows_own_company_and_its_compounds(cast, login):
    _r, html = page(login(cast.feng), "registry:property_companies")
    assert "安居物业" in html and "幸福小区" in html
    assert "宜家物业" not in html
