"""The 待定位 queue: appeals filed with an address nobody could place, and the page that places one.

Only the district's and its streets' dispatchers (``appeals.locate``) have the queue; an unplaced
appeal is outside every community's scope, so to anyone else its page does not exist (404).
Placing calls the same move as the API (``services.place`` through ``moveforms``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from .. import queries
from ..models import Appeal
from ..services import choices, moveforms

PER_PAGE = 25


@never_cache
def queue(request):
    user = request.user
    permissions.require(user, "appeals.locate")
    rows = queries.worklist(user, "to_locate").order_by("created_at", "id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "appeals/to_locate.html", {"page": page})


def _version(post):
    value = post.get("version") or ""
    return int(value) if value.isdigit() else None


@never_cache
@require_http_methods(["GET", "POST"])
def place(request, number):
    user = request.user
    appeal = permissions.get_visible_or_404(user, Appeal, number=number)
    permissions.require(user, "appeals.locate", appeal)
    if not appeal.unplaced:
        messages.info(request, _("这条诉求已有位置。"))
        return redirect("appeals:detail", number=appeal.number)
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            moveforms.call("locate", appeal, user, request.POST, [], _version(request.POST))
        except DomainError as exc:
            error = exc
            appeal.refresh_from_db()
        else:
            messages.success(request, _("已定位，诉求进入待受理。"))
            return redirect("appeals:detail", number=appeal.number)
    context = {
        "a": appeal,
        "form": form,
        "error": error,
        "conflict": getattr(error, "changed", None),
        "place_nodes": choices.place_nodes(user),
    }
    return render(request, "appeals/locate.html", context, status=error.status if error else 200)
