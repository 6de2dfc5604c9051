"""Handling deadlines: what the category promises, counted in Chinese working time.

The deadline is stored on the appeal when its clock starts (acceptance, or reopening), together
with ``warn_at``, the moment the yellow warning is due (``SHANZHI_APPEAL_WARN_SHARE`` of the
office time, default 0.8). Both are plain columns, so "is it overdue" is a comparison at read
time and the sweep finds what is due with an index.
"""

import datetime as dt

from django.conf import settings

from shanzhi.core import workdays

from ..models import Category

DEFAULT_WARN_SHARE = 0.8


def warn_share():
    share = float(getattr(settings, "SHANZHI_APPEAL_WARN_SHARE", DEFAULT_WARN_SHARE))
    if not 0 < share < 1:
        raise ValueError("SHANZHI_APPEAL_WARN_SHARE must lie between 0 and 1")
    return share


def compute(category, start, cal=None):
    """(deadline, warn_at) for a clock started at ``start``; raises CalendarUnknown, never guesses."""
    cal = cal or workdays.calendar()
    unit, value = category.deadline_unit, category.deadline_value
    if unit == Category.Unit.HOURS:
        deadline = start + dt.timedelta(hours=value)
    elif unit == Category.Unit.WORK_HOURS:
        deadline = cal.add_work_hours(start, value)
    else:
        deadline = cal.add_workdays(start, value)
    return deadline, warn_at(category, start, deadline, cal)


def warn_at(category, start, deadline, cal=None):
    share = warn_share()
    if category.deadline_unit == Category.Unit.HOURS:
        return start + (deadline - start) * share
    cal = cal or workdays.calendar()
    return cal.add_work_seconds(start, share * cal.work_seconds_between(start, deadline))


def start_clock(appeal, start, cal=None):
    """Set the appeal's deadline fields for a clock that starts now; returns the changed fields."""
    appeal.clock_started_at = start
    appeal.deadline, appeal.warn_at = compute(appeal.category, start, cal)
    appeal.warned_at = None
    appeal.overdue_at = None
    return ["clock_started_at", "deadline", "warn_at", "warned_at", "overdue_at"]


def push_back(appeal, days, now, cal=None):
    """Move the deadline ``days`` working days later (延期/缓办); returns the changed fields.

    Counted from the old deadline, so approving late does not give more time than was asked
    for. Flags are cleared when the new moments lie ahead, so the sweep can warn again.
    """
    cal = cal or workdays.calendar()
    appeal.deadline = cal.add_workdays(appeal.deadline, days)
    appeal.warn_at = warn_at(appeal.category, appeal.clock_started_at, appeal.deadline, cal)
    if appeal.deadline > now:
        appeal.overdue_at = None
    if appeal.warn_at > now:
        appeal.warned_at = None
    return ["deadline", "warn_at", "overdue_at", "warned_at"]


def share_used(appeal, now, cal=None):
    """How much of the handling time is used (0…1, above 1 when overdue); None without a clock."""
    if not (appeal.deadline and appeal.clock_started_at):
        return None
    if appeal.category.deadline_unit == Category.Unit.HOURS:
        total = (appeal.deadline - appeal.clock_started_at).total_seconds()
        return (now - appeal.clock_started_at).total_seconds() / total if total > 0 else 1.0
    cal = cal or workdays.calendar()
    return cal.elapsed_share(appeal.clock_started_at, appeal.deadline, now)
