"""Rows of the project's URL matrix (shanzhi/tests/test_url_matrix.py) for the data centre.
Expected statuses are written out by hand from the scope rules, independently of access.py.

The node at each relation: a1 = grid A1, a2 = grid A2, b = community B (东二社区, street 东),
c = street 西. Staff of the org tree read the dashboards and map layers of their node and below;
every other node, and every node for anyone else, is a 404."""

NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
SEES = {
    "a1": NODE_STAFF,
    "a2": NODE_STAFF - {"grid_worker"},
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
EXEMPT = {}


def _node(cast, rel):
    return {"pk": {"a1": cast.grid, "a2": cast.grid2, "b": cast.community_b, "c": cast.street2}[rel].pk}


def page_rows(Row):
    return [
        Row("datacentre:home", may=NODE_STAFF),
        Row("datacentre:node", obj=_node, sees=SEES, may=NODE_STAFF),
        Row("datacentre:map", obj=_node, sees=SEES, may=NODE_STAFF),
    ]
