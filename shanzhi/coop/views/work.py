"""Orders and claims with their timelines; projects, their progress and the public progress pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import Department, OrgNode, Unit

from .. import queries, services
from ..models import Category, Claim, Order, Project
from .common import _page, act, list_page


@never_cache
@require_GET
def order_detail(request, pk):
    return _order_page(request, permissions.get_visible_or_404(request.user, Order, pk=pk))


def _order_page(request, order, error=None):
    """The order's page; ``error``: a refused move, shown above the moves with what was typed."""
    user = request.user
    return render(
        request,
        "coop/order.html",
        {
            "o": order,
            "events": order.events.select_related("actor"),
            "actions": services.available_actions(user, order),
            "error": error,
            "v": request.POST.dict() if error else {},
        },
        status=400 if error else 200,
    )


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
        "rate": lambda: services.rate_order(
            order, by=user, stars=p.get("stars"), comment=p.get("comment", "")
        ),
    }
    return _move(request, calls, verb, Order, pk, _order_page, "coop:order")


@never_cache
@require_GET
def claim_detail(request, pk):
    return _claim_page(request, permissions.get_visible_or_404(request.user, Claim, pk=pk))


def _claim_page(request, claim, error=None):
    """The claim's page; ``error``: a refused move, shown above the moves with what was typed."""
    user = request.user
    return render(
        request,
        "coop/claim.html",
        {
            "c": claim,
            "events": claim.events.select_related("actor"),
            "actions": services.available_actions(user, claim),
            "show_address": queries.address_visible(user, claim.need) or services.claim_is_mine(user, claim),
            "error": error,
            "v": request.POST.dict() if error else {},
        },
        status=400 if error else 200,
    )


@require_POST
def claim_action(request, pk, verb):
    user = request.user
    claim = permissions.get_visible_or_404(user, Claim, pk=pk)
    p = request.POST
    calls = {
        "schedule": lambda: services.schedule_visit(
            claim, by=user, starts_at=p.get("starts_at"), ends_at=p.get("ends_at"), place=p.get("place", "")
        ),
        "start": lambda: services.start_claim(claim, by=user, note=p.get("note", "")),
        "finish": lambda: services.finish_claim(claim, by=user, result=p.get("result")),
        "withdraw": lambda: services.withdraw_claim(claim, by=user, reason=p.get("reason")),
        "rate": lambda: services.rate_claim(
            claim, by=user, stars=p.get("stars"), comment=p.get("comment", "")
        ),
    }
    return _move(request, calls, verb, Claim, pk, _claim_page, "coop:claim")


def _move(request, calls, verb, model, pk, page, url_name):
    """The move ``verb`` of ``calls`` typed on an order's or a claim's page (404 for a verb it does
    not have): back to ``url_name`` with a message when it goes through; refused (a reason, a
    result, a time, a rating), ``page`` again with what was typed and the refused field marked,
    the object read as it stands."""
    if verb not in calls:
        raise Http404

    def again(error):
        return page(request, permissions.get_visible_or_404(request.user, model, pk=pk), error)

    return act(request, calls[verb], _("已更新。"), reverse(url_name, args=[pk]), refused=again)


@never_cache
@require_http_methods(["GET", "POST"])
def project_list(request):
    user = request.user

    def create(p):
        node = permissions.get_visible_or_404(
            user, OrgNode, "coop.manage_projects", pk=id_or_none(p.get("node"))
        )
        parent = (
            permissions.get_visible_or_404(user, Project, pk=id_or_none(p.get("parent")))
            if p.get("parent")
            else None
        )
        lead_unit = permissions.visible(user, Unit).filter(pk=id_or_none(p.get("lead_unit"))).first()
        lead_department = (
            permissions.visible(user, Department).filter(pk=id_or_none(p.get("lead_department"))).first()
        )
        services.create_project(
            node=node,
            title=p.get("title"),
            category=p.get("category"),
            by=user,
            lead_unit=lead_unit,
            lead_department=lead_department,
            budget=p.get("budget") or None,
            parent=parent,
            weight=p.get("weight") or 1,
            starts_on=p.get("starts_on") or None,
            ends_on=p.get("ends_on") or None,
            description=p.get("description", ""),
        )

    def context():
        qs = (
            permissions.visible(user, Project)
            .filter(parent__isnull=True)
            .select_related("node", "lead_unit", "lead_department")
        )
        nodes = permissions.visible(user, OrgNode, "coop.manage_projects").filter(
            level__in=["community", "street"]
        )
        return {
            "page": _page(request, qs),
            "nodes": nodes,
            "categories": Category.choices,
            "units": permissions.visible(user, Unit) if nodes else [],
            "departments": permissions.visible(user, Department) if nodes else [],
            "parents": permissions.visible(user, Project, "coop.manage_projects") if nodes else [],
        }

    return list_page(
        request, "coop/projects.html", context, create=create, ok=_("项目已建立。"), back="coop:projects"
    )


@never_cache
@require_GET
def project_detail(request, pk):
    user = request.user
    project = permissions.get_visible_or_404(user, Project, pk=pk)
    return render(
        request,
        "coop/project.html",
        {
            "p": project,
            "tree": queries.project_tree(project),
            "events": project.events.select_related("actor"),
            "milestones": project.milestones.all(),
            "staff": permissions.can(user, "coop.manage_projects", project),
            "leaf": not project.children.exists(),
            "statuses": Project.Status.choices,
            "today": timezone.localdate(),
        },
    )


@require_POST
def project_action(request, pk, verb):
    user = request.user
    project = permissions.get_visible_or_404(user, Project, pk=pk)
    p = request.POST

    def milestone_done():
        milestone = get_object_or_404(project.milestones, pk=id_or_none(p.get("milestone")))
        services.complete_milestone(milestone, done_on=p.get("done_on") or timezone.localdate(), by=user)

    calls = {
        "progress": lambda: services.set_progress(
            project, progress=p.get("progress"), by=user, note=p.get("note", "")
        ),
        "status": lambda: services.set_status(
            project, status=p.get("status"), by=user, note=p.get("note", "")
        ),
        "milestone": lambda: services.add_milestone(
            project, title=p.get("title"), due_on=p.get("due_on"), by=user
        ),
        "milestone_done": milestone_done,
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), reverse("coop:project", args=[pk]))


@login_not_required
@require_GET
def public_project(request, slug):
    """The public progress page: no login, no personal data, only projects marked public."""
    project = get_object_or_404(
        Project.objects.select_related("node", "lead_unit", "lead_department"), slug=slug, public=True
    )
    return render(
        request,
        "coop/public_project.html",
        {
            "p": project,
            "tree": [(x, d) for x, d in queries.project_tree(project) if x.public],
            "milestones": project.milestones.all(),
            "updates": project.events.filter(verb__in=["progress", "status", "milestone_done"]).order_by(
                "-at"
            )[:20],
        },
    )


@login_not_required
@require_GET
def public_projects(request):
    return render(request, "coop/public_projects.html", {"projects": queries.public_projects()[:100]})
