"""Check-in, check-out and service hours: the one place for them, used by activities, claimed needs,
post duties and joint activities alike.

"实地报到": a person scans the session's QR code (a signed token, shown on the organiser's phone or
printed at the place), and their check-in records the time and, when the phone gives it, the
location. Check-out does the same; the minutes between them are the derived hours.
"谁组织谁记录，谁记录谁证明": only the session's organiser confirms (or reduces, or rejects) those
hours, and only confirmed hours count: for the star level, the rankings and the points.
"""

import datetime
import io

import segno
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import Conflict, DomainError

from .. import rules
from ..models import Attendance, ServiceSession
from . import hours, ledger

A = Attendance.Status
SALT = "shanzhi.volunteering.checkin"


# --- tokens and QR codes ----------------------------------------------------------------------------


def make_token(session, *, rotating=True):
    """A signed token naming the session. A rotating one (on the organiser's screen) expires after
    ROTATING_TOKEN_MAX_AGE; a printed one lasts as long as the session's nonce is unchanged."""
    payload = {"s": session.pk, "n": session.nonce, "r": 1 if rotating else 0}
    return signing.TimestampSigner(salt=SALT).sign_object(payload)


def read_token(token):
    """The session a token names, or DomainError(field="token") saying what is wrong with it."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign_object(token or "")
        if payload.get("r"):
            signer.unsign_object(token, max_age=rules.ROTATING_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise DomainError(_("二维码已过期，请组织者刷新后重新扫码。"), field="token", code="expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise DomainError(_("二维码无效，请重新扫码。"), field="token") from exc
    session = ServiceSession.objects.filter(pk=payload.get("s")).first()
    if session is None or session.nonce != payload.get("n"):
        raise DomainError(_("二维码已作废，请向组织者索取新的二维码。"), field="token", code="revoked")
    return session


def qr_svg(data, *, scale=6):
    """The QR code for ``data`` as inline SVG (segno; no image files, nothing from the network)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


@transaction.atomic
def revoke_codes(session, *, by):
    """A new nonce: every QR code shown or printed so far stops working."""
    _require_organiser(session, by)
    session.nonce = rules.new_nonce()
    session.save(update_fields=["nonce"])
    return session


# --- sessions and rosters -----------------------------------------------------------------------------


def create_session(
    *, community, origin, title, starts_at, ends_at, organiser, place="", lat=None, lng=None, walk_in=False
):
    """Called by the service that owns the occasion (activity, claim, post, joint activity)."""
    if not starts_at or not ends_at:
        raise DomainError(_("请填写开始和结束时间。"), field="starts_at")
    if ends_at <= starts_at:
        raise DomainError(_("结束时间必须晚于开始时间。"), field="ends_at")
    if lat is not None and not -90 <= lat <= 90 or lng is not None and not -180 <= lng <= 180:
        raise DomainError(_("地点坐标超出经纬度范围。"), field="lat")
    return ServiceSession.objects.create(
        community=community,
        origin=origin,
        title=title[:200],
        place=place[:200],
        lat=lat,
        lng=lng,
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=organiser,
        walk_in=walk_in,
    )


def enrol(session, volunteer):
    """Put a person on the session's roster (idempotent; brings back someone who had withdrawn)."""
    attendance, created = Attendance.objects.get_or_create(session=session, volunteer=volunteer)
    if not created and attendance.status == A.WITHDRAWN:
        attendance.status = A.ENROLLED
        attendance.save(update_fields=["status"])
    return attendance


def withdraw(session, volunteer):
    """Take a person off the roster; refused once they have checked in (their time is on record)."""
    updated = Attendance.objects.filter(session=session, volunteer=volunteer, status=A.ENROLLED).update(
        status=A.WITHDRAWN
    )
    if (
        not updated
        and Attendance.objects.filter(session=session, volunteer=volunteer)
        .exclude(status=A.WITHDRAWN)
        .exists()
    ):
        raise DomainError(_("已经签到，不能退出。"), field="status")


# --- check-in and check-out ------------------------------------------------------------------------------


def _clean_point(lat, lng):
    try:
        lat = float(lat) if lat not in (None, "") else None
        lng = float(lng) if lng not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise DomainError(_("位置信息格式不正确。"), field="lat") from exc
    if (lat is None) != (lng is None) or lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(_("位置信息格式不正确。"), field="lat")
    return lat, lng


def _locked_attendance(session, volunteer, *, walk_in_ok):
    attendance = Attendance.objects.select_for_update().filter(session=session, volunteer=volunteer).first()
    if (
        attendance is None
        and walk_in_ok
        and session.walk_in
        and volunteer.community_id == session.community_id
    ):
        try:
            with transaction.atomic():
                Attendance.objects.create(session=session, volunteer=volunteer)
        except IntegrityError:
            pass  # the same person scanned twice at once: the other scan created it
        attendance = Attendance.objects.select_for_update().get(session=session, volunteer=volunteer)
    if attendance is None or attendance.status == A.WITHDRAWN:
        raise DomainError(_("您不在本次服务的名单上，请先报名或认领。"), field="token", code="not_enrolled")
    return attendance


@transaction.atomic
def check_in(session, volunteer, *, lat=None, lng=None, at=None):
    at = at or timezone.now()
    lat, lng = _clean_point(lat, lng)
    if not (session.starts_at - rules.CHECKIN_EARLY <= at <= session.ends_at):
        raise DomainError(_("不在签到时间内（开始前 1 小时至结束）。"), field="token", code="closed")
    attendance = _locked_attendance(session, volunteer, walk_in_ok=True)
    if attendance.status != A.ENROLLED:
        raise DomainError(_("您已经签到过了。"), field="token", code="already")
    attendance.status = A.CHECKED_IN
    attendance.checked_in_at = at
    attendance.in_lat, attendance.in_lng = lat, lng
    attendance.in_distance_m = rules.distance_m(lat, lng, session.lat, session.lng)
    attendance.save(update_fields=["status", "checked_in_at", "in_lat", "in_lng", "in_distance_m"])
    return attendance


@transaction.atomic
def check_out(session, volunteer, *, lat=None, lng=None, at=None):
    at = at or timezone.now()
    lat, lng = _clean_point(lat, lng)
    attendance = _locked_attendance(session, volunteer, walk_in_ok=False)
    if attendance.status != A.CHECKED_IN:
        raise DomainError(
            _("请先签到。") if attendance.status == A.ENROLLED else _("您已经签退过了。"),
            field="token",
            code="state",
        )
    if at > session.ends_at + rules.CHECKOUT_LATE:
        raise DomainError(_("已超过签退时间，请联系组织者补录签退。"), field="token", code="closed")
    attendance.status = A.CHECKED_OUT
    attendance.checked_out_at = at
    attendance.out_lat, attendance.out_lng = lat, lng
    attendance.out_distance_m = rules.distance_m(lat, lng, session.lat, session.lng)
    attendance.derived_minutes = rules.minutes_between(attendance.checked_in_at, at)
    attendance.save(
        update_fields=["status", "checked_out_at", "out_lat", "out_lng", "out_distance_m", "derived_minutes"]
    )
    return attendance


def scan(token, volunteer, *, lat=None, lng=None, at=None):
    """What a scan does: check in if not yet in, else check out."""
    session = read_token(token)
    current = (
        Attendance.objects.filter(session=session, volunteer=volunteer)
        .values_list("status", flat=True)
        .first()
    )
    if current == A.CHECKED_IN:
        return check_out(session, volunteer, lat=lat, lng=lng, at=at)
    return check_in(session, volunteer, lat=lat, lng=lng, at=at)


# --- the organiser records and proves ------------------------------------------------------------------


def _require_organiser(session, by):
    if by is None or session.organiser_id != by.pk:
        raise PermissionDenied(_("只有本次服务的组织者可以记录和确认时长（谁组织谁记录，谁记录谁证明）。"))


def _locked(attendance):
    return (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session", "volunteer")
        .get(pk=attendance.pk)
    )


@transaction.atomic
def record_checkout(attendance, *, by, at, note=""):
    """The organiser records a check-out the person forgot, at the time it really happened."""
    attendance = _locked(attendance)
    _require_organiser(attendance.session, by)
    if attendance.status != A.CHECKED_IN:
        raise DomainError(_("只能为已签到、未签退的人补录签退。"), field="status")
    if not isinstance(at, datetime.datetime):
        raise DomainError(_("请填写签退时间。"), field="at")
    if at < attendance.checked_in_at or at > timezone.now():
        raise DomainError(_("签退时间必须在签到之后、现在之前。"), field="at")
    attendance.status = A.CHECKED_OUT
    attendance.checked_out_at = at
    attendance.checkout_recorded_by = by
    attendance.derived_minutes = rules.minutes_between(attendance.checked_in_at, at)
    attendance.note = (note or _("组织者补录签退"))[:200]
    attendance.save(
        update_fields=["status", "checked_out_at", "checkout_recorded_by", "derived_minutes", "note"]
    )
    return attendance


@transaction.atomic
def confirm(attendance, *, by, minutes=None, note=""):
    """Confirm the hours (at most the derived minutes), then count them: the person's total, the
    rankings rollup and the points, all in this transaction. Pressing it twice counts once."""
    attendance = _locked(attendance)
    session = attendance.session
    _require_organiser(session, by)
    if attendance.volunteer.user_id == by.pk:
        raise PermissionDenied(_("不能确认自己的服务时长。"))
    if attendance.status == A.CONFIRMED:
        raise Conflict(_("这条时长已经确认过了。"), changed={"status": attendance.status})
    if attendance.status != A.CHECKED_OUT:
        raise DomainError(_("签退之后才能确认时长。"), field="status")
    minutes = attendance.derived_minutes if minutes in (None, "") else minutes
    try:
        minutes = int(minutes)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("时长必须是整数分钟。"), field="minutes") from exc
    if not 0 <= minutes <= attendance.derived_minutes:
        raise DomainError(
            _("确认时长应在 0 到 %(max)d 分钟之间（不能超过签到签退时长）。")
            % {"max": attendance.derived_minutes},
            field="minutes",
        )
    attendance.status = A.CONFIRMED
    attendance.confirmed_minutes = minutes
    attendance.confirmed_by = by
    attendance.confirmed_at = timezone.now()
    attendance.hours_rate = ledger.rate_for("hours", timezone.localdate(attendance.checked_in_at))
    attendance.note = (note or attendance.note)[:200]
    attendance.save(
        update_fields=["status", "confirmed_minutes", "confirmed_by", "confirmed_at", "hours_rate", "note"]
    )
    hours.count(attendance, by)
    return attendance


@transaction.atomic
def reject(attendance, *, by, reason, request=None):
    """Refuse to recognise a check-in (the organiser), or withdraw hours already confirmed (the
    organiser, or community staff who correct points): then the minutes, the star level, the
    rankings and the points all follow, and the withdrawal is audited with its reason."""
    attendance = _locked(attendance)
    confirmed = attendance.status == A.CONFIRMED
    if not (
        confirmed
        and by is not None
        and permissions.can(by, "volunteering.adjust_points", attendance.volunteer)
    ):
        _require_organiser(attendance.session, by)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(_("请写明不予认可的原因。"), field="reason")
    if len(reason) > 200:
        raise DomainError(_("原因不能超过 200 字。"), field="reason")
    if attendance.status not in (A.CHECKED_IN, A.CHECKED_OUT, A.CONFIRMED):
        raise DomainError(_("只能对已签到的记录作出认定。"), field="status")
    points = 0
    if confirmed:
        points, movement = hours.uncount(attendance, by, reason)
        attendance.withdrawn_by = by
        attendance.withdrawn_at = timezone.now()
        audit.record(
            "attendance_withdrawn",
            actor=by,
            request=request,
            target=attendance,
            detail={
                "minutes": attendance.confirmed_minutes,
                "points": points,
                "movement": movement.pk if movement else None,
                "reason": reason,
            },
        )
    else:
        attendance.confirmed_by = by
        attendance.confirmed_at = timezone.now()
    attendance.status = A.REJECTED
    attendance.note = reason
    attendance.save(
        update_fields=["status", "confirmed_by", "confirmed_at", "withdrawn_by", "withdrawn_at", "note"]
    )
    attendance.points_taken_back = points
    return attendance
