"""What the co-construction pages share: running one service call from a form, the list-page shape,
and the small scoped look-ups several pages need."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import OrgNode

PER_PAGE = 30


def act(request, fn, ok, back, refused=None):
    """Run one service call; done, back to ``back`` with ``ok``. Refused: back with the message, or,
    for a form with typed input, ``refused(error)``: its page again as a 400 with what was typed
    (ARCHITECTURE, "Bad input"). The service's transaction was rolled back: nothing was written."""
    try:
        fn()
    except DomainError as exc:
        if refused is not None:
            return refused(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ok)
    return redirect(back)


def _require(user, action):
    if not permissions.has_role_for(user, action):
        raise PermissionDenied


def list_page(request, template, context, *, create=None, ok="", back=""):
    """The shape every list page shares: anyone who may view co-construction sees it; a POST creates
    one item through ``create(request.POST)`` (a service call) and goes back to the list.

    ``context`` is a function so that a POST never builds the page it is about to leave.
    """
    _require(request.user, "coop.view")
    if request.method == "POST" and create is not None:
        return act(request, lambda: create(request.POST), ok, back)
    return render(request, template, context())


def _communities(user, action):
    return permissions.visible(user, OrgNode, action).filter(level="community").order_by("path")


def _page(request, qs):
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def _community_from_post(request, action):
    return permissions.get_visible_or_404(
        request.user, OrgNode, action, pk=id_or_none(request.POST.get("community")), level="community"
    )
