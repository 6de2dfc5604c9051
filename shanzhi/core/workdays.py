"""Chinese working time: statutory holidays, swapped workdays (调休) and office hours.

Deadlines in Chinese practice are counted in working days or working hours (GB/T 30428, CJ/T 315,
the 12345 hotline rules). This module is the only place that counts them. It is pure: every
function takes a :class:`Calendar`; the module-level shortcuts build one from the database
(``core.WorkdayOverride``) on each call.

Where a day's status comes from, in order:

1. an administrator's ``WorkdayOverride`` for that date (a one-off closure, a correction, or the
   State Council's notice for a year the library does not know yet);
2. the ``chinese_calendar`` package (statutory holidays and swapped workdays, 2004 to its last
   published year);
3. for a year the package does not know: Monday–Friday plus that year's overrides, *but only
   once* an administrator has entered the State Council's notice for it and marked the year
   complete (``core.WorkdayYear``, on the 工作日历 page). Until then every day of that year raises
   :class:`CalendarUnknown`, overrides already entered included: a half-entered notice (New
   Year's Day in, Spring Festival not yet) would silently give wrong deadlines, and a deadline
   is never guessed.

Definitions (the ones services and tests rely on):

* **Office hours** are ``settings.SHANZHI_WORK_HOURS`` (default 09:00–12:00 and 13:30–17:30,
  local time ``settings.TIME_ZONE``) on working days.
* ``add_workdays(start, n)``: the day of ``start`` is never counted, whatever the hour or whether
  it is a working day (民法典 第二百零一条: 开始的当日不计入). The deadline is the **close of office
  hours on the n-th working day after that day** (第二百零三条: 有业务时间的，停止业务活动的时间为截止时间).
  Accepted on Tue 2025-09-30 at 16:00 with 5 working days: 1–8 Oct are 国庆 holidays, so the
  deadline is Tue 2025-10-14 17:30 (9, 10, 11 (调休 Saturday), 13, 14 October).
* ``add_work_hours(start, h)``: the moment at which ``h`` hours of office time have passed since
  ``start``; time outside office hours does not run. A result that falls exactly at the end of a
  period stays there (17:30), it does not roll over to the next morning.
* ``elapsed_share(start, deadline, now)``: office time elapsed since ``start`` divided by the
  office time between ``start`` and ``deadline`` (0 at the start, 1 at the deadline, above 1 when
  overdue), so a weekend does not turn a case yellow.
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc_data
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

DEFAULT_WORK_HOURS = (("09:00", "12:00"), ("13:30", "17:30"))
LIBRARY_FIRST_YEAR = min(_cc_data.holidays).year
LIBRARY_LAST_YEAR = max(_cc_data.holidays).year
# No deadline is ever more than this far away; a calendar with no working day in it is broken.
_MAX_SCAN_DAYS = 3 * 366


class CalendarUnknown(DomainError):
    """No holiday data for this year: an administrator must enter the year's calendar first."""

    def __init__(self, year):
        super().__init__(
            _(
                "%(year)d 年的节假日安排尚未录入，无法计算办理时限。请系统管理员在“工作日历”中录入该年的"
                "法定节假日和调休上班日，并标记“放假安排已录入”后再试。"
            )
            % {"year": year},
            code="calendar_unknown",
        )
        self.year = year


@lru_cache(maxsize=4)
def _parse_periods(spec):
    periods = []
    for start, end in spec:
        s, e = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
        if not s < e:
            raise ValueError(f"SHANZHI_WORK_HOURS: {start}–{end} is not a period")
        if periods and s < periods[-1][1]:
            raise ValueError("SHANZHI_WORK_HOURS: periods must be in order and must not overlap")
        periods.append((s, e))
    if not periods:
        raise ValueError("SHANZHI_WORK_HOURS is empty")
    return tuple(periods)


def work_periods():
    spec = getattr(settings, "SHANZHI_WORK_HOURS", DEFAULT_WORK_HOURS)
    return _parse_periods(tuple(tuple(p) for p in spec))


def _local(moment):
    if timezone.is_naive(moment):
        raise ValueError("working-time arithmetic needs an aware datetime")
    return timezone.localtime(moment)


def _at(day, time, tz):
    return dt.datetime.combine(day, time).replace(tzinfo=tz)


class Calendar:
    """Which days are working days: the library's data plus administrator overrides."""

    def __init__(self, overrides=None, periods=None, complete_years=()):
        self.overrides = dict(overrides or {})
        # Years outside the library that an administrator has marked complete.
        self.declared_years = set(complete_years)
        self.periods = periods or work_periods()

    @classmethod
    def from_db(cls):
        from .models import WorkdayOverride, WorkdayYear

        return cls(
            dict(WorkdayOverride.objects.values_list("date", "is_workday")),
            complete_years=WorkdayYear.objects.filter(complete=True).values_list("year", flat=True),
        )

    def knows_year(self, year):
        return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR or year in self.declared_years

    def last_known_year(self):
        """The last year of the unbroken run of known years from the library's first one."""
        year = LIBRARY_LAST_YEAR
        while year + 1 in self.declared_years:
            year += 1
        return year

    def is_workday(self, day):
        if isinstance(day, dt.datetime):
            day = _local(day).date()
        if not self.knows_year(day.year):
            raise CalendarUnknown(day.year)
        if day in self.overrides:
            return self.overrides[day]
        if day.year <= LIBRARY_LAST_YEAR:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def next_workday(self, day):
        """The first working day strictly after ``day``."""
        for _i in range(_MAX_SCAN_DAYS):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError("no working day within three years: check the working-day overrides")

    # --- periods of office time ------------------------------------------------------------

    def _periods_from(self, moment):
        """Office periods (start, end) in local time that end after ``moment``, in order."""
        local = _local(moment)
        tz, day = local.tzinfo, local.date()
        for _i in range(_MAX_SCAN_DAYS):
            if self.is_workday(day):
                for s, e in self.periods:
                    start, end = _at(day, s, tz), _at(day, e, tz)
                    if end > local:
                        yield max(start, local), end
            day += dt.timedelta(days=1)
        raise ValueError("no office time within three years: check the working-day overrides")

    def add_workdays(self, start, n):
        if n < 1:
            raise ValueError("a deadline in working days needs n >= 1")
        local = _local(start)
        day = local.date()
        for _i in range(n):
            day = self.next_workday(day)
        return _at(day, self.periods[-1][1], local.tzinfo)

    def add_work_seconds(self, start, seconds):
        if seconds < 0:
            raise ValueError("cannot add negative working time")
        remaining = dt.timedelta(seconds=seconds)
        if not remaining:
            return start
        for s, e in self._periods_from(start):
            if remaining <= e - s:
                return s + remaining
            remaining -= e - s
        raise AssertionError("unreachable")  # _periods_from raises before running out

    def add_work_hours(self, start, hours):
        if hours <= 0:
            raise ValueError("a deadline in working hours needs hours > 0")
        return self.add_work_seconds(start, hours * 3600)

    def work_seconds_between(self, start, end):
        """Office time in [start, end), in seconds (0 when end is not after start)."""
        if end <= start:
            return 0.0
        end_local = _local(end)
        total = dt.timedelta()
        for s, e in self._periods_from(start):
            if s >= end_local:
                break
            total += min(e, end_local) - s
        return total.total_seconds()

    def elapsed_share(self, start, deadline, now):
        total = self.work_seconds_between(start, deadline)
        if total <= 0:
            return 1.0 if now >= deadline else 0.0
        return self.work_seconds_between(start, now) / total


# --- shortcuts that read the overrides from the database -------------------------------------


def calendar():
    return Calendar.from_db()


def is_workday(day):
    return calendar().is_workday(day)


def add_workdays(start, n):
    return calendar().add_workdays(start, n)


def add_work_hours(start, hours):
    return calendar().add_work_hours(start, hours)


def elapsed_share(start, deadline, now):
    return calendar().elapsed_share(start, deadline, now)


def running_out(today=None, within_days=45, cal=None):
    """(last known year, days left) when the known calendar ends within ``within_days`` of
    ``today``, else None: the system administrators must enter the next year's notice before a
    deadline can reach it."""
    today = today or timezone.localdate()
    last = (cal or calendar()).last_known_year()
    left = (dt.date(last, 12, 31) - today).days
    return (last, left) if left <= within_days else None


def unknown_years(years):
    """Which of ``years`` an administrator still has to enter (for the admin page's banner)."""
    cal = calendar()
    return [y for y in years if not cal.knows_year(y)]
