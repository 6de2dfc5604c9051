"""A passed dismissal's transition: the list a user may see, its page (the handover checklist, the
next management, the timeline), and the forms of the community and of the outgoing company."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none

from .. import queries
from ..models import MarketListing, ServiceContract, Transition
from ..services import transitions


@never_cache
@require_GET
def transition_list(request):
    if not permissions.has_role_for(request.user, "property.view_transition"):
        raise PermissionDenied
    rows = queries.transitions_for(request.user).order_by("-opened_at")[:200]
    return render(request, "property/transitions.html", {"transitions": rows})


def _page(request, transition, status=200):
    user = request.user
    manager = permissions.can(user, "property.manage_transition", transition)
    outgoing = permissions.can(user, "property.hand_over", transition) and any(
        g.property_company_id == transition.company_id for g in user.grants()
    )
    fallback = (
        MarketListing.objects.filter(fallback=True, company__district=transition.company.district_id)
        .select_related("company")
        .order_by("company__name")
        if manager
        else []
    )
    return render(
        request,
        "property/transition.html",
        {
            "t": transition,
            "items": transition.items.select_related("handed_by", "confirmed_by"),
            "timeline": transition.timeline.select_related("by"),
            "requests": queries.market_requests_for(user).filter(transition=transition),
            "manager": manager,
            "outgoing": outgoing,
            "is_open": transition.status == Transition.Status.OPEN,
            "fallback": fallback,
            "levels": ServiceContract.Level.choices,
            "form": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@never_cache
@require_GET
def transition_detail(request, pk):
    return _page(request, queries.transition_for(request.user, pk))


def _act(request, pk, call, ok):
    transition = queries.transition_for(request.user, pk)
    try:
        call(transition)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, transition, status=400)
    messages.success(request, ok)
    return redirect("property:transition", pk=transition.pk)


def _item_id(request):
    return id_or_none(request.POST.get("item"))


@require_POST
def transition_hand(request, pk):
    note = request.POST.get("note", "")
    return _act(
        request,
        pk,
        lambda t: transitions.mark_handed(t, _item_id(request), note=note, by=request.user),
        _("已标记移交，待社区确认。"),
    )


@require_POST
def transition_confirm(request, pk):
    note = request.POST.get("note", "")
    return _act(
        request,
        pk,
        lambda t: transitions.confirm_item(t, _item_id(request), note=note, by=request.user),
        _("已确认。"),
    )


@require_POST
def transition_fallback(request, pk):
    f = request.POST

    def call(t):
        return transitions.appoint_fallback(
            t,
            id_or_none(f.get("company")),
            starts_on=f.get("starts_on"),
            ends_on=f.get("ends_on"),
            fee_per_m2=f.get("fee_per_m2"),
            level=f.get("level"),
            agreement_no=f.get("agreement_no", ""),
            by=request.user,
        )

    return _act(request, pk, call, _("兜底物业已确定。"))
