"""The registry API under /api/v1/registry/: auth, scope, masking, reveal and boundary edits."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from shanzhi.accounts.models import ApiToken
from shanzhi.accounts.services import issue_api_token
from shanzhi.core.masking import mask_id_number, mask_phone
from shanzhi.core.models import AuditEvent
from shanzhi.registry import services
from shanzhi.registry.models import OrgNode, Resident
from shanzhi.tests.cast import square

API = "/api/v1/registry/"

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[117.55, 34.86], [117.554, 34.864], [117.554, 34.86], [117.55, 34.864], [117.55, 34.86]]
    ],
}


@pytest.fixture
def bearer(client):
    """``bearer(user)`` -> a function doing API calls with a freshly issued token of ``user``."""

    def _for(user):
        token = issue_api_token(user, name="test")
        return _caller(client, {"Authorization": f"Bearer {token}"})

    return _for


def _caller(client, headers):
    def call(method, path, body=None):
        kwargs = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(API + path, **kwargs)

    return call


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["nodes", "residents", "grid-health", "units"])
def test_anonymous_call_is_401_not_a_login_redirect(client, cast, path):
    response = client.get(API + path)
    assert response.status_code == 401
    assert "Location" not in response


def test_openapi_document_is_public_json_listing_the_registry_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "nodes",
        "nodes/{code}",
        "nodes/{code}/boundary",
        "grid-health",
        "households/{household_id}",
        "residents",
        "residents/{resident_id}",
        "residents/{resident_id}/reveal",
        "units",
        "party-orgs",
        "property-companies",
    ):
        assert API + path in paths
    assert set(paths[API + "nodes/{code}/boundary"]) == {"get", "put"}


def test_bad_token_is_refused(client, cast):
    call = _caller(client, {"Authorization": "Bearer sz_not-a-real-token"})
    assert call("get", "nodes").status_code == 401


def test_revoked_token_is_refused(client, cast):
    token = issue_api_token(cast.wang, name="phone")
    call = _caller(client, {"Authorization": f"Bearer {token}"})
    assert call("get", "nodes").status_code == 200
    ApiToken.objects.filter(user=cast.wang).update(revoked=True)
    assert call("get", "nodes").status_code == 401


def test_token_of_deactivated_user_is_refused(client, cast):
    token = issue_api_token(cast.wang)
    cast.wang.is_active = False
    cast.wang.save(update_fields=["is_active"])
    assert _caller(client, {"Authorization": f"Bearer {token}"})("get", "nodes").status_code == 401


def test_staff_session_works_without_a_token(login, cast):
    response = login(cast.zhang).get(API + "nodes")
    assert response.status_code == 200
    assert [n["code"] for n in response.json()] == [cast.community.code]


def test_session_that_still_owes_its_totp_step_is_refused(login, cast):
    TOTPDevice.objects.create(user=cast.zhang, name="phone", confirmed=True)
    assert login(cast.zhang).get(API + "nodes").status_code == 401


# --- the org tree ----------------------------------------------------------------------------


def test_nodes_are_the_users_top_nodes_with_counts(bearer, cast):
    [grid] = bearer(cast.wang)("get", "nodes").json()
    assert grid == {
        "code": cast.grid.code,
        "name": cast.grid.name,
        "level": "grid",
        "parent_code": cast.community.code,
        "grids": 1,
        "households": 1,
        "residents": 1,
    }
    [district] = bearer(cast.sun)("get", "nodes").json()
    assert (district["code"], district["parent_code"]) == (cast.district.code, None)
    assert (district["grids"], district["households"], district["residents"]) == (4, 4, 4)


def test_user_without_tree_role_sees_no_nodes(bearer, cast):
    assert bearer(cast.jumin)("get", "nodes").json() == []
    assert bearer(cast.jumin)("get", f"nodes/{cast.grid.code}").status_code == 404


def test_node_detail_lists_children_with_counts(bearer, cast):
    body = bearer(cast.liu)("get", f"nodes/{cast.street.code}").json()
    assert (body["grids"], body["households"], body["residents"]) == (3, 3, 3)
    children = {c["code"]: (c["grids"], c["households"]) for c in body["children"]}
    assert children == {cast.community.code: (2, 2), cast.community_b.code: (1, 1)}


def test_grid_detail_names_its_grid_worker(bearer, cast):
    body = bearer(cast.zhang)("get", f"nodes/{cast.grid.code}").json()
    assert body["grid_workers"] == ["王网格"]
    assert body["has_boundary"] is True and body["children"] == []


def test_grid_worker_cannot_read_the_neighbouring_grid(bearer, cast):
    call = bearer(cast.wang)
    assert call("get", f"nodes/{cast.grid2.code}").status_code == 404
    assert call("get", f"nodes/{cast.grid2.code}/boundary").status_code == 404
    assert call("get", f"nodes/{cast.community.code}").status_code == 404
    assert call("get", "nodes/999999999999999").status_code == 404


def test_boundary_is_a_geojson_feature(bearer, cast):
    body = bearer(cast.wang)("get", f"nodes/{cast.grid.code}/boundary").json()
    assert body["type"] == "Feature"
    assert body["geometry"] == cast.grid.boundary
    assert body["properties"]["code"] == cast.grid.code


def test_boundary_above_a_grid_is_a_collection_of_its_drawn_grids(bearer, cast):
    body = bearer(cast.zhang)("get", f"nodes/{cast.community.code}/boundary").json()
    assert body["type"] == "FeatureCollection"
    assert [(f["properties"]["code"], f["properties"]["band"]) for f in body["features"]] == [
        (cast.grid.code, "low"),
        (cast.grid2.code, "low"),
    ]


def test_grid_health_needs_a_tree_role(bearer, cast):
    assert bearer(cast.jumin)("get", "grid-health").status_code == 403
    assert bearer(cast.wang)("get", f"grid-health?node={cast.community.code}").status_code == 404


def test_district_staff_replaces_a_grid_boundary(bearer, cast):
    new = square(117.560, 34.870)
    response = bearer(cast.sun)("put", f"nodes/{cast.grid.code}/boundary", new)
    assert response.status_code == 200
    assert response.json()["geometry"] == new
    cast.grid.refresh_from_db()
    assert cast.grid.boundary == new
    assert cast.grid.centroid_lng == pytest.approx(117.562)


def test_bad_polygon_is_400_naming_the_field_and_changes_nothing(bearer, cast):
    before = OrgNode.objects.values("boundary", "centroid_lng", "centroid_lat").get(pk=cast.grid.pk)
    call = bearer(cast.sun)
    for bad in (BOWTIE, {"type": "Point", "coordinates": [117.55, 34.86]}, {"coordinates": "x"}):
        response = call("put", f"nodes/{cast.grid.code}/boundary", bad)
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"code", "message", "field"}
        assert body["field"] == "boundary" and body["message"]
    assert OrgNode.objects.values("boundary", "centroid_lng", "centroid_lat").get(pk=cast.grid.pk) == before


def test_grid_worker_may_not_edit_a_boundary(bearer, cast):
    response = bearer(cast.wang)("put", f"nodes/{cast.grid.code}/boundary", square(117.56, 34.87))
    assert response.status_code == 403
    cast.grid.refresh_from_db()
    assert cast.grid.boundary == square(117.550, 34.860)


def test_grid_health_lists_grids_out_of_band_in_scope(bearer, cast, settings):
    body = bearer(cast.zhang)("get", "grid-health").json()
    assert (body["min_households"], body["max_households"]) == (300, 500)
    assert [(g["code"], g["band"], g["households"]) for g in body["grids"]] == [
        (cast.grid.code, "low", 1),
        (cast.grid2.code, "low", 1),
    ]
    assert body["grids"][0]["community"]["code"] == cast.community.code
    settings.SHANZHI_GRID_HOUSEHOLDS_MIN, settings.SHANZHI_GRID_HOUSEHOLDS_MAX = 1, 1
    assert bearer(cast.zhang)("get", "grid-health").json()["grids"] == []
    settings.SHANZHI_GRID_HOUSEHOLDS_MIN, settings.SHANZHI_GRID_HOUSEHOLDS_MAX = 0, 0
    assert {g["band"] for g in bearer(cast.sun)("get", "grid-health").json()["grids"]} == {"high"}


# --- households and residents ---------------------------------------------------------------


def test_household_detail_lists_its_residents(bearer, cast):
    body = bearer(cast.wang)("get", f"households/{cast.household.pk}").json()
    assert body["room"] == "101" and body["grid"]["code"] == cast.grid.code
    assert [r["id"] for r in body["residents"]] == [cast.resident.pk]


def test_household_of_another_grid_is_404(bearer, cast):
    assert bearer(cast.wang)("get", f"households/{cast.household2.pk}").status_code == 404


def test_grid_worker_cannot_read_the_neighbours_resident(bearer, cast):
    call = bearer(cast.wang)
    assert call("get", f"residents/{cast.resident2.pk}").status_code == 404
    assert call("get", f"residents/{cast.resident.pk}").status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("wang", ["resident"]),
        ("li", ["resident2"]),
        ("zhang", ["resident", "resident2"]),
        ("chen", ["resident_b"]),
        ("zhou", ["resident_c"]),
        ("jumin", ["resident"]),
        ("feng", []),
        ("xitong", []),
        ("nobody", []),
    ],
)
def test_resident_list_holds_only_residents_in_scope(bearer, cast, who, expected):
    assert _ids(bearer(getattr(cast, who))("get", "residents")) == {getattr(cast, r).pk for r in expected}


def test_resident_search_by_name_initials_room_grid_and_id_number(bearer, cast):
    call = bearer(cast.sun)
    person = cast.resident
    assert _ids(call("get", f"residents?q={person.name}")) == {person.pk}
    assert person.pk in _ids(call("get", f"residents?q={person.name_initials.upper()}"))
    assert _ids(call("get", "residents?q=幸福小区 1号楼 101")) == {person.pk}
    assert _ids(call("get", f"residents?grid={cast.grid2.code}")) == {cast.resident2.pk}
    assert _ids(call("post", "residents/search", {"id_number": person.id_number.lower()})) == {person.pk}
    assert _ids(call("post", "residents/search", {"id_number": "110101199003074514"})) == set()
    assert _ids(call("post", "residents/search", {"q": person.phone})) == {person.pk}


def test_resident_id_number_search_stays_in_scope(bearer, cast):
    assert (
        _ids(bearer(cast.wang)("post", "residents/search", {"id_number": cast.resident2.id_number})) == set()
    )


def test_personal_numbers_are_refused_in_query_strings(bearer, cast):
    response = bearer(cast.sun)("get", f"residents?q={cast.resident.id_number}")
    assert response.status_code == 400
    assert response.json()["field"] == "q"


def test_resident_list_is_paginated(bearer, cast):
    body = bearer(cast.sun)("get", "residents?page_size=3").json()
    assert body["count"] == 4 and len(body["items"]) == 3
    assert len(bearer(cast.sun)("get", "residents?page_size=3&page=2").json()["items"]) == 1


def test_sensitive_tags_show_only_to_staff_of_the_residents_scope(bearer, cast):
    services.set_tags(cast.resident, ["elderly_alone", "low_income"], by=cast.wang)
    staff = bearer(cast.wang)("get", f"residents/{cast.resident.pk}").json()
    assert {t["code"] for t in staff["tags"]} == {"elderly_alone", "low_income"}
    own = bearer(cast.jumin)("get", f"residents/{cast.resident.pk}").json()
    assert {t["code"] for t in own["tags"]} == {"elderly_alone"}
    assert _ids(bearer(cast.jumin)("get", "residents?tag=low_income")) == set()
    assert _ids(bearer(cast.wang)("get", "residents?tag=low_income")) == {cast.resident.pk}
    assert _ids(bearer(cast.jumin)("get", "residents?tag=elderly_alone")) == {cast.resident.pk}


# --- personal data ---------------------------------------------------------------------------


def _secrets(cast):
    values = set()
    for person in Resident.objects.all():
        values |= {person.id_number, person.phone}
    values |= {cast.company.contact_phone, cast.unit.contact_phone}
    return {v for v in values if v}


def _every_read(call):
    paths = ["nodes", "grid-health", "residents?page_size=200", "units", "party-orgs", "property-companies"]
    for node in OrgNode.objects.all():
        paths += [f"nodes/{node.code}", f"nodes/{node.code}/boundary"]
    for person in Resident.objects.all():
        paths += [
            f"residents/{person.pk}",
            f"households/{person.household_id}",
            f"residents?q={person.name}",
        ]
    for path in paths:
        yield path, call("get", path)


@pytest.mark.parametrize("who", ["sun", "wu", "zhang", "wang", "jumin", "feng", "he"])
def test_no_full_id_number_or_phone_in_any_response(bearer, cast, who):
    secrets, call = _secrets(cast), bearer(getattr(cast, who))
    assert len(secrets) == 10
    for path, response in _every_read(call):
        body = response.content.decode()
        assert response.status_code in (200, 403, 404), path
        leaked = [s for s in secrets if s in body]
        assert not leaked, path


def test_responses_carry_the_masked_values(bearer, cast):
    person = bearer(cast.sun)("get", f"residents/{cast.resident.pk}").json()
    assert person["id_number_masked"] == mask_id_number(cast.resident.id_number)
    assert person["phone_masked"] == mask_phone(cast.resident.phone)
    [company] = [
        c for c in bearer(cast.sun)("get", "property-companies").json()["items"] if c["name"] == "安居物业"
    ]
    assert company["contact_phone_masked"] == "138****0001"


def _reveals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)


def test_reveal_returns_the_full_value_and_is_audited(bearer, cast):
    response = bearer(cast.wang)(
        "post", f"residents/{cast.resident.pk}/reveal", {"field": "id_number", "reason": "核对低保申请材料"}
    )
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": cast.resident.id_number}
    assert "no-store" in response["Cache-Control"]
    [event] = _reveals()
    assert (event.actor_username, event.target_id) == (cast.wang.username, str(cast.resident.pk))
    assert event.detail == {"field": "id_number", "reason": "核对低保申请材料"}


def test_reveal_without_the_role_is_403_and_reveals_nothing(bearer, cast):
    response = bearer(cast.wu)(
        "post", f"residents/{cast.resident.pk}/reveal", {"field": "phone", "reason": "核对信息"}
    )
    assert response.status_code == 403
    assert cast.resident.phone not in response.content.decode()
    assert not _reveals().exists()


def test_reveal_out_of_scope_is_404(bearer, cast):
    response = bearer(cast.wang)(
        "post", f"residents/{cast.resident2.pk}/reveal", {"field": "phone", "reason": "核对信息"}
    )
    assert response.status_code == 404
    assert not _reveals().exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "phone"}, "reason"),
        ({"field": "phone", "reason": "  "}, "reason"),
        ({"field": "name", "reason": "核对信息"}, "field"),
    ],
)
def test_reveal_needs_a_reason_and_a_protected_field(bearer, cast, body, field):
    response = bearer(cast.wang)("post", f"residents/{cast.resident.pk}/reveal", body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not _reveals().exists()


def test_reveal_by_session_needs_the_csrf_token(cast, client):
    client.handler.enforce_csrf_checks = True
    client.force_login(cast.wang)
    response = client.post(
        API + f"residents/{cast.resident.pk}/reveal",
        data=json.dumps({"field": "phone", "reason": "核对信息"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not _reveals().exists()


def test_resident_list_costs_the_same_queries_whatever_the_page_length(bearer, cast):
    call = bearer(cast.zhang)

    def queries_for_list():
        with CaptureQueriesContext(connection) as ctx:
            assert call("get", "residents").status_code == 200
        return len(ctx)

    queries_for_list()  # the first call of a minute also stamps the token's last use
    before = queries_for_list()
    for i in range(6):
        household = services.create_household(building=cast.building, unit_no="2单元", room=f"60{i}")
        services.register_resident(
            household=household, name=f"测试{i}", id_number=_valid_id(i), tags=["disabled"]
        )
    assert queries_for_list() == before


def _valid_id(i):
    fake = Faker("zh_CN")
    fake.seed_instance(700 + i)
    return fake.ssn()


# --- the permission matrix of the API --------------------------------------------------------
# Every registry API URL × every role × objects in each relation to the cast, with the expected
# statuses written out by hand (independently of the permission module). Relations as in
# shanzhi/tests/test_url_matrix.py: a1 = 王网格's grid, a2 = the other grid of community A,
# b = community B (same street), c = community C (other street).

ROLE_USERS = {
    "anonymous": None,
    "resident": "jumin",
    "grid_worker": "wang",
    "community_staff": "zhang",
    "community_secretary": "zhao",
    "street_staff": "liu",
    "district_staff": "sun",
    "district_leader": "wu",
    "department_handler": "zheng",
    "property_staff": "feng",
    "unit_member": "he",
    "volunteer": "ma",
    "system_admin": "xitong",
    "security_admin": "anquan",
    "audit_admin": "shenji",
    "no_role": "nobody",
}
NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
SEES_NODE_DATA = {
    "a1": NODE_STAFF,
    "a2": NODE_STAFF - {"grid_worker"},
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
SEES_TREE = {rel: roles | {"system_admin"} for rel, roles in SEES_NODE_DATA.items()}
SEES_PEOPLE = {rel: roles | ({"resident"} if rel == "a1" else set()) for rel, roles in SEES_NODE_DATA.items()}
TREE_ROLES = NODE_STAFF | {"system_admin"}
REVEALERS = {"grid_worker", "community_staff", "community_secretary", "street_staff"}
BOUNDARY_EDITORS = {"system_admin", "district_staff"}
RELS = ("a1", "a2", "b", "c")


def _grid(cast, rel):
    return {"a1": cast.grid, "a2": cast.grid2, "b": cast.grid_b, "c": cast.grid_c}[rel]


def _resident(cast, rel):
    return {"a1": cast.resident, "a2": cast.resident2, "b": cast.resident_b, "c": cast.resident_c}[rel]


KEEPERS = {"community_staff", "community_secretary", "street_staff", "district_staff", "system_admin"}
SEES_COMPOUND = {
    "a1": SEES_TREE["a1"] | {"property_staff"},
    "a2": SEES_TREE["a1"] | {"property_staff"},  # compound A spans grids A1 and A2
    "b": SEES_TREE["b"],
    "c": SEES_TREE["c"],
}


def _keeper(status):
    return lambda role: status if role in KEEPERS else 403


def _grid_code(cast, rel):
    return {"code": _grid(cast, rel).code}


def _compound_pk(cast, rel):
    return {
        "pk": {"a1": cast.compound, "a2": cast.compound, "b": cast.compound_b, "c": cast.compound_c}[rel].pk
    }


def _building_pk(cast, rel):
    return {
        "pk": {"a1": cast.building, "a2": cast.building2, "b": cast.building_b, "c": cast.building_c}[rel].pk
    }


def _any_user(role, rel):
    return 401 if role == "anonymous" else 200


def _sees(table, then=lambda role: 200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        return then(role) if role in table[rel] else 404

    return expected


MATRIX = [
    # name, method, kwargs(cast, rel) or None, body, expected(role, rel); bearer tokens unless noted
    ("api:list_nodes", "get", None, None, _any_user),
    ("api:get_node", "get", lambda c, r: {"code": _grid(c, r).code}, None, _sees(SEES_TREE)),
    ("api:get_boundary", "get", lambda c, r: {"code": _grid(c, r).code}, None, _sees(SEES_TREE)),
    (
        "api:put_boundary",
        "put",
        lambda c, r: {"code": _grid(c, r).code},
        square(117.6, 34.9),
        _sees(SEES_TREE, lambda role: 200 if role in BOUNDARY_EDITORS else 403),
    ),
    (
        "api:grid_health",
        "get",
        None,
        None,
        lambda role, rel: 401 if role == "anonymous" else 200 if role in TREE_ROLES else 403,
    ),
    (
        "api:get_household",
        "get",
        lambda c, r: {"household_id": _resident(c, r).household_id},
        None,
        _sees(SEES_PEOPLE),
    ),
    ("api:list_residents", "get", None, None, _any_user),
    ("api:search_residents", "post", None, {"q": "幸福"}, _any_user),
    ("api:get_resident", "get", lambda c, r: {"resident_id": _resident(c, r).pk}, None, _sees(SEES_PEOPLE)),
    (
        "api:reveal",
        "post",
        lambda c, r: {"resident_id": _resident(c, r).pk},
        {"field": "phone", "reason": "核对联系方式"},
        _sees(SEES_PEOPLE, lambda role: 200 if role in REVEALERS else 403),
    ),
    ("api:list_units", "get", None, None, _any_user),
    ("api:list_party_orgs", "get", None, None, _any_user),
    ("api:list_property_companies", "get", None, None, _any_user),
    ("api:openapi-json", "get", None, None, lambda role, rel: 200),
    ("api:api-root", "get", None, None, lambda role, rel: 404),
    # Keeping the network: a keeper's malformed request is refused (400) before anything is written,
    # so the walk changes nothing; everyone else who sees the target gets 403.
    ("api:places_add_node", "post", _grid_code, {"code": "1", "name": ""}, _sees(SEES_TREE, _keeper(400))),
    ("api:places_edit_node", "patch", _grid_code, {"name": ""}, _sees(SEES_TREE, _keeper(400))),
    ("api:places_retire_node", "post", _grid_code, {"reason": ""}, _sees(SEES_TREE, _keeper(400))),
    ("api:places_add_compound", "post", _grid_code, {"name": "新小区"}, _sees(SEES_TREE, _keeper(400))),
    ("api:places_edit_compound", "patch", _compound_pk, {"name": ""}, _sees(SEES_COMPOUND, _keeper(400))),
    ("api:places_retire_compound", "post", _compound_pk, {"reason": ""}, _sees(SEES_COMPOUND, _keeper(400))),
    (
        "api:places_add_building",
        "post",
        _compound_pk,
        {"name": "9号楼", "grid": "000000000000000"},
        _sees(SEES_COMPOUND, _keeper(400)),
    ),
    ("api:places_edit_building", "patch", _building_pk, {"name": ""}, _sees(SEES_TREE, _keeper(400))),
    (
        "api:places_move_building",
        "post",
        _building_pk,
        {"grid": "000000000000000", "reason": "x"},
        _sees(SEES_TREE, _keeper(400)),
    ),
    ("api:places_retire_building", "post", _building_pk, {"reason": ""}, _sees(SEES_TREE, _keeper(400))),
    # The Swagger page is a browser page: the staff session, the login page for anyone else.
    ("api:openapi-view", "session", None, None, lambda role, rel: 302 if role == "anonymous" else 200),
]


def _registry_api_names():
    """URL names of the registry router and of ninja's own views (other apps' routers test themselves)."""
    [api] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]
    return {
        f"api:{p.name}"
        for p in api.url_patterns
        if str(p.pattern).startswith("registry/") or p.name in ("openapi-json", "openapi-view", "api-root")
    }


def test_every_registry_api_url_has_a_row_in_the_matrix():
    assert _registry_api_names() == {row[0] for row in MATRIX}


def _cells():
    for row in MATRIX:
        for rel in RELS if row[2] is not None else (None,):
            yield pytest.param(row, rel, id=f"{row[0]}-{rel or 'list'}")


@pytest.mark.parametrize(("row", "rel"), list(_cells()))
def test_api_matrix(client, cast, row, rel):
    name, method, kwargs, body, expected = row
    url = reverse(name, kwargs=kwargs(cast, rel) if kwargs else None)
    wrong = []
    for role, username in ROLE_USERS.items():
        user = getattr(cast, username) if username else None
        client.logout()
        options = {}
        if method == "session":
            if user is not None:
                client.force_login(user)
        elif user is not None:
            options["headers"] = {"Authorization": f"Bearer {issue_api_token(user)}"}
        if body is not None:
            options.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, "get" if method == "session" else method)(url, **options)
        if response.status_code != expected(role, rel):
            wrong.append(f"{role}: expected {expected(role, rel)}, got {response.status_code}")
    assert not wrong, f"{method.upper()} {url}\n  " + "\n  ".join(wrong)
