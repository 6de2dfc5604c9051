"""Chinese working time: statutory holidays, swapped workdays (调休) and office hours.

The only place that counts deadlines in working days or hours. Pure: every function takes a
:class:`Calendar`; the module-level shortcuts build one from the database. A day's status comes
from an administrator's override, else the ``chinese_calendar`` package, else (a year nobody has
published) the provisional statutory calendar, which ``Calendar.watch`` reports so deadlines
counted on it are stored as 暂定. The definitions (民法典 第二百零一条/第二百零三条: the start day
is not counted; the deadline is the close of office hours) and the recompute on a year's notice
are written out in docs/ARCHITECTURE.md, "Working time".
"""

import datetime as dt
from contextlib import contextmanager
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
    """No holiday data for this year; raised only by a strict calendar (see the module docstring)."""

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


@lru_cache(maxsize=16)
def provisional_holidays(year):
    """{date: name} of the statutory holidays of ``year`` before its notice is published.

    《全国年节及纪念日放假办法》 (国务院令第 270 号, as revised by 国务院令第 795 号 of 2024-11-10,
    in force 2025-01-01), 第二条: 元旦 1 day (1 January); 春节 4 days (农历除夕 and 正月初一 to 初三);
    清明节 1 day (the day of the 清明 solar term); 劳动节 2 days (1–2 May); 端午节 1 day (农历五月
    初五); 中秋节 1 day (农历八月十五); 国庆节 3 days (1–3 October). Swapped workdays (调休) and
    the bridging days are set each year by the State Council's notice, so none are guessed here.
    """
    from lunar_python import Lunar, Solar

    days = {dt.date(year, 1, 1): "元旦"}
    new_year = Lunar.fromYmd(year, 1, 1)
    # 除夕 is the last day of the twelfth lunar month, the 29th or the 30th: the day before 正月初一.
    for offset in range(-1, 3):
        s = new_year.next(offset).getSolar()
        days[dt.date(s.getYear(), s.getMonth(), s.getDay())] = "春节"
    qingming = Solar.fromYmd(year, 5, 1).getLunar().getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    for (month, day), name in (((5, 5), "端午节"), ((8, 15), "中秋节")):
        s = Lunar.fromYmd(year, month, day).getSolar()
        days[dt.date(s.getYear(), s.getMonth(), s.getDay())] = name
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = "国庆节"
    return days


@lru_cache(maxsize=8192)
def _library_workday(day):
    """The library's answer, remembered: its data never changes while the process runs, and each
    lookup validates the date afresh (a deadline scan asks for the same days thousands of times)."""
    return chinese_calendar.is_workday(day)


class Calendar:
    """Which days are working days: the library's data plus administrator overrides, and for a
    year nobody has published yet, the provisional calendar (watched, see ``watch``)."""

    def __init__(self, overrides=None, periods=None, complete_years=(), strict=False):
        self.overrides = dict(overrides or {})
        # Years outside the library that an administrator has marked complete.
        self.declared_years = set(complete_years)
        self.periods = periods or work_periods()
        self.strict = strict
        self._watchers = []

    @contextmanager
    def watch(self):
        """``with cal.watch() as years:`` collects the provisional years consulted in the block,
        so the caller can mark what it computed there as provisional (暂定)."""
        years = set()
        self._watchers.append(years)
        try:
            yield years
        finally:
            self._watchers.remove(years)

    def is_provisional_year(self, year):
        return not self.knows_year(year)

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
        provisional = not self.knows_year(day.year)
        if provisional:
            if self.strict:
                raise CalendarUnknown(day.year)
            for years in self._watchers:
                years.add(day.year)
        # An administrator's entry wins over every rule, a provisional one included.
        if day in self.overrides:
            return self.overrides[day]
        if LIBRARY_FIRST_YEAR <= day.year <= LIBRARY_LAST_YEAR:
            return _library_workday(day)
        if provisional and day in provisional_holidays(day.year):
            return False
        return day.weekday() < 5

    def next_workday(self, day):
        """The first working day strictly after ``day``."""
        for _i in range(_MAX_SCAN_DAYS):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError("no working day within three years: check the working-day overrides")

    def first_workday_of_month(self, year, month):
        """The month's first working day: the 1st when it is one, else the next (after New Year's
        Day or the National Day holidays, the first day the State Council's notice makes a
        working day, a swapped weekend day included)."""
        first = dt.date(year, month, 1)
        return first if self.is_workday(first) else self.next_workday(first)

    # --- periods of office time ------------------------------------------------------------

    def _periods_from(self, moment):
        """Office periods (start, end) in local time that end after ``moment``, in order."""
        local = _local(moment)
        tz, day = local.tzinfo, local.date()
        # A day is asked about only when the caller wants a period of it: a generator resumed
        # after the last period it needed must not look at the next day (2026-12-31 17:30 would
        # otherwise consult 2027-01-01).
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
            if e >= end_local:  # the period that holds ``end`` is the last one needed
                break
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


def first_workday_of_month(year, month):
    return calendar().first_workday_of_month(year, month)


def add_workdays(start, n):
    return calendar().add_workdays(start, n)


def add_work_hours(start, hours):
    return calendar().add_work_hours(start, hours)


def elapsed_share(start, deadline, now):
    return calendar().elapsed_share(start, deadline, now)


def running_out(today=None, within_days=45, cal=None):
    """(last known year, days left) when the known calendar ends within ``within_days`` of
    ``today``, else None: deadlines reaching the next year are provisional (暂定) until the
    system administrators enter its notice."""
    today = today or timezone.localdate()
    last = (cal or calendar()).last_known_year()
    left = (dt.date(last, 12, 31) - today).days
    return (last, left) if left <= within_days else None


def unknown_years(years):
    """Which of ``years`` run on the provisional calendar (for the admin page's banner)."""
    cal = calendar()
    return [y for y in years if not cal.knows_year(y)]


# --- who hears that a year's notice is complete ---------------------------------------------------

_completed_listeners = []


def on_year_completed(listener):
    """Register ``listener(year)``, called inside the transaction that marks a year complete (an
    app that stores provisional deadlines recomputes them). Apps register in ``AppConfig.ready``,
    so this module never imports them."""
    if listener not in _completed_listeners:
        _completed_listeners.append(listener)
    return listener


def year_completed(year):
    for listener in list(_completed_listeners):
        listener(year)
