"""The data centre's pages: a node's dashboard and its map layer (GeoJSON), and the big screen."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanzhi.accounts import permissions
from shanzhi.appeals.models import MetricsRules
from shanzhi.core.dbrouter import replica_view
from shanzhi.core.errors import DomainError

from . import queries, services
from .access import ACTION
from .queries import map as map_queries
from .queries import points

SCRIPTS = ["vendor/echarts/echarts.min.js", "vendor/leaflet/leaflet.js", "datacentre/dashboard.js"]
REFRESH = 60  # seconds between a big screen's reloads
STYLES = ["vendor/leaflet/leaflet.css", "datacentre/dashboard.css"]


def _page(request, node):
    period = queries.Period.parse(request.GET)
    context = queries.dashboard(request.user, node, period)
    return render(
        request,
        "datacentre/page.html",
        {"dc": context, "scripts": SCRIPTS, "styles": STYLES},
    )


@never_cache
@require_GET
@replica_view
def home(request):
    """The dashboard of the user's own node (the highest, with several grants)."""
    permissions.require(request.user, ACTION)
    node = queries.root_node(request.user)
    if node is None:
        return render(request, "datacentre/page.html", {"dc": None})
    return _page(request, node)


@never_cache
@require_GET
@replica_view
def node(request, pk):
    return _page(request, queries.node_or_404(request.user, pk))


@never_cache
@require_GET
@replica_view
def map_layer(request, pk):
    node = queries.node_or_404(request.user, pk)
    period = queries.Period.parse(request.GET)
    measure = request.GET.get("measure") or "per_1000"
    if measure not in map_queries.MEASURES:
        raise DomainError(_("没有这个指标。"), field="measure")
    return JsonResponse(map_queries.features(request.user, node, period, measure))


def _read_only(context):
    """A wall shows figures, not ways into the cases: no link leaves the screen."""
    for key in ("categories", "ranking", "histogram"):
        for row in context["chart_data"][key]:
            row["url"] = ""
    return context


@login_not_required
@never_cache
@require_GET
@replica_view
def screen(request, token):
    """The big screen: the node's dashboard for today and this month, dark, refreshing itself."""
    wall = services.open_screen(token, request)
    period = queries.Period.parse({"preset": "month"})
    context = _read_only(queries.dashboard(None, wall.node, period))
    context["map_url"] = reverse("datacentre:screen_map", args=[token]) + "?" + period.query()
    context["points_url"] = reverse("datacentre:screen_points", args=[token]) + "?" + period.query()
    context["ticker"] = queries.intake_today(wall.node)
    return render(request, "datacentre/screen.html", {"dc": context, "screen": wall, "refresh": REFRESH})


@login_not_required
@never_cache
@require_GET
@replica_view
def screen_map(request, token):
    wall = services.open_screen(token, request)
    period = queries.Period.parse(request.GET)
    measure = request.GET.get("measure") or "per_1000"
    if measure not in map_queries.MEASURES:
        raise DomainError(_("没有这个指标。"), field="measure")
    return JsonResponse(map_queries.features(None, wall.node, period, measure))


@never_cache
@require_GET
@replica_view
def map_points(request, pk):
    """The map's points layer: clustered appeals at grid level, a heat layer above (GeoJSON-free
    JSON: ``points.points``)."""
    node = queries.node_or_404(request.user, pk)
    period = queries.Period.parse(request.GET)
    return JsonResponse(points.points(request.user, node, period, MetricsRules.current()))


@login_not_required
@never_cache
@require_GET
@replica_view
def screen_points(request, token):
    wall = services.open_screen(token, request)
    period = queries.Period.parse(request.GET)
    return JsonResponse(points.points(None, wall.node, period, MetricsRules.current()))
