"""我的待办 holds every case waiting for the user's own move; an approval asks one leader at a time."""

import datetime as dt

import time_machine
from django.urls import reverse

from shanzhi.appeals import queries, services
from shanzhi.appeals.models import Appeal, ExtensionRequest, Notification
from shanzhi.appeals.services import sweep

S = Appeal.Status


def mine(user):
    return set(queries.worklist(user, "mine").values_list("number", flat=True))


def _in_hand(cast, file_appeal, **kw):
    a = services.accept(file_appeal(**kw), by=cast.zhang)
    return services.dispatch(a, by=cast.zhang, to_user=cast.wang)


def test_a_new_appeal_waits_in_the_community_staffs_mine_and_nobody_elses(cast, file_appeal):
    a = file_appeal()
    assert a.number in mine(cast.zhang)
    # Not the secretary or the street (they decide and supervise), not another community's staff,
    # not the grid worker who has nothing to do with it yet.
    for other in (cast.zhao, cast.liu, cast.chen, cast.wang, cast.zheng):
        assert a.number not in mine(other), other.username
    a = services.accept(a, by=cast.zhang)
    assert a.number in mine(cast.zhang)  # accepted, still to dispatch
    services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    assert a.number not in mine(cast.zhang) and a.number in mine(cast.wang)


def test_a_summons_waits_in_the_departments_mine_until_its_part_is_done(cast, file_appeal, client):
    a = services.accept(file_appeal(), by=cast.zhang)
    lead, _assist = services.summon(a, by=cast.zhang, lead=cast.department, assisting=[cast.department2])
    assert a.number in mine(cast.zheng)
    client.force_login(cast.zheng)
    page = client.get(reverse("appeals:worklist")).content.decode()
    assert a.number in page and "没有诉求" not in page
    lead = services.report(lead, by=cast.zheng)
    assert a.number in mine(cast.zheng)  # reported, the part still to do
    services.finish_part(lead, by=cast.zheng, result="已清理")
    assert a.number not in mine(cast.zheng)


def test_an_extension_asks_only_the_secretary_then_the_next_step_when_late(cast, file_appeal):
    a = services.start(_in_hand(cast, file_appeal), by=cast.wang)
    req = services.request_extension(a, by=cast.wang, days=3, reason="等配件")
    told = set(Notification.objects.filter(kind="extension_requested").values_list("user_id", flat=True))
    assert told == {cast.zhao.pk}
    assert a.number in mine(cast.zhao)
    assert all(a.number not in mine(u) for u in (cast.liu, cast.sun, cast.wu, cast.zhou))
    assert sweep.run()["approvals_escalated"] == 0  # not late yet: nobody else is asked

    now = dt.datetime.now(dt.UTC)
    # One working day later (the fixed Monday → Tuesday's close): the street is asked, once.
    with time_machine.travel(now + dt.timedelta(days=2), tick=False):
        assert sweep.run()["approvals_escalated"] == 1
        assert sweep.run()["approvals_escalated"] == 0  # a second sweep asks nobody again
    req.refresh_from_db()
    assert (req.waiting_role, req.waiting_path) == ("street_staff", cast.street.path)
    escalated = Notification.objects.filter(kind="approval_escalated")
    assert set(escalated.values_list("user_id", flat=True)) == {cast.liu.pk}
    assert a.number in mine(cast.liu) and a.number in mine(cast.zhao)  # the secretary may still decide
    assert a.number not in mine(cast.sun) and a.number not in mine(cast.zhou)

    # Still undecided: district staff, then the district leader, then nobody further.
    with time_machine.travel(now + dt.timedelta(days=4), tick=False):
        sweep.run()
    with time_machine.travel(now + dt.timedelta(days=8), tick=False):  # past the weekend
        sweep.run()
    req.refresh_from_db()
    assert req.waiting_role == "district_leader" and req.escalate_at is None
    assert list(escalated.order_by("id").values_list("user_id", flat=True)) == [
        cast.liu.pk,
        cast.sun.pk,
        cast.wu.pk,
    ]

    services.decide_extension(req, by=cast.liu, approve=True)
    assert all(a.number not in mine(u) for u in (cast.zhao, cast.liu, cast.sun, cast.wu))
    # Decided: the sweep leaves it alone even once its old time passes.
    ExtensionRequest.objects.filter(pk=req.pk).update(escalate_at=now)
    assert sweep.run()["approvals_escalated"] == 0


def test_a_request_decided_in_time_is_never_escalated(cast, file_appeal):
    a = services.start(_in_hand(cast, file_appeal), by=cast.wang)
    req = services.request_suspension(a, by=cast.wang, days=5, reason="等预算")
    services.decide_suspension(req, by=cast.zhao, approve=False, note="先处理")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=5), tick=False):
        assert sweep.run()["approvals_escalated"] == 0
    assert not Notification.objects.filter(kind="approval_escalated").exists()
    assert a.number not in mine(cast.zhao)


# --- 退单 (finding 10) ---------------------------------------------------------------------------


def test_after_returning_a_case_out_of_sight_the_worker_lands_on_the_worklist(cast, file_appeal, client):
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_department=cast.department)
    client.force_login(cast.zheng)
    response = client.post(
        reverse("appeals:act", args=[a.number, "return"]), {"reason": "不属本局职责", "version": a.version}
    )
    assert response.status_code == 302 and response.url == reverse("appeals:worklist")
    page = client.get(response.url)
    assert page.status_code == 200 and f"{a.number} 已转出" in page.content.decode()
    a.refresh_from_db()
    assert a.status == S.RETURNED and a.number in mine(cast.zhang)  # back with the dispatcher


def test_a_return_the_worker_still_sees_goes_back_to_the_appeal(cast, file_appeal, client):
    a = _in_hand(cast, file_appeal)  # 王网格's own grid: he still sees it afterwards
    client.force_login(cast.wang)
    response = client.post(
        reverse("appeals:act", args=[a.number, "return"]), {"reason": "需社区协调", "version": a.version}
    )
    assert response.status_code == 302 and response.url == reverse("appeals:detail", args=[a.number])


def test_a_refused_return_leaves_the_case_and_shows_the_reason(cast, file_appeal, client):
    a = services.dispatch(
        services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_department=cast.department
    )
    client.force_login(cast.zheng)
    response = client.post(
        reverse("appeals:act", args=[a.number, "return"]), {"reason": "", "version": a.version}
    )
    assert response.status_code == 400 and "退单理由" in response.content.decode()
    assert Appeal.objects.get(pk=a.pk).status == S.DISPATCHED
