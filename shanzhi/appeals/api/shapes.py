"""The shapes the appeals API returns: an appeal in a list, its detail with the timeline, summonses
and photos. Split from ``api/__init__.py`` by subject; a resident gets the plain-words progress and
only the notes addressed to them (issue 13 §7, ``progress``), staff the office's statuses."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field

from shanzhi.accounts import permissions
from shanzhi.core.apischema import Schema
from shanzhi.core.masking import mask_phone

from .. import progress, queries, services
from ..models import Appeal, AppealEvent, AppealPhoto, Summons
from ..services import actions as action_rules
from ..services import moves


class AppealOut(Schema):
    number: str
    title: str
    category_code: str
    category: str
    channel: str
    status: str
    status_label: str
    level: str
    grid: str | None
    community: str | None
    lng: float | None
    lat: float | None
    address: str
    # 待定位: filed with an address nobody could place; a district/street dispatcher places it.
    unplaced: bool
    assignee: str
    deadline: str | None
    # True while the deadline is counted on a provisional calendar (its year's holiday notice is not
    # entered yet); it is recomputed, and this turns false, once the notice is complete.
    deadline_provisional: bool
    city_deadline: str | None = Field(
        None, description="12345 市级平台自己的办理时限（热线工单，按导入文件原样保存）"
    )
    alarm: str
    suspended: bool
    supervised: bool
    rating: str
    solved: str = Field("", description="回访时居民回答的是否解决（空：尚未回访）")
    unreachable: bool = Field(False, description="回访多次联系不上而销号")
    invalid_kind: str | None = Field(None, description="不予受理时的无效诉求类型编码")
    version: int
    created_at: str
    # The resident's five steps (issue 13 §7): 0 已提交 … 4 待评价, 5 when all are done, null off the
    # bar (不予受理, 并案). For a resident ``status_label`` is the same plain sentence.
    progress_step: int | None = None
    progress_label: str = ""


class EventOut(Schema):
    verb: str
    verb_label: str
    actor: str
    at: str
    from_status: str
    to_status: str
    note: str = Field(description="居民查看时只含写给居民的备注")
    note_visibility: str = Field("", description="internal（内部）/ resident（居民可见）")
    version: int


class SummonsOut(Schema):
    id: int
    department: str
    role: str
    status: str
    due_at: str
    due_provisional: bool
    actions: list[str]


class PhotoOut(Schema):
    stage: str
    url: str = Field(description="经权限检查的照片地址（需登录）")


class AppealDetailOut(AppealOut):
    description: str
    contact_name: str
    contact_phone: str = Field(description="脱敏")
    resolution: str
    city_return_reason: str = Field("", description="退回市级平台的理由")
    events: list[EventOut]
    summonses: list[SummonsOut]
    photos: list[PhotoOut] = []
    actions: list[str] = Field(description="当前用户此刻可执行的操作")


_LABELS = {}  # (model, field, language) -> {value: label}


def _label(model, field, value):
    """``get_FOO_display()`` of a choice field, its labels translated once per process and
    language: Django's own rebuilds a hashable copy of every choice (lazy strings, each one
    translated to be hashed) on each call, a good part of an answer's CPU."""
    key = (model, field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {k: str(v) for k, v in model._meta.get_field(field).flatchoices}
    return labels.get(value, value)


def _iso(value, zone):
    """``value`` in ``zone``, ISO 8601. The zone is the current one, looked up once per answer by
    the caller: each lookup asks asgiref's local storage, which raises and catches four exceptions
    on its way to the default when no zone is active (as in every request here)."""
    return timezone.localtime(value, zone).isoformat() if value else None


def appeal_out(a, resident=False, zone=None):
    zone = zone or timezone.get_current_timezone()
    step, plain = progress.stage(a)
    return {
        "number": a.number,
        "title": a.title,
        "category_code": a.category.code,
        "category": str(a.category),
        "channel": a.channel,
        "status": a.status,
        "status_label": str(plain) if resident else _label(Appeal, "status", a.status),
        "level": a.level,
        "grid": a.grid.name if a.grid_id else None,
        "community": a.community.name if a.community_id else None,
        "lng": a.lng,
        "lat": a.lat,
        "address": a.address,
        "unplaced": a.unplaced,
        "assignee": moves.assignee_label(a),
        "deadline": _iso(a.deadline, zone),
        "deadline_provisional": a.deadline_provisional,
        "city_deadline": _iso(a.city_deadline, zone),
        "alarm": a.alarm(),
        "suspended": a.suspended,
        "supervised": a.supervised,
        "rating": a.rating,
        "solved": a.solved,
        "unreachable": a.unreachable,
        "invalid_kind": a.invalid_kind.code if a.invalid_kind_id else None,
        "version": a.version,
        "created_at": _iso(a.created_at, zone),
        "progress_step": step,
        "progress_label": str(plain),
    }


def appeals_out(user, rows):
    """The list's rows for ``user``: whether they read as a resident, and the time zone, asked
    once for the page, not once per row."""
    resident, zone = not permissions.has_role_for(user, "appeals.handle"), timezone.get_current_timezone()
    return [appeal_out(a, resident, zone) for a in rows]


def _event_row(e, zone):
    return {
        "verb": e.verb,
        "verb_label": _label(AppealEvent, "verb", e.verb),
        "actor": e.actor_name,
        "at": _iso(e.at, zone),
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
        "note_visibility": e.note_visibility,
        "version": e.version,
    }


def _events_out(user, a, resident, zone, events=None):
    """``events``: the timeline when the caller has it already (a new appeal's one event)."""
    if events is None:
        events = queries.timeline(user, a)
    if resident:
        return [
            {
                "verb": e["verb"],
                "verb_label": str(e["label"]),
                "actor": "",
                "at": _iso(e["at"], zone),
                "from_status": "",
                "to_status": "",
                "note": e["note"],
                "note_visibility": "resident" if e["note"] else "",
                "version": 0,
            }
            for e in progress.resident_events(events)
        ]
    return [_event_row(e, zone) for e in events]


def receipt_out(a):
    """What someone who may file an appeal but not follow it gets back (a property company's
    complaint goes to the community): its number and status, not its timeline."""
    return {
        **appeal_out(a),
        "description": a.description,
        "contact_name": "",
        "contact_phone": "",
        "resolution": "",
        "city_return_reason": "",
        "events": [],
        "summonses": [],
        "photos": [],
        "actions": [],
    }


def detail_out(user, a, *, reach=None, fresh=False):
    """The detail of ``a`` for ``user``, who sees it. ``reach``: ``permissions.Reach(user, a)``,
    so that the permission module is asked once about this appeal, not once per part of the
    answer. ``fresh``: ``a`` was just created by ``intake.submit`` in this request, so its
    timeline is its one event, and it has no summonses and only the photos it was sent with."""
    reach = reach or permissions.Reach(user, a)
    if not reach.sees():
        raise Http404
    resident = not reach.can("appeals.handle")  # as queries.resident_view
    zone = timezone.get_current_timezone()
    if fresh:
        summonses, photos = [], getattr(a, "intake_photos", [])
        events = [a.intake_event]
    else:
        summonses = permissions.visible(user, Summons).filter(appeal=a).select_related("department")
        photos = permissions.visible(user, AppealPhoto).filter(appeal=a).order_by("pk")
        events = None
    return {
        **appeal_out(a, resident, zone),
        "description": a.description,
        "contact_name": a.contact_name,
        "contact_phone": mask_phone(a.contact_phone) if a.contact_phone else "",
        "resolution": a.resolution,
        "city_return_reason": a.city_return_reason,
        "events": _events_out(user, a, resident, zone, events),
        "summonses": [
            {
                "id": s.pk,
                "department": str(s.department),
                "role": s.role,
                "status": s.status,
                "due_at": _iso(s.due_at, zone),
                "due_provisional": s.due_provisional,
                "actions": action_rules.summons_actions(user, s),
            }
            for s in summonses
        ],
        "photos": [{"stage": p.stage, "url": reverse("appeals:photo", args=[p.pk])} for p in photos],
        "actions": services.available_actions(user, a, reach=reach),
    }
