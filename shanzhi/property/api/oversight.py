"""Keeping red property over JSON, continued: the red and black lists (rules, the district's
proposal, the street's approval) and supervision of a company (open, note or reply, close).
Each endpoint finds the object in the caller's scope (else 404) and calls the page's one service."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Status
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Pages, Schema
from shanzhi.core.inputs import Text

from .. import list_reads, queries
from ..access import keeper_district
from ..models import StandingList, SupervisionAction
from ..services import lists, supervision
from . import router

# --- the red and black lists ---------------------------------------------------------------------


class RulesIn(Schema):
    red_top_n: int
    red_min_score: Text
    black_bottom_n: int
    black_below: Text
    veto_black: bool = True


class RulesOut(Schema):
    red_top_n: int
    red_min_score: str
    black_bottom_n: int
    black_below: str
    veto_black: bool


class StandingEntryOut(Schema):
    company: str
    standing: str
    score: str | None
    reason: str


class StandingOut(Schema):
    id: int
    period: str
    status: str
    entries: list[StandingEntryOut]


def _rules_out(r):
    return RulesOut(
        red_top_n=r.red_top_n,
        red_min_score=str(r.red_min_score),
        black_bottom_n=r.black_bottom_n,
        black_below=str(r.black_below),
        veto_black=r.veto_black,
    )


def _standing_out(s):
    return StandingOut(
        id=s.pk,
        period=str(s.period),
        status=s.status,
        entries=[
            StandingEntryOut(
                company=e.company.name,
                standing=e.standing,
                score=None if e.score is None else str(e.score),
                reason=e.reason,
            )
            for e in s.entries.select_related("company")
        ],
    )


def _period(user, pk):
    period = queries.periods_for(user).filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


@router.get(
    "lists/rules", response={200: RulesOut, **ERRORS}, summary="红黑榜规则", url_name="property_list_rules"
)
def list_rules(request):
    district = keeper_district(request.auth, "property.propose_list")
    if district is None:
        raise PermissionDenied
    return _rules_out(lists.rules_for(district))


@router.post(
    "lists/rules",
    response={200: RulesOut, **ERRORS},
    summary="设置红黑榜规则",
    url_name="property_list_rules_set",
)
def list_rules_set(request, payload: RulesIn):
    district = keeper_district(request.auth, "property.propose_list")
    if district is None:
        raise PermissionDenied
    rules = lists.set_rules(district, **payload.dict(), by=request.auth)
    rules.refresh_from_db()
    return _rules_out(rules)


@router.post(
    "periods/{int:period_id}/lists",
    response={201: StandingOut, **ERRORS},
    summary="按规则生成半年红黑榜（提交街道审批）",
    url_name="property_list_propose",
)
def list_propose(request, period_id: int):
    period = _period(request.auth, period_id)
    if not permissions.has_role_for(request.auth, "property.propose_list"):
        raise PermissionDenied
    return Status(201, _standing_out(lists.propose(period, by=request.auth)))


@router.post(
    "lists/{int:list_id}/approve",
    response={200: StandingOut, **ERRORS},
    summary="街道审批红黑榜（审批后公开）",
    url_name="property_list_approve",
)
def list_approve(request, list_id: int):
    standing = StandingList.objects.filter(pk=list_id, period__in=queries.periods_for(request.auth)).first()
    if standing is None:
        raise Http404
    if not permissions.has_role_for(request.auth, "property.approve_list"):
        raise PermissionDenied
    return _standing_out(lists.approve(standing, by=request.auth))


# --- supervision ----------------------------------------------------------------------------------


class SupervisionActionIn(Schema):
    kind: Text
    reason: Text
    workdays: int | None = None


class SupervisionNoteIn(Schema):
    note: Text


class SupervisionEventOut(Schema):
    what: str
    note: str
    at: datetime.datetime


class ActionOut(Schema):
    id: int
    company: int
    kind: str
    reason: str
    status: str
    workdays: int | None
    deadline: datetime.datetime | None
    deadline_provisional: bool
    timeline: list[SupervisionEventOut]


def _action_out(a):
    return ActionOut(
        id=a.pk,
        company=a.company_id,
        kind=a.kind,
        reason=a.reason,
        status=a.status,
        workdays=a.workdays,
        deadline=a.deadline,
        deadline_provisional=a.deadline_provisional,
        timeline=[SupervisionEventOut(what=e.what, note=e.note, at=e.at) for e in a.timeline.all()],
    )


def _action(request, action_id):
    return permissions.get_visible_or_404(request.auth, SupervisionAction, pk=action_id)


@router.post(
    "companies/{int:company_id}/supervision",
    response={201: ActionOut, **ERRORS},
    summary="对企业采取监管措施（约谈、整改通知、退出程序）",
    url_name="property_supervise",
)
def supervise(request, company_id: int, payload: SupervisionActionIn):
    company = queries.company_for(request.auth, company_id)
    permissions.require(request.auth, "property.supervise", company)
    action = supervision.open_action(
        company, kind=payload.kind, reason=payload.reason, workdays_given=payload.workdays, by=request.auth
    )
    return Status(201, _action_out(action))


@router.get(
    "companies/{int:company_id}/supervision",
    response={200: list[ActionOut], **ERRORS},
    summary="企业的监管措施（企业本身、街道和区按范围可见）",
    url_name="property_company_supervision",
)
@paginate(Pages, prepare=lambda user, rows: [_action_out(a) for a in rows])
def supervision_list(request, company_id: int):
    company = queries.company_for(request.auth, company_id)  # out of scope: 404
    if not permissions.has_role_for(request.auth, "property.view_supervision"):
        raise PermissionDenied
    return list_reads.supervision_of(request.auth, company).prefetch_related("timeline")


@router.get(
    "supervision/{int:action_id}",
    response={200: ActionOut, **ERRORS},
    summary="监管措施与其记录",
    url_name="property_supervision",
)
def supervision_detail(request, action_id: int):
    return _action_out(_action(request, action_id))


@router.post(
    "supervision/{int:action_id}/notes",
    response={201: SupervisionEventOut, **ERRORS},
    summary="记录说明（企业：回复）",
    url_name="property_supervision_note",
)
def supervision_note(request, action_id: int, payload: SupervisionNoteIn):
    event = supervision.add_note(_action(request, action_id), note=payload.note, by=request.auth)
    return Status(201, SupervisionEventOut(what=event.what, note=event.note, at=event.at))


@router.post(
    "supervision/{int:action_id}/close",
    response={200: ActionOut, **ERRORS},
    summary="办结监管措施",
    url_name="property_supervision_close",
)
def supervision_close(request, action_id: int, payload: SupervisionNoteIn):
    action = supervision.close_action(_action(request, action_id), note=payload.note, by=request.auth)
    return _action_out(action)
