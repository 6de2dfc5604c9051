"""The period a dashboard shows: a preset or two dates, the grain of its trend, and the two periods
it is compared with (the one just before, of the same length, and the same days a year earlier)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core import inputs
from shanzhi.core.errors import DomainError

PRESETS = {
    "7d": gettext_lazy("近7天"),
    "30d": gettext_lazy("近30天"),
    "month": gettext_lazy("本月"),
    "last_month": gettext_lazy("上月"),
    "quarter": gettext_lazy("本季度"),
    "year": gettext_lazy("本年"),
}
GRAINS = {"day": gettext_lazy("按日"), "week": gettext_lazy("按周"), "month": gettext_lazy("按月")}
# A trend by day over more than a year draws more points than a phone shows; and a period is
# read from the rollups in a bounded number of rows per day, so its length bounds the page's cost.
MAX_DAYS = 731
MAX_DAY_POINTS = 92


def _year_earlier(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _preset(name, today):
    if name == "7d":
        return today - dt.timedelta(days=6), today + dt.timedelta(days=1)
    if name == "30d":
        return today - dt.timedelta(days=29), today + dt.timedelta(days=1)
    if name == "last_month":
        end = today.replace(day=1)
        return (end - dt.timedelta(days=1)).replace(day=1), end
    if name == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today + dt.timedelta(days=1)
    if name == "year":
        return today.replace(month=1, day=1), today + dt.timedelta(days=1)
    return today.replace(day=1), today + dt.timedelta(days=1)


@dataclass
class Period:
    start: dt.date  # first day
    end: dt.date  # the day after the last
    grain: str
    preset: str = ""

    @classmethod
    def parse(cls, get, today=None):
        """From a query string: ``preset``, or ``start`` and ``end`` (inclusive), and ``grain``.
        Bad input is a DomainError naming the field (a 400)."""
        today = today or timezone.localdate()
        preset = get.get("preset") or ""
        if preset and preset not in PRESETS:
            raise DomainError(_("没有这个时间范围。"), field="preset")
        start = inputs.parse_date(get.get("start"), "start", label=_("开始日期"))
        last = inputs.parse_date(get.get("end"), "end", label=_("结束日期"))
        if preset or not (start or last):
            preset = preset or "month"
            start, end = _preset(preset, today)
        else:
            start = start or (last or today).replace(day=1)
            last = last or today
            if start > last:
                start, last = last, start
            end = last + dt.timedelta(days=1)
        if (end - start).days > MAX_DAYS:
            raise DomainError(_("时间范围不能超过两年。"), field="start")
        grain = get.get("grain") or ""
        if grain and grain not in GRAINS:
            raise DomainError(_("没有这种统计粒度。"), field="grain")
        days = (end - start).days
        if not grain:
            grain = "day" if days <= 62 else "week" if days <= 190 else "month"
        if grain == "day" and days > MAX_DAY_POINTS:
            grain = "week"
        return cls(start, end, grain, preset)

    @property
    def last(self):
        return self.end - dt.timedelta(days=1)

    @property
    def previous(self):
        length = self.end - self.start
        return Period(self.start - length, self.start, self.grain)

    @property
    def year_earlier(self):
        return Period(_year_earlier(self.start), _year_earlier(self.end), self.grain)

    def bucket(self, day):
        """The first day of the trend's point that ``day`` belongs to."""
        if self.grain == "week":
            return day - dt.timedelta(days=day.weekday())
        if self.grain == "month":
            return day.replace(day=1)
        return day

    def query(self, **extra):
        """The dashboard's own query string for this period (presets kept by name)."""
        params = {"preset": self.preset} if self.preset else {"start": self.start, "end": self.last}
        params["grain"] = self.grain
        params.update(extra)
        return urlencode(params)

    def list_query(self):
        """The period as the worklist reads it (``from``/``to``, inclusive)."""
        return {"from": self.start.isoformat(), "to": self.last.isoformat()}
