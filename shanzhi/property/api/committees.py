"""Owners' committees (业委会/物管会), reserve lists and four-party meetings over JSON: the same
services and queries as the pages. A resident gets the committee's public part only (names, roles,
term); staff also the party flag and, where they may, the reserve lists."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Status

from shanzhi.accounts import permissions
from shanzhi.core import inputs
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import Text
from shanzhi.registry import referrals

from .. import queries
from ..access import compounds_in_reach
from ..models import CommitteeMember
from ..services import committees, meetings
from . import router


class CommitteeMemberOut(Schema):
    id: int
    name: str
    role: str
    party_member: bool | None = None  # staff only


class ReserveOut(Schema):
    id: int
    name: str
    list: str
    reason: str


class CommitteeOut(Schema):
    compound: int
    kind: str | None = None
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None
    term_state: str | None = None  # current | ending (within 90 days) | expired
    members: list[CommitteeMemberOut] = []
    reserves: list[ReserveOut] | None = None  # staff who may see the lists


class TermIn(Schema):
    kind: Literal["owners", "management"]
    term_start: datetime.date
    term_end: datetime.date


class CommitteeMemberIn(Schema):
    resident: int
    role: Literal["director", "deputy", "member"] = "member"


class ReserveIn(Schema):
    resident: int
    list: Literal["positive", "negative"]
    reason: Text = ""


def _committee_out(user, compound):
    committee, members, reserves = queries.committee_of(user, compound)
    staff = reserves is not None
    out = CommitteeOut(compound=compound.pk)
    if committee is not None:
        out.kind, out.term_start, out.term_end = committee.kind, committee.term_start, committee.term_end
        out.term_state = committee.term_state()
        out.members = [
            CommitteeMemberOut(
                id=m.pk, name=m.resident.name, role=m.role, party_member=m.party_member if staff else None
            )
            for m in members
        ]
    if staff:
        out.reserves = [
            ReserveOut(id=r.pk, name=r.resident.name, list=r.list, reason=r.reason) for r in reserves
        ]
    return out


@router.get(
    "compounds/{int:compound_id}/committee",
    response={200: CommitteeOut, **ERRORS},
    summary="小区业委会（物管会）",
    url_name="property_committee",
)
def committee(request, compound_id: int):
    return _committee_out(request.auth, queries.committee_compound(request.auth, compound_id))


@router.post(
    "compounds/{int:compound_id}/committee",
    response={200: CommitteeOut, **ERRORS},
    summary="登记业委会（物管会）或换届",
    url_name="property_committee_set",
)
def committee_set(request, compound_id: int, payload: TermIn):
    compound = queries.committee_compound(request.auth, compound_id)
    committees.set_committee(compound, **payload.dict(), by=request.auth)
    return _committee_out(request.auth, compound)


@router.post(
    "compounds/{int:compound_id}/committee/members",
    response={201: CommitteeMemberOut, **ERRORS},
    summary="增补委员",
    url_name="property_committee_member",
)
def committee_member(request, compound_id: int, payload: CommitteeMemberIn):
    compound = queries.committee_compound(request.auth, compound_id)
    m = committees.add_member(compound, resident=payload.resident, role=payload.role, by=request.auth)
    return Status(201, CommitteeMemberOut(id=m.pk, name=m.resident.name, role=m.role))


class RoleIn(Schema):
    role: Literal["director", "deputy", "member"]


def _member(compound, member_id):
    """A member of this compound's committee: a malformed id is a 400 naming ``member_id``, an
    unknown one (or another compound's) a 404."""
    pk = inputs.parse_id(member_id, "member_id", required=True, label=_("委员"))
    member = CommitteeMember.objects.filter(pk=pk, committee__compound=compound).first()
    if member is None:
        raise Http404
    return member


@router.patch(
    "compounds/{int:compound_id}/committee/members/{member_id}",
    response={200: CommitteeMemberOut, **ERRORS},
    summary="调整委员职务（主任只有一位）",
    url_name="property_committee_member_role",
)
def committee_member_role(request, compound_id: int, member_id: str, payload: RoleIn):
    compound = queries.committee_compound(request.auth, compound_id)
    m = committees.change_role(_member(compound, member_id), role=payload.role, by=request.auth)
    return CommitteeMemberOut(id=m.pk, name=m.resident.name, role=m.role)


@router.delete(
    "compounds/{int:compound_id}/committee/members/{member_id}",
    response={200: CommitteeOut, **ERRORS},
    summary="免去委员职务",
    url_name="property_committee_member_remove",
)
def committee_member_remove(request, compound_id: int, member_id: str):
    compound = queries.committee_compound(request.auth, compound_id)
    committees.remove_member(_member(compound, member_id), by=request.auth)
    return _committee_out(request.auth, compound)


@router.post(
    "compounds/{int:compound_id}/committee/reserves",
    response={201: ReserveOut, **ERRORS},
    summary="列入后备人选正面或负面清单",
    url_name="property_committee_reserve",
)
def committee_reserve(request, compound_id: int, payload: ReserveIn):
    compound = queries.committee_compound(request.auth, compound_id)
    r = committees.add_reserve(
        compound, resident=payload.resident, list_name=payload.list, reason=payload.reason, by=request.auth
    )
    return Status(201, ReserveOut(id=r.pk, name=r.resident.name, list=r.list, reason=r.reason))


class AttendeeIn(Schema):
    party: Literal["community", "company", "committee", "police", "other"]
    name: Text
    title: Text = ""


class MeetingIn(Schema):
    compound: int
    held_on: datetime.date
    place: Text
    topics: Text
    attendees: list[AttendeeIn]


class DecisionIn(Schema):
    text: Text
    kind: Literal["appeal", "task"]
    category: int | None = None
    owner_party: Literal["community", "company", "committee", "police", "other"] | None = None
    workdays: int | None = None


class DecisionOut(Schema):
    id: int
    text: str
    kind: str
    appeal_number: str = ""
    appeal_status: str = ""
    owner_party: str = ""
    due: datetime.datetime | None = None
    state: str = ""  # a task: open | overdue | done; an appeal: its status


class MeetingOut(Schema):
    id: int
    compound: str
    company: str = ""
    held_on: datetime.date
    place: str
    topics: str
    attendees: list[AttendeeIn] = []
    decisions: list[DecisionOut] = []


def _decision_out(d):
    appeal = getattr(d, "appeal", None) or {}
    return DecisionOut(
        id=d.pk,
        text=d.text,
        kind=d.kind,
        appeal_number=d.appeal_number,
        appeal_status=appeal.get("status", ""),
        owner_party=d.owner_party,
        due=d.due,
        state=getattr(d, "state", "") or "",
    )


def _meeting_out(user, m, *, detail=False):
    out = MeetingOut(
        id=m.pk,
        compound=m.compound.name,
        company=m.company.name if m.company_id else "",
        held_on=m.held_on,
        place=m.place,
        topics=m.topics,
    )
    if detail:
        out.attendees = [AttendeeIn(party=a.party, name=a.name, title=a.title) for a in m.attendees.all()]
        out.decisions = [_decision_out(d) for d in queries.decisions_of(user, m)]
    return out


@router.get(
    "meetings",
    response={200: list[MeetingOut], **ERRORS},
    summary="四方联席会议",
    url_name="property_meetings",
)
def meeting_list(request):
    if not permissions.has_role_for(request.auth, "property.view_meeting"):
        raise PermissionDenied
    return [
        _meeting_out(request.auth, m) for m in queries.meetings_for(request.auth).order_by("-held_on")[:200]
    ]


@router.post(
    "meetings",
    response={201: MeetingOut, **ERRORS},
    summary="记录四方联席会议",
    url_name="property_meeting_new",
)
def meeting_new(request, payload: MeetingIn):
    if not permissions.has_role_for(request.auth, "property.record_meeting"):
        raise PermissionDenied
    compound = compounds_in_reach(request.auth, "property.record_meeting").filter(pk=payload.compound).first()
    if compound is None:  # unknown and out of reach read the same
        raise DomainError(_("请选择本社区的小区。"), field="compound")
    m = meetings.record_meeting(
        compound,
        held_on=payload.held_on,
        place=payload.place,
        topics=payload.topics,
        attendees=[(a.party, a.name, a.title) for a in payload.attendees],
        by=request.auth,
    )
    return Status(201, _meeting_out(request.auth, m, detail=True))


@router.get(
    "meetings/{int:meeting_id}",
    response={200: MeetingOut, **ERRORS},
    summary="联席会议及决定事项落实情况",
    url_name="property_meeting",
)
def meeting(request, meeting_id: int):
    return _meeting_out(request.auth, queries.meeting_for(request.auth, meeting_id), detail=True)


@router.post(
    "meetings/{int:meeting_id}/decisions",
    response={201: DecisionOut, **ERRORS},
    summary="增加决定事项（转为诉求或分工任务）",
    url_name="property_decision",
)
def decision(request, meeting_id: int, payload: DecisionIn):
    m = queries.meeting_for(request.auth, meeting_id)
    d = meetings.add_decision(
        m,
        text_given=payload.text,
        kind=payload.kind,
        category=payload.category,
        owner_party=payload.owner_party,
        workdays_given=payload.workdays,
        by=request.auth,
    )
    d.appeal = referrals.appeal_states(request.auth, [d.appeal_id]).get(d.appeal_id)
    d.state = d.task_state() if d.kind == "task" else (d.appeal or {}).get("status", "")
    return Status(201, _decision_out(d))


class DoneIn(Schema):
    note: Text


@router.post(
    "decisions/{int:decision_id}/done",
    response={200: DecisionOut, **ERRORS},
    summary="记录任务完成",
    url_name="property_decision_done",
)
def decision_done(request, decision_id: int, payload: DoneIn):
    from ..models import Decision

    d = permissions.get_visible_or_404(request.auth, Decision, pk=decision_id)
    d = meetings.complete_task(d, note=payload.note, by=request.auth)
    d.state = d.task_state()
    return _decision_out(d)
