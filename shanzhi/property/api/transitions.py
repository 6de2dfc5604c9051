"""After a dismissal, and the virtual property market, over JSON: the same services and queries as
the pages (transitions, their checklist and fallback management; the public market; requests)."""

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Status

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import Text
from shanzhi.registry.models import Compound

from .. import queries
from ..services import market, transitions
from . import router


class HandoverItemOut(Schema):
    id: int
    kind: str
    handed_note: str
    handed_at: datetime.datetime | None
    confirmed_note: str
    confirmed_at: datetime.datetime | None


class TransitionEventOut(Schema):
    what: str
    note: str
    at: datetime.datetime


class TransitionOut(Schema):
    id: int
    compound: str
    company: str
    status: str
    next_kind: str
    new_company: str | None = None
    agreement_no: str = ""
    items: list[HandoverItemOut] = []
    timeline: list[TransitionEventOut] = []


class TransitionNoteIn(Schema):
    note: Text = ""


class ItemNoteIn(Schema):
    item: int
    note: Text


class TermsIn(Schema):
    starts_on: datetime.date
    ends_on: datetime.date
    fee_per_m2: Text
    level: Text


class FallbackIn(TermsIn):
    company: int
    agreement_no: Text


class RequestIn(TermsIn):
    compound: int
    company: int
    note: Text = ""


class ListingIn(Schema):
    listed: bool
    state_owned: bool = False
    fallback: bool = False
    intro: Text = ""


class ListingOut(Schema):
    company: int
    listed: bool
    state_owned: bool
    fallback: bool
    intro: str


class RequestOut(Schema):
    id: int
    compound: str
    company: str
    status: str
    transition: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    fee_per_m2: str
    level: str
    answer_note: str
    withdrawn_reason: str = ""


class WithdrawIn(Schema):
    reason: Text = ""


class MarketOut(Schema):
    company: int
    name: str
    state_owned: bool
    fallback: bool
    intro: str
    period: str | None
    score: str | None
    grade: str | None
    standing: str | None


def _transition_out(t, *, full=False):
    out = TransitionOut(
        id=t.pk,
        compound=t.compound.name,
        company=t.company.name,
        status=t.status,
        next_kind=t.next_kind,
        new_company=t.new_company.name if t.new_company_id else None,
        agreement_no=t.agreement_no,
    )
    if full:
        out.items = [
            HandoverItemOut(
                id=i.pk,
                kind=i.kind,
                handed_note=i.handed_note,
                handed_at=i.handed_at,
                confirmed_note=i.confirmed_note,
                confirmed_at=i.confirmed_at,
            )
            for i in t.items.all()
        ]
        out.timeline = [TransitionEventOut(what=e.what, note=e.note, at=e.at) for e in t.timeline.all()]
    return out


def _request_out(r):
    return RequestOut(
        id=r.pk,
        compound=r.compound.name,
        company=r.company.name,
        status=r.status,
        transition=r.transition_id,
        starts_on=r.starts_on,
        ends_on=r.ends_on,
        fee_per_m2=str(r.fee_per_m2),
        level=r.level,
        answer_note=r.answer_note,
        withdrawn_reason=r.withdrawn_reason,
    )


@router.get(
    "transitions",
    response={200: list[TransitionOut], **ERRORS},
    summary="解聘交接",
    url_name="property_transitions",
)
def list_transitions(request):
    if not permissions.has_role_for(request.auth, "property.view_transition"):
        raise PermissionDenied
    return [_transition_out(t) for t in queries.transitions_for(request.auth).order_by("-opened_at")[:200]]


@router.get(
    "transitions/{int:transition_id}",
    response={200: TransitionOut, **ERRORS},
    summary="解聘交接详情（移交清单与进程）",
    url_name="property_transition",
)
def get_transition(request, transition_id: int):
    return _transition_out(queries.transition_for(request.auth, transition_id), full=True)


@router.post(
    "transitions/{int:transition_id}/hand",
    response={200: TransitionOut, **ERRORS},
    summary="原物业标记已移交",
    url_name="property_transition_hand",
)
def hand(request, transition_id: int, payload: ItemNoteIn):
    t = queries.transition_for(request.auth, transition_id)
    transitions.mark_handed(t, payload.item, note=payload.note, by=request.auth)
    return _transition_out(queries.transition_for(request.auth, transition_id), full=True)


@router.post(
    "transitions/{int:transition_id}/confirm",
    response={200: TransitionOut, **ERRORS},
    summary="社区确认移交事项",
    url_name="property_transition_confirm",
)
def confirm(request, transition_id: int, payload: ItemNoteIn):
    t = queries.transition_for(request.auth, transition_id)
    transitions.confirm_item(t, payload.item, note=payload.note, by=request.auth)
    return _transition_out(queries.transition_for(request.auth, transition_id), full=True)


@router.post(
    "transitions/{int:transition_id}/fallback",
    response={200: TransitionOut, **ERRORS},
    summary="确定兜底物业",
    url_name="property_transition_fallback",
)
def fallback(request, transition_id: int, payload: FallbackIn):
    t = queries.transition_for(request.auth, transition_id)
    data = payload.dict(exclude={"company"})
    t = transitions.appoint_fallback(t, payload.company, **data, by=request.auth)
    return _transition_out(t, full=True)


@router.get(
    "market",
    response={200: list[MarketOut]},
    auth=None,
    summary="虚拟物业超市（公开）",
    url_name="property_market",
)
def market_list(request):
    return [
        MarketOut(
            company=li.company_id,
            name=li.company.name,
            state_owned=li.state_owned,
            fallback=li.fallback,
            intro=li.intro,
            period=str(ev.period) if ev else None,
            score=str(ev.score) if ev else None,
            grade=ev.grade if ev else None,
            standing=st.standing if st else None,
        )
        for li, ev, st in queries.market()
    ]


@router.get(
    "market/requests",
    response={200: list[RequestOut], **ERRORS},
    summary="选聘请求",
    url_name="property_market_requests",
)
def list_requests(request):
    if not permissions.has_role_for(request.auth, "property.view_market_request"):
        raise PermissionDenied
    rows = queries.market_requests_for(request.auth).order_by("-requested_at")[:200]
    return [_request_out(r) for r in rows]


@router.post(
    "market/requests",
    response={201: RequestOut, **ERRORS},
    summary="向物业超市企业发出选聘请求",
    url_name="property_market_request",
)
def create_request(request, payload: RequestIn):
    if not permissions.has_role_for(request.auth, "property.request_company"):
        raise PermissionDenied
    compound = Compound.objects.filter(pk=payload.compound).select_related("community").first()
    if compound is None:
        raise DomainError("请选择小区。", field="compound")
    data = payload.dict(exclude={"compound", "company"})
    req = market.request_company(compound, payload.company, **data, by=request.auth)
    return Status(201, _request_out(req))


@router.post(
    "market/requests/{int:request_id}/accept",
    response={200: RequestOut, **ERRORS},
    summary="企业接受选聘（登记服务合同）",
    url_name="property_market_accept",
)
def accept(request, request_id: int, payload: TransitionNoteIn):
    req = queries.market_request_for(request.auth, request_id)
    return _request_out(market.accept(req, note=payload.note, by=request.auth))


@router.post(
    "market/requests/{int:request_id}/decline",
    response={200: RequestOut, **ERRORS},
    summary="企业谢绝选聘",
    url_name="property_market_decline",
)
def decline(request, request_id: int, payload: TransitionNoteIn):
    req = queries.market_request_for(request.auth, request_id)
    return _request_out(market.decline(req, note=payload.note, by=request.auth))


@router.post(
    "market/requests/{int:request_id}/withdraw",
    response={200: RequestOut, **ERRORS},
    summary="社区撤回待答复的选聘请求",
    url_name="property_market_withdraw",
)
def withdraw(request, request_id: int, payload: WithdrawIn):
    req = queries.market_request_for(request.auth, request_id)
    return _request_out(market.withdraw(req, reason=payload.reason, by=request.auth))


@router.post(
    "market/listings/{int:company_id}",
    response={200: ListingOut, **ERRORS},
    summary="物业超市入驻审核（区）",
    url_name="property_market_listing",
)
def set_listing(request, company_id: int, payload: ListingIn):
    company = queries.company_for(request.auth, company_id)
    li = market.set_listing(company, **payload.dict(), by=request.auth)
    return ListingOut(
        company=li.company_id,
        listed=li.listed,
        state_owned=li.state_owned,
        fallback=li.fallback,
        intro=li.intro,
    )
