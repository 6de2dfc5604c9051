"""Supervision of a company: open an action from the company's page, its timeline, notes, the
company's replies and closing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from .. import queries
from ..models import SupervisionAction
from ..services import supervision
from .companies import _page as company_page


@require_POST
def supervise(request, pk):
    company = queries.company_for(request.user, pk)
    permissions.require(request.user, "property.supervise", company)
    f = request.POST
    try:
        action = supervision.open_action(
            company,
            kind=f.get("kind"),
            reason=f.get("reason", ""),
            workdays_given=f.get("workdays"),
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return company_page(request, company, status=400)
    return redirect("property:supervision", pk=action.pk)


def _page(request, action, status=200):
    user = request.user
    return render(
        request,
        "property/supervision.html",
        {
            "action": action,
            "timeline": action.timeline.select_related("by"),
            "may_act": permissions.can(user, "property.supervise", action),
            "may_reply": permissions.can(user, "property.reply", action),
        },
        status=status,
    )


@never_cache
@require_GET
def supervision_detail(request, pk):
    return _page(request, permissions.get_visible_or_404(request.user, SupervisionAction, pk=pk))


def _act(request, pk, call, ok):
    action = permissions.get_visible_or_404(request.user, SupervisionAction, pk=pk)
    try:
        call(action)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, action, status=400)
    messages.success(request, ok)
    return redirect("property:supervision", pk=action.pk)


@require_POST
def supervision_note(request, pk):
    note = request.POST.get("note", "")
    return _act(request, pk, lambda a: supervision.add_note(a, note=note, by=request.user), _("已记录。"))


@require_POST
def supervision_close(request, pk):
    note = request.POST.get("note", "")
    return _act(request, pk, lambda a: supervision.close_action(a, note=note, by=request.user), _("已办结。"))
