"""Rows of the project's URL permission matrix (shanzhi/tests/test_url_matrix.py) for the love bank's
pages, and the matrix of its JSON API (walked in test_api.py). Expected statuses are written out by
hand from the scope rules, independently of volunteering/access.py.

The cast's own users have no love-bank profile here (so "my" pages send them to register); the
objects at each relation are built once per cast with the ORM.
"""

import datetime

from django.utils import timezone

from shanzhi.accounts.models import User

from ..models import Activity, Item, Movement, Pairing, Team, Volunteer
from ..services import checkin, ledger

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
PEOPLE = {"resident", "volunteer", "unit_member"}
VIEW = NODE_STAFF | PEOPLE
MANAGERS = {"community_staff", "community_secretary"}
ABOVE = {
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
RELS = ("a1", "a2", "b", "c")
H = datetime.timedelta(hours=1)


def _place(cast, rel):
    return {
        "a1": (cast.community, cast.household),
        "a2": (cast.community, cast.household2),
        "b": (cast.community_b, cast.household_b),
        "c": (cast.community_c, cast.household_c),
    }[rel]


def objects(cast):
    if hasattr(cast, "_vol_objects"):
        return cast._vol_objects
    organisers = {"a1": cast.zhang, "a2": cast.zhang, "b": cast.liu, "c": cast.sun}
    o = {
        k: {}
        for k in ("volunteer", "activity", "session", "pairing", "attendance", "item", "movement", "team")
    }
    now = timezone.now()
    for i, rel in enumerate(RELS):
        community, household = _place(cast, rel)
        user = User.objects.create(username=f"matrix_vol_{rel}", display_name=f"志愿{rel}")
        volunteer = o["volunteer"][rel] = Volunteer.objects.create(
            user=user, community=community, name=f"志愿{rel}"
        )
        ledger.open_account(volunteer)
        o["movement"][rel] = ledger.earn(volunteer, Movement.Kind.EARN_GOOD_DEED, 10, source=f"matrix:{rel}")
        session = checkin.create_session(
            community=community,
            origin="activity",
            title=f"活动{rel}",
            starts_at=now - 2 * H + i * datetime.timedelta(minutes=1),
            ends_at=now + H,
            organiser=organisers[rel],
        )
        o["session"][rel] = session
        o["activity"][rel] = Activity.objects.create(
            community=community,
            title=f"活动{rel}",
            place="活动室",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=5,
            organiser=organisers[rel],
            session=session,
        )
        checkin.enrol(session, volunteer)
        o["attendance"][rel] = checkin.check_in(session, volunteer, at=session.starts_at)
        o["pairing"][rel] = Pairing.objects.create(
            household=household,
            community=community,
            volunteer=volunteer,
            difficulty="独居",
            started_on=timezone.localdate(),
            created_by=cast.zhang,
        )
        o["item"][rel] = Item.objects.create(community=community, name=f"毛巾{rel}", price=5, stock=3)
        o["team"][rel] = Team.objects.get_or_create(
            community=community, name=f"服务队{community.code}", defaults={"created_by": cast.zhang}
        )[0]
    cast._vol_objects = o
    return o


def pk_of(kind):
    return lambda cast, rel: {"pk": objects(cast)[kind][rel].pk}


def sees(a1, a2=None, b=None, c=None):
    return {
        "a1": a1,
        "a2": a1 if a2 is None else a2,
        "b": ABOVE["b"] if b is None else b,
        "c": ABOVE["c"] if c is None else c,
    }


SEE_COMMUNITY_WIDE = sees(NODE_STAFF | PEOPLE)
SEE_STAFF = sees(NODE_STAFF)
SEE_PAIRING = sees({"grid_worker"} | MANAGERS, MANAGERS, set(), set())


def _token(cast, rel):
    return {"token": checkin.make_token(objects(cast)["session"][rel])}


def page_rows(Row):
    """GET pages; the POSTs are in EXEMPT and covered by test_pages and the services tests."""
    return [
        *[
            Row(name, may=VIEW)
            for name in (
                "volunteering:me",
                "volunteering:scan_help",
                "volunteering:activities",
                "volunteering:shop",
                "volunteering:rankings",
                "volunteering:commendations",
                "volunteering:teams",
                "volunteering:rates",
            )
        ],
        Row("volunteering:team", obj=pk_of("team"), sees=SEE_COMMUNITY_WIDE, may=VIEW),
        # Nobody in the cast has a love-bank profile yet: "my hours" and a scanned code send them to register.
        Row("volunteering:my_hours", may=ALL, ok=302),
        Row("volunteering:scan", obj=_token, sees={r: ALL for r in RELS}, may=ALL, ok=302),
        Row("volunteering:volunteers", may=NODE_STAFF),
        Row("volunteering:redemptions", may=MANAGERS),
        Row("volunteering:pairings", may={"grid_worker", "volunteer", "unit_member"} | MANAGERS),
        Row("volunteering:activity", obj=pk_of("activity"), sees=SEE_COMMUNITY_WIDE, may=VIEW),
        Row("volunteering:session", obj=pk_of("session"), sees=SEE_STAFF, may=NODE_STAFF),
        # Only the organiser shows the code (community staff at A; street/district staff organise B and C).
        Row(
            "volunteering:session_qr",
            obj=pk_of("session"),
            sees=SEE_STAFF,
            may={"community_staff"},
            overrides={
                ("street_staff", "b"): 200,
                ("district_staff", "c"): 200,
                ("community_staff", "b"): 404,
                ("community_staff", "c"): 404,
            },
        ),
        Row("volunteering:volunteer", obj=pk_of("volunteer"), sees=SEE_STAFF, may=NODE_STAFF),
        Row("volunteering:pairing", obj=pk_of("pairing"), sees=SEE_PAIRING, may=MANAGERS | {"grid_worker"}),
    ]


EXEMPT = {
    name: "POST-only state change; permissions per role and community tested in volunteering/tests/test_pages.py "
    "and the services tests"
    for name in (
        "volunteering:activity_signup",
        "volunteering:signup_cancel",
        "volunteering:attendance_confirm",
        "volunteering:attendance_reject",
        "volunteering:attendance_checkout",
        "volunteering:volunteer_award",
        "volunteering:movement_reverse",
        "volunteering:item_redeem",
        "volunteering:item_restock",
        "volunteering:redemption_hand_over",
        "volunteering:redemption_cancel",
        "volunteering:team_action",
    )
}


# --- the JSON API ------------------------------------------------------------------------------------------


def _api_sees(table, then=lambda role: 200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        return then(role) if role in table[rel] else 404

    return expected


def _any(role, rel):
    return 401 if role == "anonymous" else 200


def _no_profile(role, rel):
    """Without a love-bank profile, personal endpoints answer 400 naming ``volunteer``."""
    return 401 if role == "anonymous" else 400


def _ranking(role, rel):
    if role == "anonymous":
        return 401
    if role not in VIEW:
        return 403
    home = {"a1": VIEW, "a2": VIEW, "b": ABOVE["b"], "c": ABOVE["c"]}[rel]
    return 200 if role in home else 404


def _viewers(role, rel):
    return 401 if role == "anonymous" else 200 if role in VIEW else 403


ORGANISER = {"a1": "community_staff", "a2": "community_staff", "b": "street_staff", "c": "district_staff"}


def _confirm(role, rel):
    """Confirming a check-in that has no check-out yet: the organiser hears why (400), other staff 403."""
    if role == "anonymous":
        return 401
    if role not in SEE_STAFF[rel]:
        return 404
    return 400 if role == ORGANISER[rel] else 403


def _create_team(role, rel):
    """A team with an empty name, in the community at ``rel``: its staff get the field error."""
    if role == "anonymous":
        return 401
    return 400 if role in MANAGERS and rel in ("a1", "a2") else 404


def _remove_member(role, rel):
    """Taking someone who is not in the team off it: both must be in sight; then staff hear why."""
    if role == "anonymous":
        return 401
    if role not in SEE_COMMUNITY_WIDE[rel] or role not in SEE_STAFF[rel]:
        return 404
    return 400 if role in MANAGERS else 403


COMMENDERS = {
    "a1": MANAGERS | {"street_staff", "district_staff"},
    "a2": MANAGERS | {"street_staff", "district_staff"},
    "b": {"street_staff", "district_staff"},
    "c": {"district_staff"},
}


def _commend(role, rel):
    if role == "anonymous":
        return 401
    if role not in MANAGERS | {"street_staff", "district_staff"}:
        return 403
    return 400 if role in COMMENDERS[rel] else 404


def _pairing_viewers(role, rel):
    if role == "anonymous":
        return 401
    return 200 if role in {"grid_worker", "volunteer", "unit_member"} | MANAGERS else 403


def _pair(role, rel):
    if role == "anonymous":
        return 401
    if role not in MANAGERS:
        return 403
    return 400 if rel in ("a1", "a2") else 404


def _node_of(cast, rel):
    return {"node": _place(cast, rel)[0].pk}


# name, method, path kwargs(cast, rel) or None, body (or body(cast, rel)), expected(role, rel)[, query(cast, rel)]
API_MATRIX = [
    ("api:vol_me", "get", None, None, _no_profile),
    ("api:vol_my_movements", "get", None, None, _no_profile),
    ("api:vol_my_hours", "get", None, None, _no_profile),
    ("api:vol_scan", "post", None, _token, _no_profile),
    ("api:vol_confirm", "post", lambda c, r: {"attendance_id": objects(c)["attendance"][r].pk}, {}, _confirm),
    # Judging a fresh check-in is the organiser's alone (withdrawing confirmed hours: test_hours_both_ways).
    (
        "api:vol_reject",
        "post",
        lambda c, r: {"attendance_id": objects(c)["attendance"][r].pk},
        {"reason": ""},
        _confirm,
    ),
    ("api:vol_list_activities", "get", None, None, _any),
    (
        "api:vol_get_activity",
        "get",
        lambda c, r: {"activity_id": objects(c)["activity"][r].pk},
        None,
        _api_sees(SEE_COMMUNITY_WIDE),
    ),
    (
        "api:vol_sign_up",
        "post",
        lambda c, r: {"activity_id": objects(c)["activity"][r].pk},
        None,
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400),
    ),
    (
        "api:vol_cancel_sign_up",
        "post",
        lambda c, r: {"signup_id": 0},
        None,
        lambda role, rel: 401 if role == "anonymous" else 404,
    ),
    ("api:vol_list_items", "get", None, None, _any),
    (
        "api:vol_redeem",
        "post",
        lambda c, r: {"item_id": objects(c)["item"][r].pk},
        {"quantity": 1},
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400),
    ),
    ("api:vol_rankings", "get", None, None, _ranking, _node_of),
    (
        "api:vol_good_deed",
        "post",
        lambda c, r: {"volunteer_id": objects(c)["volunteer"][r].pk},
        {"title": ""},
        _api_sees(SEE_STAFF, lambda role: 400 if role in MANAGERS else 403),
    ),
    (
        "api:vol_donation",
        "post",
        lambda c, r: {"volunteer_id": objects(c)["volunteer"][r].pk},
        {"title": "图书", "value_yuan": "-1"},
        _api_sees(SEE_STAFF, lambda role: 400 if role in MANAGERS else 403),
    ),
    (
        "api:vol_adjust",
        "post",
        lambda c, r: {"volunteer_id": objects(c)["volunteer"][r].pk},
        {"amount": 5, "reason": ""},
        _api_sees(SEE_STAFF, lambda role: 400 if role in MANAGERS else 403),
    ),
    (
        "api:vol_reverse",
        "post",
        lambda c, r: {"movement_id": objects(c)["movement"][r].pk},
        {"reason": ""},
        _api_sees(SEE_STAFF, lambda role: 400 if role in MANAGERS else 403),
    ),
    ("api:vol_ranking_nodes", "get", None, None, _viewers),
    ("api:vol_list_teams", "get", None, None, _any),
    (
        "api:vol_get_team",
        "get",
        lambda c, r: {"team_id": objects(c)["team"][r].pk},
        None,
        _api_sees(SEE_COMMUNITY_WIDE),
    ),
    (
        "api:vol_create_team",
        "post",
        None,
        lambda c, r: {"community": _place(c, r)[0].pk, "name": ""},
        _create_team,
    ),
    (
        "api:vol_update_team",
        "put",
        lambda c, r: {"team_id": objects(c)["team"][r].pk},
        {"name": ""},
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400 if role in MANAGERS else 403),
    ),
    # Joining oneself without a love-bank profile: whoever sees the team is told to register first.
    (
        "api:vol_add_team_member",
        "post",
        lambda c, r: {"team_id": objects(c)["team"][r].pk},
        {"volunteer": None},
        _api_sees(SEE_COMMUNITY_WIDE, lambda role: 400),
    ),
    (
        "api:vol_remove_team_member",
        "delete",
        lambda c, r: {"team_id": objects(c)["team"][r].pk, "volunteer_id": objects(c)["volunteer"][r].pk},
        None,
        _remove_member,
    ),
    ("api:vol_commendations", "get", None, None, _viewers),
    # No subject named: whoever may commend at that node hears which field is missing.
    ("api:vol_commend", "post", None, lambda c, r: {"node": _place(c, r)[0].pk, "title": "优秀"}, _commend),
    ("api:vol_pairings", "get", None, None, _pairing_viewers),
    ("api:vol_pair", "post", None, lambda c, r: {"household": _place(c, r)[1].pk}, _pair),
    ("api:vol_rates", "get", None, None, _viewers),
    (
        "api:vol_set_rate",
        "post",
        None,
        {"kind": "hours", "points": "-1", "valid_from": "2099-01-01"},
        lambda role, rel: 401 if role == "anonymous" else 400 if role == "district_staff" else 403,
    ),
]
