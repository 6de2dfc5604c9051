"""The data centre's rows in the one permission module.

Staff of the org tree read the dashboard of their node and of every node under it (a grid worker
their grid); the node's scope is the registry's (``registry.orgnode``: the grant's subtree), the
figures' that of the appeal rollups (``appeals.appealdaystat``: the same subtree), both asked with
this action. A node outside it is a 404, like any object out of sight.

Monthly reports (``datacentre.report``) are read by those who coordinate a community or more, for
the reports of nodes in their subtree (a department's report belongs to its district), and by a
department's handlers for their department's reports.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R

ACTION = "datacentre.view"
REPORTS = "datacentre.reports"
MANAGE_SCREENS = "datacentre.manage_screens"
# A department's handlers read their department's dashboard, a property company's staff their
# company's (the appeals assigned to it); anyone else, that page of any unit, is a 404.
VIEW_DEPARTMENT = "datacentre.view_department"
VIEW_COMPANY = "datacentre.view_company"
ACTIONS = {
    ACTION: permissions.NODE_STAFF,
    # A wall screen for a node: those who coordinate it (community and up), for their subtree.
    MANAGE_SCREENS: permissions.COMMUNITY_UP,
    VIEW_DEPARTMENT: {R.DEPARTMENT_HANDLER},
    VIEW_COMPANY: {R.PROPERTY_STAFF},
    REPORTS: permissions.COMMUNITY_UP | {R.DEPARTMENT_HANDLER},
}


def own_department(user, pk):
    """True if one of the user's grants handles for department ``pk``."""
    return any(g.role == R.DEPARTMENT_HANDLER and g.department_id == pk for g in user.grants())


def own_company(user, pk):
    """True if one of the user's grants is on the staff of property company ``pk``."""
    return any(g.role == R.PROPERTY_STAFF and g.property_company_id == pk for g in user.grants())


def report_scope(grant):
    if grant.role == R.DEPARTMENT_HANDLER and grant.department_id:
        return Q(department_id=grant.department_id)
    if grant.node_id:
        return Q(node__path__startswith=grant.node.path)
    return permissions.NONE


def register():
    permissions.register_actions(ACTIONS)
    permissions.register_scope("datacentre.report", report_scope, REPORTS)
