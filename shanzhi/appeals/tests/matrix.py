"""Rows of the project's URL permission matrix (shanzhi/tests/test_url_matrix.py) for the appeals
pages and Open311, and the matrix of the appeals JSON API (walked in test_api.py). Expected
statuses are written out by hand from the scope rules, independently of appeals/access.py.

Objects are built once per cast: one appeal at each relation a1 (grid A1, filed by the resident
居民甲), a2 (grid A2), b (community B), c (community C), a second one there with a summons to
区城管局 (郑部门's department), and pending extension/suspension requests. Moves are posted with a
stale ``version`` (0): those allowed get 409 and nothing changes, so one cell cannot spoil the next.
"""

from django.utils import timezone

from shanzhi.appeals import services
from shanzhi.appeals.models import Category, ExtensionRequest, Notification, Summons, SuspensionRequest

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
LOGGED_IN = ALL - {"anonymous"}
NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
COMMUNITY_UP = NODE_STAFF - {"grid_worker"}
COMMUNITY = {"community_staff", "community_secretary"}
LEADERS = {"street_staff", "district_staff", "district_leader"}
# The 待定位 queue's dispatchers: the district's and its streets' staff.
LOCATORS = {"street_staff", "district_staff"}
HANDLERS = NODE_STAFF | {"department_handler", "property_staff"}
RELS = ("a1", "a2", "b", "c")

# Who sees an appeal filed at each relation (the resident filed the one in a1).
SEES = {
    "a1": NODE_STAFF | {"resident"},
    "a2": COMMUNITY_UP,
    "b": LEADERS,
    "c": {"district_staff", "district_leader"},
}
# The second appeal at each relation, filed by staff, with 区城管局 summoned.
SEES_SUMMONED = {
    "a1": NODE_STAFF | {"department_handler"},
    "a2": COMMUNITY_UP | {"department_handler"},
    "b": LEADERS | {"department_handler"},
    "c": {"district_staff", "district_leader", "department_handler"},
}
# Who may make each move at all (role), written out by hand.
MOVE_ROLES = {
    "locate": LOCATORS,
    "accept": COMMUNITY_UP,
    "reject": COMMUNITY_UP,
    "self_handle": {"grid_worker"},
    "dispatch": COMMUNITY_UP,
    "claim": {"grid_worker"} | COMMUNITY,
    "start": HANDLERS,
    "return": HANDLERS,
    "resolve": HANDLERS,
    "verify": {"grid_worker"} | COMMUNITY,
    "send_back": {"grid_worker"} | COMMUNITY,
    "visit": NODE_STAFF,
    "rate": {"resident"},
    "close": COMMUNITY_UP,
    "escalate": NODE_STAFF,
    "summon": COMMUNITY_UP,
    "supervise": LEADERS,
    "remind": COMMUNITY_UP,
    "merge": COMMUNITY_UP,
    "request_extension": HANDLERS,
    "request_suspension": HANDLERS,
    "decide_extension": {"community_secretary"} | LEADERS,
    "decide_suspension": {"community_secretary"} | LEADERS,
    "resume": HANDLERS,
    "return_to_city": COMMUNITY_UP,
}
SUMMONS_ROLES = {
    "report": {"department_handler"},
    "finish_part": {"department_handler"},
    "cancel_summons": COMMUNITY_UP,
}
IN_A1 = (117.552, 34.862)
IN_A2 = (117.556, 34.862)


def objects(cast):
    if hasattr(cast, "_appeal_objects"):
        return cast._appeal_objects
    parent, _ = Category.objects.get_or_create(
        code="MX", defaults={"name": "矩阵测试", "default_handler_kind": "grid"}
    )
    category, _ = Category.objects.get_or_create(
        code="MX01", defaults={"name": "矩阵测试子类", "parent": parent, "default_handler_kind": "grid"}
    )

    def file(rel, title, second=False):
        common = {"title": title, "description": "楼道堆放杂物。", "category": category}
        if rel == "a1":
            by = cast.wang if second else cast.jumin
            return services.submit(
                by=by, channel="patrol" if second else "web", lng=IN_A1[0], lat=IN_A1[1], **common
            )
        if rel == "a2":
            return services.submit(by=cast.li, channel="patrol", lng=IN_A2[0], lat=IN_A2[1], **common)
        if rel == "b":
            return services.submit(by=cast.chen, channel="on_behalf", node=cast.community_b, **common)
        return services.submit(by=cast.sun, channel="on_behalf", node=cast.community_c, **common)

    o = {"category": category, "appeal": {}, "summoned": {}, "summons": {}, "extension": {}, "suspension": {}}
    for rel in RELS:
        a = o["appeal"][rel] = file(rel, f"诉求{rel}")
        s = o["summoned"][rel] = file(rel, f"吹哨{rel}", second=True)
        o["summons"][rel] = Summons.objects.create(
            appeal=s, department=cast.department, role="lead", due_at=timezone.now(), summoned_by=cast.zhang
        )
        o["extension"][rel] = ExtensionRequest.objects.create(
            appeal=a, requested_by=cast.zhang, reason="等材料", days=2
        )
        o["suspension"][rel] = SuspensionRequest.objects.create(
            appeal=a, requested_by=cast.zhang, reason="待预算", days=5
        )
    # One notification per relation, each owned by one user: the resident's and 张社区's are about an
    # appeal they see; 王网格's is about one out of his sight (b), 孙区干部's about one in his (c).
    owners = {"a1": cast.jumin, "a2": cast.zhang, "b": cast.wang, "c": cast.sun}
    o["notification"] = {
        rel: Notification.objects.create(
            user=owners[rel], kind="test", appeal=o["appeal"][rel], text=f"通知{rel}"
        )
        for rel in RELS
    }
    cast._appeal_objects = o
    return o


def number(cast, rel):
    return objects(cast)["appeal"][rel].number


def move_body(verb, cast, rel):
    """A complete, valid body for each move, with a stale version."""
    o = objects(cast)
    body = {
        "version": 0,
        "note": "矩阵",
        "reason": "矩阵",
        "result": "已处理",
        "rating": "satisfied",
        "solved": "solved",
        "to": "pool",
        "lead": cast.department.pk,
        "into": o["summoned"][rel].number,
        "days": 2,
    }
    if verb == "decide_extension":
        body.update(request=o["extension"][rel].pk, approve=True)
    if verb == "decide_suspension":
        body.update(request=o["suspension"][rel].pk, approve=True)
    return body


def page_rows(Row):  # noqa: N803 (the matrix's class, passed in)
    def appeal_kw(verb=None):
        def kw(cast, rel):
            out = {"number": number(cast, rel)}
            if verb:
                out["verb"] = verb
            return out

        return kw

    def only_a1(kwargs):
        return lambda c, r: kwargs(c) if r == "a1" else None

    public = {r: ALL for r in RELS}
    open311 = [
        Row("open311:discovery", obj=only_a1(lambda c: {"fmt": "json"}), sees=public, may=ALL, anonymous=200),
        Row("open311:services", obj=only_a1(lambda c: {"fmt": "xml"}), sees=public, may=ALL, anonymous=200),
        Row(
            "open311:service",
            obj=only_a1(lambda c: {"fmt": "json", "code": objects(c)["category"].code}),
            sees=public,
            may=ALL,
            anonymous=200,
        ),
        Row("open311:requests", obj=only_a1(lambda c: {"fmt": "json"}), sees=public, may=ALL, anonymous=200),
        # POST needs an api_key: without one, 403 for everybody, logged in or not.
        Row(
            "open311:requests",
            method="post",
            obj=only_a1(lambda c: {"fmt": "json"}),
            sees=public,
            may=set(),
            anonymous=403,
        ),
        Row(
            "open311:request",
            obj=lambda c, r: {"fmt": "json", "number": number(c, r)},
            sees=public,
            may=ALL,
            anonymous=200,
        ),
        Row(
            "open311:token",
            obj=lambda c, r: {"fmt": "json", "token": _token(number(c, r))},
            sees=public,
            may=ALL,
            anonymous=200,
        ),
    ]
    return (
        [
            Row("appeals:worklist", may=HANDLERS),
            # The search goes by POST and lands on the list (302); the export and the map of the
            # filter (scoping inside: test_worklist_search.py).
            Row(
                "appeals:worklist", method="post", data=lambda c, r: {"keyword": "矩阵"}, may=HANDLERS, ok=302
            ),
            Row("appeals:worklist_export", may=HANDLERS),
            Row("appeals:worklist_map", may=HANDLERS),
            Row("appeals:submit", may=NODE_STAFF | {"resident", "property_staff"}),
            Row("appeals:nearby", may=NODE_STAFF | {"resident", "property_staff"}),
            Row("appeals:mine", may={"resident"}),
            Row("appeals:notifications", may=LOGGED_IN - {"no_role"}),
            Row("appeals:notifications_read", method="post", may=LOGGED_IN - {"no_role"}),
            # Opening marks read and sends on (to the appeal, or back to the list when it is out of
            # sight); anybody else's notification is a 404.
            Row(
                "appeals:notification",
                obj=lambda c, r: {"pk": objects(c)["notification"][r].pk},
                sees={
                    "a1": {"resident"},
                    "a2": {"community_staff"},
                    "b": {"grid_worker"},
                    "c": {"district_staff"},
                },
                may={"resident", "community_staff", "grid_worker", "district_staff"},
                ok=302,
            ),
            Row("appeals:bulk_dispatch", method="post", data=lambda c, r: {"to": "pool"}, may=COMMUNITY_UP),
            Row("appeals:metrics", may=COMMUNITY_UP | {"department_handler"}),
            Row("appeals:metrics_export", may=COMMUNITY_UP | {"department_handler"}),
            Row("appeals:metrics_definitions", may=COMMUNITY_UP | {"department_handler"}),
            Row("appeals:disclosure", may=ALL, anonymous=200),
            Row("appeals:hotline_imports", may=COMMUNITY_UP),
            # An upload's report is its uploader's alone (张社区's here); to everyone else it does not exist.
            *[
                Row(
                    name,
                    obj=_hotline_job,
                    sees={r: {"community_staff"} for r in RELS},
                    may={"community_staff"},
                )
                for name in ("appeals:hotline_import", "appeals:hotline_import_progress")
            ],
            Row("appeals:detail", obj=appeal_kw(), sees=SEES, may=ALL),
            Row("appeals:to_locate", may=LOCATORS),
            # Every matrix appeal has a place: a locator is sent back to its page (302). The
            # unplaced ones are walked role by role in test_unplaced.
            Row("appeals:locate", obj=appeal_kw(), sees=SEES, may=LOCATORS, ok=302),
            # The contact phone's reveal widget (issue 13 §6): handlers who see the appeal; the
            # resident who filed it sees the appeal but not this. A reason too short is refused
            # (400), so no cell reveals or audits anything.
            Row("appeals:contact_phone", obj=appeal_kw(), sees=SEES, may=HANDLERS),
            Row(
                "appeals:contact_phone",
                method="post",
                obj=appeal_kw(),
                data=lambda c, r: {"reason": "短"},
                sees=SEES,
                may=HANDLERS,
                ok=400,
            ),
            # 受理 with a stale version: those who may accept get the conflict page (409), nothing changes.
            Row(
                "appeals:act",
                method="post",
                obj=appeal_kw("accept"),
                data=lambda c, r: {"version": "0"},
                sees=SEES,
                may=COMMUNITY_UP,
                ok=409,
            ),
            Row(
                "appeals:summons_act",
                method="post",
                obj=lambda c, r: {"pk": objects(c)["summons"][r].pk, "verb": "report"},
                data=lambda c, r: {"version": "0"},
                sees=SEES_SUMMONED,
                may={"department_handler"},
                ok=409,
            ),
        ]
        + category_rows(Row)
        + open311
    )


def _hotline_job(cast, rel):
    from ..models import HotlineImportJob

    job, _created = HotlineImportJob.objects.get_or_create(
        created_by=cast.zhang, original_name="矩阵.csv", defaults={"status": "done"}
    )
    return {"pk": job.pk}


def category_rows(Row):  # noqa: N803
    """The taxonomy pages: the system administrator's alone; a category is not scoped by place, so
    one relation is enough, and to everybody else its edit page does not exist (404)."""
    admin_only = {r: {"system_admin"} for r in RELS}

    def category(c, r):
        return {"pk": objects(c)["category"].pk} if r == "a1" else None

    return [
        Row("appeals:categories", may={"system_admin"}),
        Row("appeals:category_new", may={"system_admin"}),
        # An empty code is refused (400) and nothing is created.
        Row(
            "appeals:category_new",
            method="post",
            data=lambda c, r: {"code": "", "name": "x"},
            may={"system_admin"},
            ok=400,
        ),
        Row("appeals:category_edit", obj=category, sees=admin_only, may={"system_admin"}),
        # Already active: bringing it back changes nothing and redirects to the list.
        Row(
            "appeals:category_active",
            method="post",
            obj=category,
            data=lambda c, r: {"active": "1"},
            sees=admin_only,
            may={"system_admin"},
        ),
    ]


def _token(number):
    from shanzhi.appeals.open311_tokens import token_for

    return token_for(number)


EXEMPT = {
    "appeals:photo": "photo files per role and scope: test_pages.test_intake_with_a_photo_and_the_home_building",
}


def _expected_move(roles, sees):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        if role not in sees[rel]:
            return 404
        return 409 if role in roles else 403

    return expected


class Multipart(dict):
    """A body the matrix posts as multipart/form-data (the photo endpoints) instead of JSON."""


def _api_rows():
    rows = [
        # Scoped by the query: everyone authenticated gets their own (possibly empty) list.
        ("api:appeals_list", "get", None, None, lambda role, rel: 401 if role == "anonymous" else 200),
        (
            "api:appeals_metrics",
            "get",
            None,
            None,
            lambda role, rel: (
                401
                if role == "anonymous"
                else (200 if role in COMMUNITY_UP | {"department_handler"} else 403)
            ),
        ),
        (
            "api:appeals_detail",
            "get",
            lambda c, r: {"number": number(c, r)},
            None,
            lambda role, rel: 401 if role == "anonymous" else (200 if role in SEES[rel] else 404),
        ),
        (
            "api:appeals_submit",
            "post",
            None,
            lambda c, r: {"title": "", "description": "x", "category": "MX01", "channel": "web"},
            # An empty title is refused (400) for everyone; the matrix checks authentication here,
            # submission rights are tested in test_api.
            lambda role, rel: 401 if role == "anonymous" else 400,
        ),
        (
            "api:appeals_submit_multipart",
            "post",
            None,
            lambda c, r: Multipart({"title": "", "description": "x", "category": "MX01", "channel": "web"}),
            lambda role, rel: 401 if role == "anonymous" else 400,
        ),
        (
            "api:appeals_resolve_multipart",
            "post",
            lambda c, r: {"number": number(c, r)},
            lambda c, r: Multipart({"version": 0, "result": "已处理"}),
            _expected_move(MOVE_ROLES["resolve"], SEES),
        ),
        (
            "api:appeals_self_handle_multipart",
            "post",
            lambda c, r: {"number": number(c, r)},
            lambda c, r: Multipart({"version": 0, "result": "已处理"}),
            _expected_move(MOVE_ROLES["self_handle"], SEES),
        ),
        (
            "api:appeals_summons_finish_part_multipart",
            "post",
            lambda c, r: {"summons_id": objects(c)["summons"][r].pk},
            lambda c, r: Multipart({"version": 0, "result": "已处理"}),
            _expected_move(SUMMONS_ROLES["finish_part"], SEES_SUMMONED),
        ),
        # A reason too short (400) for handlers who see it: nothing is revealed or audited.
        (
            "api:appeals_contact_reveal",
            "post",
            lambda c, r: {"number": number(c, r)},
            lambda c, r: {"reason": "短"},
            lambda role, rel: (
                401
                if role == "anonymous"
                else (404 if role not in SEES[rel] else (400 if role in HANDLERS else 403))
            ),
        ),
    ]
    for verb, roles in MOVE_ROLES.items():
        rows.append(
            (
                f"api:appeals_{verb}",
                "post",
                lambda c, r: {"number": number(c, r)},
                (lambda v: lambda c, r: move_body(v, c, r))(verb),
                _expected_move(roles, SEES),
            )
        )
    for verb, roles in SUMMONS_ROLES.items():
        rows.append(
            (
                f"api:appeals_summons_{verb}",
                "post",
                lambda c, r: {"summons_id": objects(c)["summons"][r].pk},
                lambda c, r: {"version": 0, "note": "x", "result": "x", "reason": "x"},
                _expected_move(roles, SEES_SUMMONED),
            )
        )
    rows += _category_api_rows()
    return rows


def _category_api_rows():
    """Reading the taxonomy: everyone authenticated (the two auditing administrators and an account
    with no role get an empty list). Writing it: the system administrator, with bodies refused for a
    named field (400) so that no cell changes a category; those who see no category get 404."""
    unseen = {"security_admin", "audit_admin", "no_role"}

    def write(role, rel):
        if role == "anonymous":
            return 401
        return 400 if role == "system_admin" else 403

    def patch(role, rel):
        return 404 if role in unseen else write(role, rel)

    return [
        ("api:appeals_categories", "get", None, None, lambda role, rel: 401 if role == "anonymous" else 200),
        ("api:appeals_category_create", "post", None, lambda c, r: {"code": "", "name": "x"}, write),
        (
            "api:appeals_category_update",
            "patch",
            lambda c, r: {"category_id": objects(c)["category"].pk},
            lambda c, r: {"deadline_value": 0},
            patch,
        ),
    ]


API_MATRIX = _api_rows()
