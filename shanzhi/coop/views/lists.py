"""The overview, my page, and the resource and needs lists with their items (edit and withdraw too)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none, parse_id
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import Department, Household, OrgNode, Unit

from .. import queries, services
from ..models import Category, Claim, MemberRegistration, Need, Order, PostClaim, Project, Resource
from .common import (
    _communities,
    _community_from_post,
    _page,
    _require,
    act,
    list_page,
)


@never_cache
@require_GET
def overview(request):
    user = request.user
    _require(user, "coop.view")
    if not any(g.role in permissions.NODE_STAFF for g in user.grants()):
        return redirect("coop:me")
    return render(
        request,
        "coop/overview.html",
        {
            "resources": permissions.visible(user, Resource).filter(status="published").count(),
            "needs_open": permissions.visible(user, Need).filter(status="open").count(),
            "needs_review": permissions.visible(user, Need).filter(status="submitted").count(),
            "orders_open": permissions.visible(user, Order).filter(status__in=Order.OPEN).count(),
            "claims_open": permissions.visible(user, Claim)
            .filter(status__in=["accepted", "in_progress"])
            .count(),
            "projects": permissions.visible(user, Project).filter(parent__isnull=True).count(),
            "agreements": queries.agreements_overview(user, status="signed")[:10],
            "members": permissions.visible(user, MemberRegistration).filter(status="active").count(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def me(request):
    """On the phone: a resident's orders; a member's claims, posts and the needs open to claim."""
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":  # a member reports to the community they live in
        community = get_object_or_404(
            OrgNode, pk=id_or_none(request.POST.get("community")), level="community"
        )
        return act(
            request,
            lambda: services.register_member(user=user, community=community, by=user),
            _("报到成功。"),
            "coop:me",
        )
    member = any(g.role == Role.UNIT_MEMBER for g in user.grants())
    registrations = MemberRegistration.objects.filter(user=user, status="active").select_related("community")
    return render(
        request,
        "coop/me.html",
        {
            "orders": queries.my_orders(user)[:20],
            "claims": queries.my_claims(user)[:20],
            "member": member,
            "registrations": registrations,
            "posts": PostClaim.objects.filter(registration__user=user, status="active").select_related(
                "post"
            ),
            "open_needs": queries.open_needs(user).order_by("-published_at")[:20] if member else [],
            "resources": permissions.visible(user, Resource).filter(status="published")[:20]
            if permissions.has_role_for(user, "coop.order")
            else [],
            "communities": OrgNode.objects.filter(level="community").order_by("path") if member else [],
        },
    )


# --- resources ---------------------------------------------------------------------------------------


def _filtered(request, qs, *names):
    values = {name: request.GET.get(name, "") for name in names}
    return qs.filter(**{k: v for k, v in values.items() if v}), values


@never_cache
@require_http_methods(["GET", "POST"])
def resource_list(request):
    user = request.user

    def create(p):
        community = _community_from_post(request, "coop.manage_lists")
        provider = {"unit": "provider_unit", "department": "provider_department"}.get(p.get("provider_kind"))
        extra = {}
        if provider == "provider_unit":
            extra[provider] = (
                permissions.visible(user, Unit).filter(pk=id_or_none(p.get("provider_id"))).first()
            )
        elif provider == "provider_department":
            extra[provider] = (
                permissions.visible(user, Department).filter(pk=id_or_none(p.get("provider_id"))).first()
            )
        services.create_resource(
            community=community,
            title=p.get("title"),
            category=p.get("category"),
            kind=p.get("kind"),
            provider_kind=p.get("provider_kind"),
            provider_name=p.get("provider_name", ""),
            capacity=p.get("capacity") or None,
            weekdays=p.get("weekdays") or "1111111",
            time_from=p.get("time_from"),
            time_to=p.get("time_to"),
            times_note=p.get("times_note", ""),
            place=p.get("place", ""),
            contact_name=p.get("contact_name", ""),
            contact_phone=p.get("contact_phone", ""),
            price_note=p.get("price_note", ""),
            description=p.get("description", ""),
            by=user,
            publish=True,
            **extra,
        )

    def context():
        qs, f = _filtered(
            request, permissions.visible(user, Resource).select_related("community"), "kind", "category"
        )
        communities = _communities(user, "coop.manage_lists")
        return {
            "page": _page(request, qs),
            **f,
            "kinds": Resource.Kind.choices,
            "categories": Category.choices,
            "communities": communities,
            "units": permissions.visible(user, Unit) if communities else [],
            "departments": permissions.visible(user, Department) if communities else [],
            "provider_kinds": Resource.ProviderKind.choices,
        }

    return list_page(
        request,
        "coop/resources.html",
        context,
        create=create,
        ok=_("资源已发布到清单。"),
        back="coop:resources",
    )


@never_cache
@require_GET
def resource_detail(request, pk):
    return _resource_page(request, permissions.get_visible_or_404(request.user, Resource, pk=pk))


def _resource_page(request, resource, error=None):
    """The resource's page; ``error``: the refused order, shown above its form with what was typed."""
    user = request.user
    staff = permissions.can(user, "coop.manage_lists", resource)
    return render(
        request,
        "coop/resource.html",
        {
            "r": resource,
            "phone": mask_phone(resource.contact_phone),
            "staff": staff,
            "actions": services.available_actions(user, resource),
            "orders": permissions.visible(user, Order).filter(resource=resource).order_by("-created_at")[:50],
            "waiting": resource.orders.filter(status__in=["placed", "accepted"]).count() if staff else 0,
            "matches": queries.suggest_needs(user, resource) if staff else [],
            "error": error,
            "v": request.POST.dict() if error else {},
        },
        status=400 if error else 200,
    )


@require_POST
def resource_action(request, pk, verb):
    user = request.user
    resource = permissions.get_visible_or_404(user, Resource, pk=pk)
    p = request.POST
    back = reverse("coop:resource", args=[pk])
    if verb == "order":
        try:
            order = services.place_order(
                resource, by=user, note=p.get("note", ""), wanted_on=p.get("wanted_on") or None
            )
        except DomainError as exc:  # a 400 with the form as typed, its field marked
            return _resource_page(request, resource, error=exc)
        messages.success(request, _("点单成功，社区会尽快联系您。"))
        return redirect("coop:order", pk=order.pk)
    calls = {
        "publish": lambda: services.publish_resource(resource, by=user),
        "withdraw": lambda: services.withdraw_resource(
            resource, by=user, cancel_open=p.get("cancel_open") == "1", reason=p.get("reason", "")
        ),
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), back)


# --- needs ---------------------------------------------------------------------------------------------


def _need_household(request, p):
    """The household a grid worker names; a resident's own is the service's default."""
    if p.get("household"):
        return permissions.get_visible_or_404(
            request.user, Household, "coop.collect_need", pk=parse_id(p.get("household"), "household")
        )
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def need_list(request):
    user = request.user

    def create(p):
        household = community = None
        if p.get("scope") == "common":
            community = _community_from_post(request, "coop.manage_lists")
        else:
            household = _need_household(request, p)
        services.submit_need(
            by=user,
            title=p.get("title"),
            category=p.get("category"),
            source=p.get("source") or "self",
            scope=p.get("scope") or "individual",
            household=household,
            community=community,
            description=p.get("description", ""),
            place=p.get("place", ""),
            slots=p.get("slots") or 1,
            weekdays=p.get("weekdays") or "1111111",
            time_from=p.get("time_from"),
            time_to=p.get("time_to"),
        )

    def context():
        qs, f = _filtered(
            request, permissions.visible(user, Need).select_related("community", "grid"), "status", "category"
        )
        return {
            "page": _page(request, qs),
            **f,
            "statuses": Need.Status.choices,
            "categories": Category.choices,
            "sources": Need.Source.choices,
            "communities": _communities(user, "coop.manage_lists"),
            "may_collect": permissions.has_role_for(user, "coop.collect_need"),
            "households": permissions.visible(user, Household, "coop.collect_need").select_related(
                "building__compound"
            )[:200]
            if any(g.role in permissions.NODE_STAFF for g in user.grants())
            else [],
        }

    return list_page(
        request, "coop/needs.html", context, create=create, ok=_("需求已登记。"), back="coop:needs"
    )


@never_cache
@require_GET
def need_detail(request, pk):
    user = request.user
    need = permissions.get_visible_or_404(user, Need, pk=pk)
    staff = permissions.can(user, "coop.manage_lists", need)
    actions = services.available_actions(user, need)
    claims = list(
        permissions.visible(user, Claim).filter(need=need).select_related("unit", "registration__volunteer")
    )
    return render(
        request,
        "coop/need.html",
        {
            "n": need,
            "staff": staff,
            "actions": actions,
            "registration": queries.active_registration(user, need.community_id)
            if "claim" in actions
            else None,
            "claims": claims,
            # Claims of other units or members are not the viewer's to open, but the count beside
            # "认领 n/m" must agree with the list: say how many there are without naming them.
            "hidden_claims": max(need.taken - sum(c.status in Claim.LIVE for c in claims), 0),
            "events": need.events.select_related("actor"),
            "show_address": queries.address_visible(user, need),
            "matches": queries.suggest_resources(user, need) if staff else [],
        },
    )


@require_POST
def need_action(request, pk, verb):
    user = request.user
    need = permissions.get_visible_or_404(user, Need, pk=pk)
    p = request.POST
    back = reverse("coop:need", args=[pk])
    if verb == "claim":
        try:
            claim = services.claim_need(
                need, by=user, as_member=p.get("as") == "member", note=p.get("note", "")
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect(back)
        messages.success(request, _("认领成功，请按约定时间实地报到。"))
        return redirect("coop:claim", pk=claim.pk)
    calls = {
        "publish": lambda: services.publish_need(need, by=user),
        "cancel": lambda: services.cancel_need(need, by=user, reason=p.get("reason")),
        "close": lambda: services.close_need(need, by=user, note=p.get("note", "")),
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), back)
