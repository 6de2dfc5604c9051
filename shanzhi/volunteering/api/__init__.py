"""The love bank's JSON API (/api/v1/volunteering/): the same services, queries and permissions as the pages."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages
from shanzhi.core.errors import DomainError

from .. import queries, rules, services
from ..models import Activity, Attendance, Item, Movement, SignUp, Volunteer
from ..services import checkin
from . import rates, recognition, teams
from .schemas import (
    ActivityOut,
    AdjustIn,
    AttendanceOut,
    AwardIn,
    ConfirmIn,
    ItemOut,
    MeOut,
    MovementOut,
    RankOut,
    RedeemIn,
    RedemptionOut,
    ReverseIn,
    ScanIn,
    SignUpOut,
)

router = Router(tags=["volunteering"])


# --- helpers ---------------------------------------------------------------------------------------------


def _me(user):
    volunteer = queries.volunteer_for(user)
    if volunteer is None:
        raise DomainError("您还没有登记为志愿者。", field="volunteer", code="not_registered")
    return volunteer


def _attendance_out(a):
    return AttendanceOut(
        id=a.pk,
        session=a.session_id,
        title=a.session.title,
        status=a.status,
        checked_in_at=a.checked_in_at,
        checked_out_at=a.checked_out_at,
        derived_minutes=a.derived_minutes,
        confirmed_minutes=a.confirmed_minutes,
    )


def _activity_out(a):
    return ActivityOut(
        id=a.pk,
        title=a.title,
        community=a.community.name,
        place=a.place,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        capacity=a.capacity,
        confirmed=a.confirmed_count,
        status=a.status,
    )


# --- me ------------------------------------------------------------------------------------------------


@router.get("me", response={200: MeOut, **ERRORS}, summary="我的积分、时长、星级", url_name="vol_me")
def me(request):
    volunteer = _me(request.auth)
    b = queries.balance(volunteer, recent=0)
    return MeOut(
        id=volunteer.pk,
        name=volunteer.name,
        community=volunteer.community.name,
        balance=b.account.balance,
        confirmed_hours=volunteer.hours,
        star_level=b.star,
        hours_to_next_star=b.to_next_star,
    )


@router.get(
    "me/movements",
    response={200: list[MovementOut], **ERRORS},
    summary="我的积分流水（最近 100 条）",
    url_name="vol_my_movements",
)
def my_movements(request):
    b = queries.balance(_me(request.auth), recent=100)
    return [
        MovementOut(id=m.pk, at=m.at, kind=m.kind, amount=m.signed, memo=m.memo, reverses=m.reverses_id)
        for m in b.recent
    ]


@router.get(
    "me/hours", response={200: list[AttendanceOut], **ERRORS}, summary="我的服务记录", url_name="vol_my_hours"
)
def my_hours(request):
    return [_attendance_out(a) for a in queries.my_hours(_me(request.auth))[:200]]


@router.post(
    "scan",
    response={200: AttendanceOut, **ERRORS},
    summary="扫码签到/签退（第一次签到，第二次签退）",
    url_name="vol_scan",
)
def scan(request, payload: ScanIn):
    attendance = checkin.scan(payload.token, _me(request.auth), lat=payload.lat, lng=payload.lng)
    return _attendance_out(attendance)


@router.post(
    "attendance/{int:attendance_id}/confirm",
    response={200: AttendanceOut, **ERRORS},
    summary="组织者确认服务时长（谁组织谁记录，谁记录谁证明）",
    url_name="vol_confirm",
)
def confirm(request, attendance_id: int, payload: ConfirmIn):
    attendance = permissions.get_visible_or_404(request.auth, Attendance, pk=attendance_id)
    return _attendance_out(
        checkin.confirm(attendance, by=request.auth, minutes=payload.minutes, note=payload.note)
    )


@router.post(
    "attendance/{int:attendance_id}/reject",
    response={200: AttendanceOut, **ERRORS},
    summary="不予认可签到记录，或撤销已确认的时长（时长、星级、积分一起冲正，留痕）",
    url_name="vol_reject",
)
def reject(request, attendance_id: int, payload: ReverseIn):
    attendance = permissions.get_visible_or_404(request.auth, Attendance, pk=attendance_id)
    return _attendance_out(
        checkin.reject(attendance, by=request.auth, reason=payload.reason, request=request)
    )


# --- activities ------------------------------------------------------------------------------------------


@router.get("activities", response=list[ActivityOut], summary="可报名的活动", url_name="vol_list_activities")
@paginate(Pages)
def list_activities(request):
    return [_activity_out(a) for a in queries.upcoming_activities(request.auth)[:500]]


@router.get(
    "activities/{int:activity_id}", response={200: ActivityOut, 404: ErrorOut}, url_name="vol_get_activity"
)
def get_activity(request, activity_id: int):
    return _activity_out(permissions.get_visible_or_404(request.auth, Activity, pk=activity_id))


@router.post(
    "activities/{int:activity_id}/sign-up",
    response={200: SignUpOut, **ERRORS},
    summary="报名：有名额即确认，否则进入候补",
    url_name="vol_sign_up",
)
def sign_up(request, activity_id: int):
    activity = permissions.get_visible_or_404(request.auth, Activity, pk=activity_id)
    signup = services.sign_up(activity, _me(request.auth), by=request.auth)
    return SignUpOut(id=signup.pk, activity=activity.pk, status=signup.status)


@router.post(
    "sign-ups/{int:signup_id}/cancel",
    response={200: SignUpOut, **ERRORS},
    summary="取消报名（候补递补）",
    url_name="vol_cancel_sign_up",
)
def cancel_sign_up(request, signup_id: int):
    signup = services.cancel_signup(
        permissions.get_visible_or_404(request.auth, SignUp, pk=signup_id), by=request.auth
    )
    return SignUpOut(id=signup.pk, activity=signup.activity_id, status=signup.status)


# --- shop ----------------------------------------------------------------------------------------------


@router.get("items", response=list[ItemOut], summary="积分商城", url_name="vol_list_items")
def list_items(request):
    items = permissions.visible(request.auth, Item).filter(active=True).select_related("community")
    return [
        ItemOut(id=i.pk, name=i.name, price=i.price, stock=i.stock, community=i.community.name) for i in items
    ]


@router.post(
    "items/{int:item_id}/redeem",
    response={200: RedemptionOut, **ERRORS},
    summary="兑换（返回兑换码）",
    url_name="vol_redeem",
)
def redeem(request, item_id: int, payload: RedeemIn):
    item = permissions.get_visible_or_404(request.auth, Item, pk=item_id)
    r = services.redeem(item, _me(request.auth), by=request.auth, quantity=payload.quantity)
    return RedemptionOut(
        id=r.pk, item=item.name, quantity=r.quantity, points=r.points, code=r.code, status=r.status
    )


# --- rankings --------------------------------------------------------------------------------------------


@router.get(
    "rankings",
    response={200: list[RankOut], **ERRORS},
    summary="社区/街道积分或时长排行（月/季/年）",
    url_name="vol_rankings",
)
def rankings(request, node: int, grain: str = "M", day: datetime.date | None = None, metric: str = "points"):
    if not permissions.has_role_for(request.auth, "volunteering.view"):
        raise PermissionDenied
    if grain not in ("M", "Q", "Y"):
        raise DomainError("周期只能是 M（月）、Q（季）、Y（年）。", field="grain")
    allowed = queries.ranking_nodes(request.auth)
    target = allowed.filter(pk=node).first()
    if target is None:
        raise Http404
    start = rules.period_starts(day or timezone.localdate())[grain]
    rows = queries.ranking(request.auth, target, grain, start, "minutes" if metric == "minutes" else "points")
    return [RankOut(**vars(r)) for r in rows]


# --- staff: points --------------------------------------------------------------------------------------------


def _volunteer(request, volunteer_id):
    return permissions.get_visible_or_404(request.auth, Volunteer, pk=volunteer_id)


@router.post(
    "volunteers/{int:volunteer_id}/good-deeds",
    response={200: MovementOut, **ERRORS},
    summary="记录善行义举并按标准计分",
    url_name="vol_good_deed",
)
def good_deed(request, volunteer_id: int, payload: AwardIn):
    deed = services.record_good_deed(
        _volunteer(request, volunteer_id),
        title=payload.title,
        done_on=payload.on or timezone.localdate(),
        count=payload.count,
        by=request.auth,
    )
    m = deed.movement
    return MovementOut(id=m.pk, at=m.at, kind=m.kind, amount=m.amount, memo=m.memo)


@router.post(
    "volunteers/{int:volunteer_id}/donations",
    response={200: MovementOut, **ERRORS},
    summary="记录爱心捐赠并按标准计分",
    url_name="vol_donation",
)
def donation(request, volunteer_id: int, payload: AwardIn):
    d = services.record_donation(
        _volunteer(request, volunteer_id),
        description=payload.title,
        value_yuan=payload.value_yuan,
        donated_on=payload.on or timezone.localdate(),
        by=request.auth,
    )
    m = d.movement
    return MovementOut(id=m.pk, at=m.at, kind=m.kind, amount=m.amount, memo=m.memo)


@router.post(
    "volunteers/{int:volunteer_id}/adjust",
    response={200: MovementOut, **ERRORS},
    summary="人工调整积分（需原因，记入审计）",
    url_name="vol_adjust",
)
def adjust(request, volunteer_id: int, payload: AdjustIn):
    volunteer = _volunteer(request, volunteer_id)
    m = services.adjust_points(
        volunteer, payload.amount, by=request.auth, reason=payload.reason, request=request
    )
    return MovementOut(id=m.pk, at=m.at, kind=m.kind, amount=payload.amount, memo=m.memo)


@router.post(
    "movements/{int:movement_id}/reverse",
    response={200: MovementOut, **ERRORS},
    summary="冲正一笔积分（新增反向流水，原记录不变）",
    url_name="vol_reverse",
)
def reverse(request, movement_id: int, payload: ReverseIn):
    movement = permissions.get_visible_or_404(request.auth, Movement, pk=movement_id)
    m = services.reverse_movement(movement, by=request.auth, reason=payload.reason, request=request)
    return MovementOut(id=m.pk, at=m.at, kind=m.kind, amount=m.amount, memo=m.memo, reverses=m.reverses_id)


@router.get("nodes", response=list[dict], summary="我可以查看排行的社区和街道", url_name="vol_ranking_nodes")
def ranking_nodes(request):
    if not permissions.has_role_for(request.auth, "volunteering.view"):
        raise PermissionDenied
    return [
        {"id": n.pk, "code": n.code, "name": n.name, "level": n.level}
        for n in queries.ranking_nodes(request.auth)
    ]


# Teams and the points standards have their own routers, under the same prefix and tag.
router.add_router("", rates.router)
router.add_router("", teams.router)
router.add_router("", recognition.router)
