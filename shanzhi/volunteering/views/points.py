"""Volunteers and their points (staff), the points shop and redemptions."""

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
from shanzhi.core.inputs import id_or_none
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import OrgNode

from .. import queries, rules, services
from ..models import (
    Item,
    Movement,
    Redemption,
    Volunteer,
)
from .common import PER_PAGE, _require_view, _staff_communities, act, error_text


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
    return render(
        request,
        "volunteering/volunteers.html",
        {"page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "q": q, "rules": rules},
    )


@never_cache
@require_GET
def volunteer_detail(request, pk):
    user = request.user
    volunteer = permissions.get_visible_or_404(user, Volunteer, pk=pk)
    if volunteer.user_id == user.pk:
        return redirect("volunteering:me")
    return render(
        request,
        "volunteering/volunteer.html",
        {
            "v": volunteer,
            "b": queries.balance(volunteer, recent=50),
            "phone": mask_phone(volunteer.phone),
            "may_award": permissions.can(user, "volunteering.manage", volunteer),
            "may_adjust": permissions.can(user, "volunteering.adjust_points", volunteer),
            "hours": queries.my_hours(volunteer)[:30],
            "today": timezone.localdate(),
        },
    )


@require_POST
def volunteer_award(request, pk):
    """Good deed, donation or a manual adjustment, from the volunteer's page."""
    volunteer = permissions.get_visible_or_404(request.user, Volunteer, pk=pk)
    p, by = request.POST, request.user
    kind = p.get("kind")
    calls = {
        "good_deed": lambda: services.record_good_deed(
            volunteer, title=p.get("title"), done_on=p.get("on"), by=by, count=p.get("count") or 1
        ),
        "donation": lambda: services.record_donation(
            volunteer, description=p.get("title"), value_yuan=p.get("value"), donated_on=p.get("on"), by=by
        ),
        "adjust": lambda: services.adjust_points(
            volunteer, p.get("amount"), by=by, reason=p.get("reason"), request=request
        ),
    }
    if kind not in calls:
        raise Http404
    return act(request, calls[kind], _("已记入积分。"), reverse("volunteering:volunteer", args=[pk]))


@require_POST
def movement_reverse(request, pk):
    movement = permissions.get_visible_or_404(request.user, Movement, pk=pk)
    person = movement.credit.volunteer or movement.debit.volunteer
    return act(
        request,
        lambda: services.reverse_movement(
            movement, by=request.user, reason=request.POST.get("reason"), request=request
        ),
        _("已冲正。"),
        reverse("volunteering:volunteer", args=[person.pk]) if person else "volunteering:me",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def shop(request):
    _require_view(request.user)
    user = request.user
    if request.method == "POST":
        community = permissions.get_visible_or_404(
            user, OrgNode, "volunteering.manage", pk=id_or_none(request.POST.get("community"))
        )
        p = request.POST
        return act(
            request,
            lambda: services.create_item(
                community=community,
                name=p.get("name"),
                price=p.get("price"),
                stock=p.get("stock"),
                description=p.get("description", ""),
                by=user,
            ),
            _("物品已上架。"),
            "volunteering:shop",
        )
    volunteer = queries.volunteer_for(user)
    return render(
        request,
        "volunteering/shop.html",
        {
            "items": permissions.visible(user, Item).filter(active=True).select_related("community"),
            "volunteer": volunteer,
            "balance": queries.balance(volunteer, recent=0).account.balance if volunteer else None,
            "communities": _staff_communities(user),
        },
    )


@require_POST
def item_redeem(request, pk):
    item = permissions.get_visible_or_404(request.user, Item, pk=pk)
    volunteer = queries.volunteer_for(request.user)
    if volunteer is None:
        return redirect("volunteering:me")
    try:
        redemption = services.redeem(
            item, volunteer, by=request.user, quantity=request.POST.get("quantity") or 1
        )
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("volunteering:shop")
    messages.success(request, _("兑换成功！兑换码 %(c)s，请到社区领取。") % {"c": redemption.code})
    return redirect("volunteering:me")


@require_POST
def item_restock(request, pk):
    item = permissions.get_visible_or_404(request.user, Item, pk=pk)
    return act(
        request,
        lambda: services.restock(item, request.POST.get("quantity"), by=request.user),
        _("库存已增加。"),
        "volunteering:shop",
    )


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
    return render(
        request,
        "volunteering/redemptions.html",
        {"page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "code": code},
    )


@require_POST
def redemption_hand_over(request, pk):
    redemption = permissions.get_visible_or_404(request.user, Redemption, pk=pk)
    return act(
        request,
        lambda: services.hand_over(redemption, by=request.user, code=request.POST.get("code")),
        _("已领取。"),
        "volunteering:redemptions",
    )


@require_POST
def redemption_cancel(request, pk):
    redemption = permissions.get_visible_or_404(request.user, Redemption, pk=pk)
    back = (
        "volunteering:me" if redemption.volunteer.user_id == request.user.pk else "volunteering:redemptions"
    )
    return act(
        request,
        lambda: services.cancel_redemption(
            redemption, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("已取消兑换，积分已退回。"),
        back,
    )
