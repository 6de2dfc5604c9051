"""Scoped reads of what lies in a grid or a community: buildings, households, posts, workers."""

from django.db.models import Count, Prefetch, Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role, RoleGrant

from ..models import (
    Building,
    CareTag,
    Compound,
    Household,
    NetworkPost,
    OrgNode,
    PartyMember,
    Resident,
    Unit,
)
from .organisations import party_org_tree


def grid_workers(user, grid):
    """Users holding a grid-worker grant on this grid (if the user may see the grid)."""
    if not permissions.visible(user, OrgNode).filter(pk=grid.pk).exists():
        return []
    grants = RoleGrant.objects.filter(role=Role.GRID_WORKER, node=grid).select_related("user").order_by("id")
    return [g.user for g in grants]


def network_posts(user, grid):
    return (
        permissions.visible(user, NetworkPost)
        .filter(grid=grid)
        .select_related("resident")
        .prefetch_related("buildings", "households__building")
        .order_by("kind", "id")
    )


def buildings_in(user, grid):
    return (
        permissions.visible(user, Building)
        .filter(grid=grid)
        .select_related("compound")
        .order_by("compound__name", "name")
    )


def residents_by_tag(user, grid):
    """Residents of a grid counted per care tag; sensitive tags only for those who may see them."""
    residents = permissions.visible(user, Resident).filter(grid=grid)
    counts = dict(
        residents.filter(tags__isnull=False)
        .values_list("tags")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    show_sensitive = permissions.can(user, "registry.view_sensitive_tags", grid)
    return [
        {"code": t.code, "name": t.name, "sensitive": t.sensitive, "count": counts.get(t.pk, 0)}
        for t in CareTag.objects.order_by("id")
        if show_sensitive or not t.sensitive
    ]


def community_places(user, community):
    """A community's compounds, resident units and party organisations, as the user may see them."""
    return {
        "compounds": permissions.visible(user, Compound)
        .filter(community=community)
        .select_related("property_company")
        .annotate(n_buildings=Count("buildings", distinct=True)),
        "units": permissions.visible(user, Unit).filter(community=community),
        "party_orgs": party_org_tree(user, node=community),
    }


def households_in(user, **where):
    """Visible households (of a grid, building or compound) with their visible residents' names."""
    names = permissions.visible(user, Resident).only("id", "name", "relation", "household_id").order_by("id")
    return (
        permissions.visible(user, Household)
        .filter(**where)
        .select_related("building__compound")
        .annotate(n_residents=Count("residents", distinct=True))
        .prefetch_related(Prefetch("residents", queryset=names, to_attr="member_list"))
        .order_by("building__compound__name", "building__name", "unit_no", "room")
    )


def compound_buildings(user, compound):
    return (
        permissions.visible(user, Building)
        .filter(compound=compound)
        .select_related("grid")
        .annotate(n_households=Count("households", distinct=True))
        .order_by("name")
    )


def posts_covering(user, household):
    """The network posts (楼栋长, 中心户长 …) whose area includes this household."""
    return list(
        permissions.visible(user, NetworkPost)
        .filter(Q(households=household) | Q(buildings=household.building_id))
        .select_related("resident")
        .distinct()
        .order_by("kind", "id")
    )


def posts_held_by(user, resident):
    return list(
        permissions.visible(user, NetworkPost)
        .filter(resident=resident)
        .select_related("grid")
        .order_by("kind")
    )


def memberships_of(user, resident):
    return list(
        permissions.visible(user, PartyMember)
        .filter(resident=resident)
        .select_related("party_org")
        .order_by("id")
    )
