"""Deadlines in Chinese working time, warnings, overdue, the sweep, escalation by policy."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealEvent, Notification
from shanzhi.appeals.services import deadlines, sweep
from shanzhi.core import workdays
from shanzhi.core.errors import DomainError
from shanzhi.core.models import WorkdayOverride, WorkdayYear

from .conftest import local


def events(appeal, verb):
    return AppealEvent.objects.filter(appeal=appeal, verb=verb).count()


def test_working_day_deadline_across_national_day(cast, file_appeal):
    with time_machine.travel(local(2025, 9, 30, 16), tick=False):
        a = services.accept(file_appeal(), by=cast.zhang)
    # 1–8 October are holidays, Saturday 11 October is a swapped workday.
    assert a.deadline == local(2025, 10, 14, 17, 30)
    # 80% of the office time (5 working days from 16:00) falls on Monday 13 October.
    assert local(2025, 10, 13) <= a.warn_at < local(2025, 10, 14)


def test_work_hour_and_clock_hour_categories(cast, file_appeal, cats):
    with time_machine.travel(local(2026, 3, 6, 16), tick=False):  # a Friday afternoon
        fire = services.accept(file_appeal(category=cats.fire), by=cast.zhang)
        gas = services.accept(file_appeal(category=cats.gas), by=cast.zhang)
    assert fire.deadline == local(2026, 3, 9, 17, 0)  # 1.5 h on Friday + 6.5 h on Monday (9–12, 13:30–17)
    assert gas.deadline == local(2026, 3, 6, 18, 0)  # an emergency runs on the clock
    assert gas.warn_at == local(2026, 3, 6, 17, 36)


def test_unknown_year_gives_a_provisional_deadline_and_nobody_is_refused(cast, file_appeal, cats):
    year = workdays.LIBRARY_LAST_YEAR + 1
    with time_machine.travel(local(year - 1, 12, 28), tick=False):
        a = services.accept(file_appeal(category=cats.parking), by=cast.zhang)
    assert a.deadline.year == year and a.deadline_provisional
    assert Notification.objects.filter(user=cast.xitong).count() == 0  # nothing to refuse, nobody to alarm
    with time_machine.travel(local(year - 1, 12, 28), tick=False):
        b = services.accept(file_appeal(category=cats.parking), by=cast.zhang)
        WorkdayOverride.objects.create(date=dt.date(year, 1, 1), is_workday=False, note="元旦")
        WorkdayYear.objects.create(year=year, complete=True)
        c = services.accept(file_appeal(category=cats.parking), by=cast.zhang)
    assert b.deadline_provisional and not c.deadline_provisional


def test_elapsed_share_of_an_appeal(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)  # Monday 10:00, due Monday 9 March 17:30
    assert deadlines.share_used(a, a.clock_started_at) == 0
    assert deadlines.share_used(a, a.deadline) == pytest.approx(1)
    assert deadlines.share_used(a, local(2026, 3, 8, 12)) < 1  # the weekend does not count


def test_overdue_is_derived_at_read_time(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    assert a.alarm(local(2026, 3, 3)) == ""
    assert a.alarm(a.warn_at) == "yellow"
    assert (
        a.is_overdue(a.deadline + dt.timedelta(seconds=1))
        and a.alarm(a.deadline + dt.timedelta(minutes=1)) == "red"
    )
    assert a.overdue_at is None  # no sweep has run


def test_sweep_twice_writes_one_warning(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    assert sweep.run(a.warn_at - dt.timedelta(minutes=1))["warned"] == 0
    assert sweep.run(a.warn_at)["warned"] == 1
    assert sweep.run(a.warn_at + dt.timedelta(minutes=5))["warned"] == 0
    call_command("sweep")  # the command runs a pass too (now = Monday: nothing due)
    assert events(a, "warn") == 1
    assert Notification.objects.filter(user=cast.wang, kind="warning").count() == 1
    a.refresh_from_db()
    assert a.warned_at is not None and a.overdue_at is None


def test_sweep_flags_overdue_once_and_escalates_by_policy(cast, file_appeal, cats):
    quiet = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    fire = services.dispatch(
        services.accept(file_appeal(category=cats.fire), by=cast.zhang), by=cast.zhang, to_user=cast.wang
    )
    late = max(quiet.deadline, fire.deadline) + dt.timedelta(hours=1)
    first = sweep.run(late)
    assert (first["overdue"], first["escalated"], first["warned"]) == (2, 1, 0)
    assert sweep.run(late) == {k: 0 for k in first}
    quiet.refresh_from_db()
    fire.refresh_from_db()
    assert quiet.level == "grid" and fire.level == "community"  # only the fire category auto-escalates
    assert events(fire, "overdue") == events(quiet, "overdue") == 1
    assert events(fire, "warn") == 0  # straight to red: no separate yellow event
    assert AppealEvent.objects.get(appeal=fire, verb="escalate").data["auto"] is True


def test_resolved_appeal_is_not_flagged(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    a = services.resolve(services.start(a, by=cast.wang), by=cast.wang, result="已处理")
    assert sweep.run(a.deadline + dt.timedelta(days=3))["overdue"] == 0


def test_extension_moves_the_deadline_after_approval(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    old = a.deadline
    req = services.request_extension(a, by=cast.wang, days=3, reason="需协调多户")
    with pytest.raises(DomainError):  # a second request while one is pending
        services.request_extension(a, by=cast.wang, days=2, reason="再次申请")
    with pytest.raises(PermissionDenied):  # a grid worker does not approve
        services.decide_extension(req, by=cast.wang, approve=True)
    req = services.decide_extension(req, by=cast.zhao, approve=True, note="同意")
    a.refresh_from_db()
    assert req.status == "approved" and a.deadline == local(2026, 3, 12, 17, 30) and a.deadline > old
    assert Notification.objects.filter(user=cast.wang, kind="extension_decided").exists()


def test_suspension_pauses_the_alarms_until_it_ends(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    req = services.request_suspension(a, by=cast.wang, days=10, reason="需等待供暖季结束后施工")
    services.decide_suspension(req, by=cast.liu, approve=True)
    a.refresh_from_db()
    assert a.suspended and a.deadline == local(2026, 3, 23, 17, 30)
    assert sweep.run(local(2026, 3, 10))["overdue"] == 0  # past the old deadline, but suspended
    assert sweep.run(a.suspended_until)["resumed"] == 1
    a.refresh_from_db()
    assert not a.suspended and events(a, "resume") == 1


def test_overdue_summons_are_reminded_once(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    (s,) = services.summon(a, by=cast.zhang, lead=cast.department, parts={cast.department.pk: "清理占道杂物"})
    assert s.due_at == local(2026, 3, 3, 17, 30)
    assert sweep.run(s.due_at)["summons_reminded"] == 1
    assert sweep.run(s.due_at + dt.timedelta(hours=1))["summons_reminded"] == 0
    assert Notification.objects.filter(user=cast.zheng, kind="summons_overdue").count() == 1


def test_appeal_status_table_is_consistent():
    from shanzhi.appeals.services.base import ALLOWED, RULES

    assert set(ALLOWED) == set(RULES)
    statuses = set(Appeal.Status.values)
    assert all(froms <= statuses for froms in ALLOWED.values())
