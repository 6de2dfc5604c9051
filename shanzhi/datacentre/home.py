"""The dashboard leads the home page of the org tree's staff (district, street, community, grid);
a panel links a department's handler and a property company's staff to their own dashboard, and
those who coordinate a node to its big screens."""

from django.utils.translation import gettext as _

from shanzhi.accounts import home, permissions

from . import queries
from .access import ACTION, MANAGE_SCREENS, VIEW_COMPANY, VIEW_DEPARTMENT
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


def datacentre_panel(user):
    grants = user.grants()
    shortcuts = [
        home.link(
            user,
            VIEW_DEPARTMENT,
            _("%(n)s数据") % {"n": g.department.name},
            "datacentre:department",
            g.department_id,
            icon="bar-chart",
        )
        for g in grants
        if g.role == "department_handler" and g.department_id
    ]
    shortcuts += [
        home.link(
            user,
            VIEW_COMPANY,
            _("%(n)s数据") % {"n": g.property_company.name},
            "datacentre:company",
            g.property_company_id,
            icon="bar-chart",
        )
        for g in grants
        if g.role == "property_staff" and g.property_company_id
    ]
    shortcuts.append(home.link(user, MANAGE_SCREENS, _("大屏管理"), "datacentre:screens", icon="display"))
    panel = home.Panel(_("数据中心"), icon="bar-chart", order=90, shortcuts=shortcuts)
    return panel if panel.has_content else None


def register():
    home.register_lead(dashboard_lead)
    home.register_panel(datacentre_panel)
