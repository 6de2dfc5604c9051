"""Scoped reads shared by the pages and the API."""

from unittest import mock

import pytest

from shanzhi.accounts import services as accounts
from shanzhi.core import crypto
from shanzhi.registry import queries, services
from shanzhi.registry.models import CareTag


def counts(node):
    return node.n_grids, node.n_households, node.n_residents


def test_children_of_the_district_are_counted_per_street(cast):
    streets = queries.node_children_with_counts(cast.sun, cast.district)
    assert [s.code for s in streets] == [cast.street.code, cast.street2.code]
    assert [counts(s) for s in streets] == [(3, 3, 3), (1, 1, 1)]


def test_children_counts_are_one_query_for_any_number_of_children(cast, django_assert_num_queries):
    cast.sun.grants()  # loaded once per request in real use
    with django_assert_num_queries(2):
        queries.node_children_with_counts(cast.sun, cast.district)
    for i in range(2, 6):
        services.create_node(level="street", code=f"37040200{i + 1}", name=f"第{i}街道", parent=cast.district)
    cast.sun = type(cast.sun).objects.get(pk=cast.sun.pk)
    cast.sun.grants()
    with django_assert_num_queries(2):
        assert len(queries.node_children_with_counts(cast.sun, cast.district)) == 6


def test_grid_children_carry_their_health_band(cast):
    grids = queries.node_children_with_counts(cast.zhang, cast.community)
    assert [g.band for g in grids] == ["low", "low"]  # one household each, against 300–500


def test_children_outside_scope_are_left_out(cast):
    assert queries.node_children_with_counts(cast.wang, cast.community) == [cast.grid]
    assert [c.code for c in queries.node_children_with_counts(cast.liu, cast.street)] == [
        cast.community.code,
        cast.community_b.code,
    ]


def test_top_nodes_are_the_grant_nodes_without_nested_ones(cast):
    assert [n.code for n in queries.top_nodes(cast.wang)] == [cast.grid.code]
    assert [n.code for n in queries.top_nodes(cast.xitong)] == [cast.district.code]
    accounts.grant_role(cast.liu, "community_staff", node=cast.community)
    liu = type(cast.liu).objects.get(pk=cast.liu.pk)
    (top,) = queries.top_nodes(liu)
    assert top.code == cast.street.code and counts(top) == (3, 3, 3)
    assert queries.top_nodes(cast.zheng) == []


def test_breadcrumb_leaves_out_ancestors_the_user_cannot_see(cast):
    assert [n.code for n in queries.breadcrumb(cast.sun, cast.grid)] == [
        cast.district.code,
        cast.street.code,
        cast.community.code,
    ]
    assert queries.breadcrumb(cast.wang, cast.grid) == []


def test_grid_health_groups_out_of_range_grids_by_community(cast, settings):
    settings.SHANZHI_GRID_HOUSEHOLDS_MIN = 1
    settings.SHANZHI_GRID_HOUSEHOLDS_MAX = 1
    services.create_household(building=cast.building_b, unit_no="1单元", room="302")
    health = queries.grid_health(cast.sun)
    (group,) = health.communities
    assert group.community == cast.community_b and [g.code for g in group.too_many] == [cast.grid_b.code]
    assert group.too_many[0].gap == 1
    assert health.summary == {"low": 0, "ok": 3, "high": 1}
    assert queries.grid_health(cast.zhang).communities == []
    assert queries.grid_health(cast.sun, node=cast.street2).out_of_range == []


def test_grid_health_uses_the_configured_band(cast):
    health = queries.grid_health(cast.zhang)
    assert (health.minimum, health.maximum) == (300, 500)
    assert [g.code for g in health.communities[0].too_few] == [cast.grid.code, cast.grid2.code]


def test_residents_by_tag_hides_sensitive_tags_from_those_without_the_right(cast):
    cast.resident.tags.add(CareTag.objects.get(code="disabled"))
    by_staff = {t["code"]: t["count"] for t in queries.residents_by_tag(cast.wang, cast.grid)}
    assert by_staff["disabled"] == 1 and by_staff["elderly_alone"] == 1
    by_resident = {t["code"]: t["count"] for t in queries.residents_by_tag(cast.jumin, cast.grid)}
    assert "disabled" not in by_resident and by_resident["elderly_alone"] == 1


def test_residents_by_tag_counts_only_visible_residents(cast):
    assert all(t["count"] == 0 for t in queries.residents_by_tag(cast.wang, cast.grid2))


def test_grid_workers_of_a_grid(cast):
    assert queries.grid_workers(cast.zhang, cast.grid) == [cast.wang]
    assert queries.grid_workers(cast.li, cast.grid) == []


@pytest.mark.parametrize(
    "q,tokens",
    [
        ("3号楼302", ["3号楼", "302"]),
        ("3号楼 302", ["3号楼", "302"]),
        ("3-1-302", ["3号楼", "1单元", "302"]),
        ("3-302", ["3号楼", "302"]),
        ("幸福小区 2栋1单元201", ["幸福小区", "2栋", "1单元", "201"]),
        ("  zs ", ["zs"]),
    ],
)
def test_search_query_is_split_into_place_parts(q, tokens):
    assert queries._normalise_query(q) == tokens


def test_search_by_name_initials_room_and_id_number_is_scoped(cast):
    def found(user, q):
        return set(queries.search_residents(user, q).values_list("pk", flat=True))

    assert found(cast.wang, cast.resident.name[1:]) >= {cast.resident.pk}
    assert found(cast.wang, cast.resident2.name) == set()
    assert cast.resident.pk in found(cast.wang, services.name_initials(cast.resident.name))
    assert found(cast.zhang, "1单元") == {cast.resident.pk, cast.resident2.pk}
    assert found(cast.zhang, "2号楼 201") == {cast.resident2.pk}
    assert found(cast.zhang, cast.resident_c.id_number) == set()
    assert found(cast.wu, cast.resident_c.id_number.lower()) == {cast.resident_c.pk}
    assert found(cast.wang, "") == set()


def test_search_by_id_number_never_decrypts_the_table(cast):
    cast.sun.grants()
    with mock.patch("shanzhi.core.fields.crypto.decrypt", wraps=crypto.decrypt) as decrypt:
        pks = list(queries.search_residents(cast.sun, cast.resident_b.id_number).values_list("pk", flat=True))
    assert pks == [cast.resident_b.pk]
    assert decrypt.call_count <= 2  # at most the one matching row's two encrypted fields


def test_search_by_mobile_uses_the_blind_index(cast):
    if not queries.MOBILE_RE.match(cast.resident.phone):
        pytest.skip("the cast resident has a landline")
    assert list(queries.search_residents(cast.wang, cast.resident.phone)) == [cast.resident]
    assert list(queries.search_residents(cast.li, cast.resident.phone)) == []


def test_prepare_residents_masks_and_filters_tags(cast):
    cast.resident.tags.add(CareTag.objects.get(code="low_income"))
    (staff_view,) = queries.prepare_residents(cast.wang, queries.residents_of(cast.wang, pk=cast.resident.pk))
    assert staff_view.id_number_masked != cast.resident.id_number
    assert staff_view.id_number_masked[0] == cast.resident.id_number[0]
    assert {t.code for t in staff_view.shown_tags} == {"elderly_alone", "low_income", "party_member"}
    (own_view,) = queries.prepare_residents(cast.jumin, queries.residents_of(cast.jumin, pk=cast.resident.pk))
    assert {t.code for t in own_view.shown_tags} == {"elderly_alone", "party_member"}


def test_party_org_tree_totals_members_of_lower_orgs(cast):
    (root,) = queries.party_org_tree(cast.zhang)
    assert root.pk == cast.party_committee.pk
    assert (root.n_members, root.n_members_total) == (0, 1)
    assert [(o.pk, depth) for o, depth in queries.flatten_tree([root])] == [
        (cast.party_committee.pk, 0),
        (cast.party_branch.pk, 1),
    ]
    assert queries.party_org_tree(cast.chen) == []


def test_party_members_are_scoped_by_where_they_live(cast):
    assert [m.resident_id for m in queries.party_members(cast.wang, cast.party_branch)] == [cast.resident.pk]
    assert queries.party_members(cast.li, cast.party_branch) == []
    assert queries.party_members(cast.he, cast.party_branch) == []


def test_units_and_property_companies_are_scoped(cast):
    assert [u.name for u in queries.units(cast.zhang)] == ["区人民医院"]
    assert [u.name for u in queries.units(cast.sun, kind="school")] == ["区第二中学"]
    companies = list(queries.property_companies(cast.feng))
    assert [c.name for c in companies] == ["安居物业"]
    assert [c.name for c in companies[0].visible_compounds] == ["幸福小区"]
