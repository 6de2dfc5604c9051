"""The base map's layers as GeoJSON, for every map widget (picker, appeal map, worklist map)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanzhi.accounts import permissions

from .. import queries
from ..models import OrgNode


@never_cache
@require_GET
def layers(request):
    """Grids, compounds and buildings within the user's scope; ``?within=<node code>`` narrows to
    one node (out of scope or unknown: 404, alike)."""
    user = request.user
    permissions.require(user, "registry.view_map")
    within = None
    code = request.GET.get("within", "")
    if code:
        within = permissions.get_visible_or_404(user, OrgNode, queries.MAP, code=code[:40])
    return JsonResponse(queries.map_layers(user, within))
