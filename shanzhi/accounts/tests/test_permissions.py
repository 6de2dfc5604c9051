"""The permission module, tested against an oracle written out by hand from the cast."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanzhi.accounts import permissions, services
from shanzhi.registry.models import Compound, Household, OrgNode, Resident, Unit
from shanzhi.registry.services import tree as services_tree


def visible_pks(user, model):
    return set(permissions.visible(user, model).values_list("pk", flat=True))


def test_grid_worker_sees_only_own_grid_residents(cast):
    assert visible_pks(cast.wang, Resident) == {cast.resident.pk}
    assert visible_pks(cast.li, Resident) == {cast.resident2.pk}


def test_community_staff_sees_both_grids_of_community_only(cast):
    assert visible_pks(cast.zhang, Resident) == {cast.resident.pk, cast.resident2.pk}
    assert visible_pks(cast.chen, Resident) == {cast.resident_b.pk}


def test_street_and_district_see_their_subtree(cast):
    assert visible_pks(cast.liu, Resident) == {cast.resident.pk, cast.resident2.pk, cast.resident_b.pk}
    assert visible_pks(cast.zhou, Resident) == {cast.resident_c.pk}
    assert visible_pks(cast.sun, Resident) == set(Resident.objects.values_list("pk", flat=True))


def test_resident_sees_only_own_household(cast):
    assert visible_pks(cast.jumin, Household) == {cast.household.pk}
    assert visible_pks(cast.jumin, Resident) == {cast.resident.pk}
    assert visible_pks(cast.jumin, OrgNode) == set()


def test_roles_without_registry_access_see_no_residents(cast):
    for user in (cast.zheng, cast.feng, cast.he, cast.ma, cast.xitong, cast.anquan, cast.shenji, cast.nobody):
        assert visible_pks(user, Resident) == set(), user.username


def test_org_tree_is_scoped_by_subtree(cast):
    assert visible_pks(cast.wang, OrgNode) == {cast.grid.pk}
    assert visible_pks(cast.zhang, OrgNode) == {cast.community.pk, cast.grid.pk, cast.grid2.pk}
    assert cast.district.pk in visible_pks(cast.xitong, OrgNode)


def test_grid_worker_sees_compound_through_its_buildings(cast):
    assert visible_pks(cast.wang, Compound) == {cast.compound.pk}
    assert visible_pks(cast.feng, Compound) == {cast.compound.pk}


def test_unit_member_sees_units_of_its_community(cast):
    assert visible_pks(cast.he, Unit) == {cast.unit.pk}
    assert visible_pks(cast.wang, Unit) == {cast.unit.pk}
    assert visible_pks(cast.zhou, Unit) == {cast.unit_c.pk}


def test_require_is_404_out_of_scope_and_403_without_the_role(cast):
    with pytest.raises(Http404):
        permissions.require(cast.wang, "registry.reveal", cast.resident2)
    with pytest.raises(PermissionDenied):
        permissions.require(cast.wu, "registry.reveal", cast.resident)
    permissions.require(cast.wang, "registry.reveal", cast.resident)


def test_action_is_checked_per_grant_not_across_grants(cast):
    """A grid worker of A1 who is also a resident of C may not reveal in C through the resident grant."""
    hh_c = cast.household_c
    services.grant_role(cast.wang, "resident", node=cast.grid_c, resident=cast.resident_c)
    assert permissions.can(cast.wang, "registry.view_people", cast.resident_c)
    assert hh_c.pk in visible_pks(cast.wang, Household)
    assert not permissions.can(cast.wang, "registry.reveal", cast.resident_c)


def test_revoking_a_grant_takes_effect_on_the_next_request(cast, client):
    client.force_login(cast.wang)
    url = f"/residents/{cast.resident.pk}/"
    assert client.get(url).status_code == 200
    services.revoke_grant(cast.wang.role_grants.get())
    assert client.get(url).status_code == 404


def test_admin_roles_are_exclusive(cast):
    from shanzhi.core.errors import DomainError

    with pytest.raises(DomainError):
        services.grant_role(cast.anquan, "audit_admin")
    with pytest.raises(DomainError):
        services.grant_role(cast.wang, "system_admin")
    with pytest.raises(DomainError):
        services.grant_role(cast.xitong, "grid_worker", node=cast.grid)


def test_grant_must_bind_the_right_level(cast):
    from shanzhi.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        services.grant_role(cast.nobody, "grid_worker", node=cast.community)
    assert err.value.field == "node"
    assert not cast.nobody.role_grants.exists()


def test_get_visible_or_404_finds_one_row_and_gives_the_first_in_order_where_several_match(cast):
    """It asks without an order (permissions.get_visible_or_404); several matches still give the
    first by the model's ordering (OrgNode: by code), as ``first()`` did, and none is a 404."""
    user = cast.sun  # district staff: sees every node
    assert permissions.get_visible_or_404(user, OrgNode, pk=cast.grid_b.pk) == cast.grid_b
    # The newest grid (the highest id) has the lowest code: the first in order, not in the table.
    first = services_tree.create_node(
        level="grid", code="370402001001000", name="东一零网格", parent=cast.community
    )
    assert OrgNode.objects.filter(level="grid").order_by("code").first() == first
    assert OrgNode.objects.filter(level="grid").order_by("pk").last() == first
    assert permissions.get_visible_or_404(user, OrgNode, level="grid") == first
    with pytest.raises(Http404):
        permissions.get_visible_or_404(cast.wang, OrgNode, pk=cast.grid_c.pk)
    with pytest.raises(Http404):
        permissions.get_visible_or_404(user, OrgNode, pk=0)
