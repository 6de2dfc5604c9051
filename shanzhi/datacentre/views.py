"""The data centre's pages: a node's dashboard and its map layer (GeoJSON)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from . import queries
from .access import ACTION
from .queries import map as map_queries

SCRIPTS = ["vendor/echarts/echarts.min.js", "vendor/leaflet/leaflet.js", "datacentre/dashboard.js"]
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
def home(request):
    """The dashboard of the user's own node (the highest, with several grants)."""
    permissions.require(request.user, ACTION)
    node = queries.root_node(request.user)
    if node is None:
        return render(request, "datacentre/page.html", {"dc": None})
    return _page(request, node)


@never_cache
@require_GET
def node(request, pk):
    return _page(request, queries.node_or_404(request.user, pk))


@never_cache
@require_GET
def map_layer(request, pk):
    node = queries.node_or_404(request.user, pk)
    period = queries.Period.parse(request.GET)
    measure = request.GET.get("measure") or "per_1000"
    if measure not in map_queries.MEASURES:
        raise DomainError(_("没有这个指标。"), field="measure")
    return JsonResponse(map_queries.features(request.user, node, period, measure))
