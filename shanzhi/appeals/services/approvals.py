"""Who decides a 延期/缓办 request, and who is asked next when they are late.

Any leader whose part of the tree covers the case may decide it (``base.RULES``), but only one is
*asked*: the nearest step of the chain below, the community's secretary for a grid or community
case. Telling everybody at once (secretary, street, district staff and the district leader) makes
everyone assume someone else will answer. If the step asked has not decided within
``STEP_WORKDAYS`` working days, the sweep (``escalate_due``) asks the next step up; those asked
before keep the request in their 我的待办 and may still decide it.

A step is (node path, role): the deepest node first, and at one node the roles in ``ROLE_ORDER``
(district staff before the district leader). Steps without anyone holding the role are skipped.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from shanzhi.accounts.models import Role as R
from shanzhi.accounts.models import RoleGrant

from .. import access
from ..models import Appeal, ExtensionRequest, SuspensionRequest
from . import deadlines, notify

STEP_WORKDAYS = 1  # how long one step has to decide before the next is asked
ROLE_ORDER = [R.COMMUNITY_SECRETARY, R.STREET_STAFF, R.DISTRICT_STAFF, R.DISTRICT_LEADER]
MODELS = (ExtensionRequest, SuspensionRequest)
# Appeal levels whose approvals a node of each level is in the chain of (its own and those below).
LEVELS_UNDER = {
    "community": ("grid", "community"),
    "street": ("grid", "community", "street"),
    "district": ("grid", "community", "street", "district"),
}


def _prefixes(path):
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def chain(appeal):
    """[((path, role), [user ids])], nearest the case first."""
    path = access.dispatch_path(appeal)
    grants = RoleGrant.objects.filter(role__in=ROLE_ORDER, node__path__in=_prefixes(path)).values_list(
        "node__path", "role", "user_id"
    )
    steps = defaultdict(set)
    for node_path, role, user_id in grants:
        steps[(node_path, role)].add(user_id)
    order = sorted(steps, key=lambda s: (-len(s[0]), ROLE_ORDER.index(s[1])))
    return [(s, sorted(steps[s])) for s in order]


def ask_first(req, appeal, now):
    """Set the request's first step (no save) and return the users to tell."""
    steps = chain(appeal)
    if not steps:
        return []
    (path, role), users = steps[0]
    req.waiting_path, req.waiting_role = path, role
    req.escalate_at = deadlines.add_workdays(now, STEP_WORKDAYS)[0] if len(steps) > 1 else None
    return users


def _next_step(req, appeal):
    steps = chain(appeal)
    keys = [s for s, _users in steps]
    here = (req.waiting_path, req.waiting_role)
    index = keys.index(here) + 1 if here in keys else 0
    return steps[index:]


def escalate_due(now, claim):
    """The sweep's step: requests whose step was asked too long ago go to the next step.

    ``claim`` is the sweep's batch claimer (lock, conditional update, handle); the flag clears
    ``escalate_at`` so two sweeps never ask twice."""
    total = 0
    for model in MODELS:

        def handle(rows, model=model):
            for req in rows:
                rest = _next_step(req, req.appeal)
                if not rest:
                    continue
                (path, role), users = rest[0]
                escalate_at = deadlines.add_workdays(now, STEP_WORKDAYS)[0] if len(rest) > 1 else None
                model.objects.filter(pk=req.pk).update(
                    waiting_path=path, waiting_role=role, escalate_at=escalate_at
                )
                label = _("延期") if model is ExtensionRequest else _("缓办")
                notify.send(
                    "approval_escalated",
                    req.appeal,
                    users,
                    _("诉求 %(n)s 的%(k)s申请已超过审批时限未处理，请您审批。")
                    % {"n": req.appeal.number, "k": label},
                )

        due = model.objects.filter(status=model.Status.PENDING, escalate_at__lte=now)
        total += claim(
            due, "escalate_at", {"escalate_at": None}, handle, model.objects.select_related("appeal")
        )
    return total


def waiting_for(user):
    """Q on Appeal: those with a request this user is asked to decide (now or at an earlier step)."""
    q = Q(pk__in=[])
    for g in user.grants():
        if g.role not in ROLE_ORDER or not g.node_id:
            continue
        path = g.node.path
        # My step was asked if the step asked now is mine or later: at my node, my role or one
        # asked after it; or at a node above mine.
        here = Q(waiting_path=path, waiting_role__in=ROLE_ORDER[ROLE_ORDER.index(g.role) :])
        above = Q(waiting_path__in=[p for p in _prefixes(path) if p != path])
        for model in MODELS:
            rows = model.objects.filter(here | above, status=model.Status.PENDING)
            q |= Q(
                pk__in=rows.values("appeal_id"),
                path__startswith=path,
                level__in=LEVELS_UNDER.get(g.node.level, ()),
                status__in=Appeal.TIMED,
            )
    return q
