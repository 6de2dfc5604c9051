"""The virtual property market (虚拟物业超市): the public page, the requests (community staff ask
or withdraw, the company answers) and the district's listing of vetted companies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import Compound

from .. import queries
from ..access import manages_compound
from ..models import MarketListing, ServiceContract, Transition
from ..services import market


@login_not_required
@require_GET
def market_public(request):
    return render(request, "property/market.html", {"rows": queries.market()})


def _requestable(user):
    """Compounds the user's community keeps that may ask the market: without a company, or in a
    dismissal's transition."""
    if not permissions.has_role_for(user, "property.request_company"):
        return []
    in_transition = Transition.objects.filter(status=Transition.Status.OPEN).values("compound_id")
    candidates = Compound.objects.filter(
        Q(property_company__isnull=True) | Q(pk__in=in_transition), retired_at__isnull=True
    ).select_related("community")
    return [c for c in candidates.order_by("name")[:2000] if manages_compound(user, c)][:200]


def _requests_page(request, status=200):
    user = request.user
    compounds = _requestable(user)
    return render(
        request,
        "property/market_requests.html",
        {
            "requests": queries.market_requests_for(user).order_by("-requested_at")[:200],
            "compounds": compounds,
            "listed": MarketListing.objects.filter(listed=True).select_related("company")[:500]
            if compounds
            else [],
            "levels": ServiceContract.Level.choices,
            "may_answer": permissions.has_role_for(user, "property.answer_request"),
            "may_withdraw": permissions.has_role_for(user, "property.request_company"),
            "form": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def market_requests(request):
    user = request.user
    if not permissions.has_role_for(user, "property.view_market_request"):
        raise PermissionDenied
    if request.method == "GET":
        return _requests_page(request)
    if not permissions.has_role_for(user, "property.request_company"):
        raise PermissionDenied
    f = request.POST
    compound = next((c for c in _requestable(user) if str(c.pk) == f.get("compound")), None)
    try:
        market.request_company(
            compound,
            id_or_none(f.get("company")),
            starts_on=f.get("starts_on"),
            ends_on=f.get("ends_on"),
            fee_per_m2=f.get("fee_per_m2"),
            level=f.get("level"),
            note=f.get("note", ""),
            by=user,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _requests_page(request, status=400)
    messages.success(request, _("选聘请求已发出，等待企业答复。"))
    return redirect("property:market_requests")


def _answer(request, pk, call, ok):
    req = queries.market_request_for(request.user, pk)
    try:
        call(req)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _requests_page(request, status=400)
    messages.success(request, ok)
    return redirect("property:market_requests")


@require_POST
def market_accept(request, pk):
    note = request.POST.get("note", "")
    return _answer(
        request, pk, lambda r: market.accept(r, note=note, by=request.user), _("已接受，服务合同已登记。")
    )


@require_POST
def market_decline(request, pk):
    note = request.POST.get("note", "")
    return _answer(request, pk, lambda r: market.decline(r, note=note, by=request.user), _("已谢绝。"))


@require_POST
def market_withdraw(request, pk):
    reason = request.POST.get("reason", "")
    return _answer(
        request, pk, lambda r: market.withdraw(r, reason=reason, by=request.user), _("选聘请求已撤回。")
    )


def _listings_page(request, status=200):
    user = request.user
    districts = [g.node_id for g in user.grants() if g.role in permissions.ACTIONS["property.list_in_market"]]
    companies = queries.companies_for(user).filter(district_id__in=districts).order_by("name")[:500]
    listings = {li.company_id: li for li in MarketListing.objects.filter(company__in=companies)}
    return render(
        request,
        "property/market_listings.html",
        {"rows": [(c, listings.get(c.pk)) for c in companies]},
        status=status,
    )


@never_cache
@require_GET
def market_listings(request):
    if not permissions.has_role_for(request.user, "property.list_in_market"):
        raise PermissionDenied
    return _listings_page(request)


@require_POST
def market_listing(request, pk):
    company = queries.company_for(request.user, pk)
    f = request.POST
    try:
        market.set_listing(
            company,
            listed=f.get("listed"),
            state_owned=f.get("state_owned"),
            fallback=f.get("fallback"),
            intro=f.get("intro", ""),
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _listings_page(request, status=400)
    messages.success(request, _("已保存。"))
    return redirect("property:market_listings")
