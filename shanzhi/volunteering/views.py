"""Pages of the love bank: staff lists and the organiser's screen; on the phone, my points, my hours,
and the page a QR code opens to check in. Every write calls a service; every fetch is scoped."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import OrgNode

from . import checkin, queries, rules, services
from .models import (
    Activity,
    Attendance,
    Commendation,
    Item,
    Movement,
    Pairing,
    Redemption,
    ServiceSession,
    SignUp,
    Volunteer,
)

PER_PAGE = 30


def error_text(exc):
    return str(exc.message)


def act(request, fn, ok, back):
    """Run one service call from a form; say what happened in plain words; go back."""
    try:
        fn()
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, ok)
    return redirect(back)


def _staff_communities(user, action="volunteering.manage"):
    return permissions.visible(user, OrgNode, action).filter(level="community").order_by("path")


def _require_view(user):
    if not permissions.has_role_for(user, "volunteering.view"):
        raise PermissionDenied


# --- my page (phone) --------------------------------------------------------------------------------


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
        return act(request, lambda: services.register_volunteer(
            user=request.user, community=community, by=request.user, phone=request.POST.get("phone", ""),
            skills=request.POST.get("skills", "")), _("登记成功，欢迎加入志愿服务！"), "volunteering:me")
    if volunteer is None:
        return render(request, "volunteering/register.html", {})
    return render(request, "volunteering/me.html", {
        "v": volunteer, "b": queries.balance(volunteer), "signups": queries.my_signups(volunteer)[:10],
        "redemptions": queries.my_redemptions(volunteer)[:10], "phone": mask_phone(volunteer.phone),
    })


@never_cache
@require_GET
def my_hours(request):
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        return redirect("volunteering:me")
    return render(request, "volunteering/my_hours.html", {
        "v": volunteer, "attendances": queries.my_hours(volunteer)[:100],
        "to_next": rules.hours_to_next_star(volunteer.confirmed_minutes),
    })


# --- scanning --------------------------------------------------------------------------------------------


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
            attendance = checkin.scan(token, volunteer, lat=request.POST.get("lat"), lng=request.POST.get("lng"))
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("签到成功，服务开始计时。") if attendance.status == Attendance.Status.CHECKED_IN
                             else _("签退成功，本次 %(m)d 分钟，待组织者确认。") % {"m": attendance.derived_minutes})
        return redirect("volunteering:scan", token=token)
    attendance = Attendance.objects.filter(session=session, volunteer=volunteer).first()
    return render(request, "volunteering/scan.html", {"session": session, "attendance": attendance,
                                                      "token": token})


# --- activities --------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def activity_list(request):
    _require_view(request.user)
    user = request.user
    if request.method == "POST":
        community = permissions.get_visible_or_404(user, OrgNode, "volunteering.manage",
                                                   pk=request.POST.get("community") or 0)
        p = request.POST
        try:
            activity = services.publish_activity(
                community=community, title=p.get("title"), place=p.get("place"), starts_at=p.get("starts_at"),
                ends_at=p.get("ends_at"), capacity=p.get("capacity"), description=p.get("description", ""), by=user)
        except DomainError as exc:
            messages.error(request, error_text(exc))
            return redirect("volunteering:activities")
        messages.success(request, _("活动已发布。"))
        return redirect("volunteering:activity", pk=activity.pk)
    activities = permissions.visible(user, Activity).select_related("community").order_by("-starts_at")
    return render(request, "volunteering/activities.html", {
        "page": Paginator(activities, PER_PAGE).get_page(request.GET.get("page")),
        "communities": _staff_communities(user), "now": timezone.now(),
    })


@never_cache
@require_GET
def activity_detail(request, pk):
    user = request.user
    activity = permissions.get_visible_or_404(user, Activity, pk=pk)
    volunteer = queries.volunteer_for(user)
    mine = SignUp.objects.filter(activity=activity, volunteer=volunteer).exclude(status="cancelled").first() \
        if volunteer else None
    staff = permissions.can(user, "volunteering.manage", activity)
    signups = activity.signups.exclude(status="cancelled").select_related("volunteer") if staff else []
    return render(request, "volunteering/activity.html", {
        "a": activity, "mine": mine, "volunteer": volunteer, "staff": staff, "signups": signups,
        "organiser": activity.session.organiser_id == user.pk,
    })


@require_POST
def activity_signup(request, pk):
    activity = permissions.get_visible_or_404(request.user, Activity, pk=pk)
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        return redirect("volunteering:me")

    def go():
        signup = services.sign_up(activity, volunteer, by=request.user)
        if signup.status == SignUp.Status.WAITLISTED:
            messages.info(request, _("名额已满，您已进入候补名单，有人取消时按顺序递补。"))

    return act(request, go, _("报名成功。"), reverse("volunteering:activity", args=[pk]))


@require_POST
def signup_cancel(request, pk):
    signup = permissions.get_visible_or_404(request.user, SignUp, pk=pk)
    return act(request, lambda: services.cancel_signup(signup, by=request.user), _("已取消报名。"),
               reverse("volunteering:activity", args=[signup.activity_id]))


# --- the organiser's screen: QR code, roster, confirming hours -------------------------------------------


@never_cache
@require_GET
def session_detail(request, pk):
    session = permissions.get_visible_or_404(request.user, ServiceSession, pk=pk)
    organiser = session.organiser_id == request.user.pk
    roster = session.attendances.exclude(status=Attendance.Status.WITHDRAWN).select_related("volunteer")
    return render(request, "volunteering/session.html", {"s": session, "organiser": organiser, "roster": roster})


def _qr_context(request, session, rotating):
    token = checkin.make_token(session, rotating=rotating)
    url = request.build_absolute_uri(reverse("volunteering:scan", args=[token]))
    return {"s": session, "svg": checkin.qr_svg(url), "url": url, "rotating": rotating,
            "max_age_min": rules.ROTATING_TOKEN_MAX_AGE // 60}


@never_cache
@require_http_methods(["GET", "POST"])
def session_qr(request, pk):
    """The QR code on the organiser's screen (refreshed by htmx) or for printing; only the organiser
    gets it. POST revokes every code shown so far."""
    session = permissions.get_visible_or_404(request.user, ServiceSession, pk=pk)
    if session.organiser_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        return act(request, lambda: checkin.revoke_codes(session, by=request.user), _("旧二维码已全部作废。"),
                   reverse("volunteering:session", args=[pk]))
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
    return act(request, lambda: checkin.confirm(attendance, by=request.user, minutes=minutes,
                                                note=request.POST.get("note", "")), _("时长已确认。"), back)


@require_POST
def attendance_reject(request, pk):
    attendance, back = _attendance_for_organiser(request, pk)
    return act(request, lambda: checkin.reject(attendance, by=request.user, reason=request.POST.get("reason")),
               _("已记录为不予认可。"), back)


@require_POST
def attendance_checkout(request, pk):
    attendance, back = _attendance_for_organiser(request, pk)

    def go():
        at = services.a_datetime(request.POST.get("at"), "at", _("签退时间"))
        checkin.record_checkout(attendance, by=request.user, at=at, note=request.POST.get("note", ""))

    return act(request, go, _("已补录签退。"), back)


# --- volunteers and their points (staff) ---------------------------------------------------------------


@never_cache
@require_GET
def volunteer_list(request):
    user = request.user
    if not permissions.has_role_for(user, "volunteering.view_people"):
        raise PermissionDenied
    qs = queries.volunteers(user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    return render(request, "volunteering/volunteers.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "q": q, "rules": rules})


@never_cache
@require_GET
def volunteer_detail(request, pk):
    user = request.user
    volunteer = permissions.get_visible_or_404(user, Volunteer, pk=pk)
    if volunteer.user_id == user.pk:
        return redirect("volunteering:me")
    return render(request, "volunteering/volunteer.html", {
        "v": volunteer, "b": queries.balance(volunteer, recent=50), "phone": mask_phone(volunteer.phone),
        "may_award": permissions.can(user, "volunteering.manage", volunteer),
        "may_adjust": permissions.can(user, "volunteering.adjust_points", volunteer),
        "hours": queries.my_hours(volunteer)[:30], "today": timezone.localdate(),
    })


@require_POST
def volunteer_award(request, pk):
    """Good deed, donation or a manual adjustment, from the volunteer's page."""
    volunteer = permissions.get_visible_or_404(request.user, Volunteer, pk=pk)
    p, by = request.POST, request.user
    kind = p.get("kind")
    calls = {
        "good_deed": lambda: services.record_good_deed(volunteer, title=p.get("title"), done_on=p.get("on"), by=by,
                                                       count=p.get("count") or 1),
        "donation": lambda: services.record_donation(volunteer, description=p.get("title"),
                                                     value_yuan=p.get("value"), donated_on=p.get("on"), by=by),
        "adjust": lambda: services.adjust_points(volunteer, p.get("amount"), by=by, reason=p.get("reason"),
                                                 request=request),
    }
    if kind not in calls:
        raise Http404
    return act(request, calls[kind], _("已记入积分。"), reverse("volunteering:volunteer", args=[pk]))


@require_POST
def movement_reverse(request, pk):
    movement = permissions.get_visible_or_404(request.user, Movement, pk=pk)
    person = movement.credit.volunteer or movement.debit.volunteer
    return act(request, lambda: services.reverse_movement(movement, by=request.user, reason=request.POST.get("reason"),
                                                          request=request),
               _("已冲正。"), reverse("volunteering:volunteer", args=[person.pk]) if person else "volunteering:me")


# --- the points shop -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def shop(request):
    _require_view(request.user)
    user = request.user
    if request.method == "POST":
        community = permissions.get_visible_or_404(user, OrgNode, "volunteering.manage",
                                                   pk=request.POST.get("community") or 0)
        p = request.POST
        return act(request, lambda: services.create_item(community=community, name=p.get("name"), price=p.get("price"),
                                                         stock=p.get("stock"), description=p.get("description", ""),
                                                         by=user), _("物品已上架。"), "volunteering:shop")
    volunteer = queries.volunteer_for(user)
    return render(request, "volunteering/shop.html", {
        "items": permissions.visible(user, Item).filter(active=True).select_related("community"),
        "volunteer": volunteer, "balance": queries.balance(volunteer, recent=0).account.balance if volunteer else None,
        "communities": _staff_communities(user),
    })


@require_POST
def item_redeem(request, pk):
    item = permissions.get_visible_or_404(request.user, Item, pk=pk)
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        return redirect("volunteering:me")
    try:
        redemption = services.redeem(item, volunteer, by=request.user, quantity=request.POST.get("quantity") or 1)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("volunteering:shop")
    messages.success(request, _("兑换成功！兑换码 %(c)s，请到社区领取。") % {"c": redemption.code})
    return redirect("volunteering:me")


@require_POST
def item_restock(request, pk):
    item = permissions.get_visible_or_404(request.user, Item, pk=pk)
    return act(request, lambda: services.restock(item, request.POST.get("quantity"), by=request.user),
               _("库存已增加。"), "volunteering:shop")


@never_cache
@require_GET
def redemption_list(request):
    user = request.user
    if not permissions.has_role_for(user, "volunteering.manage"):
        raise PermissionDenied
    qs = permissions.visible(user, Redemption).select_related("item", "volunteer")
    code = request.GET.get("code", "").strip().upper()
    if code:
        qs = qs.filter(code=code)
    return render(request, "volunteering/redemptions.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "code": code})


@require_POST
def redemption_hand_over(request, pk):
    redemption = permissions.get_visible_or_404(request.user, Redemption, pk=pk)
    return act(request, lambda: services.hand_over(redemption, by=request.user, code=request.POST.get("code")),
               _("已领取。"), "volunteering:redemptions")


@require_POST
def redemption_cancel(request, pk):
    redemption = permissions.get_visible_or_404(request.user, Redemption, pk=pk)
    back = "volunteering:me" if redemption.volunteer.user_id == request.user.pk else "volunteering:redemptions"
    return act(request, lambda: services.cancel_redemption(redemption, by=request.user,
                                                           reason=request.POST.get("reason", "")),
               _("已取消兑换，积分已退回。"), back)


# --- rankings, commendations, pairing -------------------------------------------------------------------


GRAINS = (("M", _("月度")), ("Q", _("季度")), ("Y", _("年度")))


@never_cache
@require_GET
def rankings(request):
    _require_view(request.user)
    user = request.user
    nodes = list(queries.ranking_nodes(user))
    if not nodes:
        raise Http404
    wanted = request.GET.get("node")
    node = next((n for n in nodes if str(n.pk) == wanted), None) if wanted else nodes[0]
    if node is None:
        raise Http404
    grain = request.GET.get("grain") if request.GET.get("grain") in dict(GRAINS) else "M"
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    start = rules.period_starts(day)[grain]
    metric = "minutes" if request.GET.get("metric") == "minutes" else "points"
    return render(request, "volunteering/rankings.html", {
        "rows": queries.ranking(user, node, grain, start, metric), "nodes": nodes, "node": node, "grain": grain,
        "grains": GRAINS, "metric": metric, "label": rules.period_label(grain, start), "day": day.isoformat(),
    })


@never_cache
@require_GET
def commendations(request):
    _require_view(request.user)
    qs = permissions.visible(request.user, Commendation).select_related("volunteer", "team", "unit", "node")
    return render(request, "volunteering/commendations.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))})


@never_cache
@require_GET
def pairing_list(request):
    if not permissions.has_role_for(request.user, "volunteering.pairing"):
        raise PermissionDenied
    qs = permissions.visible(request.user, Pairing).select_related("household__building__compound", "volunteer",
                                                                    "unit")
    return render(request, "volunteering/pairings.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))})


@never_cache
@require_http_methods(["GET", "POST"])
def pairing_detail(request, pk):
    pairing = permissions.get_visible_or_404(request.user, Pairing, pk=pk)
    if request.method == "POST":
        p = request.POST
        return act(request, lambda: services.record_visit(pairing, visited_on=p.get("visited_on"), note=p.get("note"),
                                                          help_given=p.get("help_given", ""), by=request.user),
                   _("走访已记录。"), reverse("volunteering:pairing", args=[pk]))
    return render(request, "volunteering/pairing.html", {
        "p": pairing, "visits": pairing.visits.select_related("visited_by"), "today": timezone.localdate(),
        "may_visit": permissions.can(request.user, "volunteering.pairing", pairing)})

