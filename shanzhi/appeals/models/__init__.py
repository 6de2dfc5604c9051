"""Appeals handled in a closed loop (接诉即办): the facts, split by subject. Every write is in
``services/``."""

from .appeal import DESCRIPTION_MAX_LENGTH, TIMED, USER, Appeal, AppealCounter, AppealEvent
from .attachments import AppealPhoto, Supervision
from .backlog_stats import AppealBacklogCell, AppealBacklogMonth, AppealBacklogStat
from .category import Category
from .delays import DelayRequest, ExtensionRequest, SuspensionRequest
from .department_stats import AppealDepartmentDay, AppealDepartmentMonth
from .imports import HotlineImportJob
from .notifications import Notification
from .rules import InvalidKind, MetricsRules
from .stats import (
    AppealDayStat,
    AppealDayTotal,
    AppealMonthStat,
    AppealMonthTotal,
    AppealRollupMark,
    StatCounters,
)
from .summons import Summons

__all__ = [
    "Category",
    "USER",
    "AppealCounter",
    "TIMED",
    "DESCRIPTION_MAX_LENGTH",
    "Appeal",
    "AppealEvent",
    "AppealPhoto",
    "Supervision",
    "Summons",
    "DelayRequest",
    "ExtensionRequest",
    "SuspensionRequest",
    "HotlineImportJob",
    "Notification",
    "InvalidKind",
    "MetricsRules",
    "StatCounters",
    "AppealDepartmentMonth",
    "AppealDepartmentDay",
    "AppealDayStat",
    "AppealMonthStat",
    "AppealMonthTotal",
    "AppealDayTotal",
    "AppealBacklogStat",
    "AppealBacklogMonth",
    "AppealBacklogCell",
    "AppealRollupMark",
]
