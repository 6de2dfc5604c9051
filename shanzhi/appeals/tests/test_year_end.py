"""The year's end: deadlines reaching a year whose holiday notice is not entered are provisional,
nothing is refused or lost, and completing the notice recomputes them (``services.recompute``).

The notices below are TEST DATA shaped like a State Council notice, not the real arrangement.
"""

import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from shanzhi.accounts.services import calendar as calendar_services
from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealEvent, Notification, Summons, Supervision
from shanzhi.appeals.services import deadlines
from shanzhi.appeals.services.importing import import_file
from shanzhi.core import workdays
from shanzhi.core.models import AuditEvent, CalendarRecompute, WorkdayYear

from .conftest import local
from .test_importing import HEADER, csv_bytes
from .test_importing import rows as hotline_rows
from .test_intake_place import api_body, bearer, staff_form
from .test_open311 import post_form
from .test_pages import intake_form

S = Appeal.Status
NEXT = workdays.LIBRARY_LAST_YEAR + 1
DAYS = [local(NEXT - 1, 12, 20), local(NEXT - 1, 12, 30), local(NEXT - 1, 12, 31)]
# TEST DATA: 4 January made a holiday, so every deadline counted across it moves one day later.
LATER = f"{NEXT}-01-01 休 元旦\n{NEXT}-01-04 休 元旦（测试）\n"
# TEST DATA: Saturday 2 January made a working day, so deadlines across it would come one day earlier.
EARLIER = f"{NEXT}-01-01 休 元旦\n{NEXT}-01-02 班 元旦调休上班（测试）\n"


def enter_notice(cast, text):
    calendar_services.import_notice(by=cast.xitong, year=NEXT, text=text, complete=True)
    return CalendarRecompute.objects.get(year=NEXT)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def in_hand(cast, file_appeal, **kw):
    a = services.accept(file_appeal(**kw), by=cast.zhang)
    return services.start(services.dispatch(a, by=cast.zhang, to_user=cast.wang), by=cast.wang)


def play_every_move(cast, file_appeal, cats):
    """Every move that computes a deadline, long enough to reach the next year from 20 December."""
    p = cats.parking  # 10 working days
    accepted = services.accept(file_appeal(category=p), by=cast.zhang)
    extended = in_hand(cast, file_appeal, category=p)
    services.decide_extension(
        services.request_extension(extended, by=cast.wang, days=3, reason="等配件"),
        by=cast.zhao,
        approve=True,
    )
    suspended = in_hand(cast, file_appeal, category=p)
    services.decide_suspension(
        services.request_suspension(suspended, by=cast.wang, days=10, reason="等预算"),
        by=cast.zhao,
        approve=True,
    )
    resumed = in_hand(cast, file_appeal, category=p)
    services.decide_suspension(
        services.request_suspension(resumed, by=cast.wang, days=10, reason="等预算"),
        by=cast.zhao,
        approve=True,
    )
    services.resume(fresh(resumed), by=cast.wang)
    summoned = services.accept(file_appeal(category=p), by=cast.zhang)
    services.summon(summoned, by=cast.zhang, lead=cast.department, within_workdays=10)
    supervised = services.supervise(
        in_hand(cast, file_appeal, category=p), by=cast.liu, note="请加快", due_days=10
    )
    reopened = in_hand(cast, file_appeal, category=p)
    reopened = services.verify(services.resolve(reopened, by=cast.wang, result="已处理"), by=cast.zhang)
    reopened = services.rate(
        reopened, by=cast.jumin, solved="solved", rating=Appeal.Rating.UNSATISFIED, note="问题依旧"
    )
    return [fresh(a) for a in (accepted, extended, suspended, resumed, summoned, supervised, reopened)]


@pytest.mark.parametrize("day", DAYS, ids=lambda d: d.strftime("%m-%d"))
def test_every_move_is_provisional_before_the_notice_and_final_after_it(cast, file_appeal, cats, day):
    with time_machine.travel(day, tick=False):
        appeals = play_every_move(cast, file_appeal, cats)
        accepted, extended, suspended, resumed, summoned, supervised, reopened = appeals
        # Nothing was refused, every clock runs, and each one reaching NEXT says so.
        assert all(a.deadline and a.deadline_provisional for a in appeals)
        assert all(a.deadline.year == NEXT for a in appeals)
        assert suspended.suspended and suspended.suspended_until.year == NEXT
        assert reopened.status == S.REOPENED and reopened.rating == Appeal.Rating.UNSATISFIED
        summons = Summons.objects.get(appeal=summoned)
        sup = Supervision.objects.get(appeal=supervised)
        assert summons.due_provisional and sup.due_provisional and summons.due_at.year == NEXT
        assert not Notification.objects.filter(kind__startswith="calendar_missing").exists()
        before = {a.pk: (a.deadline, a.warn_at) for a in appeals}
        summons_before, sup_before = summons.due_at, sup.due_at

        job = enter_notice(cast, LATER)

    assert (job.status, job.total, job.done) == ("done", len(appeals), len(appeals))
    cal = workdays.calendar()
    for a in appeals:
        a = fresh(a)
        assert not a.deadline_provisional
        base = cal.add_workdays(a.clock_started_at, 10)
        assert a.deadline == (
            cal.add_workdays(base, 3)
            if a.pk == extended.pk
            else cal.add_workdays(base, 10)
            if a.pk in (suspended.pk, resumed.pk)
            else base
        )
        assert a.warn_at == deadlines.warn_at(a.category, a.clock_started_at, a.deadline, cal)
        if before[a.pk][0] < local(NEXT, 1, 4):  # 4 January was not reached: nothing moved
            assert a.deadline == before[a.pk][0]
        else:  # the test notice's extra holiday moves it one working day on, and the timeline says so
            assert a.deadline > before[a.pk][0]
            row = AppealEvent.objects.filter(appeal=a, verb="recompute").get()
            assert row.data["deadline"][0][:16] == before[a.pk][0].astimezone(cal_tz()).isoformat()[:16]
    assert fresh(suspended).suspended_until == cal.add_workdays(
        AppealEvent.objects.filter(appeal=suspended, verb="decide_suspension").get().at, 10
    )
    summons, sup = fresh(summons), fresh(sup)
    assert not (summons.due_provisional or sup.due_provisional)
    assert summons.due_at == cal.add_workdays(summons.created_at, 10) > summons_before
    assert sup.due_at == cal.add_workdays(sup.created_at, 10) > sup_before
    assert job.changed == len(job.changes) > 0
    audit = AuditEvent.objects.filter(action=AuditEvent.Action.CALENDAR_CHANGE, detail__op="recompute").get()
    assert audit.detail["total"] == len(appeals)


def cal_tz():
    return local(2026, 1, 1).tzinfo


def file_by_channel(channel, cast, cats, client, login, n):
    """One appeal through each intake channel; returns it."""
    if channel == "page":
        response = login(cast.jumin).post(reverse("appeals:submit"), intake_form(cats, key=f"y-{n}"))
        assert response.status_code == 302
    elif channel == "api":
        response = client.post(
            reverse("api:appeals_submit"),
            data=json.dumps(api_body(cats, node_id=cast.community.pk)),
            content_type="application/json",
            headers={**bearer(cast.zhang), "Idempotency-Key": f"y-{n}"},
        )
        assert response.status_code == 201, response.content
    elif channel == "open311":
        from io import StringIO

        out = StringIO()
        call_command("issue_open311_key", f"app-{n}", stdout=out)
        response = client.post(
            reverse("open311:requests", kwargs={"fmt": "json"}), post_form(cats, out.getvalue().strip())
        )
        assert response.status_code in (200, 201), response.content
    elif channel == "hotline":
        import_file(csv_bytes([HEADER, hotline_rows(cats)[0]]), "hotline.csv", by=cast.zhang)
    else:
        response = login(cast.zhang).post(
            reverse("appeals:submit"), staff_form(cats, node=cast.grid2.pk, idempotency_key=f"y-{n}")
        )
        assert response.status_code == 302
    return Appeal.objects.order_by("-pk").first()


CHANNELS = ["page", "api", "open311", "hotline", "on_behalf"]


@pytest.mark.parametrize("day", DAYS, ids=lambda d: d.strftime("%m-%d"))
def test_every_intake_channel_is_accepted_with_a_provisional_deadline(cast, cats, client, login, day):
    made = []
    with time_machine.travel(day, tick=False):
        for n, channel in enumerate(CHANNELS):
            a = file_by_channel(channel, cast, cats, client, login, n)
            a.category = cats.parking  # 10 working days: reaches the next year from 20 December
            a.save(update_fields=["category"])
            made.append(services.accept(a, by=cast.zhang, category=cats.parking))
        assert len({a.pk for a in made}) == len(CHANNELS)
        assert all(a.deadline.year == NEXT and a.deadline_provisional for a in made)
        enter_notice(cast, LATER)
    cal = workdays.calendar()
    for a in made:
        a = fresh(a)
        assert not a.deadline_provisional and a.deadline == cal.add_workdays(a.clock_started_at, 10)


def test_a_resident_facing_deadline_never_moves_earlier_and_the_handler_is_told(cast, file_appeal):
    with time_machine.travel(local(NEXT - 1, 12, 31), tick=False):
        a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
        # 1 Jan 元旦, weekend, 4–8 Jan (5 working days): provisional 8 January.
        assert (a.deadline, a.deadline_provisional) == (local(NEXT, 1, 8, 17, 30), True)
        job = enter_notice(cast, EARLIER)
    a = fresh(a)
    # By the notice it would be 7 January (the swapped Saturday counts); the resident was told the 8th.
    assert (a.deadline, a.deadline_provisional) == (local(NEXT, 1, 8, 17, 30), False)
    assert job.changes[0]["statutory_deadline"].startswith(f"{NEXT}-01-07T17:30")
    told = Notification.objects.get(kind="deadline_kept", user=cast.wang)
    assert a.number in told.text and f"{NEXT}-01-07 17:30" in told.text


def test_a_deadline_exactly_on_the_last_known_day(cast, file_appeal):
    last = workdays.LIBRARY_LAST_YEAR
    with time_machine.travel(local(last, 12, 24), tick=False):
        a = services.accept(file_appeal(), by=cast.zhang)  # 25, 28, 29, 30, 31 December
    assert (a.deadline, a.deadline_provisional) == (local(last, 12, 31, 17, 30), False)
    strict = workdays.Calendar(strict=True)  # raises for any day of the next year
    assert deadlines.warn_at(a.category, a.clock_started_at, a.deadline, strict) == a.warn_at
    assert deadlines.share_used(a, a.deadline, strict) == pytest.approx(1)
    with time_machine.travel(local(last, 12, 31, 17, 45), tick=False):
        call_command("sweep")
    assert fresh(a).overdue_at is not None


def test_the_rating_is_stored_first_and_the_reopening_follows(cast, file_appeal):
    with time_machine.travel(local(NEXT - 1, 12, 31), tick=False):
        a = in_hand(cast, file_appeal)
        a = services.verify(services.resolve(a, by=cast.wang, result="已处理"), by=cast.zhang)
        a = services.rate(
            a, by=cast.jumin, solved="solved", rating=Appeal.Rating.UNSATISFIED, note="问题依旧"
        )
    rows = list(AppealEvent.objects.filter(appeal=a).order_by("-id")[:2])[::-1]
    assert [(r.verb, r.to_status, r.data.get("rating")) for r in rows] == [
        ("rate", S.VERIFIED, "unsatisfied"),
        ("reopen", S.REOPENED, "unsatisfied"),
    ]
    assert rows[1].version == rows[0].version + 1 == a.version
    assert (a.rating, a.status, a.deadline_provisional) == ("unsatisfied", S.REOPENED, True)


def test_the_command_recomputes_when_the_year_was_completed_outside_the_page(cast, file_appeal, cats):
    with time_machine.travel(DAYS[1], tick=False):
        a = services.accept(file_appeal(category=cats.parking), by=cast.zhang)
    assert a.deadline_provisional
    WorkdayYear.objects.create(year=NEXT, complete=True)  # no listener ran
    call_command("recompute_deadlines", "--year", str(NEXT))
    assert not fresh(a).deadline_provisional
    assert CalendarRecompute.objects.get().total == 1
