"""Scoped reads of the org tree: the nodes with their counts, their boundaries and grid health."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role

from ..models import Household, OrgNode, Resident


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
