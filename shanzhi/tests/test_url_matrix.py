"""Every URL of the project × every role × objects in and out of the role's scope.

The expected statuses are written out here by hand, independently of the permission module,
so a change of scope rules shows up as a failing cell. A URL pattern without a row fails
`test_every_url_has_a_row`: whoever adds a page adds its row.

Relations of the object to the cast (see tests/cast.py):
  a1 = in grid A1 (王网格's grid, community A 东一社区, street 东)
  a2 = in grid A2 (same community, 李网格's grid)
  b  = in community B (same street 东, other community)
  c  = in community C (other street 西)
"""

import json
import time

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shanzhi.appeals.tests import matrix as appeals_matrix
from shanzhi.coop.tests import matrix as coop_matrix
from shanzhi.datacentre.tests import matrix as datacentre_matrix
from shanzhi.property.tests import matrix as property_matrix
from shanzhi.property.tests import matrix_manage as property_matrix_manage
from shanzhi.property.tests import matrix_red as property_matrix_red
from shanzhi.tests.cast import square
from shanzhi.volunteering.tests import matrix as volunteering_matrix

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
ROLES = list(ROLE_USERS)
RELS = ("a1", "a2", "b", "c")

NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
COMMUNITY_UP = NODE_STAFF - {"grid_worker"}
# Who sees an object living at each relation, for data scoped by the org tree.
SEES_NODE_DATA = {
    "a1": NODE_STAFF,
    "a2": COMMUNITY_UP,
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}


def node_code(cast, rel):
    return {"a1": cast.grid, "a2": cast.grid2, "b": cast.grid_b, "c": cast.grid_c}[rel].code


def resident_pk(cast, rel):
    return {"a1": cast.resident, "a2": cast.resident2, "b": cast.resident_b, "c": cast.resident_c}[rel].pk


def household_pk(cast, rel):
    return {"a1": cast.household, "a2": cast.household2, "b": cast.household_b, "c": cast.household_c}[rel].pk


def compound_pk(cast, rel):
    # Compound A spans grids A1 and A2, so "a2" uses it too: 李网格 sees it through building 2.
    return {"a1": cast.compound, "a2": cast.compound, "b": cast.compound_b, "c": cast.compound_c}[rel].pk


KEEPERS = {"community_staff", "community_secretary", "street_staff", "district_staff", "system_admin"}
SEES_COMMUNITY = {
    "a1": COMMUNITY_UP,
    "a2": COMMUNITY_UP,
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}


def community_code(cast, rel):
    return {"a1": cast.community, "a2": cast.community, "b": cast.community_b, "c": cast.community_c}[
        rel
    ].code


def building_pk(cast, rel):
    return {"a1": cast.building, "a2": cast.building2, "b": cast.building_b, "c": cast.building_c}[rel].pk


class Row:
    """One URL (and method). ``obj`` builds the URL kwargs for a relation; ``sees`` says which roles
    can see an object at each relation (others get 404); ``may`` which of those may act (others 403)."""

    def __init__(
        self,
        name,
        method="get",
        obj=None,
        sees=None,
        may=(),
        ok=200,
        data=None,
        overrides=None,
        anonymous=302,
    ):
        self.name, self.method, self.obj, self.sees = name, method, obj, sees
        self.may, self.ok, self.data, self.overrides = set(may), ok, data, overrides or {}
        self.anonymous = anonymous

    def expected(self, role, rel):
        if (role, rel) in self.overrides:
            return self.overrides[(role, rel)]
        if role in self.overrides:
            return self.overrides[role]
        if role == "anonymous":
            return self.anonymous
        if self.obj is not None and role not in self.sees[rel]:
            return 404
        return self.ok if role in self.may else 403

    def rels(self):
        return RELS if self.obj is not None else ("-",)


def valid_boundary(cast, rel):
    return {"boundary": json.dumps(square(117.6, 34.9))}


MATRIX = [
    # --- registry pages
    Row("registry:home", may=NODE_STAFF | {"system_admin", "resident"}),
    Row(
        "registry:node",
        obj=lambda c, r: {"code": node_code(c, r)},
        sees={r: SEES_NODE_DATA[r] | {"system_admin"} for r in RELS},
        may=NODE_STAFF | {"system_admin"},
    ),
    Row(
        "registry:node_boundary",
        obj=lambda c, r: {"code": node_code(c, r)},
        sees={r: SEES_NODE_DATA[r] | {"system_admin"} for r in RELS},
        may=NODE_STAFF | {"system_admin"},
    ),
    Row(
        "registry:node_boundary",
        method="post",
        obj=lambda c, r: {"code": node_code(c, r)},
        data=valid_boundary,
        sees={r: SEES_NODE_DATA[r] | {"system_admin"} for r in RELS},
        may={"district_staff", "system_admin"},
    ),
    Row("registry:grid_health", may=NODE_STAFF | {"system_admin"}),
    # keeping the network by hand: the keeper of the node above (street/district for a community)
    *[
        Row(
            name,
            obj=lambda c, r: {"code": community_code(c, r)},
            sees={r: SEES_COMMUNITY[r] | {"system_admin"} for r in RELS},
            may=KEEPERS,
        )
        for name in ("registry:node_add", "registry:compound_add")
    ],
    *[
        Row(
            name,
            obj=lambda c, r: {"code": node_code(c, r)},
            sees={r: SEES_NODE_DATA[r] | {"system_admin"} for r in RELS},
            may=KEEPERS,
        )
        for name in ("registry:node_edit", "registry:node_retire")
    ],
    *[
        Row(
            name,
            obj=lambda c, r: {"pk": compound_pk(c, r)},
            sees={
                "a1": NODE_STAFF | {"system_admin", "property_staff"},
                "a2": NODE_STAFF | {"system_admin", "property_staff"},
                "b": SEES_NODE_DATA["b"] | {"system_admin"},
                "c": SEES_NODE_DATA["c"] | {"system_admin"},
            },
            may=KEEPERS,
        )
        for name in ("registry:compound_edit", "registry:compound_retire", "registry:building_add")
    ],
    *[
        Row(
            name,
            obj=lambda c, r: {"pk": building_pk(c, r)},
            sees={r: SEES_NODE_DATA[r] | {"system_admin"} for r in RELS},
            may=KEEPERS,
        )
        for name in ("registry:building_edit", "registry:building_move", "registry:building_retire")
    ],
    # The base map's layers (scoped inside: see registry/tests/test_map_layers.py).
    Row(
        "registry:map_layers",
        may=NODE_STAFF | {"system_admin", "resident", "property_staff", "department_handler"},
    ),
    Row(
        "registry:compound",
        obj=lambda c, r: {"pk": compound_pk(c, r)},
        sees={
            "a1": NODE_STAFF | {"system_admin", "property_staff"},
            "a2": NODE_STAFF | {"system_admin", "property_staff"},
            "b": SEES_NODE_DATA["b"] | {"system_admin"},
            "c": SEES_NODE_DATA["c"] | {"system_admin"},
        },
        may=NODE_STAFF | {"system_admin", "property_staff"},
    ),
    Row(
        "registry:household",
        obj=lambda c, r: {"pk": household_pk(c, r)},
        sees={r: SEES_NODE_DATA[r] | ({"resident"} if r == "a1" else set()) for r in RELS},
        may=NODE_STAFF | {"resident"},
    ),
    Row(
        "registry:resident",
        obj=lambda c, r: {"pk": resident_pk(c, r)},
        sees={r: SEES_NODE_DATA[r] | ({"resident"} if r == "a1" else set()) for r in RELS},
        may=NODE_STAFF | {"resident"},
    ),
    Row(
        "registry:resident_reveal",
        method="post",
        obj=lambda c, r: {"pk": resident_pk(c, r)},
        data=lambda c, r: {"field": "phone", "reason": "入户走访需要联系"},
        sees={r: SEES_NODE_DATA[r] | ({"resident"} if r == "a1" else set()) for r in RELS},
        may={"grid_worker", "community_staff", "community_secretary", "street_staff"},
    ),
    Row("registry:search", may=NODE_STAFF),
    Row("registry:units", may=NODE_STAFF | {"system_admin", "unit_member", "property_staff"}),
    Row("registry:property_companies", may=NODE_STAFF | {"system_admin", "unit_member", "property_staff"}),
    Row("registry:party_orgs", may=NODE_STAFF | {"system_admin", "unit_member", "property_staff"}),
    Row(
        "registry:party_org",
        obj=lambda c, r: {"pk": c.party_branch.pk} if r in ("a1", "a2") else None,
        sees={
            "a1": NODE_STAFF | {"system_admin", "unit_member"},
            "a2": NODE_STAFF | {"system_admin", "unit_member"},
            "b": set(),
            "c": set(),
        },
        may=NODE_STAFF | {"system_admin", "unit_member"},
    ),
    Row("registry:imports", may={"community_staff", "community_secretary", "street_staff", "district_staff"}),
    Row(
        "registry:import",
        obj=lambda c, r: {"pk": c.import_jobs[r].pk},
        sees={
            "a1": {"community_staff", "community_secretary", "street_staff", "district_staff"},
            "a2": {"community_staff", "community_secretary", "street_staff", "district_staff"},
            "b": {"street_staff", "district_staff"},
            "c": {"district_staff"},
        },
        may={"community_staff", "community_secretary", "street_staff", "district_staff"},
    ),
    Row(
        "registry:import_progress",
        obj=lambda c, r: {"pk": c.import_jobs[r].pk},
        sees={
            "a1": {"community_staff", "community_secretary", "street_staff", "district_staff"},
            "a2": {"community_staff", "community_secretary", "street_staff", "district_staff"},
            "b": {"street_staff", "district_staff"},
            "c": {"district_staff"},
        },
        may={"community_staff", "community_secretary", "street_staff", "district_staff"},
    ),
    Row(
        "registry:export",
        obj=lambda c, r: {"code": node_code(c, r)},
        sees={r: SEES_NODE_DATA[r] | {"system_admin"} for r in RELS},
        may={"community_staff", "community_secretary", "street_staff", "district_staff"},
    ),
    # --- accounts
    Row("accounts:login", may=set(ROLES), overrides={"anonymous": 200}),
    Row("accounts:profile", may=set(ROLES) - {"anonymous"}),
    # Every role's home, an account without a role too (it says to ask for one).
    Row("accounts:home", may=set(ROLES) - {"anonymous"}),
    Row("accounts:password_change", may=set(ROLES) - {"anonymous"}),
    Row("accounts:otp_setup", may=set(ROLES) - {"anonymous"}),
    Row("accounts:users", may={"security_admin"}),
    Row(
        "accounts:user",
        obj=lambda c, r: {"pk": c.wang.pk},
        sees={r: set(ROLES) for r in RELS},
        may={"security_admin"},
    ),
    # Without a reason the move is refused (a message, nothing changes): the row checks who reaches it.
    Row(
        "accounts:user_security",
        method="post",
        obj=lambda c, r: {"pk": c.li.pk},
        data=lambda c, r: {"op": "disable", "reason": ""},
        sees={r: set(ROLES) for r in RELS},
        may={"security_admin"},
    ),
    # --- audit
    Row("accounts:audit", may={"audit_admin"}),
    Row("accounts:audit_chain", may={"audit_admin"}),
    # --- working-day calendar
    Row("admin_tools:workdays", may={"system_admin"}),
    Row(
        "admin_tools:workdays",
        method="post",
        data=lambda c, r: {"op": "add", "date": "2026-03-03", "kind": "off", "note": "临时停止办公"},
        may={"system_admin"},
    ),
    Row("healthz", may=set(ROLES), overrides={"anonymous": 200}),
    # The walk posts a form, not a report: refused as not JSON (400), yet never sent to the login page.
    Row("csp_report", method="post", may=set(ROLES), ok=400, overrides={"anonymous": 400}),
]

# URL names deliberately left out of the walk, each with the reason and the test that covers it.
EXEMPT = {
    "accounts:logout": "POST-only state change; covered by accounts tests",
    "accounts:otp_verify": "only meaningful mid-login; covered by test_otp",
    "accounts:grant_revoke": "POST by the security admin; covered by test_admin_pages",
    "set_language": "public language switch (Django's view)",
}
# Apps keep their rows next to their own tests (the same Row, expectations written out by hand).
MATRIX += coop_matrix.page_rows(Row) + volunteering_matrix.page_rows(Row)
EXEMPT.update(coop_matrix.EXEMPT)
EXEMPT.update(volunteering_matrix.EXEMPT)
MATRIX += appeals_matrix.page_rows(Row)
EXEMPT.update(appeals_matrix.EXEMPT)
MATRIX += property_matrix.page_rows(Row)
MATRIX += property_matrix_red.page_rows(Row)
MATRIX += property_matrix_manage.page_rows(Row)
EXEMPT.update(property_matrix.EXEMPT)
MATRIX += datacentre_matrix.page_rows(Row)
EXEMPT.update(datacentre_matrix.EXEMPT)


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_url_has_a_row():
    covered = {row.name for row in MATRIX} | set(EXEMPT) | {n for n in API_NAMES}
    missing = sorted(set(_names(get_resolver().url_patterns)) - covered)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"


def _api_names():
    """Each app's JSON API has its own matrix next to its tests; this only checks one exists."""
    from shanzhi.appeals.tests.test_api_matrix import MATRIX as APPEALS_API
    from shanzhi.registry.tests.test_api import MATRIX as REGISTRY_API

    return {
        row[0]
        for row in REGISTRY_API
        + coop_matrix.API_MATRIX
        + volunteering_matrix.API_MATRIX
        + APPEALS_API
        + property_matrix.API_MATRIX
    }


API_NAMES = _api_names()


def _cells():
    for row in MATRIX:
        for rel in row.rels():
            yield pytest.param(row, rel, id=f"{row.name}-{row.method}-{rel}")


@pytest.fixture(scope="module")
def role_sessions(_module_cast, django_db_blocker):
    """One session per role, made once for the module inside the module's cast transaction (a
    sign-in writes the session, the last login and an audit row: as much as the request itself,
    sixteen times per cell). Each test swaps the session cookie instead; what a request changes in
    its session is rolled back with the test. Without the module's cast, None: sign in per role.

    The rollback would take the session's renewal stamp with it, so every request would renew
    (rewrite) its session row: each session is stamped as renewed and the renewal put off for the
    module (it is tested in accounts/tests/test_login.py; the matrix is about answers)."""
    if _module_cast is None:
        yield None
        return
    from django.test import Client

    from shanzhi.conftest import _load
    from shanzhi.core import sessions as idle

    users = _load(_module_cast)
    sessions = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(idle, "RENEW_EVERY", 24 * 3600)
        with django_db_blocker.unblock():
            for role, username in ROLE_USERS.items():
                if username:
                    signed_in = Client()
                    signed_in.force_login(getattr(users, username))
                    session = signed_in.session
                    session[idle.KEY] = int(time.time())
                    session.save()
                    sessions[role] = session.session_key
        yield sessions


def _sign_in(client, cast, role, sessions):
    username = ROLE_USERS[role]
    if sessions is None:
        client.logout()
        if username:
            client.force_login(getattr(cast, username))
        return
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    if username:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]


@pytest.mark.parametrize("row,rel", list(_cells()))
def test_matrix(row, rel, matrix_cast, role_sessions, client):
    """One URL at one relation, walked with every role; all wrong cells are reported together."""
    cast = matrix_cast
    kwargs = row.obj(cast, rel) if row.obj is not None else None
    if row.obj is not None and kwargs is None:
        pytest.skip("no object at this relation")
    url = reverse(row.name, kwargs=kwargs)
    wrong = []
    for role in ROLES:
        _sign_in(client, cast, role, role_sessions)
        if row.method == "post":
            response = client.post(url, row.data(cast, rel) if row.data else {})
        else:
            response = client.get(url)
        expected = row.expected(role, rel)
        got = response.status_code
        if expected == 200 and row.method == "post" and got in (200, 302):
            continue
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{row.method.upper()} {url}\n  " + "\n  ".join(wrong)
