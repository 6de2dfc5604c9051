"""Four-party meetings: recorded by the community's staff; a decision becomes an appeal through
the appeals' own intake (registry.referrals) or a task due in working days; who reads, who records
completion; refusals leave nothing written."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from shanzhi.appeals.models import Appeal, Category
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from ..models import Decision, Meeting
from ..services import meetings as svc

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC)
ATTENDEES = [
    ("community", "张社区", "社区主任"),
    ("company", "冯物业", "项目经理"),
    ("committee", "甲业主", "业委会主任"),
    ("police", "王民警", "社区民警"),
]


def _meeting(cast, compound=None, by=None):
    return svc.record_meeting(
        compound or cast.compound,
        held_on="2026-12-01",
        place="社区议事厅",
        topics="停车难、消防通道堵塞",
        attendees=ATTENDEES,
        by=by or cast.zhang,
        today=datetime.date(2026, 12, 3),
    )


def _category():
    return Category.objects.filter(active=True, parent__isnull=False).first()


def test_a_meeting_is_recorded_with_the_company_that_attended(cast):
    m = _meeting(cast)
    assert m.company == cast.company and m.attendees.count() == 4
    assert AuditEvent.objects.filter(action="property.meeting_recorded").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": "2026-12-31"}, "held_on"),
        ({"held_on": "yesterday"}, "held_on"),
        ({"held_on": "0001-01-01"}, "held_on"),
        ({"place": ""}, "place"),
        ({"attendees": []}, "attendees"),
        ({"attendees": [("company", "冯物业", "")]}, "attendees"),
        ({"attendees": [("community", "张社区", ""), ("mafia", "x", "")]}, "attendees[1]"),
    ],
)
def test_bad_meetings_are_refused_naming_the_field(cast, change, field):
    data = {"held_on": "2026-12-01", "place": "议事厅", "topics": "停车", "attendees": ATTENDEES} | change
    with pytest.raises(DomainError) as exc:
        svc.record_meeting(cast.compound, **data, by=cast.zhang, today=datetime.date(2026, 12, 3))
    assert exc.value.field == field
    assert not Meeting.objects.exists()


def test_only_the_communitys_staff_record(cast):
    with pytest.raises(PermissionDenied):
        _meeting(cast, by=cast.liu)
    with pytest.raises(PermissionDenied):
        _meeting(cast, by=cast.jumin)
    with pytest.raises(Http404):
        _meeting(cast, by=cast.chen)
    with pytest.raises(Http404):
        _meeting(cast, by=cast.feng)
    assert not Meeting.objects.exists()


def test_a_decision_becomes_an_appeal_through_intake(cast):
    m = _meeting(cast)
    d = svc.add_decision(
        m, text_given="清理3号楼消防通道堆物", kind="appeal", category=_category().pk, by=cast.zhang
    )
    appeal = Appeal.objects.get(pk=d.appeal_id)
    assert d.appeal_number == appeal.number and appeal.channel == "on_behalf"
    assert appeal.building.compound_id == cast.compound.pk and appeal.entered_by == cast.zhang
    assert "清理3号楼消防通道堆物" in appeal.description
    with pytest.raises(DomainError) as exc:  # the same decision twice in one meeting
        svc.add_decision(
            m, text_given="清理3号楼消防通道堆物", kind="appeal", category=_category().pk, by=cast.zhang
        )
    assert exc.value.field == "text"
    assert Appeal.objects.count() == 1


def test_an_appeal_decision_needs_a_valid_category_and_files_nothing_otherwise(cast):
    m = _meeting(cast)
    for value in (None, "x", 999999):
        with pytest.raises(DomainError) as exc:
            svc.add_decision(m, text_given="修路灯", kind="appeal", category=value, by=cast.zhang)
        assert exc.value.field == "category"
    assert not Appeal.objects.exists() and not Decision.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_task_is_due_in_working_days_after_the_meeting(cast):
    m = _meeting(cast)  # Tue 2026-12-01; its own day never counts
    d = svc.add_decision(
        m,
        text_given="物业施划临时停车位",
        kind="task",
        owner_party="company",
        workdays_given="5",
        by=cast.zhang,
    )
    local = d.due.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert local.date() == datetime.date(2026, 12, 8) and local.hour == 17
    assert d.task_state() == "open"
    assert d.task_state(datetime.datetime(2026, 12, 9, tzinfo=datetime.UTC)) == "overdue"
    for bad, field in (({"owner_party": "king"}, "owner_party"), ({"workdays_given": "0"}, "workdays")):
        data = {
            "text_given": "另一事项",
            "kind": "task",
            "owner_party": "company",
            "workdays_given": "3",
        } | bad
        with pytest.raises(DomainError) as exc:
            svc.add_decision(m, **data, by=cast.zhang)
        assert exc.value.field == field
    assert Decision.objects.count() == 1


def test_completion_by_the_company_only_for_its_own_tasks(cast):
    m = _meeting(cast)
    mine = svc.add_decision(
        m, text_given="物业清运垃圾", kind="task", owner_party="company", workdays_given=3, by=cast.zhang
    )
    theirs = svc.add_decision(
        m,
        text_given="业委会召开业主大会",
        kind="task",
        owner_party="committee",
        workdays_given=10,
        by=cast.zhang,
    )
    with pytest.raises(PermissionDenied):
        svc.complete_task(theirs, note="已召开", by=cast.feng)
    with pytest.raises(DomainError) as exc:
        svc.complete_task(mine, note="", by=cast.feng)
    assert exc.value.field == "note"
    done = svc.complete_task(mine, note="已清运完毕", by=cast.feng)
    assert done.task_state() == "done" and done.done_by == cast.feng
    with pytest.raises(DomainError) as exc:
        svc.complete_task(mine, note="again", by=cast.zhang)
    assert exc.value.field == "status"
    assert svc.complete_task(theirs, note="已召开", by=cast.zhao).done_at is not None
    with pytest.raises(Http404):  # the other community's staff
        svc.complete_task(theirs, note="x", by=cast.chen)


def test_a_companys_staff_see_only_meetings_their_company_attended(client, cast):
    mine = _meeting(cast)
    other = _meeting(cast, compound=cast.compound_b, by=cast.chen)  # 宜家物业's compound
    client.force_login(cast.feng)
    assert client.get(reverse("property:meeting", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("property:meeting", kwargs={"pk": other.pk})).status_code == 404
    listing = client.get(reverse("property:meetings")).content.decode()
    assert reverse("property:meeting", kwargs={"pk": mine.pk}) in listing
    assert reverse("property:meeting", kwargs={"pk": other.pk}) not in listing


def test_meeting_page_shows_each_decisions_state(client, cast):
    m = _meeting(cast)
    d = svc.add_decision(m, text_given="清理消防通道", kind="appeal", category=_category().pk, by=cast.zhang)
    svc.add_decision(
        m, text_given="施划停车位", kind="task", owner_party="company", workdays_given=5, by=cast.zhang
    )
    client.force_login(cast.zhang)
    page = client.get(reverse("property:meeting", kwargs={"pk": m.pk})).content.decode()
    assert d.appeal_number in page and reverse("appeals:detail", kwargs={"number": d.appeal_number}) in page
    assert "待受理" in page or "待派单" in page
    client.force_login(cast.feng)  # the company reads the number, without a link it could not open
    page = client.get(reverse("property:meeting", kwargs={"pk": m.pk})).content.decode()
    assert (
        d.appeal_number in page and reverse("appeals:detail", kwargs={"number": d.appeal_number}) not in page
    )


def test_pages_record_a_meeting_and_refuse_bad_input_with_400(client, cast):
    client.force_login(cast.zhang)
    url = reverse("property:meeting_new")
    assert client.get(url).status_code == 200
    form = {"compound": cast.compound.pk, "held_on": "2026-12-01", "place": "议事厅", "topics": "停车"}
    r = client.post(url, form | {"attendees_community": "张社区 主任\n赵书记"})
    assert r.status_code == 302
    m = Meeting.objects.get()
    assert list(m.attendees.values_list("name", "title")) == [("张社区", "主任"), ("赵书记", "")]
    r = client.post(url, form | {"compound": cast.compound_b.pk, "attendees_community": "张社区"})
    assert r.status_code == 400 and Meeting.objects.count() == 1
    r = client.post(reverse("property:meeting_decision", kwargs={"pk": m.pk}), {"text": "x", "kind": "task"})
    assert r.status_code == 400 and not Decision.objects.exists()
