"""The days and months the rollups are keyed by (local dates), and a path's street; pure helpers
of `appeals.rollups`, re-exported there."""

import datetime as dt

from django.utils import timezone


def day_of(moment):
    return timezone.localdate(moment)


def day_bounds(day):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tz)


def month_of(day):
    return day.replace(day=1)


def next_month(month):
    return (month + dt.timedelta(days=32)).replace(day=1)


def street_path(path):
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:2]) + "/" if len(parts) >= 2 else ""
