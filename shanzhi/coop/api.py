"""Co-construction's JSON API (/api/v1/coop/): the same services, queries and permissions as the pages.

Phones leave masked; a household's address only for staff in scope and the need's claimants.
"""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import Household, OrgNode

from . import queries, services
from .models import Agreement, Claim, MemberRegistration, Need, Order, Post, Project, Resource

router = Router(tags=["coop"])





# --- schemas ----------------------------------------------------------------------------------------------


class ResourceOut(Schema):
    id: int
    community: str
    title: str
    category: str
    kind: str
    provider_kind: str
    provider_name: str
    capacity: int | None
    open_orders: int
    weekdays: str
    time_from: datetime.time | None
    time_to: datetime.time | None
    place: str
    contact_name: str
    contact_phone: str = Field(description="已脱敏，如 139****5678")
    price_note: str
    status: str
    version: int = Field(0, description="修改时原样带回，防止覆盖别人的修改")


class ResourceIn(Schema):
    community: str = Field(description="社区编码")
    title: str = ""
    category: str = ""
    kind: str = ""
    provider_kind: str = ""
    provider_name: str = ""
    capacity: int | None = None
    weekdays: str = "1111111"
    time_from: str | None = None
    time_to: str | None = None
    place: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    price_note: str = ""
    description: str = ""


class NeedOut(Schema):
    id: int
    community: str
    title: str
    description: str
    category: str
    scope: str
    source: str
    slots: int
    taken: int
    status: str
    address: str | None = Field(None, description="仅社区工作人员和认领方可见")
    version: int = Field(0, description="修改时原样带回，防止覆盖别人的修改")


class NeedIn(Schema):
    title: str = ""
    category: str = ""
    source: str = "self"
    scope: str = "individual"
    household: int | None = None
    community: str | None = Field(None, description="共性需求的社区编码")
    description: str = ""
    slots: int = 1
    weekdays: str = "1111111"
    time_from: str | None = None
    time_to: str | None = None
    place: str = ""


class ClaimIn(Schema):
    as_: str = Field("unit", alias="as", description="member：以在职党员个人报到身份；unit：以单位")
    note: str = ""


class EventOut(Schema):
    at: datetime.datetime
    verb: str
    from_status: str
    to_status: str
    note: str


class OrderOut(Schema):
    id: int
    resource: int
    status: str
    note: str
    wanted_on: datetime.date | None
    rating: int | None
    timeline: list[EventOut]


class OrderIn(Schema):
    note: str = ""
    wanted_on: datetime.date | None = None


class ClaimOut(Schema):
    id: int
    need: int
    claimant: str
    status: str
    result: str
    rating: int | None
    session: int | None
    timeline: list[EventOut]


class ActionIn(Schema):
    note: str = ""
    reason: str = ""
    result: str = ""
    stars: int | None = None
    comment: str = ""
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None


class MatchOut(Schema):
    id: int
    title: str
    score: int
    reasons: list[str]


class ProjectOut(Schema):
    id: int
    title: str
    node: str
    lead: str
    budget: Decimal | None
    progress: int
    status: str
    parent: int | None
    children: list[int]
    public_slug: str | None


class ProgressIn(Schema):
    progress: int
    note: str = ""


class CommitmentOut(Schema):
    id: int
    kind: str
    content: str
    promised: int
    delivered: int
    percent: int


class AgreementOut(Schema):
    id: int
    unit: str
    community: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    commitments: list[CommitmentOut]


class JointActivityIn(Schema):
    commitment: int
    title: str = ""
    held_on: datetime.date | None = None
    place: str = ""
    participants: int = 0
    note: str = ""


class PostOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    slots: int
    taken: int
    status: str


# --- helpers -----------------------------------------------------------------------------------------------


def _resource_out(r):
    return ResourceOut(
        id=r.pk,
        community=r.community.name,
        title=r.title,
        category=r.category,
        kind=r.kind,
        provider_kind=r.provider_kind,
        provider_name=r.provider_name,
        capacity=r.capacity,
        open_orders=r.open_orders,
        weekdays=r.weekdays,
        time_from=r.time_from,
        time_to=r.time_to,
        place=r.place,
        contact_name=r.contact_name,
        contact_phone=mask_phone(r.contact_phone),
        price_note=r.price_note,
        status=r.status,
        version=r.version,
    )


def _address(user, need):
    if need.household_id is None:
        return None
    in_scope = permissions.visible(user, Household).filter(pk=need.household_id).exists()
    claimant = need.claims.filter(status__in=Claim.LIVE, claimed_by=user).exists()
    return need.household.address if in_scope or claimant else None


def _need_out(user, n):
    return NeedOut(
        id=n.pk,
        community=n.community.name,
        title=n.title,
        description=n.description,
        category=n.category,
        scope=n.scope,
        source=n.source,
        slots=n.slots,
        taken=n.taken,
        status=n.status,
        address=_address(user, n),
        version=n.version,
    )


def _timeline(obj):
    return [
        EventOut(at=e.at, verb=e.verb, from_status=e.from_status, to_status=e.to_status, note=e.note)
        for e in obj.events.all()
    ]


def _order_out(o):
    return OrderOut(
        id=o.pk,
        resource=o.resource_id,
        status=o.status,
        note=o.note,
        wanted_on=o.wanted_on,
        rating=o.rating,
        timeline=_timeline(o),
    )


def _claim_out(c):
    return ClaimOut(
        id=c.pk,
        need=c.need_id,
        claimant=c.claimant_name,
        status=c.status,
        result=c.result,
        rating=c.rating,
        session=c.session_id,
        timeline=_timeline(c),
    )


def _community(user, code, action):
    node = permissions.visible(user, OrgNode, action).filter(code=code or "", level="community").first()
    if node is None:
        raise Http404
    return node


# --- resources ----------------------------------------------------------------------------------------------


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
    return [_resource_out(r) for r in qs[:1000]]


@router.get(
    "resources/{int:resource_id}", response={200: ResourceOut, 404: ErrorOut}, url_name="coop_get_resource"
)
def get_resource(request, resource_id: int):
    return _resource_out(permissions.get_visible_or_404(request.auth, Resource, pk=resource_id))


@router.post(
    "resources",
    response={200: ResourceOut, **ERRORS},
    summary="支部制单：发布一项资源（商户/团队等）",
    url_name="coop_create_resource",
)
def create_resource(request, payload: ResourceIn):
    community = _community(request.auth, payload.community, "coop.manage_lists")
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
    return _resource_out(r)


@router.post(
    "resources/{int:resource_id}/order",
    response={200: OrderOut, **ERRORS},
    summary="群众点单",
    url_name="coop_order",
)
def order(request, resource_id: int, payload: OrderIn):
    resource = permissions.get_visible_or_404(request.auth, Resource, pk=resource_id)
    return _order_out(
        services.place_order(resource, by=request.auth, note=payload.note, wanted_on=payload.wanted_on)
    )


# --- needs -------------------------------------------------------------------------------------------------


@router.get("needs", response=list[NeedOut], summary="需求清单（我能看到的）", url_name="coop_list_needs")
@paginate(Pages)
def list_needs(request, status: str = "", category: str = ""):
    qs = permissions.visible(request.auth, Need).select_related("community", "household__building__compound")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return [_need_out(request.auth, n) for n in qs[:1000]]


@router.get("needs/{int:need_id}", response={200: NeedOut, 404: ErrorOut}, url_name="coop_get_need")
def get_need(request, need_id: int):
    return _need_out(request.auth, permissions.get_visible_or_404(request.auth, Need, pk=need_id))


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
        community = _community(user, payload.community, "coop.manage_lists")
    elif payload.household:
        household = permissions.get_visible_or_404(user, Household, "coop.collect_need", pk=payload.household)
    else:
        grant = next((g for g in user.grants() if g.role == "resident" and g.resident_id), None)
        household = grant.resident.household if grant else None
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
    return _need_out(user, need)


@router.post(
    "needs/{int:need_id}/publish",
    response={200: NeedOut, **ERRORS},
    summary="审核发布需求",
    url_name="coop_publish_need",
)
def publish_need(request, need_id: int):
    need = permissions.get_visible_or_404(request.auth, Need, pk=need_id)
    return _need_out(request.auth, services.publish_need(need, by=request.auth))


@router.post(
    "needs/{int:need_id}/claim",
    response={200: ClaimOut, **ERRORS},
    summary="线上认领（接单）",
    url_name="coop_claim_need",
)
def claim_need(request, need_id: int, payload: ClaimIn):
    user = request.auth
    need = permissions.get_visible_or_404(user, Need, pk=need_id)
    permissions.require(user, "coop.claim", need)
    registration = None
    if payload.as_ == "member":
        registration = MemberRegistration.objects.filter(
            user=user, community=need.community, status="active"
        ).first()
        if registration is None:
            raise DomainError("请先到该社区报到。", field="as")
    return _claim_out(services.claim_need(need, by=user, registration=registration, note=payload.note))


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


# --- orders and claims -----------------------------------------------------------------------------------------

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
    return _order_out(permissions.get_visible_or_404(request.auth, Order, pk=order_id))


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
    return _order_out(Order.objects.get(pk=order_id))


@router.get(
    "claims/{int:claim_id}",
    response={200: ClaimOut, 404: ErrorOut},
    summary="认领及其进展",
    url_name="coop_get_claim",
)
def get_claim(request, claim_id: int):
    return _claim_out(permissions.get_visible_or_404(request.auth, Claim, pk=claim_id))


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
    return _claim_out(Claim.objects.get(pk=claim_id))


# --- projects, agreements, posts -----------------------------------------------------------------------------


def _project_out(p):
    return ProjectOut(
        id=p.pk,
        title=p.title,
        node=p.node.name,
        lead=p.lead_name,
        budget=p.budget,
        progress=p.progress,
        status=p.status,
        parent=p.parent_id,
        children=list(p.children.values_list("pk", flat=True)),
        public_slug=p.slug if p.public else None,
    )


@router.get("projects", response=list[ProjectOut], summary="项目清单", url_name="coop_list_projects")
@paginate(Pages)
def list_projects(request):
    qs = permissions.visible(request.auth, Project).select_related("node", "lead_unit", "lead_department")
    return [_project_out(p) for p in qs[:1000]]


@router.get(
    "projects/{int:project_id}", response={200: ProjectOut, 404: ErrorOut}, url_name="coop_get_project"
)
def get_project(request, project_id: int):
    return _project_out(permissions.get_visible_or_404(request.auth, Project, pk=project_id))


@router.post(
    "projects/{int:project_id}/progress",
    response={200: ProjectOut, **ERRORS},
    summary="更新进度（有子项目的由子项目计算）",
    url_name="coop_set_progress",
)
def set_progress(request, project_id: int, payload: ProgressIn):
    project = permissions.get_visible_or_404(request.auth, Project, pk=project_id)
    return _project_out(
        services.set_progress(project, progress=payload.progress, note=payload.note, by=request.auth)
    )


def _agreement_out(a):
    return AgreementOut(
        id=a.pk,
        unit=a.unit.name,
        community=a.community.name,
        period_start=a.period_start,
        period_end=a.period_end,
        status=a.status,
        commitments=[
            CommitmentOut(
                id=r.commitment.pk,
                kind=r.commitment.kind,
                content=r.commitment.content,
                promised=r.promised,
                delivered=r.delivered,
                percent=r.percent,
            )
            for r in queries.agreement_progress(a)
        ],
    )


@router.get(
    "agreements", response=list[AgreementOut], summary="共建协议：承诺与兑现", url_name="coop_list_agreements"
)
def list_agreements(request):
    return [
        _agreement_out(a)
        for a in permissions.visible(request.auth, Agreement).select_related("unit", "community")[:500]
    ]


@router.get(
    "agreements/{int:agreement_id}",
    response={200: AgreementOut, 404: ErrorOut},
    url_name="coop_get_agreement",
)
def get_agreement(request, agreement_id: int):
    return _agreement_out(permissions.get_visible_or_404(request.auth, Agreement, pk=agreement_id))


@router.post(
    "agreements/{int:agreement_id}/activities",
    response={200: AgreementOut, **ERRORS},
    summary="记录一次共建活动（计入已开展次数）",
    url_name="coop_record_activity",
)
def record_activity(request, agreement_id: int, payload: JointActivityIn):
    agreement = permissions.get_visible_or_404(request.auth, Agreement, pk=agreement_id)
    services.may_record(request.auth, agreement)
    commitment = agreement.commitments.filter(pk=payload.commitment).first()
    if commitment is None:
        raise DomainError("请选择协议中的一项承诺。", field="commitment")
    services.record_joint_activity(
        commitment,
        title=payload.title,
        held_on=payload.held_on,
        place=payload.place,
        participants=payload.participants,
        note=payload.note,
        by=request.auth,
    )
    return _agreement_out(agreement)


@router.get("posts", response=list[PostOut], summary="岗位", url_name="coop_list_posts")
def list_posts(request):
    return [
        PostOut(
            id=p.pk,
            community=p.community.name,
            kind=p.kind,
            title=p.title,
            slots=p.slots,
            taken=p.taken,
            status=p.status,
        )
        for p in queries.post_list(request.auth).select_related("community")[:500]
    ]


@router.post(
    "posts/{int:post_id}/claim",
    response={200: PostOut, **ERRORS},
    summary="认领岗位（本人报到身份）",
    url_name="coop_claim_post",
)
def claim_post(request, post_id: int):
    user = request.auth
    post = permissions.get_visible_or_404(user, Post, pk=post_id)
    permissions.require(user, "coop.claim", post)
    registration = MemberRegistration.objects.filter(
        user=user, community=post.community, status="active"
    ).first()
    if registration is None:
        raise DomainError("请先到该社区报到。", field="registration")
    services.claim_post(post, registration=registration, by=user)
    post.refresh_from_db()
    return PostOut(
        id=post.pk,
        community=post.community.name,
        kind=post.kind,
        title=post.title,
        slots=post.slots,
        taken=post.taken,
        status=post.status,
    )


# Editing and withdrawing resources and needs live in their own module; importing it adds them here.
from . import api_edits  # noqa: E402, F401
