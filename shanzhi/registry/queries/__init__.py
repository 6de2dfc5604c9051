"""Scoped reads of the registry, shared by the pages and the API (split by subject; all re-exported here).

Every queryset here starts from ``permissions.visible``; callers pass the user and get back
only what that user may see. Counts are computed per grid in one query and rolled up the tree
in Python, so a page costs the same number of queries whatever the number of children.
"""

from .addresses import Found, find_place
from .maps import MAP, map_layers
from .organisations import (
    flatten_tree,
    party_members,
    party_org_ancestors,
    party_org_tree,
    property_companies,
    units,
)
from .people import (
    MOBILE_RE,
    SEARCH_LIMIT,
    _normalise_query,
    prepare_residents,
    residents_of,
    search_residents,
)
from .places import (
    buildings_in,
    community_places,
    compound_buildings,
    grid_workers,
    households_in,
    memberships_of,
    network_posts,
    posts_covering,
    posts_held_by,
    residents_by_tag,
)
from .tree import (
    CommunityHealth,
    GridHealth,
    attach_counts,
    boundary_features,
    breadcrumb,
    grid_health,
    grids_with_counts,
    health_band,
    node_children_with_counts,
    top_nodes,
)

__all__ = [
    "MAP",
    "MOBILE_RE",
    "SEARCH_LIMIT",
    "CommunityHealth",
    "Found",
    "GridHealth",
    "_normalise_query",
    "attach_counts",
    "boundary_features",
    "breadcrumb",
    "buildings_in",
    "find_place",
    "community_places",
    "compound_buildings",
    "flatten_tree",
    "grid_health",
    "grid_workers",
    "grids_with_counts",
    "health_band",
    "households_in",
    "map_layers",
    "memberships_of",
    "network_posts",
    "node_children_with_counts",
    "party_members",
    "party_org_ancestors",
    "party_org_tree",
    "posts_covering",
    "posts_held_by",
    "prepare_residents",
    "property_companies",
    "residents_by_tag",
    "residents_of",
    "search_residents",
    "top_nodes",
    "units",
]
