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
EVERYONE = {
    *NODE_STAFF,
    "resident",
    "department_handler",
    "property_staff",
    "unit_member",
    "volunteer",
    "system_admin",
    "security_admin",
    "audit_admin",
    "no_role",
}
EXEMPT = {}


def _screen(cast, rel):
    """A big screen's address needs no login: a live token opens for anyone (a1), a revoked one
    for nobody (a2)."""
    if rel not in ("a1", "a2"):
        return None
    if not hasattr(cast, "_screens"):
        from ..services import issue_screen, revoke_screen

        live, token = issue_screen(cast.community, label="东一社区大屏", by=cast.zhang)
        dead, dead_token = issue_screen(cast.community, label="旧大屏", by=cast.zhang)
        revoke_screen(dead, by=cast.zhang)
        cast._screens = {"a1": token, "a2": dead_token}
    return {"token": cast._screens[rel]}


SCREEN_SEES = {"a1": EVERYONE, "a2": set()}
SCREEN_ANONYMOUS = {("anonymous", "a1"): 200, ("anonymous", "a2"): 404}


def _node(cast, rel):
    return {"pk": {"a1": cast.grid, "a2": cast.grid2, "b": cast.community_b, "c": cast.street2}[rel].pk}


# Reports: a1 = community A's, a2 = the department's (its district's), b = community B's,
# c = street 西's. Those who coordinate a community or more read the reports of their subtree; a
# department's handler their department's; a grid worker none.
COMMUNITY_UP = NODE_STAFF - {"grid_worker"}
REPORTS = COMMUNITY_UP | {"department_handler"}
REPORT_SEES = {
    "a1": COMMUNITY_UP,
    "a2": {"district_staff", "district_leader", "department_handler"},
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}


def _report(cast, rel, **extra):
    if not hasattr(cast, "_reports"):
        import datetime as dt

        from ..services import request_report

        span = {"start": dt.date(2026, 2, 1), "last": dt.date(2026, 2, 28), "by": cast.wu}
        cast._reports = {
            "a1": request_report(node=cast.community, **span),
            "a2": request_report(department=cast.department, **span),
            "b": request_report(node=cast.community_b, **span),
            "c": request_report(node=cast.street2, **span),
        }
    return {"pk": cast._reports[rel].pk, **extra}


def _report_file(cast, rel):
    return _report(cast, rel, kind="pdf")


# Big screens kept on the page (/dc/screens/): who coordinates a node manages its screens. The
# screen to revoke at each relation: a1, a2 = two of community A's, b = community B's, c = street 西's.
SCREEN_KEEPERS = COMMUNITY_UP
MANAGED_SEES = {
    "a1": COMMUNITY_UP,
    "a2": COMMUNITY_UP,
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}


def _managed(cast, rel):
    if not hasattr(cast, "_managed"):
        from ..services import issue_screen

        def issue(node, by):
            return issue_screen(node, label="大屏", by=by)[0].pk

        cast._managed = {
            "a1": issue(cast.community, cast.zhang),
            "a2": issue(cast.community, cast.zhao),
            "b": issue(cast.community_b, cast.liu),
            "c": issue(cast.street2, cast.sun),
        }
    return {"pk": cast._managed[rel]}


def _issue(cast, rel):
    return {"node": cast.community.pk, "label": "社区大屏"}


# A department's and a property company's dashboards: their own staff only; a1 = the handler's
# department (the staff member's company), a2 = another one. Everyone else: a 404.
def _department(cast, rel):
    return {"pk": {"a1": cast.department, "a2": cast.department2}[rel].pk} if rel in ("a1", "a2") else None


def _company(cast, rel):
    return {"pk": {"a1": cast.company, "a2": cast.company2}[rel].pk} if rel in ("a1", "a2") else None


def page_rows(Row):
    return [
        Row("datacentre:home", may=NODE_STAFF),
        Row("datacentre:node", obj=_node, sees=SEES, may=NODE_STAFF),
        Row("datacentre:map", obj=_node, sees=SEES, may=NODE_STAFF),
        Row("datacentre:screen", obj=_screen, sees=SCREEN_SEES, may=EVERYONE, overrides=SCREEN_ANONYMOUS),
        Row("datacentre:screen_map", obj=_screen, sees=SCREEN_SEES, may=EVERYONE, overrides=SCREEN_ANONYMOUS),
        Row("datacentre:points", obj=_node, sees=SEES, may=NODE_STAFF),
        Row(
            "datacentre:screen_points",
            obj=_screen,
            sees=SCREEN_SEES,
            may=EVERYONE,
            overrides=SCREEN_ANONYMOUS,
        ),
        Row("datacentre:screens", may=SCREEN_KEEPERS),
        Row("datacentre:screens", method="post", data=_issue, may=SCREEN_KEEPERS),
        Row("datacentre:screen_revoke", method="post", obj=_managed, sees=MANAGED_SEES, may=SCREEN_KEEPERS),
        Row(
            "datacentre:department",
            obj=_department,
            sees={"a1": {"department_handler"}, "a2": set()},
            may={"department_handler"},
        ),
        Row(
            "datacentre:company",
            obj=_company,
            sees={"a1": {"property_staff"}, "a2": set()},
            may={"property_staff"},
        ),
        Row("datacentre:reports", may=REPORTS),
        Row("datacentre:report", obj=_report, sees=REPORT_SEES, may=REPORTS),
        Row("datacentre:report_progress", obj=_report, sees=REPORT_SEES, may=REPORTS),
        Row("datacentre:report_file", obj=_report_file, sees=REPORT_SEES, may=REPORTS),
        # 公开: no login, for everyone.
        Row("datacentre:public", may=EVERYONE, anonymous=200),
    ]
