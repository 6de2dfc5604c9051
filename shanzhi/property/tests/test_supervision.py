"""Supervision actions: the rectification deadline in working days (core.workdays), the timeline,
the company's reply, refusals and who may act on which company."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanzhi.core.errors import DomainError

from ..models import SupervisionAction, SupervisionEvent
from ..services import supervision

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def test_a_rectification_deadline_counts_working_days_across_national_day(red):
    c = red.cast
    # Notice on Tue 2025-09-30 16:00, 5 working days: the day itself never counts, 1–8 October are
    # holidays, Sat 11 October is a swapped workday → close of office hours on Tue 14 October.
    notice = datetime.datetime(2025, 9, 30, 16, 0, tzinfo=TZ)
    action = supervision.open_action(
        c.company, kind="rectify", reason="电梯多次困人", workdays_given="5", by=c.liu, now=notice
    )
    assert action.deadline == datetime.datetime(2025, 10, 14, 17, 30, tzinfo=TZ)
    assert not action.deadline_provisional and action.workdays == 5
    one = supervision.open_action(
        c.company, kind="rectify", reason="x", workdays_given="1", by=c.liu, now=notice
    )
    assert one.deadline == datetime.datetime(2025, 10, 9, 17, 30, tzinfo=TZ)


def test_refusals_name_the_field_and_write_nothing(red):
    c = red.cast
    for kwargs, field in [
        ({"kind": "fine", "reason": "x"}, "kind"),
        ({"kind": "interview", "reason": ""}, "reason"),
        ({"kind": "rectify", "reason": "x", "workdays_given": "0"}, "workdays"),
        ({"kind": "rectify", "reason": "x", "workdays_given": "91"}, "workdays"),
        ({"kind": "rectify", "reason": "x", "workdays_given": "2.5"}, "workdays"),
    ]:
        with pytest.raises(DomainError) as exc:
            supervision.open_action(c.company, by=c.sun, **kwargs)
        assert exc.value.field == field
    assert not SupervisionAction.objects.exists()


def test_the_timeline_and_the_company_reply(red):
    c = red.cast
    action = supervision.open_action(c.company, kind="interview", reason="投诉量偏高", by=c.liu)
    supervision.add_note(action, note="已约谈项目经理", by=c.liu)
    supervision.add_note(action, note="已制定整改计划", by=c.feng)
    supervision.close_action(action, note="整改到位", by=c.sun)
    assert list(SupervisionEvent.objects.values_list("what", flat=True)) == [
        "opened",
        "note",
        "reply",
        "closed",
    ]
    with pytest.raises(DomainError) as exc:
        supervision.add_note(action, note="再补充", by=c.liu)
    assert exc.value.field == "status"


def test_who_may_act(red):
    c = red.cast
    with pytest.raises(Http404):
        supervision.open_action(c.company, kind="interview", reason="x", by=c.zhou)  # 西街道
    with pytest.raises(PermissionDenied):
        supervision.open_action(c.company, kind="interview", reason="x", by=c.zhang)  # community staff
    other = supervision.open_action(c.company2, kind="exit", reason="连续两期黑榜", by=c.sun)
    with pytest.raises(Http404):
        supervision.add_note(other, note="x", by=c.feng)  # another company's action
    with pytest.raises(PermissionDenied):
        supervision.close_action(
            supervision.open_action(c.company, kind="exit", reason="x", by=c.sun), note="x", by=c.feng
        )
    assert SupervisionEvent.objects.filter(what="reply").count() == 0


def test_a_provisional_rectification_deadline_is_counted_again_once_the_years_notice_is_in(red):
    """Opened in late December before next year's notice: the deadline is provisional (statutory
    holidays only). Entering the notice and marking the year complete counts it again."""
    from shanzhi.accounts.services import calendar as calendar_services
    from shanzhi.core import workdays

    c = red.cast
    year = workdays.LIBRARY_LAST_YEAR + 1
    notice = datetime.datetime(year - 1, 12, 30, 10, 0, tzinfo=TZ)
    action = supervision.open_action(
        c.company, kind="rectify", reason="消防通道堵塞", workdays_given="3", by=c.liu, now=notice
    )
    assert action.deadline_provisional
    # TEST DATA: 4 January made a holiday, so a deadline counted across it moves one day later.
    text = f"{year}-01-01 休 元旦\n{year}-01-04 休 元旦（测试）\n"
    calendar_services.import_notice(by=c.xitong, year=year, text=text, complete=True)
    action.refresh_from_db()
    assert not action.deadline_provisional
    # 30 December never counts; 31 Dec, (1 Jan off, 2–3 weekend, 4 Jan off) 5 Jan, 6 Jan.
    assert action.deadline == datetime.datetime(year, 1, 6, 17, 30, tzinfo=TZ)
