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
ACTIONS = {
    ACTION: permissions.NODE_STAFF,
    # A wall screen for a node: those who coordinate it (community and up), for their subtree.
    "datacentre.manage_screens": permissions.COMMUNITY_UP,
    REPORTS: permissions.COMMUNITY_UP | {R.DEPARTMENT_HANDLER},
}


def report_scope(grant):
    if grant.role == R.DEPARTMENT_HANDLER and grant.department_id:
        return Q(department_id=grant.department_id)
    if grant.node_id:
        return Q(node__path__startswith=grant.node.path)
    return permissions.NONE


def register():
    permissions.register_actions(ACTIONS)
    permissions.register_scope("datacentre.report", report_scope, REPORTS)
