"""Scoped reads of the registry, shared by the pages and the API.

Every queryset here starts from ``permissions.visible``; callers pass the user and get back
only what that user may see. Counts are computed per grid in one query and rolled up the tree
in Python, so a page costs the same number of queries whatever the number of children.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.core import crypto
from shanzhi.core.masking import mask_id_number, mask_phone

from . import services
from .models import (
    Building,
    CareTag,
    Compound,
    Household,
    NetworkPost,
    OrgNode,
    OwnersCommittee,
    OwnersCommitteeMember,
    PartyMember,
    PartyOrg,
    PropertyCompany,
    Resident,
    Unit,
)

SEARCH_LIMIT = 50

# --- the tree and its counts ------------------------------------------------------------------


def _count_per_grid(model):
    rows = (
        model.objects.filter(grid=OuterRef("pk"))
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def grids_with_counts(user, under=None):
    """The visible grids (under one node, if given) annotated with household and resident counts.

    Counts describe a grid the user may see, so they follow the grid's visibility: a system
    administrator sees how full a grid is without seeing anyone in it.
    """
    grids = permissions.visible(user, OrgNode).filter(level=OrgNode.Level.GRID)
    if under is not None:
        grids = grids.filter(path__startswith=under.path)
    return grids.annotate(n_households=_count_per_grid(Household), n_residents=_count_per_grid(Resident))


def attach_counts(user, nodes):
    """Set ``n_households``, ``n_residents`` and ``n_grids`` on each node: one query in all."""
    nodes = list(nodes)
    by_path = {n.path: n for n in nodes}
    for n in nodes:
        n.n_households = n.n_residents = n.n_grids = 0
    if not nodes:
        return nodes
    under = Q()
    for n in nodes:
        under |= Q(path__startswith=n.path)
    lengths = {len(p) for p in by_path}
    rows = grids_with_counts(user).filter(under).values_list("path", "n_households", "n_residents")
    for path, households, residents in rows:
        for length in lengths:
            node = by_path.get(path[:length])
            if node is not None:
                node.n_households += households
                node.n_residents += residents
                node.n_grids += 1
    return nodes


def top_nodes(user):
    """The nodes of the user's tree-viewing grants, leaving out any that lie under another one."""
    allowed = permissions.ACTIONS["registry.view_tree"]
    grants = [g for g in user.grants() if g.role in allowed]
    visible = permissions.visible(user, OrgNode)
    if any(g.role == Role.SYSTEM_ADMIN for g in grants):
        nodes = visible.filter(parent__isnull=True)
    else:
        nodes = visible.filter(pk__in=[g.node_id for g in grants if g.node_id])
    nodes = list(nodes.order_by("path"))
    tops = [n for n in nodes if not any(n.path != o.path and n.path.startswith(o.path) for o in nodes)]
    return attach_counts(user, tops)


def node_children_with_counts(user, node):
    children = attach_counts(user, permissions.visible(user, OrgNode).filter(parent=node).order_by("code"))
    for c in children:
        c.band = health_band(c.n_households) if c.is_grid else None
    return children


def breadcrumb(user, node):
    """The node's ancestors that the user may see, from the top down."""
    codes = [c for c in node.path.split("/") if c and c != node.code]
    return list(permissions.visible(user, OrgNode).filter(code__in=codes).order_by("path"))


def boundary_features(user, node):
    """GeoJSON of a node: a grid's own polygon as a Feature, or the visible grids below it."""
    if node.is_grid:
        return _feature(node)
    grids = list(grids_with_counts(user, under=node).filter(boundary__isnull=False).order_by("code"))
    for g in grids:
        g.band = health_band(g.n_households)
    return {"type": "FeatureCollection", "features": [_feature(g) for g in grids]}


def _feature(grid):
    props = {"code": grid.code, "name": grid.name}
    if hasattr(grid, "band"):
        props.update(band=grid.band, households=grid.n_households)
    return {"type": "Feature", "properties": props, "geometry": grid.boundary}


# --- grid health ------------------------------------------------------------------------------


def health_band(households):
    if households < settings.SHANZHI_GRID_HOUSEHOLDS_MIN:
        return "low"
    if households > settings.SHANZHI_GRID_HOUSEHOLDS_MAX:
        return "high"
    return "ok"


@dataclass
class CommunityHealth:
    community: OrgNode
    too_few: list = field(default_factory=list)
    too_many: list = field(default_factory=list)
    linkable: bool = False


@dataclass
class GridHealth:
    minimum: int
    maximum: int
    grids: list
    communities: list  # CommunityHealth, only those with a grid out of range

    @property
    def summary(self):
        counts = {"low": 0, "ok": 0, "high": 0}
        for g in self.grids:
            counts[g.band] += 1
        return counts

    @property
    def out_of_range(self):
        return [g for g in self.grids if g.band != "ok"]


def grid_health(user, node=None):
    """Households per visible grid against the band; the grids outside it, grouped by community."""
    grids = list(grids_with_counts(user, under=node).select_related("parent").order_by("path"))
    groups = {}
    for g in grids:
        g.band = health_band(g.n_households)
        if g.band == "ok":
            continue
        # How many households the grid is short of the band, or over it.
        g.gap = (
            settings.SHANZHI_GRID_HOUSEHOLDS_MIN - g.n_households
            if g.band == "low"
            else g.n_households - settings.SHANZHI_GRID_HOUSEHOLDS_MAX
        )
        group = groups.setdefault(g.parent_id, CommunityHealth(community=g.parent))
        (group.too_few if g.band == "low" else group.too_many).append(g)
    # A grid worker sees the grid but not its community page: link only where it would open.
    linkable = set(permissions.visible(user, OrgNode).filter(pk__in=groups).values_list("pk", flat=True))
    for pk, group in groups.items():
        group.linkable = pk in linkable
    return GridHealth(
        minimum=settings.SHANZHI_GRID_HOUSEHOLDS_MIN,
        maximum=settings.SHANZHI_GRID_HOUSEHOLDS_MAX,
        grids=grids,
        communities=list(groups.values()),
    )


# --- what lies in a grid or community -----------------------------------------------------------


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


def owners_committee(user, compound):
    """The compound's owners' committee and the members the user may see (None if it has none)."""
    committee = OwnersCommittee.objects.filter(compound=compound).first()
    if committee is None:
        return None
    committee.visible_members = list(
        OwnersCommitteeMember.objects.filter(
            committee=committee, resident__in=permissions.visible(user, Resident)
        )
        .select_related("resident")
        .order_by("id")
    )
    return committee


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


# --- people ---------------------------------------------------------------------------------------


def residents_of(user, **where):
    return (
        permissions.visible(user, Resident)
        .filter(**where)
        .select_related("household__building__compound", "grid")
        .prefetch_related("tags")
    )


def prepare_residents(user, residents):
    """Masked values and the tags this user may see, set on each resident for display.

    The full values stay on the object only because the field decrypts on load; templates
    print ``id_number_masked`` / ``phone_masked`` and never the fields themselves.
    """
    residents = list(residents)
    sensitive_ok = set()
    if residents and permissions.has_role_for(user, "registry.view_sensitive_tags"):
        sensitive_ok = set(
            permissions.visible(user, Resident, "registry.view_sensitive_tags")
            .filter(pk__in=[r.pk for r in residents])
            .values_list("pk", flat=True)
        )
    for r in residents:
        r.id_number_masked = mask_id_number(r.id_number)
        r.phone_masked = mask_phone(r.phone)
        r.age = services.age_on(r.birth_date) if r.birth_date else None
        r.shown_tags = [t for t in r.tags.all() if not t.sensitive or r.pk in sensitive_ok]
    return residents


ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ASCII_RE = re.compile(r"^[A-Za-z]+$")
DASHED_ADDRESS_RE = re.compile(r"^(\d+)[-－—](?:(\d+)[-－—])?(\d+\w*)$")
BUILDING_SUFFIXES = ("号楼", "栋", "幢", "座")


def _normalise_query(q):
    """Split "3号楼302" into "3号楼 302" and "3-1-302" into building, unit and room."""
    q = re.sub(r"\s+", " ", (q or "").strip())
    tokens = []
    for token in q.split(" ") if q else []:
        m = DASHED_ADDRESS_RE.match(token)
        if m:
            building, unit, room = m.groups()
            tokens += [f"{building}号楼"] + ([f"{unit}单元"] if unit else []) + [room]
            continue
        tokens += re.sub(r"(号楼|栋|幢|座|单元)(?=\d)", r"\1 ", token).split(" ")
    return [t for t in tokens if t]


def _token_q(token):
    if token.endswith(BUILDING_SUFFIXES):
        return Q(household__building__name=token) | Q(household__building__name__endswith=f"-{token}")
    if token.endswith("单元"):
        return Q(household__unit_no=token)
    if token[0].isdigit():
        names = [token] + [token + s for s in BUILDING_SUFFIXES]
        return Q(household__room=token) | Q(household__building__name__in=names)
    if ASCII_RE.match(token):
        return Q(name_initials__startswith=token.lower()) | Q(name__icontains=token)
    return (
        Q(name__contains=token)
        | Q(household__building__compound__name__contains=token)
        | Q(household__building__name=token)
    )


def search_residents(user, q):
    """Residents the user may see, by name, pinyin initials, building/room, ID number or mobile.

    An ID number or mobile is looked up exactly through its blind index; the encrypted columns
    are never decrypted to search.
    """
    q = (q or "").strip()
    base = residents_of(user).order_by("grid__code", "name", "id")
    if not q:
        return base.none()
    compact = q.replace(" ", "")
    if ID_NUMBER_RE.match(compact):
        found = services.find_resident_by_id_number(user, compact.upper())
        return base.filter(pk=found.pk) if found else base.none()
    if MOBILE_RE.match(compact):
        return base.filter(phone_index=crypto.blind_index(compact))
    cond = Q()
    for token in _normalise_query(q):
        cond &= _token_q(token)
    return base.filter(cond).distinct()


# --- organisations on the network ---------------------------------------------------------------


def units(user, q="", kind=""):
    rows = permissions.visible(user, Unit).select_related("community").order_by("community__code", "name")
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(address__contains=q))
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def property_companies(user):
    compounds = permissions.visible(user, Compound).select_related("community").order_by("name")
    return (
        permissions.visible(user, PropertyCompany)
        .prefetch_related(Prefetch("compounds", queryset=compounds, to_attr="visible_compounds"))
        .order_by("name")
    )


def party_org_tree(user, node=None):
    """The visible party organisations as a forest; each carries ``subtree`` and member counts.

    ``n_members`` counts the organisation's own members; ``n_members_total`` adds those of
    the organisations below it that the user can see.
    """
    orgs = (
        permissions.visible(user, PartyOrg)
        .select_related("node", "unit")
        .annotate(n_members=Count("members", distinct=True))
    )
    if node is not None:
        orgs = orgs.filter(node__path__startswith=node.path)
    orgs = list(orgs.order_by("node__code", "id"))
    by_id = {o.pk: o for o in orgs}
    roots = []
    for o in orgs:
        o.subtree = []
    for o in orgs:
        parent = by_id.get(o.parent_id)
        (parent.subtree if parent else roots).append(o)

    def total(o):
        o.n_members_total = o.n_members + sum(total(c) for c in o.subtree)
        return o.n_members_total

    for r in roots:
        total(r)
    return roots


def flatten_tree(roots, depth=0):
    """(org, depth) pairs in display order, for a table with indentation."""
    for o in roots:
        yield o, depth
        yield from flatten_tree(o.subtree, depth + 1)


def party_org_ancestors(user, org):
    chain, seen = [], {org.pk}
    visible = permissions.visible(user, PartyOrg)
    current = org
    while current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        current = visible.filter(pk=current.parent_id).first()
        if current is None:
            break
        chain.append(current)
    return list(reversed(chain))


def party_members(user, org):
    members = (
        permissions.visible(user, PartyMember)
        .filter(party_org=org)
        .select_related("resident__household__building__compound", "resident__grid")
        .order_by("resident__name", "id")
    )
    members = list(members)
    for m in members:
        m.phone_masked = mask_phone(m.resident.phone)
    return members
