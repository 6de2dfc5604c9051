"""The appeals JSON API (/api/v1/appeals/): the pages' reads and the same service calls.

Submit takes an ``Idempotency-Key`` header (a retry returns the first appeal, 200 instead of 201).
Photos travel as multipart: ``POST /multipart`` (the same fields as form fields, plus up to six
``photos``) and ``POST /{number}/resolve/multipart`` (evidence with the result); they are checked
and re-encoded exactly as on the pages, and listed by URL in the detail (served by the
permission-checked photo view). Every move is one POST carrying the ``version`` the client saw; a stale one is 409 with what
changed (the project's DomainError handler uses the error's status).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages, Schema, as_is
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import Text

from .. import queries, refs, services
from ..models import DESCRIPTION_MAX_LENGTH, Appeal, Summons
from ..services import actions as action_rules
from ..services import choices, moveforms
from ..services import photos as photo_rules
from .shapes import AppealDetailOut, AppealOut, appeals_out, detail_out, receipt_out

router = Router(tags=["appeals"])


class SubmitIn(Schema):
    channel: str = "web"
    title: str | None = None
    description: str | None = Field(
        None, description=f"诉求内容（最多 {DESCRIPTION_MAX_LENGTH} 字，超出则 400，field 为 description）"
    )
    category: str | None = Field(None, description="分类编码")
    lng: float | None = None
    lat: float | None = None
    building_id: int | None = Field(
        None,
        description="楼栋 id：辖区内的楼栋；物业企业人员为本企业服务小区的楼栋（物业投诉须选择）",
    )
    node_id: int | None = Field(
        None,
        description="无地图点时所属社区或网格的 id（工作人员代为登记）；只选社区则由社区派单；与地图点/楼栋不一致时拒绝",
    )
    # Stated in the document, refused when longer (never cut): the same limits as intake's.
    address: Text = Field(
        "",
        max_length=200,
        description="地址；无地图点、楼栋和社区时据此在台账中定位，定位不到则转区、街道“待定位”，不拒收",
    )
    contact_name: Text = Field("", max_length=50)
    contact_phone: str = ""


class MoveIn(Schema):
    version: int | None = Field(None, description="客户端看到的版本号（必填；缺少则 400，过期则 409）")
    note: str | None = None
    note_public: bool | None = Field(None, description="备注是否告知居民（默认内部）")
    reason: str | None = None
    result: str | None = None
    rating: str | None = Field(None, description="回访/评价：满意度 satisfied / basic / unsatisfied")
    solved: str | None = Field(None, description="回访/评价：是否解决 solved / partly / unsolved")
    outcome: str | None = Field(None, description="回访：unreachable 表示本次联系不上（记一次尝试）")
    kind: str | None = Field(None, description="不予受理：无效诉求类型编码（受理后不予受理时必填）")
    to: str | None = Field(None, description="user:ID / node:ID / department:ID / company:ID / pool")
    category: int | None = None
    lead: int | None = None
    assisting: list[int] = []
    within_workdays: int | None = None
    due_days: int | None = None
    into: str | None = Field(None, description="并案的主诉求编号")
    days: int | None = None
    request: int | None = Field(None, description="延期/缓办申请的 id")
    approve: bool | None = None
    lng: float | None = Field(None, description="定位：地图点经度")
    lat: float | None = Field(None, description="定位：地图点纬度")
    node: int | None = Field(None, description="定位：所属社区或网格的 id")
    building: int | None = Field(None, description="定位：楼栋 id")


def _check_count(files):
    if len(files) > photo_rules.MAX_PER_STAGE:
        raise DomainError(_("最多上传 %(n)d 张照片。") % {"n": photo_rules.MAX_PER_STAGE}, field="photos")
    return files


def _submit(request, payload, files):
    user = request.auth
    _check_count(files)
    category = refs.active_by_code(payload.category)
    key = request.headers.get("Idempotency-Key", "")
    building = choices.chosen_again(choices.chosen_building, user, payload.building_id, "building_id", key)
    node = choices.chosen_again(choices.chosen_node, user, payload.node_id, "node_id", key)
    try:
        appeal = services.submit(
            by=user,
            channel=payload.channel,
            title=payload.title,
            description=payload.description,
            category=category,
            lng=payload.lng,
            lat=payload.lat,
            building=building,
            node=node,
            address=payload.address,
            contact_name=payload.contact_name,
            contact_phone=payload.contact_phone,
            photos_in=files,
            idempotency_key=key,
        )
    except DomainError as exc:
        exc.field = {"node": "node_id", "building": "building_id"}.get(exc.field, exc.field)
        raise
    status = 200 if appeal.is_replay else 201
    # One question to the permission module about the appeal, whose answer the whole response uses.
    # Each branch's body is in AppealDetailOut's shape already (tested branch by branch), and is
    # written as is: validating it against the schema cost as much as building it (issue 11).
    reach = permissions.Reach(user, appeal)
    if not reach.sees():
        return as_is(receipt_out(appeal), status)
    if appeal.is_replay:  # the first submission's appeal, as it is now
        return as_is(detail_out(user, permissions.get_visible_or_404(user, Appeal, pk=appeal.pk)), status)
    return as_is(detail_out(user, appeal, reach=reach, fresh=True), status)


@router.post(
    "/",
    response={200: AppealDetailOut, 201: AppealDetailOut, **ERRORS},
    url_name="appeals_submit",
    summary="提交诉求（Idempotency-Key 请求头：重试返回同一诉求）",
)
def submit(request, payload: SubmitIn):
    return _submit(request, payload, [])


# Registered before "/{number}" so that this path is not read as an appeal number.
@router.post(
    "/multipart",
    response={200: AppealDetailOut, 201: AppealDetailOut, **ERRORS},
    url_name="appeals_submit_multipart",
    summary="提交诉求并附照片（multipart/form-data：字段同上，photos 最多 6 张 JPEG/PNG/WebP）",
)
def submit_multipart(request, payload: Form[SubmitIn], photos: File[list[UploadedFile]] = None):
    return _submit(request, payload, photos or [])


class ListFilter(Schema):
    bucket: str = Field("all", description="mine / to_accept / to_dispatch / pool / overdue / supervised / …")
    status: str | None = None
    category: str | None = None


@router.get("/", response=list[AppealOut], url_name="appeals_list", summary="诉求列表（按角色与辖区）")
@paginate(Pages, prepare=appeals_out)
def list_appeals(request, filters: Query[ListFilter]):
    bucket = filters.bucket if filters.bucket in queries.BUCKETS else None
    if bucket is None:
        raise DomainError("未知的列表。", field="bucket")
    rows = queries.worklist(request.auth, bucket)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category__code=filters.category)
    return rows.select_related(
        "assignee_user", "assignee_node", "assignee_department", "assignee_company", "invalid_kind"
    )


@router.get(
    "/{number}",
    response={200: AppealDetailOut, 404: ErrorOut},
    url_name="appeals_detail",
    summary="诉求详情与办理记录",
)
def detail(request, number: str):
    return detail_out(request.auth, permissions.get_visible_or_404(request.auth, Appeal, number=number))


def _params(payload):
    data = payload.dict(exclude_none=True)
    if "approve" in data:
        data["decision"] = "approve" if data.pop("approve") else "reject"
    return moveforms.Params(data)


def _move_endpoint(verb):
    def move(request, number: str, payload: MoveIn):
        user = request.auth
        appeal = permissions.get_visible_or_404(user, Appeal, number=number)
        moveforms.call(verb, appeal, user, _params(payload), [], payload.version)
        appeal = permissions.visible(user, Appeal).filter(pk=appeal.pk).first()
        if appeal is None:  # e.g. a department that finished its part no longer sees it
            raise Http404
        return Status(200, detail_out(user, appeal))

    move.__name__ = f"move_{verb}"
    return move


MOVE_VERBS = [v for v in action_rules.APPEAL_VERBS if v != "add_photo"]  # photos: multipart on the page
for _verb in MOVE_VERBS:
    router.post(
        f"/{{number}}/{_verb}",
        response={200: AppealDetailOut, **ERRORS},
        url_name=f"appeals_{_verb}",
        summary=str(services.base.VERB_LABEL[_verb]),
    )(_move_endpoint(_verb))


class ResolveIn(Schema):
    version: int = Field(description="客户端看到的版本号；过期则 409")
    result: str | None = None


@router.post(
    "/{number}/resolve/multipart",
    response={200: AppealDetailOut, **ERRORS},
    url_name="appeals_resolve_multipart",
    summary="办结并附佐证照片（multipart/form-data：version、result，photos 最多 6 张）",
)
def resolve_multipart(
    request, number: str, payload: Form[ResolveIn], photos: File[list[UploadedFile]] = None
):
    user = request.auth
    appeal = permissions.get_visible_or_404(user, Appeal, number=number)
    files = _check_count(photos or [])
    moveforms.call(
        "resolve", appeal, user, moveforms.Params({"result": payload.result}), files, payload.version
    )
    return Status(200, detail_out(user, permissions.get_visible_or_404(user, Appeal, pk=appeal.pk)))


def _summons_endpoint(verb):
    def move(request, summons_id: int, payload: MoveIn):
        user = request.auth
        summons = permissions.get_visible_or_404(user, Summons, pk=summons_id)
        moveforms.SUMMONS_CALLS[verb](summons, user, _params(payload), payload.version, [])
        appeal = permissions.get_visible_or_404(user, Appeal, pk=summons.appeal_id)
        return Status(200, detail_out(user, appeal))

    move.__name__ = f"summons_{verb}"
    return move


for _verb in moveforms.SUMMONS_CALLS:
    router.post(
        f"/summons/{{summons_id}}/{_verb}",
        response={200: AppealDetailOut, **ERRORS},
        url_name=f"appeals_summons_{_verb}",
        summary=str(services.base.VERB_LABEL[_verb]),
    )(_summons_endpoint(_verb))


# Registered here, after the names above that it imports: the reveal and the multipart moves.
from . import loop  # noqa: E402

router.add_router("", loop.router)
