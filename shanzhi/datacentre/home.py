"""The dashboard leads the home page of the org tree's staff (district, street, community, grid)."""

from shanzhi.accounts import home, permissions

from . import queries
from .access import ACTION
from .views import SCRIPTS, STYLES


def dashboard_lead(request):
    user = request.user
    if not permissions.has_role_for(user, ACTION):
        return None
    node = queries.root_node(user)
    if node is None:
        return None
    context = queries.dashboard(user, node, queries.Period.parse({}))
    return home.Lead("datacentre/_dashboard.html", context, scripts=SCRIPTS, styles=STYLES)


def register():
    home.register_lead(dashboard_lead)
