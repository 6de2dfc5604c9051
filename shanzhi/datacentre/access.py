"""The data centre's rows in the one permission module.

Staff of the org tree read the dashboard of their node and of every node under it (a grid worker
their grid); the node's scope is the registry's (``registry.orgnode``: the grant's subtree), the
figures' that of the appeal rollups (``appeals.appealdaystat``: the same subtree), both asked with
this action. A node outside it is a 404, like any object out of sight.
"""

from shanzhi.accounts import permissions

ACTION = "datacentre.view"
ACTIONS = {
    ACTION: permissions.NODE_STAFF,
    # A wall screen for a node: those who coordinate it (community and up), for their subtree.
    "datacentre.manage_screens": permissions.COMMUNITY_UP,
}


def register():
    permissions.register_actions(ACTIONS)
