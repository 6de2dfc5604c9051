"""Orders and claims over the API: each with its timeline and the actions its user may take now,
moved by verb (``orders/{id}/{verb}``, ``claims/{id}/{verb}``) through the same services as the pages."""

from django.http import Http404
from ninja import Router

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut

from .. import services
from ..models import Claim, Order
from .schemas import ActionIn, ClaimOut, OrderOut, claim_out, order_out

router = Router(tags=["coop"])

ORDER_VERBS = {
    "accept": lambda o, u, p: services.accept_order(o, by=u, note=p.note),
    "reject": lambda o, u, p: services.reject_order(o, by=u, reason=p.reason),
    "start": lambda o, u, p: services.start_order(o, by=u, note=p.note),
    "finish": lambda o, u, p: services.finish_order(o, by=u, note=p.note),
    "cancel": lambda o, u, p: services.cancel_order(o, by=u, reason=p.reason),
    "rate": lambda o, u, p: services.rate_order(o, by=u, stars=p.stars, comment=p.comment),
}
CLAIM_VERBS = {
    "schedule": lambda c, u, p: services.schedule_visit(c, by=u, starts_at=p.starts_at, ends_at=p.ends_at),
    "start": lambda c, u, p: services.start_claim(c, by=u, note=p.note),
    "finish": lambda c, u, p: services.finish_claim(c, by=u, result=p.result),
    "withdraw": lambda c, u, p: services.withdraw_claim(c, by=u, reason=p.reason),
    "rate": lambda c, u, p: services.rate_claim(c, by=u, stars=p.stars, comment=p.comment),
}


@router.get(
    "orders/{int:order_id}",
    response={200: OrderOut, 404: ErrorOut},
    summary="点单及其进展",
    url_name="coop_get_order",
)
def get_order(request, order_id: int):
    return order_out(permissions.get_visible_or_404(request.auth, Order, pk=order_id), request.auth)


@router.post(
    "orders/{int:order_id}/{verb}",
    response={200: OrderOut, **ERRORS},
    summary="点单流转：accept / reject / start / finish / cancel / rate",
    url_name="coop_order_action",
)
def order_action(request, order_id: int, verb: str, payload: ActionIn):
    order_ = permissions.get_visible_or_404(request.auth, Order, pk=order_id)
    if verb not in ORDER_VERBS:
        raise Http404
    ORDER_VERBS[verb](order_, request.auth, payload)
    return order_out(Order.objects.get(pk=order_id), request.auth)


@router.get(
    "claims/{int:claim_id}",
    response={200: ClaimOut, 404: ErrorOut},
    summary="认领及其进展",
    url_name="coop_get_claim",
)
def get_claim(request, claim_id: int):
    return claim_out(permissions.get_visible_or_404(request.auth, Claim, pk=claim_id), request.auth)


@router.post(
    "claims/{int:claim_id}/{verb}",
    response={200: ClaimOut, **ERRORS},
    summary="认领流转：schedule / start / finish / withdraw / rate",
    url_name="coop_claim_action",
)
def claim_action(request, claim_id: int, verb: str, payload: ActionIn):
    claim = permissions.get_visible_or_404(request.auth, Claim, pk=claim_id)
    if verb not in CLAIM_VERBS:
        raise Http404
    CLAIM_VERBS[verb](claim, request.auth, payload)
    return claim_out(Claim.objects.get(pk=claim_id), request.auth)
