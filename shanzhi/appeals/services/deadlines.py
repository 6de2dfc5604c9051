"""Handling deadlines: what the category promises, counted in Chinese working time.

The deadline is stored on the appeal when its clock starts (acceptance, or reopening), together
with ``warn_at``, the moment the yellow warning is due (``SHANZHI_APPEAL_WARN_SHARE`` of the
office time, default 0.8). Both are plain columns, so "is it overdue" is a comparison at read
time and the sweep finds what is due with an index.

A moment counted on a provisional calendar (a year whose holiday notice is not entered yet, see
``core.workdays``) is stored all the same, with ``deadline_provisional`` set, and recomputed by
``recompute`` from the stored clock start once the notice is complete. Nothing is refused.
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
    """(deadline, warn_at) for a clock started at ``start`` (see ``timed`` for the provisional flag)."""
    deadline, warn, _provisional = timed(category, start, cal)
    return deadline, warn


def timed(category, start, cal=None):
    """(deadline, warn_at, provisional) for a clock started at ``start``."""
    cal = cal or workdays.calendar()
    with cal.watch() as years:
        deadline, warn = _compute(category, start, cal)
    return deadline, warn, bool(years)


def _compute(category, start, cal):
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
    appeal.deadline, appeal.warn_at, appeal.deadline_provisional = timed(appeal.category, start, cal)
    appeal.warned_at = None
    appeal.overdue_at = None
    return ["clock_started_at", "deadline", "warn_at", "warned_at", "overdue_at", "deadline_provisional"]


def push_back(appeal, days, now, cal=None):
    """Move the deadline ``days`` working days later (延期/缓办); returns the changed fields.

    Counted from the old deadline, so approving late does not give more time than was asked
    for. Flags are cleared when the new moments lie ahead, so the sweep can warn again.
    """
    cal = cal or workdays.calendar()
    with cal.watch() as years:
        appeal.deadline = cal.add_workdays(appeal.deadline, days)
        appeal.warn_at = warn_at(appeal.category, appeal.clock_started_at, appeal.deadline, cal)
    appeal.deadline_provisional = appeal.deadline_provisional or bool(years)
    if appeal.deadline > now:
        appeal.overdue_at = None
    if appeal.warn_at > now:
        appeal.warned_at = None
    return ["deadline", "warn_at", "overdue_at", "warned_at", "deadline_provisional"]


def add_workdays(start, days, cal=None):
    """(moment, provisional): ``days`` working days after ``start`` (summons, supervision, 缓办)."""
    cal = cal or workdays.calendar()
    with cal.watch() as years:
        moment = cal.add_workdays(start, days)
    return moment, bool(years)


def replay(appeal, approved, cal):
    """(deadline, warn_at, suspended_until, provisional) recomputed from the stored clock start
    and the approved extensions and suspensions ``approved`` [(decided_at, days, is_suspension)],
    exactly as the moves computed them (each push counted from the deadline before it)."""
    start = appeal.clock_started_at
    with cal.watch() as years:
        deadline, _warn = _compute(appeal.category, start, cal)
        until = appeal.suspended_until
        for decided_at, days, is_suspension in sorted(approved, key=lambda r: r[0]):
            if decided_at < start:
                continue  # granted in an earlier cycle (before a 重办): that clock is gone
            deadline = cal.add_workdays(deadline, days)
            if is_suspension and appeal.suspended:
                until = cal.add_workdays(decided_at, days)
        warn = warn_at(appeal.category, start, deadline, cal)
    return deadline, warn, until, bool(years)


def share_used(appeal, now, cal=None):
    """How much of the handling time is used (0…1, above 1 when overdue); None without a clock."""
    if not (appeal.deadline and appeal.clock_started_at):
        return None
    if appeal.category.deadline_unit == Category.Unit.HOURS:
        total = (appeal.deadline - appeal.clock_started_at).total_seconds()
        return (now - appeal.clock_started_at).total_seconds() / total if total > 0 else 1.0
    cal = cal or workdays.calendar()
    return cal.elapsed_share(appeal.clock_started_at, appeal.deadline, now)
