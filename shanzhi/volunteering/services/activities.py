"""Activities, sign-up and the waiting list."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from ..models import (
    Activity,
    ServiceSession,
    SignUp,
)
from . import checkin
from .common import _require_self_or_staff, a_datetime, community_node, positive_int, text

S = SignUp.Status


@transaction.atomic
def publish_activity(
    *,
    community,
    title,
    place,
    starts_at,
    ends_at,
    capacity,
    by,
    team=None,
    description="",
    lat=None,
    lng=None,
):
    community = community_node(community)
    permissions.require(by, "volunteering.manage", community)
    title = text(title, "title", _("活动名称"))
    place = text(place, "place", _("地点"))
    capacity = positive_int(capacity, "capacity", _("名额"), maximum=10000)
    starts_at = a_datetime(starts_at, "starts_at", _("开始时间"))
    ends_at = a_datetime(ends_at, "ends_at", _("结束时间"))
    if team is not None and team.community_id != community.pk:
        raise DomainError(_("队伍不属于这个社区。"), field="team")
    session = checkin.create_session(
        community=community,
        origin=ServiceSession.Origin.ACTIVITY,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=by,
        lat=lat,
        lng=lng,
    )
    return Activity.objects.create(
        community=community,
        team=team,
        title=title,
        description=description or "",
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        organiser=by,
        session=session,
    )


@transaction.atomic
def sign_up(activity, volunteer, *, by, at=None):
    """A confirmed place if one is left, else a place on the waiting list.

    The place is taken with one conditional UPDATE (``confirmed_count < capacity``), so two people
    asking for the last place at once cannot both get it: the second UPDATE finds the count full.
    """
    _require_self_or_staff(by, volunteer, activity)
    activity = Activity.objects.get(pk=activity.pk)
    at = at or timezone.now()
    if activity.status != Activity.Status.PUBLISHED or at >= activity.ends_at:
        raise DomainError(_("活动已结束或已取消，不能报名。"), field="activity", code="closed")
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(activity=activity, volunteer=volunteer, status=S.WAITLISTED)
    except IntegrityError as exc:
        raise DomainError(_("您已经报名了这个活动。"), field="activity", code="duplicate") from exc
    if _take_place(activity):
        signup.status = S.CONFIRMED
        signup.save(update_fields=["status"])
        checkin.enrol(activity.session, volunteer)
    return signup


def _take_place(activity):
    return (
        Activity.objects.filter(
            pk=activity.pk, status=Activity.Status.PUBLISHED, confirmed_count__lt=F("capacity")
        ).update(confirmed_count=F("confirmed_count") + 1)
        == 1
    )


def _promote(activity):
    """Fill free places from the waiting list, first come first served. The caller holds the lock."""
    promoted = []
    for signup in SignUp.objects.filter(activity=activity, status=S.WAITLISTED).order_by("created_at", "id"):
        if not _take_place(activity):
            break
        signup.status = S.CONFIRMED
        signup.promoted_at = timezone.now()
        signup.save(update_fields=["status", "promoted_at"])
        checkin.enrol(activity.session, signup.volunteer)
        promoted.append(signup)
    return promoted


@transaction.atomic
def cancel_signup(signup, *, by):
    """Give the place back; the first on the waiting list gets it in the same transaction."""
    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    _require_self_or_staff(by, signup.volunteer, activity)
    if signup.status == S.CANCELLED:
        raise DomainError(_("这个报名已经取消了。"), field="signup", code="duplicate")
    was_confirmed = signup.status == S.CONFIRMED
    signup.status = S.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        checkin.withdraw(activity.session, signup.volunteer)
        Activity.objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") - 1)
        _promote(activity)
    return signup


@transaction.atomic
def change_capacity(activity, capacity, *, by):
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    permissions.require(by, "volunteering.manage", activity)
    capacity = positive_int(capacity, "capacity", _("名额"), maximum=10000)
    if capacity < activity.confirmed_count:
        raise DomainError(
            _("已有 %(n)d 人报名，名额不能少于报名人数。") % {"n": activity.confirmed_count}, field="capacity"
        )
    activity.capacity = capacity
    activity.save(update_fields=["capacity"])
    return _promote(activity)


@transaction.atomic
def cancel_activity(activity, *, by, reason):
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    permissions.require(by, "volunteering.manage", activity)
    text(reason, "reason", _("取消原因"))
    if activity.status != Activity.Status.PUBLISHED:
        raise DomainError(_("活动已结束或已取消。"), field="status")
    activity.status = Activity.Status.CANCELLED
    activity.save(update_fields=["status"])
    return activity
