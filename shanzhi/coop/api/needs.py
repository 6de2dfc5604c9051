"""Needs over the API: the list, one need, registering, publishing, claiming, suggestions, editing
and withdrawing. An edit sends back the ``version`` it read; without it the answer is 400, and if
someone saved in between, 409."""

from ninja import Router
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages
from shanzhi.registry.models import Household

from .. import queries, services
from ..models import Need
from .schemas import (
    ClaimIn,
    ClaimOut,
    MatchOut,
    NeedEditIn,
    NeedIn,
    NeedOut,
    NeedWithdrawIn,
    claim_out,
    community_or_404,
    need_out,
)

router = Router(tags=["coop"])


@router.get("needs", response=list[NeedOut], summary="需求清单（我能看到的）", url_name="coop_list_needs")
@paginate(Pages)
def list_needs(request, status: str = "", category: str = ""):
    qs = permissions.visible(request.auth, Need).select_related("community", "household__building__compound")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return [need_out(request.auth, n) for n in qs[:1000]]


@router.get("needs/{int:need_id}", response={200: NeedOut, 404: ErrorOut}, url_name="coop_get_need")
def get_need(request, need_id: int):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    return need_out(request.auth, need, detail=True)


@router.post(
    "needs",
    response={200: NeedOut, **ERRORS},
    summary="登记需求（居民自报、入户走访、网络征询）",
    url_name="coop_submit_need",
)
def submit_need(request, payload: NeedIn):
    user = request.auth
    household = community = None
    if payload.scope == "common":
        community = community_or_404(user, payload.community, "coop.manage_lists")
    elif payload.household:
        household = permissions.get_visible_or_404(user, Household, "coop.collect_need", pk=payload.household)
    need = services.submit_need(
        by=user,
        title=payload.title,
        category=payload.category,
        source=payload.source,
        scope=payload.scope,
        household=household,
        community=community,
        description=payload.description,
        slots=payload.slots,
        weekdays=payload.weekdays,
        time_from=payload.time_from,
        time_to=payload.time_to,
        place=payload.place,
    )
    return need_out(user, need, detail=True)


@router.post(
    "needs/{int:need_id}/publish",
    response={200: NeedOut, **ERRORS},
    summary="审核发布需求",
    url_name="coop_publish_need",
)
def publish_need(request, need_id: int):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    return need_out(request.auth, services.publish_need(need, by=request.auth), detail=True)


@router.post(
    "needs/{int:need_id}/claim",
    response={200: ClaimOut, **ERRORS},
    summary="线上认领（接单）",
    url_name="coop_claim_need",
)
def claim_need(request, need_id: int, payload: ClaimIn):
    user = request.auth
    need = permissions.get_visible_or_404(user, Need, pk=need_id)
    claim = services.claim_need(need, by=user, as_member=payload.as_ == "member", note=payload.note)
    return claim_out(claim, user)


@router.get(
    "needs/{int:need_id}/suggestions",
    response={200: list[MatchOut], **ERRORS},
    summary="按类别、地点、时间建议对接的资源",
    url_name="coop_suggestions",
)
def suggestions(request, need_id: int):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    return [
        MatchOut(id=m.item.pk, title=m.item.title, score=m.score, reasons=[str(r) for r in m.reasons])
        for m in queries.suggest_resources(request.auth, need)
    ]


@router.put(
    "needs/{int:need_id}",
    response={200: NeedOut, **ERRORS},
    summary="修改需求（登记人或社区；带回读取时的 version）",
    url_name="coop_update_need",
)
def update_need(request, need_id: int, payload: NeedEditIn):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    p = payload
    need = services.update_need(
        need,
        by=request.auth,
        version=p.version,
        title=p.title,
        category=p.category,
        description=p.description,
        weekdays=p.weekdays,
        time_from=p.time_from,
        time_to=p.time_to,
        place=p.place,
        slots=p.slots,
    )
    return need_out(request.auth, need, detail=True)


@router.post(
    "needs/{int:need_id}/withdraw",
    response={200: NeedOut, **ERRORS},
    summary="撤销需求（登记人或社区；已有人认领时不能撤销）",
    url_name="coop_withdraw_need",
)
def withdraw_need(request, need_id: int, payload: NeedWithdrawIn):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    need = services.cancel_need(need, by=request.auth, reason=payload.reason)
    return need_out(request.auth, need, detail=True)
