"""Appeals handled in a closed loop (接诉即办): the facts, split by subject. Every write is in
``services/``."""

from .appeal import TIMED, USER, Appeal, AppealCounter, AppealEvent, AppealPhoto, Supervision
from .category import Category
from .delays import DelayRequest, ExtensionRequest, SuspensionRequest
from .notifications import Notification
from .rules import InvalidKind, MetricsRules
from .stats import AppealDayStat, AppealMonthStat, AppealRollupMark, StatCounters
from .summons import Summons

__all__ = [
    "Category",
    "USER",
    "AppealCounter",
    "TIMED",
    "Appeal",
    "AppealEvent",
    "AppealPhoto",
    "Supervision",
    "Summons",
    "DelayRequest",
    "ExtensionRequest",
    "SuspensionRequest",
    "Notification",
    "InvalidKind",
    "MetricsRules",
    "StatCounters",
    "AppealDayStat",
    "AppealMonthStat",
    "AppealRollupMark",
]
