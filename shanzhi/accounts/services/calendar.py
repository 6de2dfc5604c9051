"""The working-day calendar's writes (工作日历), for the system administrator. Each is atomic and
audited; the page, and anything else that changes the calendar, calls these.

The ``chinesecalendar`` package stops at its last published year (2026 for 1.11.0). Before a
deadline can reach the next year, the administrator enters the State Council's notice for it
(``import_notice``: one line per day, ``2027-01-01 休 元旦`` / ``2027-02-07 班 春节调休``) and marks
the year complete (``mark_year_complete``); see ``core.workdays`` for how a marked year is read.
Until then the year runs on the provisional calendar; completing it tells the listeners of
``workdays.on_year_completed`` (appeals recomputes its provisional deadlines in a task).
"""

import datetime as dt
import re

import chinese_calendar
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit, workdays
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent, WorkdayOverride, WorkdayYear

from .. import permissions

KINDS = {"休": False, "放假": False, "班": True, "上班": True}
MAX_NOTE = 100
_SPLIT = re.compile(r"[\s\u3000]+")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:(?:~|～|至|--)(\d{4}-\d{2}-\d{2}))?$")


def _year(value):
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("请填写年份，例如 2027。"), field="year") from exc
    if not workdays.LIBRARY_FIRST_YEAR <= year <= workdays.LIBRARY_LAST_YEAR + 10:
        raise DomainError(
            _("年份应在 %(a)d 到 %(b)d 之间。")
            % {"a": workdays.LIBRARY_FIRST_YEAR, "b": workdays.LIBRARY_LAST_YEAR + 10},
            field="year",
        )
    return year


def _off_anyway(day):
    """Whether ``day`` is a day off before any override (library, else the weekend rule)."""
    if day.year <= workdays.LIBRARY_LAST_YEAR:
        return not chinese_calendar.is_workday(day)
    return day.weekday() >= 5


def _check_day(day, is_workday, note, where=""):
    note = (note or "").strip()
    if not note:
        raise DomainError(where + _("请填写名称，例如“元旦”或“春节调休上班”。"), field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(where + _("名称不能超过 %(n)d 个字。") % {"n": MAX_NOTE}, field="note")
    if is_workday and not _off_anyway(day):
        raise DomainError(
            where + _("%(d)s 本来就是工作日，“班”只用于调休上班的周末或节日。") % {"d": day.isoformat()},
            field="is_workday",
        )
    return note


def _record(by, request, detail):
    audit.record(AuditEvent.Action.CALENDAR_CHANGE, actor=by, request=request, detail=detail)


def add_day(*, by, day, is_workday, note, request=None):
    """Enter one day (a holiday, a swapped workday or a one-off closure); replaces that date's entry."""
    permissions.require(by, "core.manage_calendar")
    if not isinstance(day, dt.date):
        raise DomainError(_("请填写日期。"), field="date")
    _year(day.year)
    note = _check_day(day, bool(is_workday), note)
    with transaction.atomic():
        row, created = WorkdayOverride.objects.update_or_create(
            date=day, defaults={"is_workday": bool(is_workday), "note": note}
        )
        _record(
            by,
            request,
            {
                "op": "add",
                "date": day.isoformat(),
                "is_workday": bool(is_workday),
                "note": note,
                "replaced": not created,
            },
        )
    return row


def remove_day(*, by, day, request=None):
    permissions.require(by, "core.manage_calendar")
    with transaction.atomic():
        row = WorkdayOverride.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise DomainError(_("%(d)s 没有录入过调整。") % {"d": day}, field="date")
        detail = {"op": "remove", "date": day.isoformat(), "is_workday": row.is_workday, "note": row.note}
        row.delete()
        _record(by, request, detail)


def parse_notice(year, text):
    """[(date, is_workday, note)] from the pasted notice; every bad line is named, nothing partial."""
    year = _year(year)
    days, errors, seen = [], [], {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = _("第 %(n)d 行：") % {"n": number}
        parts = _SPLIT.split(line, maxsplit=2)
        if len(parts) < 3:
            errors.append(where + _("格式应为“日期 休/班 名称”，例如“%(y)d-01-01 休 元旦”。") % {"y": year})
            continue
        when, kind, note = parts
        match = _RANGE.match(when)
        try:
            first = dt.date.fromisoformat(match.group(1)) if match else None
            last = dt.date.fromisoformat(match.group(2)) if match and match.group(2) else first
        except ValueError:
            first = None
        if first is None:
            errors.append(
                where + _("“%(v)s”不是有效日期，请写成 %(y)d-01-01 这样。") % {"v": when, "y": year}
            )
            continue
        if first.year != year or last.year != year or last < first:
            errors.append(where + _("日期 %(v)s 不在 %(y)d 年内。") % {"v": when, "y": year})
            continue
        if kind not in KINDS:
            errors.append(where + _("第二列应为“休”或“班”，而不是“%(v)s”。") % {"v": kind})
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(where + _("%(d)s 与第 %(n)d 行重复。") % {"d": day.isoformat(), "n": seen[day]})
            else:
                try:
                    days.append((day, KINDS[kind], _check_day(day, KINDS[kind], note, where)))
                    seen[day] = number
                except DomainError as exc:
                    errors.append(exc.message)
            day += dt.timedelta(days=1)
    if errors:
        raise DomainError("；".join(e.rstrip("。") for e in errors) + "。", field="lines")
    if not days:
        raise DomainError(_("请粘贴 %(y)d 年的放假安排，每行一天。") % {"y": year}, field="lines")
    return year, days


def import_notice(*, by, year, text, replace=False, complete=False, request=None):
    """Enter a year's State Council notice at once. ``replace`` first removes that year's earlier
    entries (a corrected notice); ``complete`` also marks the year complete."""
    permissions.require(by, "core.manage_calendar")
    year, days = parse_notice(year, text)
    with transaction.atomic():
        removed = 0
        if replace:
            removed, _x = WorkdayOverride.objects.filter(date__year=year).delete()
        for day, is_workday, note in days:
            WorkdayOverride.objects.update_or_create(
                date=day, defaults={"is_workday": is_workday, "note": note}
            )
        _record(
            by,
            request,
            {
                "op": "import",
                "year": year,
                "days": len(days),
                "removed": removed,
                "holidays": sum(1 for d in days if not d[1]),
                "workdays": sum(1 for d in days if d[1]),
            },
        )
        if complete and not WorkdayYear.objects.filter(year=year, complete=True).exists():
            mark_year_complete(by=by, year=year, request=request)
    return len(days)


def mark_year_complete(*, by, year, request=None):
    """Declare the year's notice entered in full: its days are final, and the provisional
    deadlines that reached it are recomputed (by the listeners, in this transaction)."""
    permissions.require(by, "core.manage_calendar")
    year = _year(year)
    if year <= workdays.LIBRARY_LAST_YEAR:
        raise DomainError(_("%(y)d 年的节假日已由系统内置，无需标记。") % {"y": year}, field="year")
    with transaction.atomic():
        if not WorkdayOverride.objects.filter(date__year=year, is_workday=False).exists():
            raise DomainError(
                _("%(y)d 年还没有录入任何放假日期，请先录入国务院办公厅的放假通知，再标记为已录入。")
                % {"y": year},
                field="year",
            )
        row, _created = WorkdayYear.objects.select_for_update().get_or_create(year=year)
        if row.complete:
            raise DomainError(_("%(y)d 年已标记为放假安排已录入。") % {"y": year}, field="year")
        row.complete, row.marked_by, row.marked_at = True, by.username, timezone.now()
        row.save()
        _record(by, request, {"op": "complete", "year": year})
        workdays.year_completed(year)
    return row


def reopen_year(*, by, year, request=None):
    """Withdraw the mark (the entered notice was wrong): new deadlines reaching the year are
    provisional again; those already computed stand until the year is completed anew."""
    permissions.require(by, "core.manage_calendar")
    year = _year(year)
    with transaction.atomic():
        updated = WorkdayYear.objects.filter(year=year, complete=True).update(complete=False)
        if not updated:
            raise DomainError(_("%(y)d 年未标记为已录入。") % {"y": year}, field="year")
        _record(by, request, {"op": "reopen", "year": year})
