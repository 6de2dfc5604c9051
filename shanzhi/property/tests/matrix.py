"""Rows of the project's URL matrix (shanzhi/tests/test_url_matrix.py) for owners' assembly votes,
and the matrix of its JSON API (walked in test_api.py). Expected statuses are written out by hand
from the scope rules, independently of property/access.py.

Objects per relation (built once per cast with the ORM: test data, not a workflow): an open vote
and a closed vote in 幸福小区 (a1: community A, where 居民甲 owns a unit), 和谐小区 (b: community B)
and 西苑小区 (c: community C); a paper ballot awaiting confirmation in each open vote. a2 has none.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from .. import queries
from ..models import Ballot, Elector, Vote
from .conftest import cast_roll, period

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
MANAGERS = {"community_staff", "community_secretary"}
VIEW = NODE_STAFF | {"resident"}
# Who sees a vote at each relation: its community's staff and owners, and the staff above.
SEES = {
    "a1": NODE_STAFF | {"resident"},
    "a2": set(),
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
# The paper ballot at a1 is owner 乙's: 居民甲 sees the vote, not that ballot.
SEES_BALLOT = {**SEES, "a1": NODE_STAFF}
MAY_MANAGE = {"a1": MANAGERS, "a2": set(), "b": set(), "c": set()}
# A ballot's scan shows an owner's signature: only the staff who confirm paper ballots there see it.
SEES_SCAN = MAY_MANAGE
MAY_CAST = {"a1": {"resident"}, "a2": set(), "b": set(), "c": set()}
RELS = ("a1", "a2", "b", "c")


def objects(cast):
    if hasattr(cast, "_property_objects"):
        return cast._property_objects
    roll = cast_roll(cast)
    owners = {"a1": [roll.a, roll.b, roll.dev], "b": [roll.other], "c": [roll.c]}
    compounds = {"a1": cast.compound, "b": cast.compound_b, "c": cast.compound_c}
    today = timezone.localdate()
    o = {"open": {}, "closed": {}, "ballot": {}}
    for rel, compound in compounds.items():
        for status in ("open", "closed"):
            vote = Vote.objects.create(
                compound=compound,
                item=4,
                question=f"{compound.name}：是否续聘物业",
                called_by="committee",
                starts_on=today,
                ends_on=today + datetime.timedelta(days=7),
                status=status,
                created_by=cast.zhang,
                closed_at=timezone.now() if status == "closed" else None,
            )
            for owner in owners[rel]:
                for u in owner.units.all():
                    Elector.objects.create(vote=vote, unit=str(u.pk), owner=owner, area=u.area)
            if status == "closed":
                vote.result = queries.sealed(queries.count(vote))
                vote.save()
            o[status][rel] = vote
        paper_owner = owners[rel][1] if rel == "a1" else owners[rel][0]
        ballot = Ballot(
            vote=o["open"][rel], owner=paper_owner, choice="no", channel="paper", cast_by=cast.zhao
        )
        ballot.scan.save("s.jpg", ContentFile(b"scan"), save=False)
        ballot.save()
        o["ballot"][rel] = ballot
    cast._property_objects = o
    return o


def _vote(kind):
    def kwargs(cast, rel):
        vote = objects(cast)[kind].get(rel)
        return {"pk": vote.pk} if vote else None

    return kwargs


def _ballot(cast, rel):
    ballot = objects(cast)["ballot"].get(rel)
    return {"pk": ballot.vote_id, "ballot_pk": ballot.pk} if ballot else None


EXEMPT = {}


def page_rows(Row):
    everyone = {rel: ALL for rel in RELS}
    return [
        Row("property:votes", may=VIEW),
        Row("property:vote_new", may=MANAGERS),
        Row("property:vote", obj=_vote("open"), sees=SEES, may=VIEW),
        # Each unit's choice: staff only (an owner sees the vote and their own ballot, not this).
        Row("property:vote_export", obj=_vote("closed"), sees=SEES, may=NODE_STAFF),
        Row("property:vote_open", "post", obj=_vote("open"), sees=SEES, may=MANAGERS),
        Row("property:vote_close", "post", obj=_vote("closed"), sees=SEES, may=MANAGERS),
        Row(
            "property:vote_cast",
            "post",
            obj=_vote("open"),
            sees=SEES,
            may={"resident"},
            data=lambda c, r: {"choice": "yes"},
        ),
        # An empty form: the managers get the page again with the refusal (400).
        Row("property:vote_paper", "post", obj=_vote("open"), sees=SEES, may=MANAGERS, ok=400),
        Row("property:ballot_confirm", "post", obj=_ballot, sees=SEES_BALLOT, may=MANAGERS),
        Row("property:ballot_reject", "post", obj=_ballot, sees=SEES_BALLOT, may=MANAGERS),
        Row("property:ballot_withdraw", "post", obj=_ballot, sees=SEES_BALLOT, may=MANAGERS),
        Row("property:ballot_scan", obj=_ballot, sees=SEES_SCAN, may=MANAGERS),
        Row("property:results", may=ALL, anonymous=200),
        Row("property:result", obj=_vote("closed"), sees=everyone, may=ALL, anonymous=200),
    ]


def _api(sees, may, ok=200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        if rel is not None and role not in sees[rel]:
            return 404
        allowed = may[rel] if isinstance(may, dict) else may
        return ok if role in allowed else 403

    return expected


def _api_vote(kind):
    def kwargs(cast, rel):
        vote = objects(cast)[kind].get(rel)
        return {"vote_id": vote.pk} if vote else None

    return kwargs


def _api_ballot(cast, rel):
    b = objects(cast)["ballot"].get(rel)
    return {"vote_id": b.vote_id, "ballot_id": b.pk} if b else None


def _new_vote(cast, rel):
    compound = {"a1": cast.compound, "a2": cast.compound, "b": cast.compound_b, "c": cast.compound_c}[rel]
    return {
        "compound": compound.pk,
        "item": 4,
        "question": "是否解聘物业",
        "called_by": "committee",
        **period(),
    }


def _create(role, rel):
    if role == "anonymous":
        return 401
    if role not in MANAGERS:
        return 403
    return 201 if rel in ("a1", "a2") else 400  # another community's compound reads as unknown


def _confirm(role, rel):
    # Roles are walked in ROLE_USERS order: 张社区 confirms 赵书记's entry; 赵书记 then finds
    # it already counted (and could not have confirmed her own entry anyway).
    if rel == "a1" and role == "community_secretary":
        return 400
    return _api(SEES_BALLOT, MAY_MANAGE)(role, rel)


def _reject(role, rel):
    if rel == "a1" and role == "community_secretary":
        return 400
    return _api(SEES_BALLOT, MAY_MANAGE)(role, rel)


def _withdraw(role, rel):
    if rel == "a1" and role == "community_staff":
        return 400
    return _api(SEES_BALLOT, MAY_MANAGE)(role, rel)


def _public(role, rel):
    return 200


def _staff_refused(kind_sees, ok_for):
    """A refused move: managers get the rule's 400 (already open, already closed, no scan)."""
    return _api(kind_sees, {rel: ok_for.get(rel, set()) for rel in RELS}, ok=400)


API_MATRIX = [
    ("api:property_votes", "get", None, None, _api(None, VIEW)),
    ("api:property_create_vote", "post", None, _new_vote, _create),
    ("api:property_vote", "get", _api_vote("open"), None, _api(SEES, VIEW)),
    ("api:property_my_ballots", "get", _api_vote("open"), None, _api(SEES, VIEW)),
    ("api:property_export", "get", _api_vote("closed"), None, _api(SEES, NODE_STAFF)),
    ("api:property_open", "post", _api_vote("open"), None, _staff_refused(SEES, MAY_MANAGE)),
    ("api:property_close", "post", _api_vote("closed"), None, _staff_refused(SEES, MAY_MANAGE)),
    ("api:property_cast", "post", _api_vote("open"), {"choice": "yes"}, _api(SEES, MAY_CAST)),
    ("api:property_paper", "post", _api_vote("open"), {}, _staff_refused(SEES, MAY_MANAGE)),
    ("api:property_confirm", "post", _api_ballot, None, _confirm),
    # 张社区 first: she did not enter the ballot, so she may reject it (a1); 赵书记 then finds it
    # void. Withdrawing: only 赵书记 entered it (张社区 gets the refusal naming the ballot).
    ("api:property_reject", "post", _api_ballot, {"reason": "录入有误"}, _reject),
    ("api:property_withdraw", "post", _api_ballot, None, _withdraw),
    ("api:property_scan", "get", _api_ballot, None, _api(SEES_SCAN, MAY_MANAGE)),
    ("api:property_results", "get", None, None, _public),
]

# Red property's companies, schemes and evaluations (matrix_red.py).
from .matrix_red import API_ROWS  # noqa: E402

API_MATRIX += API_ROWS

# After a dismissal: transitions; the virtual property market (matrix_transitions.py).
from .matrix_transitions import API_ROWS as TRANSITION_API_ROWS  # noqa: E402
from .matrix_transitions import page_rows as _transition_page_rows  # noqa: E402

API_MATRIX += TRANSITION_API_ROWS
_page_rows_before_transitions = page_rows


def page_rows(Row):  # noqa: F811
    return _page_rows_before_transitions(Row) + _transition_page_rows(Row)


# Keeping red property over the API (matrix_manage.py).
from .matrix_manage import API_ROWS as MANAGE_API_ROWS  # noqa: E402

API_MATRIX += MANAGE_API_ROWS

# Owners' committees and four-party meetings (matrix_committees.py): their API rows, and their
# page rows joined to this module's.
from . import matrix_committees  # noqa: E402

API_MATRIX += matrix_committees.API_ROWS
_page_rows_votes = page_rows


def page_rows(Row):  # noqa: F811
    return _page_rows_votes(Row) + matrix_committees.page_rows(Row)


# The owners' roll (matrix_roll.py): its API rows, and its page rows joined to this module's.
from . import matrix_roll  # noqa: E402

API_MATRIX += matrix_roll.API_ROWS
_page_rows_committees = page_rows


def page_rows(Row):  # noqa: F811
    return _page_rows_committees(Row) + matrix_roll.page_rows(Row)
