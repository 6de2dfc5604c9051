"""What a user may do to an appeal right now, for showing only the buttons that would work."""

from ..models import Appeal, Summons
from .base import ALLOWED, RULES, may

# The verbs a page offers as buttons on the appeal itself (summons have their own, below).
APPEAL_VERBS = [
    "locate",
    "accept",
    "reject",
    "self_handle",
    "dispatch",
    "claim",
    "start",
    "return",
    "resolve",
    "verify",
    "send_back",
    "visit",
    "rate",
    "close",
    "escalate",
    "summon",
    "supervise",
    "remind",
    "merge",
    "request_extension",
    "request_suspension",
    "decide_extension",
    "decide_suspension",
    "resume",
    "add_photo",
    "return_to_city",
]


# APPEAL_VERBS that an appeal in each status allows (``base.allowed``: its status alone), in their
# order: the buttons are asked about only for the moves the status leaves open.
_OPEN_IN = {status: [v for v in APPEAL_VERBS if status in ALLOWED[v]] for status in Appeal.Status.values}


class _Reached(dict):
    """``may``'s cache of permission answers, filled from a ``permissions.Reach``."""

    def __init__(self, reach):
        super().__init__()
        self.reach = reach

    def __contains__(self, action):
        return True

    def __missing__(self, action):
        value = self[action] = self.reach.can(action)
        return value


def available_actions(user, appeal, reach=None):
    """The verbs of ``APPEAL_VERBS`` that ``services.<verb>`` would accept from ``user`` now
    (same rules as the services: permission module, ALLOWED, RULES). Checks each permission
    action once; with ``reach`` (``permissions.Reach(user, appeal)``) without asking again."""
    if not user.is_authenticated:
        return []
    cache = _Reached(reach) if reach is not None else {}
    return [verb for verb in _OPEN_IN.get(appeal.status, APPEAL_VERBS) if may(user, appeal, verb, cache)]


def summons_actions(user, summons):
    """Verbs for one summons row: "report", "finish_part" (the department), "cancel_summons"."""
    appeal = summons.appeal
    verbs = []
    is_department = any(
        g.role == "department_handler" and g.department_id == summons.department_id for g in user.grants()
    )
    if is_department and summons.status == Summons.Status.SUMMONED and may(user, appeal, "report"):
        verbs.append("report")
    if is_department and summons.status == Summons.Status.REPORTED and may(user, appeal, "finish_part"):
        verbs.append("finish_part")
    if summons.status in Summons.ACTIVE and may(user, appeal, "cancel_summons"):
        verbs.append("cancel_summons")
    return verbs


__all__ = ["APPEAL_VERBS", "RULES", "available_actions", "summons_actions"]
