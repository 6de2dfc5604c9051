"""Matrix rows for owners' committees (业委会/物管会), reserve lists and four-party meetings (pages
and API), written out by hand from the scope rules. Objects per relation (built with the services
once per cast): a committee with one member and one reserve candidate, and a meeting (the
compound's company attended) with a task owned by the company, in 幸福小区 (a1: community A, where
居民甲 lives; 安居物业, whose staff is 冯物业), 和谐小区 (b: community B; 宜家物业) and 西苑小区
(c: community C, no company); a2 has none."""

import datetime

from faker import Faker

from ..services import committees, meetings

NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
KEEPERS = {"community_staff", "community_secretary"}
ABOVE = {
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
# The committee: its community's staff (a grid worker of it too) and its residents, and the staff above.
SEES_COMMITTEE = {"a1": NODE_STAFF | {"resident"}, "a2": set(), **ABOVE}
# A meeting: the same staff, and the staff of the company that attended (a1 only).
SEES_MEETING = {"a1": NODE_STAFF | {"property_staff"}, "a2": set(), **ABOVE}
KEEP = {"a1": KEEPERS, "a2": set(), "b": set(), "c": set()}
# Removing walks the roles in order: 张社区 removes it, and every role walked after her finds
# nothing there (404); test_committees checks that street staff are refused (403) while it exists.
SECOND_KEEPER_FINDS_IT_GONE = {
    (role, "a1"): 404 for role in ("community_secretary", "street_staff", "district_staff", "district_leader")
}


def objects(cast):
    if hasattr(cast, "_committee_objects"):
        return cast._committee_objects
    staff = {"a1": (cast.compound, cast.zhang, cast.resident), "b": (cast.compound_b, None, cast.resident_b)}
    staff["c"] = (cast.compound_c, None, cast.resident_c)
    out = {"member": {}, "reserve": {}, "meeting": {}, "task": {}}
    fake = Faker("zh_CN")
    fake.seed_instance(9)
    from shanzhi.accounts import services as accounts

    for rel, (compound, by, person) in staff.items():
        if by is None:
            by = accounts.create_user(username=f"keeper_{rel}", password=cast.password, display_name="社区")
            accounts.grant_role(by, "community_staff", node=compound.community)
        committees.set_committee(
            compound, kind="owners", term_start="2024-01-01", term_end="2028-12-31", by=by
        )
        out["member"][rel] = committees.add_member(compound, resident=person.pk, role="director", by=by)
        hh = person.household
        from shanzhi.registry import services as registry

        other = registry.register_resident(household=hh, name="后备人", id_number=fake.ssn(), relation="配偶")
        out["reserve"][rel] = committees.add_reserve(compound, resident=other.pk, list_name="positive", by=by)
        m = meetings.record_meeting(
            compound,
            held_on=datetime.date(2026, 11, 20),
            place="议事厅",
            topics="停车",
            attendees=[("community", "社区代表", "")],
            by=by,
            today=datetime.date(2026, 12, 3),
        )
        out["meeting"][rel] = m
        out["task"][rel] = meetings.add_decision(
            m, text_given="施划停车位", kind="task", owner_party="company", workdays_given=5, by=by
        )
    cast._committee_objects = out
    return out


def _compound(cast, rel):
    c = {"a1": cast.compound, "b": cast.compound_b, "c": cast.compound_c}.get(rel)
    return {"pk": (objects(cast) and c).pk} if c else None


def _of(kind, key="pk"):
    def kwargs(cast, rel):
        obj = objects(cast)[kind].get(rel)
        if obj is None:
            return None
        if kind in ("member", "reserve"):
            compound = obj.committee.compound_id if kind == "member" else obj.compound_id
            return {"pk": compound, kind if kind == "member" else "candidate": obj.pk}
        return {key: obj.pk}

    return kwargs


def page_rows(Row):
    return [
        Row("property:committees", may=NODE_STAFF | {"resident"}),
        Row("property:committee", obj=_compound, sees=SEES_COMMITTEE, may=NODE_STAFF | {"resident"}),
        # Empty forms: the keepers get the refusal naming the field (400); readers 403.
        Row("property:committee_set", "post", obj=_compound, sees=SEES_COMMITTEE, may=KEEPERS, ok=400),
        Row("property:committee_member_add", "post", obj=_compound, sees=SEES_COMMITTEE, may=KEEPERS, ok=400),
        Row(
            "property:committee_reserve_add", "post", obj=_compound, sees=SEES_COMMITTEE, may=KEEPERS, ok=400
        ),
        Row(
            "property:committee_member_remove",
            "post",
            obj=_of("member"),
            sees=SEES_COMMITTEE,
            may=KEEPERS,
            overrides=SECOND_KEEPER_FINDS_IT_GONE,
        ),
        # No role chosen: the keepers get the refusal naming the field (400); readers 403.
        Row(
            "property:committee_member_role",
            "post",
            obj=_of("member"),
            sees=SEES_COMMITTEE,
            may=KEEPERS,
            ok=400,
        ),
        Row(
            "property:committee_reserve_remove",
            "post",
            obj=_of("reserve"),
            sees=SEES_COMMITTEE,
            may=KEEPERS,
            overrides=SECOND_KEEPER_FINDS_IT_GONE,
        ),
        Row("property:meetings", may=NODE_STAFF | {"property_staff"}),
        Row("property:meeting_new", may=KEEPERS),
        Row("property:meeting_new", "post", may=KEEPERS, ok=400),
        Row("property:meeting", obj=_of("meeting"), sees=SEES_MEETING, may=NODE_STAFF | {"property_staff"}),
        Row("property:meeting_decision", "post", obj=_of("meeting"), sees=SEES_MEETING, may=KEEPERS, ok=400),
        # No note: those who may record it done (the community, the company owning it) get the 400.
        Row(
            "property:decision_done",
            "post",
            obj=_of("task"),
            sees=SEES_MEETING,
            may=KEEPERS | {"property_staff"},
            ok=400,
        ),
    ]


def _api(sees, may, ok=200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        if rel is not None and sees is not None and role not in sees[rel]:
            return 404
        allowed = may[rel] if isinstance(may, dict) else may
        return ok if role in allowed else 403

    return expected


def _api_compound(cast, rel):
    kw = _compound(cast, rel)
    return {"compound_id": kw["pk"]} if kw else None


def _api_member(cast, rel):
    member = objects(cast)["member"].get(rel)
    return {"compound_id": member.committee.compound_id, "member_id": member.pk} if member else None


def _removed(role, rel):
    """Removing walks the roles in order: 张社区 removes the member, and every role walked after her
    finds nothing there (404), as on the page."""
    if (role, rel) in SECOND_KEEPER_FINDS_IT_GONE:
        return 404
    return _api(SEES_COMMITTEE, KEEP)(role, rel)


def _api_of(kind, name):
    def kwargs(cast, rel):
        obj = objects(cast)[kind].get(rel)
        return {name: obj.pk} if obj else None

    return kwargs


def _new_meeting(cast, rel):
    compound = {"a1": cast.compound, "a2": cast.compound, "b": cast.compound_b, "c": cast.compound_c}[rel]
    return {
        "compound": compound.pk,
        "held_on": "2026-12-01",
        "place": "议事厅",
        "topics": "停车",
        "attendees": [{"party": "community", "name": "张社区"}],
    }


def _record(role, rel):
    if role == "anonymous":
        return 401
    if role not in KEEPERS:
        return 403
    return 201 if rel in ("a1", "a2") else 400  # another community's compound reads as unknown


VIEW_COMMITTEE = NODE_STAFF | {"resident"}
VIEW_MEETING = NODE_STAFF | {"property_staff"}
BAD_TERM = {"kind": "owners", "term_start": "2026-01-01", "term_end": "2025-01-01"}

API_ROWS = [
    ("api:property_committee", "get", _api_compound, None, _api(SEES_COMMITTEE, VIEW_COMMITTEE)),
    ("api:property_committee_set", "post", _api_compound, BAD_TERM, _api(SEES_COMMITTEE, KEEP, ok=400)),
    (
        "api:property_committee_member",
        "post",
        _api_compound,
        {"resident": 999999999, "role": "member"},
        _api(SEES_COMMITTEE, KEEP, ok=400),
    ),
    (
        "api:property_committee_reserve",
        "post",
        _api_compound,
        {"resident": 999999999, "list": "positive"},
        _api(SEES_COMMITTEE, KEEP, ok=400),
    ),
    # The member is already 主任: the keepers' change is a no-op (200), nothing consumed.
    (
        "api:property_committee_member_role",
        "patch",
        _api_member,
        {"role": "director"},
        _api(SEES_COMMITTEE, KEEP),
    ),
    ("api:property_committee_member_remove", "delete", _api_member, None, _removed),
    ("api:property_meetings", "get", None, None, _api(None, VIEW_MEETING)),
    ("api:property_meeting_new", "post", None, _new_meeting, _record),
    ("api:property_meeting", "get", _api_of("meeting", "meeting_id"), None, _api(SEES_MEETING, VIEW_MEETING)),
    (
        "api:property_decision",
        "post",
        _api_of("meeting", "meeting_id"),
        {"text": "施划停车位二期", "kind": "task"},
        _api(SEES_MEETING, KEEP, ok=400),
    ),
    (
        "api:property_decision_done",
        "post",
        _api_of("task", "decision_id"),
        {"note": ""},
        _api(SEES_MEETING, {**KEEP, "a1": KEEPERS | {"property_staff"}}, ok=400),
    ),
]
