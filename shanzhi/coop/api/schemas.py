"""The co-construction API's bodies: what each endpoint reads and answers, and how a row becomes one.

Phones leave masked; a household's address only for staff in scope and the need's claimants. The
detail of a resource, need, order or claim (and the answer to an action on it) lists ``actions``:
the verbs the same user may apply now, the buttons its page shows (``services.available_actions``).
"""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field

from shanzhi.accounts import permissions
from shanzhi.core.apischema import LocalTime, Schema
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import OrgNode

from .. import queries, services


def _actions(user, obj):
    return services.available_actions(user, obj) if user is not None else None


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
    time_from: LocalTime | None
    time_to: LocalTime | None
    place: str
    contact_name: str
    contact_phone: str = Field(description="已脱敏，如 139****5678")
    price_note: str
    status: str
    version: int = Field(0, description="修改时原样带回，防止覆盖别人的修改")
    actions: list[str] | None = Field(None, description="当前用户现在可执行的操作（详情与操作的回应中给出）")


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
    actions: list[str] | None = Field(None, description="当前用户现在可执行的操作（详情与操作的回应中给出）")


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
    as_: str = Field(
        "unit", alias="as", description="member：以在职党员个人报到身份（须已到该社区报到）；unit：以单位"
    )
    note: str = ""


class CoopEventOut(Schema):
    at: datetime.datetime
    verb: str
    verb_label: str = Field("", description="动作的中文（或当前语言）名称")
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
    timeline: list[CoopEventOut]
    actions: list[str] | None = Field(None, description="当前用户现在可执行的操作（详情与操作的回应中给出）")


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
    timeline: list[CoopEventOut]
    actions: list[str] | None = Field(None, description="当前用户现在可执行的操作（详情与操作的回应中给出）")


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


class ResourceEditIn(Schema):
    version: int | None = Field(
        None, description="必填：读取时的版本号，原样带回；缺少时拒绝（400），过期时 409"
    )
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
    version: int | None = Field(
        None, description="必填：读取时的版本号，原样带回；缺少时拒绝（400），过期时 409"
    )
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


# --- rows -------------------------------------------------------------------------------------------------


def resource_out(r, user=None):
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
        actions=_actions(user, r),
    )


def need_out(user, n, *, detail=False):
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
        address=n.household.address if queries.address_visible(user, n) else None,
        version=n.version,
        actions=_actions(user if detail else None, n),
    )


def _timeline(obj):
    return [
        CoopEventOut(
            at=e.at,
            verb=e.verb,
            verb_label=e.verb_label,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
        )
        for e in obj.events.all()
    ]


def order_out(o, user=None):
    return OrderOut(
        id=o.pk,
        resource=o.resource_id,
        status=o.status,
        note=o.note,
        wanted_on=o.wanted_on,
        rating=o.rating,
        timeline=_timeline(o),
        actions=_actions(user, o),
    )


def claim_out(c, user=None):
    return ClaimOut(
        id=c.pk,
        need=c.need_id,
        claimant=c.claimant_name,
        status=c.status,
        result=c.result,
        rating=c.rating,
        session=c.session_id,
        timeline=_timeline(c),
        actions=_actions(user, c),
    )


def community_or_404(user, code, action):
    node = permissions.visible(user, OrgNode, action).filter(code=code or "", level="community").first()
    if node is None:
        raise Http404
    return node


def project_out(p):
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


def agreement_out(a):
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


def post_out(p):
    return PostOut(
        id=p.pk,
        community=p.community.name,
        kind=p.kind,
        title=p.title,
        slots=p.slots,
        taken=p.taken,
        status=p.status,
    )
