"""What the love-bank pages share: running one service call from a form, scoped look-ups."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode

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
