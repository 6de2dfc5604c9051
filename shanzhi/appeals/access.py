"""The appeals app's rows in the one permission module, and the few rules it cannot express.

``register()`` runs from ``AppealsConfig.ready()``: it adds this app's actions to
``permissions.ACTIONS`` and its models to the scope tables with ``permissions.register_scope``,
so ``accounts/permissions.py`` itself needs no edit. Role and scope answer "may this kind of user
act on appeals in this part of the tree"; the rules at the bottom (assignee, dispatcher level)
answer "is it *theirs*", which depends on the appeal's current state, and are checked by the
services right after ``permissions.require``.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R

from .models import Summons

NODE = permissions.NODE_STAFF
COMMUNITY_UP = permissions.COMMUNITY_UP
COMMUNITY = {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY}
HANDLERS = NODE | {R.DEPARTMENT_HANDLER, R.PROPERTY_STAFF}
LEADERS = {R.STREET_STAFF, R.DISTRICT_STAFF, R.DISTRICT_LEADER}
LOCATORS = {R.STREET_STAFF, R.DISTRICT_STAFF}

ACTIONS = {
    "appeals.view": HANDLERS | {R.RESIDENT},
    "appeals.submit": NODE | {R.RESIDENT, R.PROPERTY_STAFF},
    "appeals.accept": COMMUNITY_UP,  # 受理 / 不予受理
    "appeals.return_to_city": COMMUNITY_UP,  # 退回市级平台 (12345 cases), by whoever coordinates the case
    "appeals.dispatch": COMMUNITY_UP,
    "appeals.claim": {R.GRID_WORKER} | COMMUNITY,  # 全员接单
    # 就地解决 of one's own patrol find (issue 13 §8); whose find it is: services.base.RULES.
    "appeals.self_handle": {R.GRID_WORKER},
    # The contact phone a resident left, in full, for a stated reason (audited): those who call back.
    "appeals.reveal_contact": HANDLERS,
    "appeals.handle": HANDLERS,  # start, resolve, return, ask for extension/suspension: the assignee
    "appeals.verify": {R.GRID_WORKER} | COMMUNITY,  # 核实 / 返工
    "appeals.visit": NODE,  # 回访 (a staff member records the resident's rating)
    "appeals.rate": {R.RESIDENT},  # the resident who submitted rates it
    "appeals.close": COMMUNITY_UP,  # 销号
    "appeals.escalate": NODE,
    "appeals.summon": COMMUNITY_UP,  # 吹哨
    "appeals.report": {R.DEPARTMENT_HANDLER},  # 报到, and finishing the department's part
    "appeals.supervise": LEADERS,  # 督办
    "appeals.remind": COMMUNITY_UP,  # 催办
    "appeals.approve": {R.COMMUNITY_SECRETARY} | LEADERS,  # extensions and suspensions
    "appeals.merge": COMMUNITY_UP,  # 并案
    "appeals.import": COMMUNITY_UP,  # hotline batch files
    # 定位: the 待定位 queue (appeals no address placed) is the district's and its streets' work.
    "appeals.locate": LOCATORS,
    # The loop's figures (考核): coordinating staff for their part of the tree, a department's
    # handlers for what is assigned to their department.
    "appeals.view_metrics": COMMUNITY_UP | {R.DEPARTMENT_HANDLER},
    "appeals.add_photo": HANDLERS | {R.RESIDENT},
    "appeals.view_categories": set(R) - {R.SECURITY_ADMIN, R.AUDIT_ADMIN},
    "appeals.manage_categories": {R.SYSTEM_ADMIN},
    "appeals.view_notifications": set(R),
    "core.manage_calendar": {R.SYSTEM_ADMIN},
}


def _parent_path(path):
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:-1]) + "/"


def appeal_scope(prefix="", pk="pk"):
    """The appeals a grant sees; ``prefix``/``pk`` adapt it to rows that hang off an appeal."""

    def f(name):
        return prefix + name

    def scope(grant):
        role = grant.role
        mine = Q(**{f("assignee_user_id"): grant.user_id})
        if role == R.RESIDENT:
            return Q(**{f("submitter_id"): grant.user_id})
        if role == R.DEPARTMENT_HANDLER and grant.department_id:
            summoned = Summons.objects.filter(department_id=grant.department_id).values("appeal_id")
            return Q(**{f("assignee_department_id"): grant.department_id}) | Q(**{f"{pk}__in": summoned})
        if role == R.PROPERTY_STAFF and grant.property_company_id:
            return Q(**{f("assignee_company_id"): grant.property_company_id})
        if role in NODE and grant.node_id:
            q = Q(**{f("path__startswith"): grant.node.path}) | mine
            if role in LOCATORS:
                # An unplaced appeal waits at its district's path: every street of it may place it.
                district = grant.node.path.split("/")[0] + "/"
                q |= Q(**{f("unplaced"): True, f("path"): district})
            if role == R.GRID_WORKER:
                # The community's pool is open to every grid worker of the community (全员接单).
                q |= Q(**{f("status"): "pooled", f("path__startswith"): _parent_path(grant.node.path)})
            return q
        return permissions.NONE

    return scope


def appeal_test(grant, a):
    """``appeal_scope()`` decided on a loaded appeal (``permissions.covers`` and ``Reach``): the
    same conditions on its fields, so that the permission check on an appeal just written or just
    read asks the database nothing; only a department's summonses are still looked up.
    ``test_reach_answers_as_can`` holds the two to the same answers."""
    role = grant.role
    if role == R.RESIDENT:
        return a.submitter_id == grant.user_id
    if role == R.DEPARTMENT_HANDLER and grant.department_id:
        if a.assignee_department_id == grant.department_id:
            return True
        return (
            a.pk is not None
            and Summons.objects.filter(appeal_id=a.pk, department_id=grant.department_id).exists()
        )
    if role == R.PROPERTY_STAFF and grant.property_company_id:
        return a.assignee_company_id == grant.property_company_id
    if role in NODE and grant.node_id:
        path, own = grant.node.path, a.path or ""
        if own.startswith(path) or a.assignee_user_id == grant.user_id:
            return True
        if role in LOCATORS and a.unplaced and own == path.split("/")[0] + "/":
            return True
        return role == R.GRID_WORKER and a.status == "pooled" and own.startswith(_parent_path(path))
    return False


def day_stat_scope(grant):
    """The metrics rollup rows a grant sees: ``appeal_scope`` for what a rollup row can tell (its
    place path and its department). The per-person parts of that scope (assigned to me, the
    community pool, summoned departments) have no rollup row and are left out."""
    role = grant.role
    if role == R.DEPARTMENT_HANDLER and grant.department_id:
        return Q(department_id=grant.department_id)
    if role in NODE and grant.node_id:
        return Q(path__startswith=grant.node.path)
    return permissions.NONE


def month_stat_scope(grant):
    """Month rows (month and day totals too) are per community, or per grid under the grid's own path:
    a grant reads those under its node's path (``metrics.stats_for`` decides when they may stand in
    for the day rows)."""
    if grant.role in NODE and grant.node_id:
        return Q(path__startswith=grant.node.path)
    return permissions.NONE


def _own_notifications(grant):
    return Q(user_id=grant.user_id)


def _own_uploads(grant):
    return Q(created_by_id=grant.user_id)


def _everything(grant):
    return permissions.ALL


def register():
    permissions.register_actions(ACTIONS)
    permissions.register_scope("appeals.appeal", appeal_scope(), "appeals.view", test=appeal_test)
    for label in (
        "appealevent",
        "appealphoto",
        "summons",
        "supervision",
        "extensionrequest",
        "suspensionrequest",
    ):
        permissions.register_scope(f"appeals.{label}", appeal_scope("appeal__", "appeal_id"), "appeals.view")
    permissions.register_scope("appeals.appealdaystat", day_stat_scope, "appeals.view_metrics")
    permissions.register_scope("appeals.appealmonthstat", month_stat_scope, "appeals.view_metrics")
    permissions.register_scope("appeals.appealdaytotal", month_stat_scope, "appeals.view_metrics")
    permissions.register_scope("appeals.appealmonthtotal", month_stat_scope, "appeals.view_metrics")
    permissions.register_scope("appeals.category", _everything, "appeals.view_categories")
    permissions.register_scope("appeals.notification", _own_notifications, "appeals.view_notifications")
    # A hotline upload's report is its uploader's (the appeals it created are scoped as appeals).
    permissions.register_scope("appeals.hotlineimportjob", _own_uploads, "appeals.import")
    permissions.register_scope("core.workdayoverride", _everything, "core.manage_calendar")


# --- whose is it: rules that depend on the appeal's current state --------------------------------


def is_assignee(user, appeal):
    kind = appeal.assignee_kind
    if kind == "user":
        return appeal.assignee_user_id == user.pk
    for g in user.grants():
        if kind == "node" and g.role in COMMUNITY_UP and g.node_id == appeal.assignee_node_id:
            return True
        if (
            kind == "department"
            and g.role == R.DEPARTMENT_HANDLER
            and g.department_id == appeal.assignee_department_id
        ):
            return True
        if (
            kind == "company"
            and g.role == R.PROPERTY_STAFF
            and g.property_company_id == appeal.assignee_company_id
        ):
            return True
    return False


def dispatch_path(appeal):
    """Path of the node that coordinates the appeal at its level (a grid's coordinator is its community)."""
    order = appeal.LEVEL_ORDER
    for level in order[max(order.index(appeal.level), 1) :]:
        path = appeal.path_at(level)
        if path:
            return path
    return appeal.path_at("district")


def is_dispatcher(user, appeal):
    """Staff at the appeal's current level, or above it: a street can always step in, a community
    cannot act on a case escalated past it."""
    path = dispatch_path(appeal)
    return any(g.role in COMMUNITY_UP and g.node_id and path.startswith(g.node.path) for g in user.grants())
