"""Resources over the API: the list, one resource, publishing, editing, withdrawing, and ordering one."""

from ninja import Router
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages

from .. import services
from ..models import Resource
from .schemas import (
    OrderIn,
    OrderOut,
    ResourceEditIn,
    ResourceIn,
    ResourceOut,
    ResourceWithdrawIn,
    community_or_404,
    order_out,
    resource_out,
)

router = Router(tags=["coop"])


@router.get(
    "resources", response=list[ResourceOut], summary="资源清单（我能看到的）", url_name="coop_list_resources"
)
@paginate(Pages)
def list_resources(request, category: str = "", kind: str = ""):
    qs = permissions.visible(request.auth, Resource).select_related("community")
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    return [resource_out(r) for r in qs[:1000]]


@router.get(
    "resources/{int:resource_id}", response={200: ResourceOut, 404: ErrorOut}, url_name="coop_get_resource"
)
def get_resource(request, resource_id: int):
    return resource_out(permissions.get_visible_or_404(request.auth, Resource, pk=resource_id), request.auth)


@router.post(
    "resources",
    response={200: ResourceOut, **ERRORS},
    summary="支部制单：发布一项资源（商户/团队等）",
    url_name="coop_create_resource",
)
def create_resource(request, payload: ResourceIn):
    community = community_or_404(request.auth, payload.community, "coop.manage_lists")
    r = services.create_resource(
        community=community,
        title=payload.title,
        category=payload.category,
        kind=payload.kind,
        provider_kind=payload.provider_kind,
        provider_name=payload.provider_name,
        capacity=payload.capacity,
        weekdays=payload.weekdays,
        time_from=payload.time_from,
        time_to=payload.time_to,
        place=payload.place,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        price_note=payload.price_note,
        description=payload.description,
        by=request.auth,
        publish=True,
    )
    return resource_out(r, request.auth)


@router.post(
    "resources/{int:resource_id}/order",
    response={200: OrderOut, **ERRORS},
    summary="群众点单",
    url_name="coop_order",
)
def order(request, resource_id: int, payload: OrderIn):
    resource = permissions.get_visible_or_404(request.auth, Resource, pk=resource_id)
    placed = services.place_order(resource, by=request.auth, note=payload.note, wanted_on=payload.wanted_on)
    return order_out(placed, request.auth)


@router.put(
    "resources/{int:resource_id}",
    response={200: ResourceOut, **ERRORS},
    summary="修改资源（带回读取时的 version）",
    url_name="coop_update_resource",
)
def update_resource(request, resource_id: int, payload: ResourceEditIn):
    resource = permissions.get_visible_or_404(request.auth, Resource, pk=resource_id)
    p = payload
    resource = services.update_resource(
        resource,
        by=request.auth,
        version=p.version,
        title=p.title,
        category=p.category,
        kind=p.kind,
        description=p.description,
        capacity=p.capacity,
        weekdays=p.weekdays,
        time_from=p.time_from,
        time_to=p.time_to,
        times_note=p.times_note,
        place=p.place,
        contact_name=p.contact_name,
        contact_phone=p.contact_phone,
        price_note=p.price_note,
    )
    return resource_out(resource, request.auth)


@router.post(
    "resources/{int:resource_id}/withdraw",
    response={200: ResourceOut, **ERRORS},
    summary="下架资源（有未开始的点单时须明确取消）",
    url_name="coop_withdraw_resource",
)
def withdraw_resource(request, resource_id: int, payload: ResourceWithdrawIn):
    resource = permissions.get_visible_or_404(request.auth, Resource, pk=resource_id)
    resource = services.withdraw_resource(
        resource, by=request.auth, cancel_open=payload.cancel_open, reason=payload.reason
    )
    return resource_out(resource, request.auth)
