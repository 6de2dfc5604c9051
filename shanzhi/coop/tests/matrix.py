"""Rows of the project's URL permission matrix (shanzhi/tests/test_url_matrix.py) for co-construction
pages, and the matrix of its JSON API (walked in test_api.py). Expected statuses are written out by
hand from the scope rules, independently of coop/access.py.

Objects are built once per cast with the ORM (test data, not a workflow): one of each kind at each
relation a1 (grid A1), a2 (grid A2), b (community B), c (community C).
"""

from django.utils import timezone

from shanzhi.registry.models import Unit

from ..models import Agreement, AssessmentPeriod, Claim, Commitment, Need, Order, Post, Project, Resource

ALL = {
    "anonymous",
    "resident",
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
    "department_handler",
    "property_staff",
    "unit_member",
    "volunteer",
    "system_admin",
    "security_admin",
    "audit_admin",
    "no_role",
}
NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
COMMUNITY_UP = NODE_STAFF - {"grid_worker"}
PEOPLE = {"resident", "volunteer", "unit_member"}
VIEW = NODE_STAFF | PEOPLE
ABOVE = {
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
RELS = ("a1", "a2", "b", "c")


def _place(cast, rel):
    return {
        "a1": (cast.community, cast.grid, cast.household),
        "a2": (cast.community, cast.grid2, cast.household2),
        "b": (cast.community_b, cast.grid_b, cast.household_b),
        "c": (cast.community_c, cast.grid_c, cast.household_c),
    }[rel]


def objects(cast):
    """{kind: {rel: object}}, built on first use and kept on the cast."""
    if hasattr(cast, "_coop_objects"):
        return cast._coop_objects
    today = timezone.localdate()
    unit_b = Unit.objects.create(community=cast.community_b, name="区税务所", kind="government")
    units = {"a1": cast.unit, "a2": cast.unit, "b": unit_b, "c": cast.unit_c}
    claimers = {"a1": cast.he, "a2": cast.he, "b": cast.liu, "c": cast.sun}
    o = {
        k: {}
        for k in (
            "resource",
            "need",
            "order",
            "claim",
            "project",
            "agreement",
            "post",
            "period",
            "unit",
            "published",
        )
    }
    for rel in RELS:
        community, grid, household = _place(cast, rel)
        o["unit"][rel] = units[rel]
        o["resource"][rel] = Resource.objects.create(
            community=community,
            grid=grid,
            title=f"理发{rel}",
            category="elderly",
            kind="public",
            provider_kind="business",
            provider_name="理发店",
            status="published",
            created_by=cast.zhang,
            contact_phone="13912345678",
        )
        need = o["need"][rel] = Need.objects.create(
            community=community,
            grid=grid,
            household=household,
            title=f"需要理发{rel}",
            category="elderly",
            scope="individual",
            source="home_visit",
            status="open",
            submitted_by=cast.zhang,
            published_by=cast.zhang,
        )
        o["order"][rel] = Order.objects.create(
            resource=o["resource"][rel],
            community=community,
            household=household,
            ordered_by=cast.jumin if rel == "a1" else cast.zhang,
        )
        o["claim"][rel] = Claim.objects.create(need=need, unit=units[rel], claimed_by=claimers[rel])
        o["agreement"][rel] = agreement = Agreement.objects.get_or_create(
            unit=units[rel],
            community=community,
            period_start=today.replace(month=1, day=1),
            defaults={
                "period_end": today.replace(month=12, day=31),
                "unit_signatory": "书记",
                "signed_on": today.replace(month=1, day=1),
                "signed_by": cast.zhang,
            },
        )[0]
        Commitment.objects.get_or_create(
            agreement=agreement, kind="activity", defaults={"content": "义诊", "promised_count": 2}
        )
        o["post"][rel] = Post.objects.create(
            community=community, kind="patrol", title=f"巡逻{rel}", slots=2, created_by=cast.zhang
        )
        o["period"][rel] = AssessmentPeriod.objects.get_or_create(
            community=community,
            name="年度",
            defaults={
                "starts_on": today.replace(month=1, day=1),
                "ends_on": today.replace(month=12, day=31),
                "created_by": cast.zhang,
            },
        )[0]
        o["published"][rel] = AssessmentPeriod.objects.get_or_create(
            community=community,
            name="上年度",
            defaults={
                "starts_on": today.replace(year=today.year - 1, month=1, day=1),
                "ends_on": today.replace(year=today.year - 1, month=12, day=31),
                "created_by": cast.zhang,
                "status": "published",
            },
        )[0]
        o["project"][rel] = Project.objects.get_or_create(
            node=community,
            title=f"改造{community.code}",
            defaults={"category": "housing", "lead_department": cast.department2, "created_by": cast.zhang},
        )[0]
    cast._coop_objects = o
    return o


def pk_of(kind):
    return lambda cast, rel: {"pk": objects(cast)[kind][rel].pk}


def slug_of(kind):
    return lambda cast, rel: {"slug": objects(cast)[kind][rel].slug}


def sees(a1, a2=None, b=None, c=None):
    return {
        "a1": a1,
        "a2": a1 if a2 is None else a2,
        "b": ABOVE["b"] if b is None else b,
        "c": ABOVE["c"] if c is None else c,
    }


SEE_COMMUNITY_WIDE = sees(NODE_STAFF | PEOPLE)
SEE_STAFF_ONLY = sees(NODE_STAFF)
SEE_NEED = sees(NODE_STAFF | {"resident", "unit_member"}, COMMUNITY_UP | {"unit_member"})
SEE_ORDER = sees(NODE_STAFF | {"resident"}, NODE_STAFF)
SEE_CLAIM = sees(NODE_STAFF | {"resident", "unit_member"}, COMMUNITY_UP | {"unit_member"})
SEE_AGREEMENT = sees(NODE_STAFF | {"unit_member"})
SEE_UNIT = sees(
    NODE_STAFF | {"system_admin", "unit_member"},
    None,
    ABOVE["b"] | {"system_admin"},
    ABOVE["c"] | {"system_admin"},
)
LIST_STAFF = {"community_staff", "community_secretary"}
EDITORS = sees(LIST_STAFF, None, set(), set())
REPORTERS = {"community_staff", "community_secretary", "street_staff", "district_staff", "unit_member"}


def page_rows(Row):
    """GET pages; the POSTs of each verb are in EXEMPT and covered by test_pages and the services tests."""
    return [
        Row("coop:overview", may=NODE_STAFF | PEOPLE, overrides={r: 302 for r in PEOPLE}),
        *[
            Row(name, may=VIEW)
            for name in (
                "coop:me",
                "coop:resources",
                "coop:needs",
                "coop:projects",
                "coop:agreements",
                "coop:members",
                "coop:posts",
                "coop:periods",
            )
        ],
        Row("coop:resource", obj=pk_of("resource"), sees=SEE_COMMUNITY_WIDE, may=VIEW),
        Row("coop:need", obj=pk_of("need"), sees=SEE_NEED, may=VIEW),
        Row("coop:order", obj=pk_of("order"), sees=SEE_ORDER, may=VIEW),
        Row("coop:claim", obj=pk_of("claim"), sees=SEE_CLAIM, may=VIEW),
        Row("coop:project", obj=pk_of("project"), sees=SEE_COMMUNITY_WIDE, may=VIEW),
        Row("coop:agreement", obj=pk_of("agreement"), sees=SEE_AGREEMENT, may=VIEW),
        Row("coop:post", obj=pk_of("post"), sees=SEE_COMMUNITY_WIDE, may=VIEW),
        Row("coop:period", obj=pk_of("period"), sees=SEE_STAFF_ONLY, may=VIEW),
        *[
            Row(
                name,
                obj=pk_of("unit"),
                sees=SEE_UNIT,
                may={
                    "community_staff",
                    "community_secretary",
                    "street_staff",
                    "district_staff",
                    "unit_member",
                },
                overrides={("unit_member", "b"): 404, ("unit_member", "c"): 404},
            )
            for name in ("coop:unit_report", "coop:unit_report_pdf")
        ],
        # Editing is fetched in the editor's scope: whoever may not edit it finds nothing there.
        Row("coop:resource_edit", obj=pk_of("resource"), sees=EDITORS, may=LIST_STAFF),
        Row("coop:need_edit", obj=pk_of("need"), sees=EDITORS, may=LIST_STAFF),
        Row("coop:public_projects", may=ALL, overrides={"anonymous": 200}),
        Row(
            "coop:public_project",
            obj=slug_of("project"),
            sees={r: ALL for r in RELS},
            may=ALL,
            overrides={"anonymous": 200},
        ),
        Row(
            "coop:public_assessment",
            obj=slug_of("published"),
            sees={r: ALL for r in RELS},
            may=ALL,
            overrides={"anonymous": 200},
        ),
    ]


EXEMPT = {
    name: "POST of one verb per object; each verb's permissions are tested in coop/tests/test_pages.py and "
    "the services tests (another community → 404, wrong role → 403)"
    for name in (
        "coop:resource_action",
        "coop:need_action",
        "coop:order_action",
        "coop:claim_action",
        "coop:project_action",
        "coop:post_action",
    )
}


# --- the JSON API ----------------------------------------------------------------------------------------


def _api_sees(table, then=lambda role: 200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        return then(role) if role in table[rel] else 404

    return expected


def _any(role, rel):
    return 401 if role == "anonymous" else 200


def _community_code(cast, rel):
    return _place(cast, rel)[0].code


def _manage_lists(role, rel):
    """A create with an empty title, for the community at ``rel``: staff of it get the field error."""
    if role == "anonymous":
        return 401
    return 400 if role in {"community_staff", "community_secretary"} and rel in ("a1", "a2") else 404


API_MATRIX = [
    ("api:coop_list_resources", "get", None, None, _any),
    (
        "api:coop_get_resource",
        "get",
        lambda c, r: {"resource_id": objects(c)["resource"][r].pk},
        None,
        _api_sees(SEE_COMMUNITY_WIDE),
    ),
    (
        "api:coop_create_resource",
        "post",
        None,
        lambda c, r: {"community": _community_code(c, r), "title": ""},
        _manage_lists,
    ),
    (
        "api:coop_order",
        "post",
        lambda c, r: {"resource_id": objects(c)["resource"][r].pk},
        {"wanted_on": None},
        None,
    ),
    ("api:coop_list_needs", "get", None, None, _any),
    (
        "api:coop_get_need",
        "get",
        lambda c, r: {"need_id": objects(c)["need"][r].pk},
        None,
        _api_sees(SEE_NEED),
    ),
    (
        "api:coop_submit_need",
        "post",
        None,
        lambda c, r: {
            "scope": "common",
            "community": _community_code(c, r),
            "title": "",
            "category": "repair",
        },
        _manage_lists,
    ),
    (
        "api:coop_publish_need",
        "post",
        lambda c, r: {"need_id": objects(c)["need"][r].pk},
        None,
        _api_sees(SEE_NEED, lambda role: 409 if role in {"community_staff", "community_secretary"} else 403),
    ),
    (
        "api:coop_claim_need",
        "post",
        lambda c, r: {"need_id": objects(c)["need"][r].pk},
        {"as": "member"},
        _api_sees(SEE_NEED, lambda role: 400 if role == "unit_member" else 403),
    ),
    (
        "api:coop_suggestions",
        "get",
        lambda c, r: {"need_id": objects(c)["need"][r].pk},
        None,
        _api_sees(SEE_NEED),
    ),
    (
        "api:coop_get_order",
        "get",
        lambda c, r: {"order_id": objects(c)["order"][r].pk},
        None,
        _api_sees(SEE_ORDER),
    ),
    (
        "api:coop_order_action",
        "post",
        lambda c, r: {"order_id": objects(c)["order"][r].pk, "verb": "rate"},
        {"stars": 9},
        None,
    ),
    (
        "api:coop_get_claim",
        "get",
        lambda c, r: {"claim_id": objects(c)["claim"][r].pk},
        None,
        _api_sees(SEE_CLAIM),
    ),
    (
        "api:coop_claim_action",
        "post",
        lambda c, r: {"claim_id": objects(c)["claim"][r].pk, "verb": "explode"},
        {},
        _api_sees(SEE_CLAIM, lambda role: 404),
    ),
    ("api:coop_list_projects", "get", None, None, _any),
    (
        "api:coop_get_project",
        "get",
        lambda c, r: {"project_id": objects(c)["project"][r].pk},
        None,
        _api_sees(SEE_COMMUNITY_WIDE),
    ),
    (
        "api:coop_set_progress",
        "post",
        lambda c, r: {"project_id": objects(c)["project"][r].pk},
        {"progress": 101},
        _api_sees(
            SEE_COMMUNITY_WIDE,
            lambda role: (
                400
                if role in {"community_staff", "community_secretary", "street_staff", "district_staff"}
                else 403
            ),
        ),
    ),
    ("api:coop_list_agreements", "get", None, None, _any),
    (
        "api:coop_get_agreement",
        "get",
        lambda c, r: {"agreement_id": objects(c)["agreement"][r].pk},
        None,
        _api_sees(SEE_AGREEMENT),
    ),
    (
        "api:coop_record_activity",
        "post",
        lambda c, r: {"agreement_id": objects(c)["agreement"][r].pk},
        {"commitment": 0},
        _api_sees(
            SEE_AGREEMENT,
            lambda role: (
                400
                if role in {"community_staff", "community_secretary", "street_staff", "unit_member"}
                else 403
            ),
        ),
    ),
    # A resource with an order waiting, a need with a live claim: staff are refused with a reason (400).
    (
        "api:coop_update_resource",
        "put",
        lambda c, r: {"resource_id": objects(c)["resource"][r].pk},
        {"title": ""},
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400 if role in LIST_STAFF else 403),
    ),
    (
        "api:coop_withdraw_resource",
        "post",
        lambda c, r: {"resource_id": objects(c)["resource"][r].pk},
        {},
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400 if role in LIST_STAFF else 403),
    ),
    (
        "api:coop_update_need",
        "put",
        lambda c, r: {"need_id": objects(c)["need"][r].pk},
        {"title": "改"},
        _api_sees(SEE_NEED, lambda role: 400 if role in LIST_STAFF else 403),
    ),
    (
        "api:coop_withdraw_need",
        "post",
        lambda c, r: {"need_id": objects(c)["need"][r].pk},
        {"reason": ""},
        _api_sees(SEE_NEED, lambda role: 400 if role in LIST_STAFF else 403),
    ),
    ("api:coop_list_posts", "get", None, None, _any),
    (
        "api:coop_claim_post",
        "post",
        lambda c, r: {"post_id": objects(c)["post"][r].pk},
        None,
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400 if role == "unit_member" else 403),
    ),
]


def _order_expected(role, rel):
    """Ordering a resource: only a resident may, and only where they see it; a bad date is not needed
    here because the resident has no room problem: the order is placed (200)."""
    if role == "anonymous":
        return 401
    if role not in SEE_COMMUNITY_WIDE[rel]:
        return 404
    return 200 if role == "resident" else 403


def _rate_expected(role, rel):
    """Nine stars: whoever may rate the order gets the field error; the resident rates their own."""
    if role == "anonymous":
        return 401
    if role not in SEE_ORDER[rel]:
        return 404
    return 400 if role in {"resident", "community_staff", "community_secretary"} else 403


API_MATRIX = [
    (
        name,
        method,
        kwargs,
        body,
        {"api:coop_order": _order_expected, "api:coop_order_action": _rate_expected}.get(name, expected),
    )
    for name, method, kwargs, body, expected in API_MATRIX
]
