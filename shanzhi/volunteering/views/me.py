"""On the phone: my points, my hours, and the page a QR code opens to check in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import OrgNode

from .. import queries, rules, services
from ..models import (
    Attendance,
)
from ..services import checkin
from .common import _require_view, act, error_text


@never_cache
@require_http_methods(["GET", "POST"])
def me(request):
    """My points, star, hours, sign-ups and redemptions; or, before I have a profile, a way to get one."""
    _require_view(request.user)
    volunteer = queries.volunteer_for(request.user)
    if request.method == "POST":
        communities = services.home_communities(request.user)
        community = OrgNode.objects.filter(pk__in=communities, level="community").first()
        if community is None:
            raise PermissionDenied
        return act(
            request,
            lambda: services.register_volunteer(
                user=request.user,
                community=community,
                by=request.user,
                phone=request.POST.get("phone", ""),
                skills=request.POST.get("skills", ""),
            ),
            _("登记成功，欢迎加入志愿服务！"),
            "volunteering:me",
        )
    if volunteer is None:
        return render(request, "volunteering/register.html", {})
    return render(
        request,
        "volunteering/me.html",
        {
            "v": volunteer,
            "b": queries.balance(volunteer),
            "signups": queries.my_signups(volunteer)[:10],
            "redemptions": queries.my_redemptions(volunteer)[:10],
            "phone": mask_phone(volunteer.phone),
        },
    )


@never_cache
@require_GET
def my_hours(request):
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        return redirect("volunteering:me")
    return render(
        request,
        "volunteering/my_hours.html",
        {
            "v": volunteer,
            "attendances": queries.my_hours(volunteer)[:100],
            "to_next": rules.hours_to_next_star(volunteer.confirmed_minutes),
        },
    )


@require_GET
def scan_help(request):
    _require_view(request.user)
    return render(request, "volunteering/scan_help.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
def scan(request, token):
    """The page a QR code opens: says what the scan will do, and does it (with the phone's location)."""
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        messages.info(request, _("请先登记为志愿者，再扫码签到。"))
        return redirect("volunteering:me")
    try:
        session = checkin.read_token(token)
    except DomainError as exc:
        return render(request, "volunteering/scan.html", {"error": error_text(exc)}, status=400)
    if request.method == "POST":
        try:
            attendance = checkin.scan(
                token, volunteer, lat=request.POST.get("lat"), lng=request.POST.get("lng")
            )
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("签到成功，服务开始计时。")
                if attendance.status == Attendance.Status.CHECKED_IN
                else _("签退成功，本次 %(m)d 分钟，待组织者确认。") % {"m": attendance.derived_minutes},
            )
        return redirect("volunteering:scan", token=token)
    attendance = Attendance.objects.filter(session=session, volunteer=volunteer).first()
    return render(
        request, "volunteering/scan.html", {"session": session, "attendance": attendance, "token": token}
    )
