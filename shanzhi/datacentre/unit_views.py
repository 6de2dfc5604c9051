"""The dashboards of a department and of a property company (their own staff only; any other
reader, or another unit, is a 404), and the page that issues and revokes big-screen tokens."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core import inputs
from shanzhi.core.dbrouter import replica_view
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode

from . import queries, services
from .access import MANAGE_SCREENS
from .models import Screen
from .queries import units
from .views import SCRIPTS, STYLES

SCREEN_LEVELS = ("district", "street", "community")
NODES_SHOWN = 500


def _unit_page(request, unit, kind):
    period = queries.Period.parse(request.GET)
    context = units.unit_dashboard(request.user, unit, kind, period)
    return render(request, "datacentre/unit.html", {"dc": context, "scripts": SCRIPTS, "styles": STYLES})


@never_cache
@require_GET
@replica_view
def department(request, pk):
    return _unit_page(request, units.department_or_404(request.user, pk), "department")


@never_cache
@require_GET
@replica_view
def company(request, pk):
    return _unit_page(request, units.company_or_404(request.user, pk), "company")


# --- big screens ---------------------------------------------------------------------------------


def _manageable_nodes(user):
    return permissions.visible(user, OrgNode, MANAGE_SCREENS).filter(
        level__in=SCREEN_LEVELS, retired_at__isnull=True
    )


@never_cache
@require_http_methods(["GET", "POST"])
def screens(request):
    """The screens of the nodes the user coordinates, with revoke buttons; the form issues one and
    shows its address this once (only its digest is kept)."""
    user = request.user
    permissions.require(user, MANAGE_SCREENS)
    nodes = _manageable_nodes(user)
    issued, error, status, values = None, "", 200, {"node": "", "label": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            pk = inputs.parse_id(values["node"], "node", required=True, label=_("节点"))
            node = get_object_or_404(nodes, pk=pk)
            screen, token = services.issue_screen(node, label=values["label"], by=user)
            address = request.build_absolute_uri(reverse("datacentre:screen", args=[token]))
            issued = {"screen": screen, "address": address}
            values = {"node": "", "label": ""}
        except DomainError as exc:
            error, status = exc.message, 400
    live = (
        Screen.objects.filter(node__in=nodes, revoked_at__isnull=True)
        .select_related("node", "created_by")
        .order_by("node__path", "-created_at")
    )
    context = {
        "nodes": nodes.order_by("path")[:NODES_SHOWN],
        "screens": live,
        "issued": issued,
        "error": error,
        "values": values,
    }
    return render(request, "datacentre/screens.html", context, status=status)


@require_POST
def screen_revoke(request, pk):
    screen = get_object_or_404(Screen.objects.filter(node__in=_manageable_nodes(request.user)), pk=pk)
    services.revoke_screen(screen, by=request.user)
    return redirect("datacentre:screens")
