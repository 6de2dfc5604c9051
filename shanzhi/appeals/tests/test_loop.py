"""The closed loop through the services, with the shared cast."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealEvent, Notification
from shanzhi.core.errors import Conflict, DomainError

from .conftest import jpeg_with_gps, local, snapshot

S = Appeal.Status


def verbs(appeal):
    return list(AppealEvent.objects.filter(appeal=appeal).order_by("id").values_list("verb", flat=True))


def test_resident_appeal_travels_the_whole_loop(cast, file_appeal):
    a = file_appeal()
    assert a.status == S.SUBMITTED and a.grid == cast.grid and a.community == cast.community
    assert a.number.startswith("SZ20260302") and len(a.number) == 16
    a = services.accept(a, by=cast.zhang)
    assert a.status == S.ACCEPTED
    assert a.deadline == local(2026, 3, 9, 17, 30)  # 5 working days after Monday 2 March
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    assert (a.status, a.assignee_kind, a.assignee_user) == (S.DISPATCHED, "user", cast.wang)
    a = services.start(a, by=cast.wang)
    a = services.resolve(
        a, by=cast.wang, result="已上门协调，楼上住户承诺夜间不再制造噪音。", photos_in=[jpeg_with_gps()]
    )
    assert a.status == S.RESOLVED and a.resolved_by == cast.wang
    a = services.verify(a, by=cast.zhang, note="回访现场，已安静。")
    a = services.rate(a, by=cast.jumin, solved="solved", rating=Appeal.Rating.SATISFIED, note="很满意")
    assert (a.status, a.rating) == (S.VISITED, "satisfied")
    a = services.close(a, by=cast.zhang)
    assert a.status == S.CLOSED and a.closed_at is not None
    assert verbs(a) == ["submit", "accept", "dispatch", "start", "resolve", "verify", "rate", "close"]
    assert a.version == 8
    assert list(a.events.values_list("version", flat=True)) == list(range(1, 9))
    # Tasks ran inline: the people concerned were told.
    assert Notification.objects.filter(user=cast.wang, kind="assigned", appeal=a).exists()
    assert Notification.objects.filter(user=cast.jumin, kind="to_rate", appeal=a).exists()
    assert Notification.objects.filter(user=cast.jumin, kind="closed", appeal=a).exists()


def test_staff_return_visit_records_the_rating(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    a = services.start(a, by=cast.wang)
    a = services.resolve(a, by=cast.wang, result="已处理")
    a = services.verify(a, by=cast.zhao)
    a = services.visit(a, by=cast.zhang, solved="solved", rating=Appeal.Rating.BASIC, note="电话回访")
    assert (a.status, a.rating) == (S.VISITED, "basic")


@pytest.mark.parametrize(
    "move",
    [
        lambda c, a: services.start(a, by=c.li),  # not dispatched yet, and not his grid
        lambda c, a: services.dispatch(a, by=c.wang, to_user=c.wang),  # a grid worker does not dispatch
        lambda c, a: services.accept(a, by=c.chen),  # another community
        lambda c, a: services.accept(a, by=c.jumin),
        lambda c, a: services.close(a, by=c.zhang),  # not visited
        lambda c, a: services.resolve(a, by=c.wang, result="x"),
        lambda c, a: services.reject(a, by=c.zhang, reason=" "),  # no reason
        lambda c, a: services.claim(a, by=c.wang),  # not in the pool
        lambda c, a: services.rate(a, by=c.jumin, solved="solved", rating="satisfied"),
        lambda c, a: services.supervise(a, by=c.zhang, note="x"),  # community staff do not supervise
    ],
)
def test_refused_move_leaves_status_assignee_and_timeline_unchanged(cast, file_appeal, move):
    a = file_appeal()
    before = snapshot(a)
    with pytest.raises((DomainError, PermissionDenied, Http404)):
        move(cast, a)
    assert snapshot(a) == before


def test_refused_moves_later_in_the_loop_change_nothing(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    before = snapshot(a)
    for move, error in [
        (lambda: services.start(a, by=cast.zhang), PermissionDenied),  # sees it, but it is not his
        (lambda: services.start(a, by=cast.li), Http404),  # does not even see it
        (lambda: services.verify(a, by=cast.zhang), DomainError),  # not resolved
        (lambda: services.dispatch(a, by=cast.zhang), DomainError),  # no target
        (lambda: services.dispatch(a, by=cast.zhang, to_user=cast.li), DomainError),  # li's grid is A2
        (lambda: services.dispatch(a, by=cast.zhang, to_node=cast.community_b), DomainError),
    ]:
        with pytest.raises(error):
            move()
        assert snapshot(a) == before


def test_reject_with_reason(cast, file_appeal):
    a = services.reject(file_appeal(), by=cast.zhang, reason="属于司法诉讼事项，请通过法院解决。")
    assert a.status == S.REJECTED and a.reject_reason.startswith("属于")
    assert Notification.objects.filter(user=cast.jumin, kind="rejected").exists()


def test_return_goes_back_to_the_dispatcher_and_can_be_redispatched(cast, file_appeal, cats):
    a = services.accept(file_appeal(category=cats.property), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_company=cast.company2)
    with pytest.raises(Http404):  # 冯物业 works for 安居物业, not 宜家物业
        services.return_appeal(a, by=cast.feng, reason="不是我们的小区")
    a = services.dispatch(a, by=cast.zhang, to_company=cast.company)
    a = services.return_appeal(a, by=cast.feng, reason="属于市政管网，不归物业")
    assert (a.status, a.assignee_kind, a.return_count) == (S.RETURNED, "", 1)
    assert Notification.objects.filter(user=cast.zhang, kind="returned").exists()
    a = services.dispatch(a, by=cast.zhang, to_department=cast.department)
    a = services.start(a, by=cast.zheng)
    assert a.status == S.IN_PROGRESS


def test_send_back_returns_to_the_same_assignee(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    a = services.resolve(services.start(a, by=cast.wang), by=cast.wang, result="已处理")
    with pytest.raises(PermissionDenied):
        services.verify(a, by=cast.wang)  # nobody verifies their own fix
    a = services.send_back(a, by=cast.zhang, reason="现场仍有噪音")
    assert (a.status, a.assignee_user, a.rework_count) == (S.IN_PROGRESS, cast.wang, 1)
    a = services.resolve(a, by=cast.wang, result="再次协调，已安装隔音垫")
    assert services.verify(a, by=cast.zhang).status == S.VERIFIED


def test_unsatisfied_rating_reopens_with_a_fresh_deadline(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    a = services.resolve(services.start(a, by=cast.wang), by=cast.wang, result="已处理")
    a = services.verify(a, by=cast.zhang)
    first_deadline = a.deadline
    a = services.rate(a, by=cast.jumin, solved="solved", rating=Appeal.Rating.UNSATISFIED, note="问题依旧")
    assert (a.status, a.reopen_count, a.assignee_user) == (S.REOPENED, 1, cast.wang)
    assert a.deadline >= first_deadline and a.resolved_at is None
    assert Notification.objects.filter(user=cast.wang, kind="reopened").exists()
    a = services.start(a, by=cast.wang)
    a = services.resolve(a, by=cast.wang, result="第二次处理")
    assert a.status == S.RESOLVED


def test_only_the_submitter_rates(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    a = services.verify(
        services.resolve(services.start(a, by=cast.wang), by=cast.wang, result="ok"), by=cast.zhang
    )
    with pytest.raises((PermissionDenied, Http404)):
        services.rate(a, by=cast.zhang, solved="solved", rating="satisfied")
    with pytest.raises(DomainError):
        services.rate(a, by=cast.jumin, solved="solved", rating="great")


def test_pool_claim_one_wins_the_other_gets_a_conflict(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_pool=True)
    assert a.status == S.POOLED
    seen_version = a.version  # both staff opened the pool at this version
    assert Notification.objects.filter(user=cast.li, kind="pooled").exists()  # all the community's staff
    won = services.claim(a, by=cast.wang, expected_version=seen_version)
    assert (won.status, won.assignee_user) == (S.IN_PROGRESS, cast.wang)
    before = snapshot(a)
    with pytest.raises(Conflict) as lost:
        services.claim(a, by=cast.zhao, expected_version=seen_version)
    assert lost.value.status == 409
    assert lost.value.changed["status"] == S.IN_PROGRESS
    assert lost.value.changed["events"][0]["actor"] == "王网格"
    assert "王网格" in lost.value.message
    assert snapshot(a) == before
    with pytest.raises(DomainError):  # without a version: the status says no
        services.claim(a, by=cast.zhao)


def test_another_communitys_grid_worker_cannot_claim_from_the_pool(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_pool=True)
    with pytest.raises(Http404):
        services.claim(a, by=cast.chen)


def test_stale_version_is_a_conflict_showing_what_changed(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    seen = a.version
    services.dispatch(a, by=cast.zhang, to_user=cast.wang, expected_version=seen)
    before = snapshot(a)
    with pytest.raises(Conflict) as err:
        services.dispatch(a, by=cast.zhao, to_pool=True, expected_version=seen)
    assert err.value.changed["version"] == seen + 1
    assert [e["verb"] for e in err.value.changed["events"]] == ["dispatch"]
    assert snapshot(a) == before


def test_escalation_by_hand_moves_the_dispatching_level_up(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    a = services.escalate(a, by=cast.wang, reason="涉及多户，网格无法协调")
    assert a.level == "community"
    a = services.escalate(a, by=cast.zhang, reason="需要街道协调")
    assert a.level == "street" and a.assignee_user == cast.wang
    with pytest.raises(PermissionDenied):  # the community no longer coordinates it
        services.dispatch(a, by=cast.zhang, to_pool=True)
    a = services.dispatch(a, by=cast.liu, to_department=cast.department)
    a = services.escalate(a, by=cast.liu, reason="需要区级统筹")
    assert a.level == "district"
    with pytest.raises(DomainError):
        services.escalate(a, by=cast.sun, reason="再升级")
    assert Notification.objects.filter(user=cast.sun, kind="escalated").exists()


def test_supervise_and_remind_reach_the_assignee(cast, file_appeal):
    a = services.dispatch(
        services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_department=cast.department
    )
    a = services.supervise(a, by=cast.liu, note="请三日内办结", due_days=3)
    assert a.supervised and a.supervisions.get().due_at == local(2026, 3, 5, 17, 30)
    version = a.version
    a = services.remind(a, by=cast.zhang, note="群众再次来电")
    assert a.version == version  # a reminder changes nothing
    assert Notification.objects.filter(user=cast.zheng, kind="supervised").exists()
    assert Notification.objects.filter(user=cast.zheng, kind="reminder").exists()
    with pytest.raises(PermissionDenied):
        services.supervise(a, by=cast.zhang, note="x")  # not a leader


def test_merged_duplicate_closes_with_the_main_appeal(cast, file_appeal):
    main = services.accept(file_appeal(title="噪音一"), by=cast.zhang)
    dup = file_appeal(title="噪音二", description="同一户噪音", idempotency_key="k2")
    dup = services.merge(dup, into=main, by=cast.zhang, note="同一事项")
    assert (dup.status, dup.merged_into) == (S.MERGED, main)
    with pytest.raises(DomainError):
        services.merge(main, into=dup, by=cast.zhang)
    main = services.dispatch(main, by=cast.zhang, to_user=cast.wang)
    main = services.resolve(services.start(main, by=cast.wang), by=cast.wang, result="已处理")
    main = services.rate(
        services.verify(main, by=cast.zhang), by=cast.jumin, solved="solved", rating="satisfied"
    )
    services.close(main, by=cast.zhang)
    dup.refresh_from_db()
    assert dup.status == S.CLOSED and dup.resolution == "已处理"
    assert verbs(dup)[-1] == "close" and verbs(main).count("absorb") == 1


def test_available_actions_match_what_the_services_accept(cast, file_appeal):
    a = file_appeal()
    assert set(services.available_actions(cast.zhang, a)) >= {"accept", "reject", "merge"}
    assert services.available_actions(cast.wang, a) == []
    a = services.dispatch(services.accept(a, by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    wang = services.available_actions(cast.wang, a)
    assert "start" in wang and "return" in wang and "dispatch" not in wang
    assert "start" not in services.available_actions(cast.zhang, a)
    assert "supervise" in services.available_actions(cast.liu, a)
    assert services.available_actions(cast.li, a) == []


def test_response_template_fills_in_the_number(cast, file_appeal):
    a = file_appeal()
    assert services.response_template(a).startswith(a.number)
