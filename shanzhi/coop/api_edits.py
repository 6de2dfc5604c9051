"""Editing and withdrawing resources and needs over the API: the same services as the item pages.

An edit sends back the ``version`` it read; if someone saved in between, the answer is 409.
"""

from ninja import Field, Schema

from shanzhi.accounts import permissions

from . import services
from .api import ERRORS, NeedOut, ResourceOut, _need_out, _resource_out, router
from .models import Need, Resource


class ResourceEditIn(Schema):
    version: int | None = None
    title: str = ""
    category: str = ""
    kind: str = ""
    description: str = ""
    capacity: int | None = None
    weekdays: str = "1111111"
    time_from: str | None = None
    time_to: str | None = None
    times_note: str = ""
    place: str = ""
    contact_name: str = ""
    contact_phone: str = Field("", description="留空则保留原号码")
    price_note: str = ""


class ResourceWithdrawIn(Schema):
    cancel_open: bool = Field(False, description="同时取消尚未开始服务的点单（须写明原因）")
    reason: str = ""


class NeedEditIn(Schema):
    version: int | None = None
    title: str = ""
    category: str = ""
    description: str = ""
    weekdays: str = "1111111"
    time_from: str | None = None
    time_to: str | None = None
    place: str = ""
    slots: int = 1


class NeedWithdrawIn(Schema):
    reason: str = ""


@router.put(
    "resources/{int:resource_id}",
    response={200: ResourceOut, **ERRORS},
    summary="修改资源",
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
    return _resource_out(resource)


@router.post(
    "resources/{int:resource_id}/withdraw",
    response={200: ResourceOut, **ERRORS},
    summary="下架资源（有未开始的点单时须明确取消）",
    url_name="coop_withdraw_resource",
)
def withdraw_resource(request, resource_id: int, payload: ResourceWithdrawIn):
    resource = permissions.get_visible_or_404(request.auth, Resource, pk=resource_id)
    return _resource_out(
        services.withdraw_resource(
            resource, by=request.auth, cancel_open=payload.cancel_open, reason=payload.reason
        )
    )


@router.put(
    "needs/{int:need_id}",
    response={200: NeedOut, **ERRORS},
    summary="修改需求（登记人或社区）",
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
    return _need_out(request.auth, need)


@router.post(
    "needs/{int:need_id}/withdraw",
    response={200: NeedOut, **ERRORS},
    summary="撤销需求（登记人或社区；已有人认领时不能撤销）",
    url_name="coop_withdraw_need",
)
def withdraw_need(request, need_id: int, payload: NeedWithdrawIn):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    return _need_out(request.auth, services.cancel_need(need, by=request.auth, reason=payload.reason))
