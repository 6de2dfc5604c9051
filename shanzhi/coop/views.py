"""Pages of co-construction: the three lists, orders and claims with their timelines, projects,
agreements (promised vs delivered), posts, assessments and their public list, the unit report.

Every fetch goes through the permission module; every write is one service call. Actions on one
object are POSTs to ``<object>/<verb>/``, dispatched from a table, so each verb has one entry point.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import Department, Household, OrgNode, Unit

from . import queries, reports, services
from .models import (
    Agreement,
    AssessmentPeriod,
    Category,
    Claim,
    Commitment,
    JointActivity,
    MemberRegistration,
    Need,
    Order,
    Post,
    PostClaim,
    Project,
    Resource,
)

PER_PAGE = 30


def act(request, fn, ok, back):
    try:
        fn()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ok)
    return redirect(back)


def _require(user, action):
    if not permissions.has_role_for(user, action):
        raise PermissionDenied


def _communities(user, action):
    return permissions.visible(user, OrgNode, action).filter(level="community").order_by("path")


def _page(request, qs):
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def _community_from_post(request, action):
    return permissions.get_visible_or_404(request.user, OrgNode, action, pk=request.POST.get("community") or 0,
                                          level="community")


def _my_registration(user, community_id=None):
    qs = MemberRegistration.objects.filter(user=user, status=MemberRegistration.Status.ACTIVE)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.select_related("community").first()


# --- overview and my page ----------------------------------------------------------------------------


@never_cache
@require_GET
def overview(request):
    user = request.user
    _require(user, "coop.view")
    if not any(g.role in permissions.NODE_STAFF for g in user.grants()):
        return redirect("coop:me")
    return render(request, "coop/overview.html", {
        "resources": permissions.visible(user, Resource).filter(status="published").count(),
        "needs_open": permissions.visible(user, Need).filter(status="open").count(),
        "needs_review": permissions.visible(user, Need).filter(status="submitted").count(),
        "orders_open": permissions.visible(user, Order).filter(status__in=Order.OPEN).count(),
        "claims_open": permissions.visible(user, Claim).filter(status__in=["accepted", "in_progress"]).count(),
        "projects": permissions.visible(user, Project).filter(parent__isnull=True).count(),
        "agreements": queries.agreements_overview(user, status="signed")[:10],
        "members": permissions.visible(user, MemberRegistration).filter(status="active").count(),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def me(request):
    """On the phone: a resident's orders; a member's claims, posts and the needs open to claim."""
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":  # a member reports to the community they live in
        community = get_object_or_404(OrgNode, pk=request.POST.get("community") or 0, level="community")
        return act(request, lambda: services.register_member(user=user, community=community, by=user),
                   _("报到成功。"), "coop:me")
    member = any(g.role == Role.UNIT_MEMBER for g in user.grants())
    registrations = MemberRegistration.objects.filter(user=user, status="active").select_related("community")
    return render(request, "coop/me.html", {
        "orders": queries.my_orders(user)[:20], "claims": queries.my_claims(user)[:20],
        "member": member, "registrations": registrations,
        "posts": PostClaim.objects.filter(registration__user=user, status="active").select_related("post"),
        "open_needs": queries.open_needs(user).order_by("-published_at")[:20] if member else [],
        "resources": permissions.visible(user, Resource).filter(status="published")[:20]
        if permissions.has_role_for(user, "coop.order") else [],
        "communities": OrgNode.objects.filter(level="community").order_by("path") if member else [],
    })


# --- resources ---------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def resource_list(request):
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":
        community = _community_from_post(request, "coop.manage_lists")
        p = request.POST
        provider = {"unit": "provider_unit", "department": "provider_department"}.get(p.get("provider_kind"))
        extra = {}
        if provider == "provider_unit":
            extra[provider] = permissions.visible(user, Unit).filter(pk=p.get("provider_id") or 0).first()
        elif provider == "provider_department":
            extra[provider] = permissions.visible(user, Department).filter(pk=p.get("provider_id") or 0).first()
        return act(request, lambda: services.create_resource(
            community=community, title=p.get("title"), category_=p.get("category"), kind=p.get("kind"),
            provider_kind=p.get("provider_kind"), provider_name=p.get("provider_name", ""),
            capacity=p.get("capacity") or None, weekdays_=p.get("weekdays") or "1111111",
            time_from=p.get("time_from"), time_to=p.get("time_to"), times_note=p.get("times_note", ""),
            place=p.get("place", ""), contact_name=p.get("contact_name", ""), contact_phone=p.get("contact_phone", ""),
            price_note=p.get("price_note", ""), description=p.get("description", ""), by=user, publish=True, **extra,
        ), _("资源已发布到清单。"), "coop:resources")
    qs = permissions.visible(user, Resource).select_related("community")
    kind, category = request.GET.get("kind", ""), request.GET.get("category", "")
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    communities = _communities(user, "coop.manage_lists")
    return render(request, "coop/resources.html", {
        "page": _page(request, qs), "kind": kind, "category": category, "kinds": Resource.Kind.choices,
        "categories": Category.choices, "communities": communities,
        "units": permissions.visible(user, Unit) if communities else [],
        "departments": permissions.visible(user, Department) if communities else [],
        "provider_kinds": Resource.ProviderKind.choices,
    })


@never_cache
@require_GET
def resource_detail(request, pk):
    user = request.user
    resource = permissions.get_visible_or_404(user, Resource, pk=pk)
    staff = permissions.can(user, "coop.manage_lists", resource)
    return render(request, "coop/resource.html", {
        "r": resource, "phone": mask_phone(resource.contact_phone), "staff": staff,
        "may_order": permissions.can(user, "coop.order", resource) and resource.status == "published",
        "orders": permissions.visible(user, Order).filter(resource=resource).order_by("-created_at")[:50],
        "matches": queries.suggest_needs(user, resource) if staff else [],
    })


@require_POST
def resource_action(request, pk, verb):
    user = request.user
    resource = permissions.get_visible_or_404(user, Resource, pk=pk)
    p = request.POST
    back = reverse("coop:resource", args=[pk])
    if verb == "order":
        try:
            order = services.place_order(resource, by=user, note=p.get("note", ""), wanted_on=p.get("wanted_on") or None)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect(back)
        messages.success(request, _("点单成功，社区会尽快联系您。"))
        return redirect("coop:order", pk=order.pk)
    calls = {"publish": lambda: services.publish_resource(resource, by=user),
             "withdraw": lambda: services.withdraw_resource(resource, by=user)}
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), back)


# --- needs ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def need_list(request):
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":
        p = request.POST
        household = None
        community = None
        if p.get("scope") == "common":
            community = _community_from_post(request, "coop.manage_lists")
        elif p.get("household"):
            household = permissions.get_visible_or_404(user, Household, "coop.collect_need", pk=p.get("household"))
        elif any(g.role == Role.RESIDENT and g.resident_id for g in user.grants()):
            grant = next(g for g in user.grants() if g.role == Role.RESIDENT and g.resident_id)
            household = grant.resident.household
        return act(request, lambda: services.submit_need(
            by=user, title=p.get("title"), category_=p.get("category"), source=p.get("source") or "self",
            scope=p.get("scope") or "individual", household=household, community=community,
            description=p.get("description", ""), place=p.get("place", ""), slots=p.get("slots") or 1,
            weekdays_=p.get("weekdays") or "1111111", time_from=p.get("time_from"), time_to=p.get("time_to"),
        ), _("需求已登记。"), "coop:needs")
    qs = permissions.visible(user, Need).select_related("community", "grid")
    status, category = request.GET.get("status", ""), request.GET.get("category", "")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return render(request, "coop/needs.html", {
        "page": _page(request, qs), "status": status, "category": category, "statuses": Need.Status.choices,
        "categories": Category.choices, "sources": Need.Source.choices,
        "communities": _communities(user, "coop.manage_lists"),
        "may_collect": permissions.has_role_for(user, "coop.collect_need"),
        "households": permissions.visible(user, Household, "coop.collect_need").select_related(
            "building__compound")[:200] if any(g.role in permissions.NODE_STAFF for g in user.grants()) else [],
    })


def _address_visible(user, need):
    """The household's address goes to staff in scope and to whoever claimed the need, no one else."""
    if need.household_id is None:
        return False
    if permissions.visible(user, Household).filter(pk=need.household_id).exists():
        return True
    return need.claims.filter(status__in=Claim.LIVE).filter(claimed_by=user).exists()


@never_cache
@require_GET
def need_detail(request, pk):
    user = request.user
    need = permissions.get_visible_or_404(user, Need, pk=pk)
    staff = permissions.can(user, "coop.manage_lists", need)
    claimable = permissions.can(user, "coop.claim", need) and need.status == Need.Status.OPEN
    return render(request, "coop/need.html", {
        "n": need, "staff": staff, "claimable": claimable,
        "registration": _my_registration(user, need.community_id) if claimable else None,
        "claims": permissions.visible(user, Claim).filter(need=need).select_related("unit", "registration__volunteer"),
        "events": need.events.select_related("actor"), "show_address": _address_visible(user, need),
        "matches": queries.suggest_resources(user, need) if staff else [],
    })


@require_POST
def need_action(request, pk, verb):
    user = request.user
    need = permissions.get_visible_or_404(user, Need, pk=pk)
    p = request.POST
    back = reverse("coop:need", args=[pk])
    if verb == "claim":
        permissions.require(user, "coop.claim", need)
        registration = None
        if p.get("as") == "member":
            registration = _my_registration(user, need.community_id)
            if registration is None:
                messages.error(request, _("请先到该社区报到。"))
                return redirect(back)
        try:
            claim = services.claim_need(need, by=user, registration=registration, note=p.get("note", ""))
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


# --- orders and claims ------------------------------------------------------------------------------------


@never_cache
@require_GET
def order_detail(request, pk):
    user = request.user
    order = permissions.get_visible_or_404(user, Order, pk=pk)
    return render(request, "coop/order.html", {
        "o": order, "events": order.events.select_related("actor"),
        "handler": permissions.can(user, "coop.handle_order", order), "mine": order.ordered_by_id == user.pk,
    })


@require_POST
def order_action(request, pk, verb):
    user = request.user
    order = permissions.get_visible_or_404(user, Order, pk=pk)
    p = request.POST
    calls = {
        "accept": lambda: services.accept_order(order, by=user, note=p.get("note", "")),
        "reject": lambda: services.reject_order(order, by=user, reason=p.get("reason")),
        "start": lambda: services.start_order(order, by=user, note=p.get("note", "")),
        "finish": lambda: services.finish_order(order, by=user, note=p.get("note", "")),
        "cancel": lambda: services.cancel_order(order, by=user, reason=p.get("reason", "")),
        "rate": lambda: services.rate_order(order, by=user, stars=p.get("stars"), comment=p.get("comment", "")),
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), reverse("coop:order", args=[pk]))


@never_cache
@require_GET
def claim_detail(request, pk):
    user = request.user
    claim = permissions.get_visible_or_404(user, Claim, pk=pk)
    mine = claim.claimed_by_id == user.pk or (claim.registration_id and claim.registration.user_id == user.pk)
    need = claim.need
    return render(request, "coop/claim.html", {
        "c": claim, "events": claim.events.select_related("actor"), "mine": mine,
        "staff": permissions.can(user, "coop.manage_lists", need) if permissions.visible(
            user, Need).filter(pk=need.pk).exists() else False,
        "may_rate": claim.status == "done" and (need.submitted_by_id == user.pk or any(
            g.role == Role.RESIDENT and g.resident_id and g.resident.household_id == need.household_id
            for g in user.grants())),
        "show_address": _address_visible(user, need) or mine,
    })


@require_POST
def claim_action(request, pk, verb):
    user = request.user
    claim = permissions.get_visible_or_404(user, Claim, pk=pk)
    p = request.POST
    calls = {
        "schedule": lambda: services.schedule_visit(claim, by=user, starts_at=p.get("starts_at"),
                                                    ends_at=p.get("ends_at"), place=p.get("place", "")),
        "start": lambda: services.start_claim(claim, by=user, note=p.get("note", "")),
        "finish": lambda: services.finish_claim(claim, by=user, result=p.get("result")),
        "withdraw": lambda: services.withdraw_claim(claim, by=user, reason=p.get("reason")),
        "rate": lambda: services.rate_claim(claim, by=user, stars=p.get("stars"), comment=p.get("comment", "")),
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), reverse("coop:claim", args=[pk]))


# --- projects ------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def project_list(request):
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":
        p = request.POST
        node = permissions.get_visible_or_404(user, OrgNode, "coop.manage_projects", pk=p.get("node") or 0)
        parent = permissions.get_visible_or_404(user, Project, pk=p.get("parent")) if p.get("parent") else None
        lead_unit = permissions.visible(user, Unit).filter(pk=p.get("lead_unit") or 0).first()
        lead_department = permissions.visible(user, Department).filter(pk=p.get("lead_department") or 0).first()
        return act(request, lambda: services.create_project(
            node=node, title=p.get("title"), category_=p.get("category"), by=user, lead_unit=lead_unit,
            lead_department=lead_department, budget=p.get("budget") or None, parent=parent,
            weight=p.get("weight") or 1, starts_on=p.get("starts_on") or None, ends_on=p.get("ends_on") or None,
            description=p.get("description", ""),
        ), _("项目已建立。"), "coop:projects")
    qs = permissions.visible(user, Project).filter(parent__isnull=True).select_related(
        "node", "lead_unit", "lead_department")
    nodes = permissions.visible(user, OrgNode, "coop.manage_projects").filter(level__in=["community", "street"])
    return render(request, "coop/projects.html", {
        "page": _page(request, qs), "nodes": nodes, "categories": Category.choices,
        "units": permissions.visible(user, Unit) if nodes else [],
        "departments": permissions.visible(user, Department) if nodes else [],
        "parents": permissions.visible(user, Project, "coop.manage_projects") if nodes else [],
    })


@never_cache
@require_GET
def project_detail(request, pk):
    user = request.user
    project = permissions.get_visible_or_404(user, Project, pk=pk)
    return render(request, "coop/project.html", {
        "p": project, "tree": queries.project_tree(project), "events": project.events.select_related("actor"),
        "milestones": project.milestones.all(), "staff": permissions.can(user, "coop.manage_projects", project),
        "leaf": not project.children.exists(), "statuses": Project.Status.choices, "today": timezone.localdate(),
    })


@require_POST
def project_action(request, pk, verb):
    user = request.user
    project = permissions.get_visible_or_404(user, Project, pk=pk)
    p = request.POST

    def milestone_done():
        milestone = get_object_or_404(project.milestones, pk=p.get("milestone") or 0)
        services.complete_milestone(milestone, done_on=p.get("done_on") or timezone.localdate(), by=user)

    calls = {
        "progress": lambda: services.set_progress(project, progress=p.get("progress"), by=user, note=p.get("note", "")),
        "status": lambda: services.set_status(project, status=p.get("status"), by=user, note=p.get("note", "")),
        "milestone": lambda: services.add_milestone(project, title=p.get("title"), due_on=p.get("due_on"), by=user),
        "milestone_done": milestone_done,
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), reverse("coop:project", args=[pk]))


@login_not_required
@require_GET
def public_project(request, slug):
    """The public progress page: no login, no personal data, only projects marked public."""
    project = get_object_or_404(Project.objects.select_related("node", "lead_unit", "lead_department"),
                                slug=slug, public=True)
    return render(request, "coop/public_project.html", {
        "p": project, "tree": [(x, d) for x, d in queries.project_tree(project) if x.public],
        "milestones": project.milestones.all(),
        "updates": project.events.filter(verb__in=["progress", "status", "milestone_done"]).order_by("-at")[:20],
    })


@login_not_required
@require_GET
def public_projects(request):
    return render(request, "coop/public_projects.html", {"projects": queries.public_projects()[:100]})


# --- 双报到: agreements, members, posts -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_list(request):
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":
        community = _community_from_post(request, "coop.manage_agreements")
        p = request.POST
        unit = permissions.get_visible_or_404(user, Unit, pk=p.get("unit") or 0)
        commitments = [{"kind": kind, "content": p.get(f"{kind}_content"), "promised_count": p.get(f"{kind}_count")}
                       for kind in Commitment.Kind.values if p.get(f"{kind}_content")]
        return act(request, lambda: services.sign_agreement(
            unit=unit, community=community, period_start=p.get("period_start"), period_end=p.get("period_end"),
            unit_signatory=p.get("unit_signatory"), signed_on=p.get("signed_on") or timezone.localdate(),
            commitments=commitments, by=user), _("共建协议已签订。"), "coop:agreements")
    communities = _communities(user, "coop.manage_agreements")
    return render(request, "coop/agreements.html", {
        "rows": queries.agreements_overview(user), "communities": communities, "kinds": Commitment.Kind.choices,
        "units": permissions.visible(user, Unit).order_by("name") if communities else [],
        "today": timezone.localdate(),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_detail(request, pk):
    """The agreement page: each commitment, promised against delivered, and the activities recorded."""
    user = request.user
    agreement = permissions.get_visible_or_404(user, Agreement, pk=pk)
    if request.method == "POST":
        p = request.POST
        commitment = get_object_or_404(agreement.commitments, pk=p.get("commitment") or 0)
        return act(request, lambda: services.record_joint_activity(
            commitment, title=p.get("title"), held_on=p.get("held_on"), place=p.get("place", ""),
            participants=p.get("participants") or 0, note=p.get("note", ""), by=user,
            starts_at=p.get("starts_at") or None, ends_at=p.get("ends_at") or None,
        ), _("已记录一次共建活动。"), reverse("coop:agreement", args=[pk]))
    rows = queries.agreement_progress(agreement)
    may_record = permissions.can(user, "coop.manage_agreements", agreement) or permissions.can(
        user, "coop.record_delivery", agreement)
    return render(request, "coop/agreement.html", {
        "a": agreement, "rows": rows, "may_record": may_record, "today": timezone.localdate(),
        "activities": JointActivity.objects.filter(commitment__agreement=agreement).select_related(
            "commitment", "session").order_by("-held_on"),
        "promised": sum(r.promised for r in rows), "delivered": sum(min(r.delivered, r.promised) for r in rows),
    })


@never_cache
@require_GET
def member_list(request):
    user = request.user
    _require(user, "coop.view")
    qs = permissions.visible(user, MemberRegistration).select_related("volunteer", "community", "branch",
                                                                      "workplace_unit")
    return render(request, "coop/members.html", {"page": _page(request, qs)})


@never_cache
@require_http_methods(["GET", "POST"])
def post_list(request):
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":
        community = _community_from_post(request, "coop.manage_lists")
        p = request.POST
        return act(request, lambda: services.create_post(
            community=community, kind=p.get("kind"), title=p.get("title"), slots=p.get("slots"),
            description=p.get("description", ""), place=p.get("place", ""), schedule=p.get("schedule", ""), by=user,
        ), _("岗位已发布。"), "coop:posts")
    return render(request, "coop/posts.html", {
        "page": _page(request, queries.post_list(user).select_related("community")), "kinds": Post.Kind.choices,
        "communities": _communities(user, "coop.manage_lists"),
    })


@never_cache
@require_GET
def post_detail(request, pk):
    user = request.user
    post = permissions.get_visible_or_404(user, Post, pk=pk)
    return render(request, "coop/post.html", {
        "post": post, "holders": post.claims.filter(status="active").select_related("registration__volunteer"),
        "duties": post.duties.select_related("session")[:20], "staff": permissions.can(user, "coop.manage_lists", post),
        "registration": _my_registration(user, post.community_id),
        "mine": PostClaim.objects.filter(post=post, registration__user=user, status="active").first(),
    })


@require_POST
def post_action(request, pk, verb):
    user = request.user
    post = permissions.get_visible_or_404(user, Post, pk=pk)
    p = request.POST
    back = reverse("coop:post", args=[pk])

    def claim():
        permissions.require(user, "coop.claim", post)
        registration = _my_registration(user, post.community_id)
        if registration is None:
            raise DomainError(_("请先到该社区报到。"), field="registration")
        services.claim_post(post, registration=registration, by=user)

    def release():
        holder = get_object_or_404(PostClaim, post=post, pk=p.get("claim") or 0)
        services.release_post(holder, by=user)

    calls = {
        "claim": claim, "release": release,
        "duty": lambda: services.schedule_duty(post, starts_at=p.get("starts_at"), ends_at=p.get("ends_at"), by=user),
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), back)


# --- 一考双评一公示 and the unit report ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def period_list(request):
    user = request.user
    _require(user, "coop.view")
    if request.method == "POST":
        community = _community_from_post(request, "coop.assess")
        p = request.POST
        return act(request, lambda: services.open_period(community=community, name=p.get("name"),
                                                         starts_on=p.get("starts_on"), ends_on=p.get("ends_on"),
                                                         by=user), _("考评周期已建立。"), "coop:periods")
    return render(request, "coop/periods.html", {
        "periods": permissions.visible(user, AssessmentPeriod).select_related("community"),
        "communities": _communities(user, "coop.assess"),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def period_detail(request, pk):
    user = request.user
    period = permissions.get_visible_or_404(user, AssessmentPeriod, pk=pk)
    if request.method == "POST":
        p = request.POST
        if p.get("verb") == "publish":
            return act(request, lambda: services.publish_period(period, by=user), _("考评结果已公示。"),
                       reverse("coop:period", args=[pk]))
        # Whom the community may assess: units that signed with it, members registered with it.
        unit = Unit.objects.filter(coop_agreements__community=period.community, pk=p.get("unit") or 0).first()
        registration = MemberRegistration.objects.filter(community=period.community,
                                                         pk=p.get("registration") or 0).first()
        return act(request, lambda: services.assess(period, score=p.get("score"), by=user, unit=unit,
                                                    registration=registration, comment=p.get("comment", "")),
                   _("考评已保存。"), reverse("coop:period", args=[pk]))
    staff = permissions.can(user, "coop.assess", period)
    return render(request, "coop/period.html", {
        "period": period, "rows": queries.assessment_rows(period), "staff": staff,
        "units": Unit.objects.filter(coop_agreements__community=period.community).distinct() if staff else [],
        "registrations": MemberRegistration.objects.filter(community=period.community, status="active")
        .select_related("volunteer") if staff else [],
    })


@login_not_required
@require_GET
def public_assessment(request, slug):
    period = get_object_or_404(AssessmentPeriod.objects.select_related("community"), slug=slug,
                               status=AssessmentPeriod.Status.PUBLISHED)
    return render(request, "coop/public_assessment.html", {
        "period": period, "rows": queries.assessment_rows(period, public=True)})


def _date_param(request, name, default):
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


@never_cache
@require_GET
def unit_report(request, pk):
    """The unit's report for its employer (.xlsx). Audited as an export."""
    user = request.user
    unit = permissions.get_visible_or_404(user, Unit, pk=pk)
    permissions.require(user, "coop.report")
    if not _may_report_on(user, unit):
        raise Http404
    today = timezone.localdate()
    starts_on = _date_param(request, "from", today.replace(month=1, day=1))
    ends_on = _date_param(request, "to", today)
    data = reports.unit_report_xlsx(queries.unit_report(unit, starts_on, ends_on))
    audit.record("export", request=request, target=unit, detail={"report": "coop_unit",
                                                                  "from": starts_on.isoformat(),
                                                                  "to": ends_on.isoformat()})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="unit-{unit.pk}-report.xlsx"'
    return response


def _may_report_on(user, unit):
    """Staff of the unit's community (or above), or a member of the unit itself."""
    for grant in user.grants():
        if grant.role == Role.UNIT_MEMBER and grant.unit_id == unit.pk:
            return True
        if grant.role in permissions.ACTIONS["coop.report"] and grant.node_id and grant.role != Role.UNIT_MEMBER:
            if unit.community.path.startswith(grant.node.path):
                return True
    return False
