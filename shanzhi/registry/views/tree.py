"""The org tree: the user's top nodes, a node's page (a grid's map, households and network),
grid boundaries and grid health."""

import json

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from .. import queries, services
from ..models import Household, OrgNode
from .people import household_page

HOUSEHOLDS_PER_PAGE = 20


@never_cache
def home(request):
    """Staff see their top nodes; a grid worker lands on the grid itself; a resident on their home."""
    user = request.user
    if permissions.has_role_for(user, "registry.view_tree"):
        tops = queries.top_nodes(user)
        if len(tops) == 1 and tops[0].is_grid:
            return _node_page(request, tops[0])
        children = queries.node_children_with_counts(user, tops[0]) if len(tops) == 1 else []
        return render(request, "registry/home.html", {"tops": tops, "children": children})
    permissions.require(user, "registry.view_people")
    household = permissions.visible(user, Household).first()
    if household is None:
        raise Http404
    return household_page(request, household)


@never_cache
def node_detail(request, code):
    node = permissions.get_visible_or_404(request.user, OrgNode, code=code)
    return _node_page(request, node)


def _node_page(request, node):
    user = request.user
    queries.attach_counts(user, [node])
    context = {
        "node": node,
        "crumbs": queries.breadcrumb(user, node),
        "may_edit_boundary": node.is_grid and permissions.can(user, "registry.edit_org", node),
        "may_view_people": permissions.has_role_for(user, "registry.view_people"),
        "keep": services.places.keeping(user, node),
    }
    if node.is_grid:
        node.band = queries.health_band(node.n_households)
        context.update(_grid_context(request, node))
        if context["may_edit_boundary"]:
            context["boundary_text"] = json.dumps(node.boundary, ensure_ascii=False) if node.boundary else ""
    else:
        context["children"] = queries.node_children_with_counts(user, node)
        context["map_data"] = {"features": queries.boundary_features(user, node), "markers": []}
    if node.level == OrgNode.Level.COMMUNITY:
        places = queries.community_places(user, node)
        context.update(places, party_rows=list(queries.flatten_tree(places["party_orgs"])))
    if request.headers.get("HX-Request") and request.GET.get("page"):
        return render(request, "registry/_households.html", context)
    return render(request, "registry/node.html", context)


def _grid_context(request, grid):
    user = request.user
    buildings = list(queries.buildings_in(user, grid))
    households = Paginator(queries.households_in(user, grid=grid), HOUSEHOLDS_PER_PAGE)
    tag_counts = queries.residents_by_tag(user, grid)
    return {
        "buildings": buildings,
        "households": households.get_page(request.GET.get("page")),
        "tag_counts": tag_counts,
        "tag_chart": {
            "labels": [t["name"] for t in tag_counts],
            "values": [t["count"] for t in tag_counts],
            "colors": ["#e69100" if t["sensitive"] else "#b71c1c" for t in tag_counts],
            "any_sensitive": any(t["sensitive"] for t in tag_counts),
        },
        "workers": queries.grid_workers(user, grid),
        "posts": list(queries.network_posts(user, grid)),
        "map_data": {
            "features": queries.boundary_features(user, grid),
            "markers": [
                {"name": f"{b.compound.name}{b.name}", "label": b.name, "lng": b.lng, "lat": b.lat}
                for b in buildings
                if b.lng is not None and b.lat is not None
            ],
        },
    }


@never_cache
@require_http_methods(["GET", "POST"])
def node_boundary(request, code):
    """GET: the node's GeoJSON. POST: replace a grid's polygon (system admin, district staff)."""
    node = permissions.get_visible_or_404(request.user, OrgNode, code=code)
    if request.method == "GET":
        return JsonResponse(queries.boundary_features(request.user, node))
    permissions.require(request.user, "registry.edit_org", node)
    text = (
        request.body.decode()
        if request.content_type == "application/json"
        else request.POST.get("boundary", "")
    )
    try:
        geojson = _parse_geojson(text)
        services.set_boundary(node, geojson, by=request.user)
    except DomainError as exc:
        return _boundary_form(request, node, text, exc.message, status=400)
    if request.content_type == "application/json":
        return JsonResponse(queries.boundary_features(request.user, node))
    if request.headers.get("HX-Request"):
        response = _boundary_form(request, node, "", None, saved=True)
        response["HX-Refresh"] = "true"
        return response
    return redirect("registry:node", code=node.code)


def _parse_geojson(text):
    if not text.strip():
        raise DomainError(_("请粘贴网格边界的 GeoJSON。"), field="boundary")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DomainError(_("边界不是有效的 JSON，请检查括号和逗号。"), field="boundary") from exc


def _boundary_form(request, node, text, error, status=200, saved=False):
    if request.content_type == "application/json":
        return JsonResponse({"code": "invalid", "field": "boundary", "message": str(error)}, status=status)
    context = {"node": node, "boundary_text": text, "boundary_error": error, "saved": saved}
    template = (
        "registry/_boundary_form.html" if request.headers.get("HX-Request") else "registry/boundary.html"
    )
    return render(request, template, context, status=status)


@never_cache
def grid_health(request):
    user = request.user
    permissions.require(user, "registry.view_tree")
    node = None
    if request.GET.get("node"):
        node = permissions.get_visible_or_404(user, OrgNode, code=request.GET["node"])
    health = queries.grid_health(user, node)
    summary = health.summary
    chart = {
        "labels": [
            _("不足 %(n)d 户") % {"n": health.minimum},
            _("%(a)d–%(b)d 户") % {"a": health.minimum, "b": health.maximum},
            _("超过 %(n)d 户") % {"n": health.maximum},
        ],
        "values": [summary["low"], summary["ok"], summary["high"]],
        "colors": ["#e69100", "#2e7d32", "#b71c1c"],
    }
    return render(
        request,
        "registry/grid_health.html",
        {
            "health": health,
            "summary": summary,
            "node": node,
            "chart": chart,
            "crumbs": queries.breadcrumb(user, node) if node else [],
        },
    )
