"""What a user may do to a resource, need, order or claim right now: the buttons a page shows and
the ``actions`` the API lists. Built from the same requirements and status tables the services
raise on, so a verb listed here is one the service accepts now (input aside)."""

from shanzhi.accounts import permissions
from shanzhi.registry.households import own_resident

from ..models import Claim, Need, Order, Resource
from .lists import ALLOWED as NEED_MOVES
from .lists import in_service, may_edit_need
from .orders import CLAIM_MOVES, ORDER_MOVES, claim_requirements, order_requirements

ORDER_VERBS = ["accept", "reject", "start", "finish", "cancel", "rate"]
CLAIM_VERBS = ["schedule", "start", "finish", "withdraw", "rate"]
NEED_VERBS = ["claim", "edit", "publish", "cancel", "close"]
RESOURCE_VERBS = ["order", "edit", "publish", "withdraw"]


class _Can:
    """``permissions.can`` asked once per (action, object) while one object's verbs are weighed."""

    def __init__(self, user):
        self.user, self.seen = user, {}

    def __call__(self, action, obj):
        key = (action, type(obj), obj.pk)
        if key not in self.seen:
            self.seen[key] = permissions.can(self.user, action, obj)
        return self.seen[key]

    def all(self, requirements):
        return all(self(action, obj) for action, obj in requirements)


def _order(can, order, verb):
    return order.status in ORDER_MOVES[verb] and can.all(order_requirements(can.user, order, verb))


def _claim(can, claim, verb):
    if verb == "schedule" and claim.session_id:
        return False
    return claim.status in CLAIM_MOVES[verb] and can.all(claim_requirements(can.user, claim, verb))


def _need(can, need, verb):
    if verb == "claim":
        return need.status == Need.Status.OPEN and can("coop.claim", need)
    if need.status not in NEED_MOVES[verb]:
        return False
    if verb in ("edit", "cancel"):
        return may_edit_need(can.user, need) and not in_service(need)
    return can("coop.manage_lists", need)


def _resource(can, resource, verb):
    published = resource.status == Resource.Status.PUBLISHED
    if verb == "order":
        return published and can("coop.order", resource) and own_resident(can.user) is not None
    if verb == "publish" and published or verb == "withdraw" and not published:
        return False
    return can("coop.manage_lists", resource)


KINDS = {
    Order: (ORDER_VERBS, _order),
    Claim: (CLAIM_VERBS, _claim),
    Need: (NEED_VERBS, _need),
    Resource: (RESOURCE_VERBS, _resource),
}


def available_actions(user, obj):
    """The verbs ``user`` may apply to ``obj`` now, in the order the page shows them."""
    if not user.is_authenticated:
        return []
    verbs, may = KINDS[type(obj)]
    can = _Can(user)
    return [verb for verb in verbs if may(can, obj, verb)]
