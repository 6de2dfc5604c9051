"""Matrix rows for a dismissal's transition and the virtual property market (pages and API), written
out by hand from the scope rules. Objects per relation (ORM test data): an open transition of the
closed vote of matrix.py at a1 (幸福小区, leaving 安居物业, whose staff is 冯物业), b (和谐小区) and c
(西苑小区), both leaving 宜家物业; a request to the same company at each; none at a2."""

import datetime

from ..models import HandoverItem, MarketRequest, Transition
from .matrix import objects
from .matrix_red import ALL, NODE_STAFF, _api, _api_company, _company

VIEWERS = NODE_STAFF | {"property_staff"}
COMMUNITY = {"community_staff", "community_secretary"}
# Node staff over the compound; 冯物业 only where 安居物业 leaves (a1).
SEES = {
    "a1": VIEWERS,
    "a2": set(),
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
SEES_CO = {
    "a1": VIEWERS,
    "a2": set(),
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
TERMS = {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "fee_per_m2": "1.00", "level": "2"}


def transition_objects(cast):
    if hasattr(cast, "_transition_objects"):
        return cast._transition_objects
    closed = objects(cast)["closed"]
    leaving = {"a1": cast.company, "b": cast.company2, "c": cast.company2}
    o = {"t": {}, "req": {}}
    for rel, vote in closed.items():
        t = Transition.objects.create(compound=vote.compound, vote=vote, company=leaving[rel])
        HandoverItem.objects.bulk_create(
            [HandoverItem(transition=t, kind=k) for k in HandoverItem.Kind.values]
        )
        o["t"][rel] = t
        o["req"][rel] = MarketRequest.objects.create(
            compound=vote.compound,
            company=leaving[rel],
            transition=t,
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
            fee_per_m2="1.00",
            level="2",
            requested_by=cast.zhang,
        )
    cast._transition_objects = o
    return o


def _pk(kind, key="pk"):
    def kwargs(cast, rel):
        obj = transition_objects(cast)[kind].get(rel)
        return {key: obj.pk} if obj else None

    return kwargs


def _at_a1(may):
    return {"a1": may, "a2": set(), "b": set(), "c": set()}


def page_rows(Row):
    t, req = _pk("t"), _pk("req")
    return [
        Row("property:transitions", may=VIEWERS),
        Row("property:transition", obj=t, sees=SEES, may=VIEWERS),
        # Empty forms: those who may act get the refusal naming the field (400), others 403.
        Row("property:transition_hand", "post", obj=t, sees=SEES, may={"property_staff"}, ok=400),
        Row("property:transition_confirm", "post", obj=t, sees=SEES, may=COMMUNITY, ok=400),
        Row("property:transition_fallback", "post", obj=t, sees=SEES, may=COMMUNITY, ok=400),
        Row("property:market", may=ALL, anonymous=200),
        Row("property:market_requests", may=VIEWERS),
        Row("property:market_requests", "post", may=COMMUNITY, ok=400),
        # 冯物业 accepts the request made to 安居物业 at a1 (the contract is registered: 302).
        Row("property:market_accept", "post", obj=req, sees=SEES, may={"property_staff"}),
        Row("property:market_decline", "post", obj=req, sees=SEES, may={"property_staff"}, ok=400),
        # A reason over 500 characters: the compound's community staff get the 400 naming it.
        Row(
            "property:market_withdraw",
            "post",
            obj=req,
            sees=SEES,
            may=COMMUNITY,
            ok=400,
            data=lambda cast, rel: {"reason": "长" * 501},
        ),
        Row("property:market_listings", may={"district_staff"}),
        Row("property:market_listing", "post", obj=_company, sees=SEES_CO, may={"district_staff"}),
    ]


def _api_obj(kind, key):
    return _pk(kind, key)


def _request_body(cast, rel):
    compound = {"a1": cast.compound, "a2": cast.compound, "b": cast.compound_b, "c": cast.compound_c}[rel]
    return {"compound": compound.pk, "company": 999999, **TERMS}


def _create_request(role, rel):
    # Community staff: the unknown company (their compound) or the compound (another's) is a 400.
    return {"anonymous": 401}.get(role, 400 if role in COMMUNITY else 403)


def _public(role, rel):
    return 200


ITEM = {"item": 999999, "note": "x"}
API_ROWS = [
    ("api:property_transitions", "get", None, None, _api(None, VIEWERS)),
    ("api:property_transition", "get", _api_obj("t", "transition_id"), None, _api(SEES, VIEWERS)),
    (
        "api:property_transition_hand",
        "post",
        _api_obj("t", "transition_id"),
        ITEM,
        _api(SEES, {"property_staff"}, ok=400),
    ),
    (
        "api:property_transition_confirm",
        "post",
        _api_obj("t", "transition_id"),
        ITEM,
        _api(SEES, COMMUNITY, ok=400),
    ),
    (
        "api:property_transition_fallback",
        "post",
        _api_obj("t", "transition_id"),
        {"company": 999999, "agreement_no": "DD", **TERMS},
        _api(SEES, COMMUNITY, ok=400),
    ),
    ("api:property_market", "get", None, None, _public),
    ("api:property_market_requests", "get", None, None, _api(None, VIEWERS)),
    ("api:property_market_request", "post", None, _request_body, _create_request),
    ("api:property_market_accept", "post", _api_obj("req", "request_id"), {}, _api(SEES, {"property_staff"})),
    (
        "api:property_market_decline",
        "post",
        _api_obj("req", "request_id"),
        {"note": ""},
        _api(SEES, {"property_staff"}, ok=400),
    ),
    (
        "api:property_market_withdraw",
        "post",
        _api_obj("req", "request_id"),
        {"reason": "长" * 501},
        _api(SEES, COMMUNITY, ok=400),
    ),
    (
        "api:property_market_listing",
        "post",
        _api_company,
        {"listed": True},
        _api(SEES_CO, {"district_staff"}),
    ),
]
