"""The working-day calendar page (工作日历): entering a year the holiday library does not know.

The notice used here is TEST DATA: a made-up schedule shaped like a State Council notice. It is
not the real 2027 holiday arrangement (which had not been published when this was written).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shanzhi.accounts.services import calendar as services
from shanzhi.core import workdays
from shanzhi.core.checks import calendar_runs_out
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent, WorkdayOverride, WorkdayYear

TZ = ZoneInfo("Asia/Shanghai")
NEXT = workdays.LIBRARY_LAST_YEAR + 1

# TEST DATA, not the real schedule: New Year's Day on Friday, the Monday after made a holiday,
# and the Saturday after that a swapped workday.
TEST_NOTICE = f"""# 测试数据（虚构），并非真实的 {NEXT} 年放假安排
{NEXT}-01-01 休 元旦
{NEXT}-01-04 休 元旦（测试）

{NEXT}-01-09 班 元旦调休上班（测试）
{NEXT}-10-01~{NEXT}-10-07 休 国庆节（测试）
"""


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def url(year=None):
    return reverse("admin_tools:workdays") + (f"?year={year}" if year else "")


def calendar_audits():
    return AuditEvent.objects.filter(action=AuditEvent.Action.CALENDAR_CHANGE)


def provisional(start, n):
    cal = workdays.calendar()
    with cal.watch() as years:
        moment = cal.add_workdays(start, n)
    return moment, years


def test_a_deadline_across_the_year_end_is_provisional_until_the_notice_is_entered_and_marked(cast):
    start = at(NEXT - 1, 12, 28)  # a Monday
    # 29, 30, 31 Dec; 1 Jan 元旦 (statutory), weekend; 4, 5 Jan.
    assert provisional(start, 5) == (at(NEXT, 1, 5, 17, 30), {NEXT})
    assert services.import_notice(by=cast.xitong, year=NEXT, text=TEST_NOTICE) == 10
    # Entered, not yet marked complete: the entries already win, the result stays provisional.
    assert provisional(start, 5) == (at(NEXT, 1, 6, 17, 30), {NEXT})
    services.mark_year_complete(by=cast.xitong, year=NEXT)
    assert provisional(start, 5) == (at(NEXT, 1, 6, 17, 30), set())
    # 29, 30, 31 Dec; 1 Jan off, weekend, 4 Jan off (test notice); 5, 6 Jan.
    assert workdays.add_workdays(start, 5) == at(NEXT, 1, 6, 17, 30)
    assert workdays.add_workdays(start, 8) == at(NEXT, 1, 9, 17, 30)  # the swapped Saturday counts
    assert not workdays.is_workday(dt.date(NEXT, 10, 5))
    assert workdays.running_out(today=dt.date(NEXT - 1, 11, 22)) is None
    assert [e.detail["op"] for e in calendar_audits().order_by("id")] == ["import", "complete", "recompute"]


def test_bad_lines_are_named_and_nothing_is_written(cast):
    text = "\n".join(
        [
            f"{NEXT}-01-01 休 元旦",
            f"{NEXT}-13-01 休 不存在的日期",
            f"{NEXT}-01-05 休",
            f"{NEXT - 1}-12-31 休 去年",
            f"{NEXT}-01-05 班 周二本来就上班",
            f"{NEXT}-01-01 休 重复",
            f"{NEXT}-01-09 补 未知类型",
        ]
    )
    with pytest.raises(DomainError) as err:
        services.import_notice(by=cast.xitong, year=NEXT, text=text, complete=True)
    message = err.value.message
    assert err.value.field == "lines"
    for n in (2, 3, 4, 5, 6, 7):
        assert f"第 {n} 行" in message
    assert "第 1 行：" not in message
    assert not WorkdayOverride.objects.exists() and not WorkdayYear.objects.exists()
    assert not calendar_audits().exists()


def test_a_year_cannot_be_marked_without_holidays_nor_a_builtin_year(cast):
    with pytest.raises(DomainError) as err:
        services.mark_year_complete(by=cast.xitong, year=NEXT)
    assert err.value.field == "year" and "放假通知" in err.value.message
    with pytest.raises(DomainError):
        services.mark_year_complete(by=cast.xitong, year=NEXT - 1)
    assert not WorkdayYear.objects.filter(complete=True).exists()


def test_only_the_system_administrator_changes_the_calendar(cast):
    for user in (cast.zhang, cast.anquan, cast.shenji):
        with pytest.raises(PermissionDenied):
            services.add_day(by=user, day=dt.date(NEXT, 1, 1), is_workday=False, note="元旦")
    assert not WorkdayOverride.objects.exists()


def test_the_page_adds_removes_and_imports(cast, login):
    client = login(cast.xitong)
    assert client.get(url()).status_code == 200
    response = client.post(url(NEXT), {"op": "add", "date": f"{NEXT}-01-01", "kind": "off", "note": "元旦"})
    assert response.status_code == 302
    assert WorkdayOverride.objects.get(date=dt.date(NEXT, 1, 1)).note == "元旦"
    bad = client.post(url(NEXT), {"op": "add", "date": f"{NEXT}-01-05", "kind": "work", "note": "周二"})
    assert bad.status_code == 400 and "本来就是工作日" in bad.content.decode()
    assert client.post(url(NEXT), {"op": "remove", "date": f"{NEXT}-01-01"}).status_code == 302
    assert not WorkdayOverride.objects.exists()

    bad = client.post(
        url(NEXT), {"op": "import", "year": NEXT, "lines": f"{NEXT}-01-01 休 元旦\n{NEXT}-02-30 休 x"}
    )
    assert bad.status_code == 400 and "第 2 行" in bad.content.decode()
    assert not WorkdayOverride.objects.exists()
    ok = client.post(url(NEXT), {"op": "import", "year": NEXT, "lines": TEST_NOTICE, "complete": "on"})
    assert ok.status_code == 302
    assert WorkdayOverride.objects.filter(date__year=NEXT).count() == 10
    assert WorkdayYear.objects.get(year=NEXT).complete
    page = client.get(url(NEXT)).content.decode()
    assert "元旦调休上班（测试）" in page and "已录入" in page
    assert 'id="recompute"' in page and "已完成" in page  # the recompute the completion started
    ops = [e.detail["op"] for e in calendar_audits().order_by("id")]
    assert ops == ["add", "remove", "import", "complete", "recompute"]


def test_the_banner_and_the_check_warn_within_45_days_of_the_end(cast, login):
    with time_machine.travel(at(NEXT - 1, 11, 22), tick=False):
        page = login(cast.xitong).get(reverse("accounts:profile")).content.decode()
        assert 'id="calendar-banner"' in page and f"{NEXT} 年放假安排" in page
        other = login(cast.zhang).get(reverse("accounts:profile")).content.decode()
        assert 'id="calendar-banner"' not in other
        warnings = calendar_runs_out()
        assert [w.id for w in warnings] == [
            "shanzhi.W010"
        ] and f"/admin-tools/workdays/?year={NEXT}" in warnings[0].hint
        services.import_notice(by=cast.xitong, year=NEXT, text=TEST_NOTICE, complete=True)
        page = login(cast.xitong).get(reverse("accounts:profile")).content.decode()
        assert 'id="calendar-banner"' not in page and calendar_runs_out() == []
    with time_machine.travel(at(NEXT - 1, 6, 1), tick=False):
        WorkdayYear.objects.all().delete()
        assert calendar_runs_out() == []


def test_the_page_lists_the_provisional_holidays_of_a_year_not_yet_complete(cast, login):
    client = login(cast.xitong)
    page = client.get(url(NEXT)).content.decode()
    assert 'id="provisional-days"' in page and "01-01 元旦" in page and "暂定" in page
    WorkdayYear.objects.create(year=NEXT, complete=True)
    assert 'id="provisional-days"' not in client.get(url(NEXT)).content.decode()
    part = client.get(url(NEXT) + "&part=recompute", headers={"HX-Request": "true"})
    assert part.status_code == 200 and part.content.decode().startswith('<div id="recompute"')
