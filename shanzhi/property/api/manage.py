"""Keeping red property over JSON: a company's record, contacts and contracts; scheme versions
(items, indicators, publishing, the next version); opening a period; the red and black lists'
rules, proposal and approval; supervision (open, note or reply, close). Each endpoint parses,
finds the object in the caller's scope (else 404), calls the one service the page calls and
answers a schema; the service checks the permission (403) and the input (400 naming the field)."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import MAX_ID, Text
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import Compound

from .. import queries, services
from ..access import keeper_district
from ..models import SchemeItem, StandingList, SupervisionAction
from ..services import lists, supervision
from . import router
from .evaluation import (
    CompanyOut,
    ContactOut,
    ContractOut,
    IndicatorOut,
    ItemOut,
    VersionOut,
    _company_out,
    scheme_version,
)

# A row's id in a body: bounded, so an overlong number is a 400 naming the field, not a database error.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# --- companies ------------------------------------------------------------------------------------


class CompanyIn(Schema):
    credit_code: Text
    licence_no: Text = ""
    party_org: Id | None = None


class ContactIn(Schema):
    name: Text
    title: Text = ""
    phone: Text = ""


class ContractIn(Schema):
    compound: Id
    starts_on: Text
    ends_on: Text
    fee_per_m2: Text  # an exact decimal as text ("2.50"), never a float
    level: Text


def _keeping(request, company_id):
    company = queries.company_for(request.auth, company_id)  # out of scope: 404
    permissions.require(request.auth, "property.manage_company", company)
    return company


@router.post(
    "companies/{int:company_id}/record",
    response={200: CompanyOut, **ERRORS},
    summary="修改企业档案（信用代码、执照、党组织）",
    url_name="property_company_edit",
)
def company_edit(request, company_id: int, payload: CompanyIn):
    company = _keeping(request, company_id)
    services.update_company(company, **payload.dict(), by=request.auth)
    return _company_out(queries.company_for(request.auth, company_id), detail=True)


@router.post(
    "companies/{int:company_id}/contacts",
    response={201: ContactOut, **ERRORS},
    summary="添加企业联系人",
    url_name="property_company_contact",
)
def company_contact(request, company_id: int, payload: ContactIn):
    c = services.add_contact(_keeping(request, company_id), **payload.dict(), by=request.auth)
    return Status(201, ContactOut(name=c.name, title=c.title, phone=mask_phone(c.phone)))


@router.post(
    "companies/{int:company_id}/contracts",
    response={201: ContractOut, **ERRORS},
    summary="登记服务合同",
    url_name="property_company_contract",
)
def company_contract(request, company_id: int, payload: ContractIn):
    company = _keeping(request, company_id)
    compound = Compound.objects.filter(pk=payload.compound).select_related("community").first()
    k = services.add_contract(company, compound, **payload.dict(exclude={"compound"}), by=request.auth)
    return Status(
        201,
        ContractOut(
            compound=k.compound.name,
            starts_on=k.starts_on,
            ends_on=k.ends_on,
            fee_per_m2=str(k.fee_per_m2),
            level=k.level,
        ),
    )


# --- schemes --------------------------------------------------------------------------------------


class ItemIn(Schema):
    name: Text
    weight: Text = "1"


class IndicatorIn(Schema):
    item: Id
    name: Text
    rule: Text
    source: Text
    max_points: Text = "0"
    deduction: Text = "0"
    floor: Text = "0"


class NextVersionIn(Schema):
    effective_from: Text


def _scheme_keeping(request, version_id):
    version = queries.version_for(request.auth, version_id)  # another district's: 404
    permissions.require(request.auth, "property.manage_scheme", version.scheme)
    return version


@router.post(
    "schemes/versions/{int:version_id}/items",
    response={201: ItemOut, **ERRORS},
    summary="草稿版本：添加考核项目",
    url_name="property_version_item",
)
def version_item(request, version_id: int, payload: ItemIn):
    version = _scheme_keeping(request, version_id)
    item = services.add_item(version, **payload.dict(), by=request.auth)
    item.refresh_from_db()  # the decimals as stored (and as every read answers them)
    return Status(201, ItemOut(id=item.pk, name=item.name, weight=str(item.weight), indicators=[]))


@router.post(
    "schemes/versions/{int:version_id}/indicators",
    response={201: IndicatorOut, **ERRORS},
    summary="草稿版本：添加考核指标",
    url_name="property_version_indicator",
)
def version_indicator(request, version_id: int, payload: IndicatorIn):
    version = _scheme_keeping(request, version_id)
    item = SchemeItem.objects.filter(pk=payload.item, version=version).first()
    if item is None:
        raise DomainError(_("请选择考核项目。"), field="item")
    n = services.add_indicator(item, **payload.dict(exclude={"item"}), by=request.auth)
    n.refresh_from_db()
    return Status(
        201,
        IndicatorOut(
            id=n.pk,
            name=n.name,
            rule=n.rule,
            source=n.source,
            max_points=str(n.max_points),
            deduction=str(n.deduction),
            floor=str(n.floor),
        ),
    )


@router.post(
    "schemes/versions/{int:version_id}/publish",
    response={200: VersionOut, **ERRORS},
    summary="发布方案版本（此后不能修改）",
    url_name="property_version_publish",
)
def version_publish(request, version_id: int):
    services.publish(_scheme_keeping(request, version_id), by=request.auth)
    return scheme_version(request, version_id)


@router.post(
    "schemes/versions/{int:version_id}/next",
    response={201: VersionOut, **ERRORS},
    summary="修改已发布方案：复制为新的草稿版本",
    url_name="property_version_new",
)
def version_new(request, version_id: int, payload: NextVersionIn):
    version = _scheme_keeping(request, version_id)
    new = services.new_version(version.scheme, effective_from=payload.effective_from, by=request.auth)
    return Status(201, scheme_version(request, new.pk))


# --- periods --------------------------------------------------------------------------------------


class PeriodIn(Schema):
    kind: Text
    starts_on: Text


class PeriodOut(Schema):
    id: int
    name: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date


def _period_out(p):
    return PeriodOut(id=p.pk, name=str(p), kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on)


@router.get(
    "periods", response={200: list[PeriodOut], **ERRORS}, summary="考核周期", url_name="property_periods"
)
def periods(request):
    if not permissions.has_role_for(request.auth, "property.view_evaluation"):
        raise PermissionDenied
    return [_period_out(p) for p in queries.periods_for(request.auth).order_by("-starts_on", "kind")[:100]]


@router.post(
    "periods",
    response={201: PeriodOut, **ERRORS},
    summary="新建考核周期（季度或半年）",
    url_name="property_period_new",
)
def period_new(request, payload: PeriodIn):
    district = keeper_district(request.auth, "property.run_evaluation")
    if district is None:
        raise PermissionDenied
    period = services.open_period(district, **payload.dict(), by=request.auth, new=True)
    return Status(201, _period_out(period))


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


class ActionIn(Schema):
    kind: Text
    reason: Text
    workdays: int | None = None


class NoteIn(Schema):
    note: Text


class EventOut(Schema):
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
    timeline: list[EventOut]


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
        timeline=[EventOut(what=e.what, note=e.note, at=e.at) for e in a.timeline.all()],
    )


def _action(request, action_id):
    return permissions.get_visible_or_404(request.auth, SupervisionAction, pk=action_id)


@router.post(
    "companies/{int:company_id}/supervision",
    response={201: ActionOut, **ERRORS},
    summary="对企业采取监管措施（约谈、整改通知、退出程序）",
    url_name="property_supervise",
)
def supervise(request, company_id: int, payload: ActionIn):
    company = queries.company_for(request.auth, company_id)
    permissions.require(request.auth, "property.supervise", company)
    action = supervision.open_action(
        company, kind=payload.kind, reason=payload.reason, workdays_given=payload.workdays, by=request.auth
    )
    return Status(201, _action_out(action))


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
    response={201: EventOut, **ERRORS},
    summary="记录说明（企业：回复）",
    url_name="property_supervision_note",
)
def supervision_note(request, action_id: int, payload: NoteIn):
    event = supervision.add_note(_action(request, action_id), note=payload.note, by=request.auth)
    return Status(201, EventOut(what=event.what, note=event.note, at=event.at))


@router.post(
    "supervision/{int:action_id}/close",
    response={200: ActionOut, **ERRORS},
    summary="办结监管措施",
    url_name="property_supervision_close",
)
def supervision_close(request, action_id: int, payload: NoteIn):
    action = supervision.close_action(_action(request, action_id), note=payload.note, by=request.auth)
    return _action_out(action)
