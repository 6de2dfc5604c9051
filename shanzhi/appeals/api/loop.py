"""The closed loop's additions of issue 13 in the JSON API: the contact phone revealed for a
reason (§6), and the moves that carry evidence photos as multipart besides ``resolve``: 就地解决
(§8) and a department's 完成承办 (§5). Each calls the same service as the page."""

from django.http import HttpResponse
from ninja import Field, File, Form, Router, Status, UploadedFile

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Schema

from ..models import Appeal, Summons
from ..services import contact, moveforms
from . import _check_count
from .shapes import AppealDetailOut, detail_out

router = Router(tags=["appeals"])


class ContactRevealIn(Schema):
    reason: str = Field(description="查看原因（至少 4 个字，记入审计日志）")


class ContactRevealOut(Schema):
    contact_phone: str


@router.post(
    "/{number}/contact-phone/reveal",
    response={200: ContactRevealOut, **ERRORS},
    url_name="appeals_contact_reveal",
    summary="查看居民留下的完整联系电话（须写明原因，记入审计）",
)
def reveal_contact(request, number: str, payload: ContactRevealIn, response: HttpResponse):
    appeal = permissions.get_visible_or_404(request.auth, Appeal, number=number)
    value = contact.reveal_contact_phone(appeal, by=request.auth, reason=payload.reason, request=request)
    response["Cache-Control"] = "no-store"
    return {"contact_phone": value}


class ResultIn(Schema):
    version: int = Field(description="客户端看到的版本号；过期则 409")
    result: str | None = None


@router.post(
    "/{number}/self_handle/multipart",
    response={200: AppealDetailOut, **ERRORS},
    url_name="appeals_self_handle_multipart",
    summary="网格员就地解决本人巡查发现的问题并附佐证照片（multipart：version、result、photos）",
)
def self_handle_multipart(
    request, number: str, payload: Form[ResultIn], photos: File[list[UploadedFile]] = None
):
    user = request.auth
    appeal = permissions.get_visible_or_404(user, Appeal, number=number)
    files = _check_count(photos or [])
    moveforms.call(
        "self_handle", appeal, user, moveforms.Params({"result": payload.result}), files, payload.version
    )
    return Status(200, detail_out(user, permissions.get_visible_or_404(user, Appeal, pk=appeal.pk)))


@router.post(
    "/summons/{summons_id}/finish_part/multipart",
    response={200: AppealDetailOut, **ERRORS},
    url_name="appeals_summons_finish_part_multipart",
    summary="部门完成承办部分并附照片（multipart：version、result、photos）",
)
def finish_part_multipart(
    request, summons_id: int, payload: Form[ResultIn], photos: File[list[UploadedFile]] = None
):
    user = request.auth
    summons = permissions.get_visible_or_404(user, Summons, pk=summons_id)
    files = _check_count(photos or [])
    moveforms.SUMMONS_CALLS["finish_part"](
        summons, user, moveforms.Params({"result": payload.result}), payload.version, files
    )
    return Status(200, detail_out(user, permissions.get_visible_or_404(user, Appeal, pk=summons.appeal_id)))
