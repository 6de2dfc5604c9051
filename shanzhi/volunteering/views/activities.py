"""Activities and sign-up; the organiser's screen: QR code, roster, confirming hours."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import OrgNode

from .. import queries, rules, services
from ..models import (
    Activity,
    Attendance,
    ServiceSession,
    SignUp,
)
from ..services import checkin
from .common import PER_PAGE, _require_view, _staff_communities, act, error_text


@never_cache
@require_http_methods(["GET", "POST"])
def activity_list(request):
    _require_view(request.user)
    user = request.user
    refused, typed = None, {}
    if request.method == "POST":
        community = permissions.get_visible_or_404(
            user, OrgNode, "volunteering.manage", pk=id_or_none(request.POST.get("community"))
        )
        p = request.POST
        try:
            activity = services.publish_activity(
                community=community,
                title=p.get("title"),
                place=p.get("place"),
                starts_at=p.get("starts_at"),
                ends_at=p.get("ends_at"),
                capacity=p.get("capacity"),
                description=p.get("description", ""),
                by=user,
            )
        except DomainError as exc:
            # The form again, open, with what was typed and the refused field marked: a 400, as
            # every refused input, and nothing for the organiser to type twice.
            refused, typed = exc, p.dict()
        else:
            messages.success(request, _("活动已发布。"))
            return redirect("volunteering:activity", pk=activity.pk)
    activities = permissions.visible(user, Activity).select_related("community").order_by("-starts_at")
    return render(
        request,
        "volunteering/activities.html",
        {
            "page": Paginator(activities, PER_PAGE).get_page(request.GET.get("page")),
            "communities": _staff_communities(user),
            "now": timezone.now(),
            "error": refused,
            "v": typed,
        },
        status=400 if refused else 200,
    )


@never_cache
@require_GET
def activity_detail(request, pk):
    user = request.user
    activity = permissions.get_visible_or_404(user, Activity, pk=pk)
    volunteer = queries.volunteer_for(user)
    mine = (
        SignUp.objects.filter(activity=activity, volunteer=volunteer).exclude(status="cancelled").first()
        if volunteer
        else None
    )
    staff = permissions.can(user, "volunteering.manage", activity)
    signups = activity.signups.exclude(status="cancelled").select_related("volunteer") if staff else []
    return render(
        request,
        "volunteering/activity.html",
        {
            "a": activity,
            "mine": mine,
            "volunteer": volunteer,
            "staff": staff,
            "signups": signups,
            "organiser": activity.session.organiser_id == user.pk,
        },
    )


@require_POST
def activity_signup(request, pk):
    activity = permissions.get_visible_or_404(request.user, Activity, pk=pk)
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        return redirect("volunteering:me")

    back = reverse("volunteering:activity", args=[pk])
    try:
        signup = services.sign_up(activity, volunteer, by=request.user)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    # One message per outcome: a waitlisted volunteer has not got a place, so never "报名成功".
    if signup.status == SignUp.Status.WAITLISTED:
        messages.info(request, _("名额已满，您已进入候补名单，有人取消时按顺序递补。"))
    else:
        messages.success(request, _("报名成功。"))
    return redirect(back)


@require_POST
def signup_cancel(request, pk):
    signup = permissions.get_visible_or_404(request.user, SignUp, pk=pk)
    return act(
        request,
        lambda: services.cancel_signup(signup, by=request.user),
        _("已取消报名。"),
        reverse("volunteering:activity", args=[signup.activity_id]),
    )


@never_cache
@require_GET
def session_detail(request, pk):
    session = permissions.get_visible_or_404(request.user, ServiceSession, pk=pk)
    organiser = session.organiser_id == request.user.pk
    roster = session.attendances.exclude(status=Attendance.Status.WITHDRAWN).select_related("volunteer")
    # Confirmed hours may be withdrawn by the organiser or by staff who correct points (checkin.reject).
    corrects = organiser or permissions.has_role_for(request.user, "volunteering.adjust_points")
    return render(
        request,
        "volunteering/session.html",
        {"s": session, "organiser": organiser, "roster": roster, "corrects": corrects},
    )


def _qr_context(request, session, rotating):
    token = checkin.make_token(session, rotating=rotating)
    url = request.build_absolute_uri(reverse("volunteering:scan", args=[token]))
    return {
        "s": session,
        "svg": checkin.qr_svg(url),
        "url": url,
        "rotating": rotating,
        "max_age_min": rules.ROTATING_TOKEN_MAX_AGE // 60,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def session_qr(request, pk):
    """The QR code on the organiser's screen (refreshed by htmx) or for printing; only the organiser
    gets it. POST revokes every code shown so far."""
    session = permissions.get_visible_or_404(request.user, ServiceSession, pk=pk)
    if session.organiser_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        return act(
            request,
            lambda: checkin.revoke_codes(session, by=request.user),
            _("旧二维码已全部作废。"),
            reverse("volunteering:session", args=[pk]),
        )
    rotating = request.GET.get("print") != "1"
    template = "volunteering/_qr.html" if request.headers.get("HX-Request") else "volunteering/qr.html"
    return render(request, template, _qr_context(request, session, rotating))


def _attendance_for_organiser(request, pk):
    attendance = permissions.get_visible_or_404(request.user, Attendance, pk=pk)
    return attendance, reverse("volunteering:session", args=[attendance.session_id])


@require_POST
def attendance_confirm(request, pk):
    attendance, back = _attendance_for_organiser(request, pk)
    minutes = request.POST.get("minutes") or None
    return act(
        request,
        lambda: checkin.confirm(
            attendance, by=request.user, minutes=minutes, note=request.POST.get("note", "")
        ),
        _("时长已确认。"),
        back,
    )


@require_POST
def attendance_reject(request, pk):
    attendance, back = _attendance_for_organiser(request, pk)
    return act(
        request,
        lambda: checkin.reject(
            attendance, by=request.user, reason=request.POST.get("reason"), request=request
        ),
        _("已记录为不予认可；已确认的时长和积分随之冲正。"),
        back,
    )


@require_POST
def attendance_checkout(request, pk):
    attendance, back = _attendance_for_organiser(request, pk)

    def go():
        at = services.a_datetime(request.POST.get("at"), "at", _("签退时间"))
        checkin.record_checkout(attendance, by=request.user, at=at, note=request.POST.get("note", ""))

    return act(request, go, _("已补录签退。"), back)
