"""Reading the org tree's paths without a query.

A node's ``path`` is the chain of codes from the district down, ``district/street/community/grid/``
(``OrgNode``: the district is always the root, a grid always the fourth level).
"""


def community_path(path):
    """The path cut at the community: a grid's community, a community itself; a street's or the
    district's path is left whole (the community-wide rows of a street grant are its whole subtree)."""
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:3]) + "/"
