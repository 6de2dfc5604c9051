"""Activities: capacity, sign-up, the waiting list and its promotion; teams, pairing, commendations."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from shanzhi.core.errors import DomainError
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Activity, Attendance, Commendation, PairingVisit, SignUp
from shanzhi.volunteering.services import checkin, teams

from .conftest import make_volunteer_user, soon

S = SignUp.Status


def statuses(activity):
    return {s.volunteer.name: s.status for s in SignUp.objects.filter(activity=activity)}


def test_places_fill_then_people_wait(vol, activity):
    assert services.sign_up(activity, vol.ma, by=vol.ma.user).status == S.CONFIRMED
    assert services.sign_up(activity, vol.niu, by=vol.niu.user).status == S.CONFIRMED
    assert services.sign_up(activity, vol.yang, by=vol.yang.user).status == S.WAITLISTED
    activity.refresh_from_db()
    assert activity.confirmed_count == 2 and activity.places_left == 0
    enrolled = set(
        Attendance.objects.filter(session=activity.session).values_list("volunteer__name", flat=True)
    )
    assert enrolled == {"马志愿", "牛志愿"}


def test_signing_up_twice_is_refused_and_changes_nothing(vol, activity):
    services.sign_up(activity, vol.ma, by=vol.ma.user)
    with pytest.raises(DomainError) as err:
        services.sign_up(activity, vol.ma, by=vol.ma.user)
    assert err.value.field == "activity"
    activity.refresh_from_db()
    assert activity.confirmed_count == 1 and SignUp.objects.count() == 1


def test_cancelling_a_place_promotes_the_first_in_line(vol, activity):
    first = services.sign_up(activity, vol.ma, by=vol.ma.user)
    services.sign_up(activity, vol.niu, by=vol.niu.user)
    services.sign_up(activity, vol.yang, by=vol.yang.user)
    extra = services.register_volunteer(
        user=make_volunteer_user("lu_vol", "鲁志愿", vol.cast.community),
        community=vol.cast.community,
        by=vol.cast.zhang,
    )
    services.sign_up(activity, extra, by=vol.cast.zhang)  # staff sign someone up by phone
    services.cancel_signup(first, by=vol.ma.user)
    assert statuses(activity) == {
        "马志愿": S.CANCELLED,
        "牛志愿": S.CONFIRMED,
        "杨志愿": S.CONFIRMED,
        "鲁志愿": S.WAITLISTED,
    }
    assert (
        Attendance.objects.get(session=activity.session, volunteer=vol.ma).status
        == Attendance.Status.WITHDRAWN
    )
    assert (
        Attendance.objects.get(session=activity.session, volunteer=vol.yang).status
        == Attendance.Status.ENROLLED
    )
    assert SignUp.objects.get(volunteer=vol.yang).promoted_at is not None
    activity.refresh_from_db()
    assert activity.confirmed_count == 2


def test_cancelling_a_waiting_place_promotes_nobody(vol, activity):
    services.sign_up(activity, vol.ma, by=vol.ma.user)
    services.sign_up(activity, vol.niu, by=vol.niu.user)
    waiting = services.sign_up(activity, vol.yang, by=vol.yang.user)
    services.cancel_signup(waiting, by=vol.yang.user)
    activity.refresh_from_db()
    assert activity.confirmed_count == 2
    with pytest.raises(DomainError):
        services.cancel_signup(waiting, by=vol.yang.user)


def test_signing_up_again_after_cancelling_goes_to_the_back(vol, activity):
    mine = services.sign_up(activity, vol.ma, by=vol.ma.user)
    services.cancel_signup(mine, by=vol.ma.user)
    again = services.sign_up(activity, vol.ma, by=vol.ma.user)
    assert again.status == S.CONFIRMED and again.pk != mine.pk


def test_more_capacity_promotes_and_less_than_taken_is_refused(vol, activity):
    for v in (vol.ma, vol.niu, vol.yang):
        services.sign_up(activity, v, by=v.user)
    with pytest.raises(DomainError) as err:
        services.change_capacity(activity, 1, by=vol.cast.zhang)
    assert err.value.field == "capacity"
    promoted = services.change_capacity(activity, 3, by=vol.cast.zhang)
    assert [s.volunteer for s in promoted] == [vol.yang]


def test_no_cancelling_after_checking_in(vol):
    start = timezone.now() - datetime.timedelta(minutes=10)
    activity = services.publish_activity(
        community=vol.cast.community,
        title="垃圾分类宣传",
        place="东门",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=5,
        by=vol.cast.zhang,
    )
    signup = services.sign_up(activity, vol.ma, by=vol.ma.user)
    checkin.check_in(activity.session, vol.ma)
    with pytest.raises(DomainError):
        services.cancel_signup(signup, by=vol.ma.user)
    assert SignUp.objects.get(pk=signup.pk).status == S.CONFIRMED
    assert Activity.objects.get(pk=activity.pk).confirmed_count == 1


def test_closed_activities_take_no_sign_ups(vol, activity):
    services.cancel_activity(activity, by=vol.cast.zhang, reason="天气原因")
    with pytest.raises(DomainError) as err:
        services.sign_up(activity, vol.ma, by=vol.ma.user)
    assert err.value.code == "closed"


def test_volunteer_of_another_community_cannot_see_or_join(vol, activity):
    with pytest.raises(Http404):
        services.sign_up(activity, vol.bai, by=vol.bai.user)
    with pytest.raises(Http404):
        services.change_capacity(activity, 5, by=vol.cast.chen)


def test_bad_activity_input_names_the_field(vol):
    cases = [
        ({"title": ""}, "title"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "十"}, "capacity"),
        ({"ends_at": soon(1)}, "ends_at"),
        ({"starts_at": "明天上午"}, "starts_at"),
    ]
    for change, field in cases:
        data = {
            "community": vol.cast.community,
            "title": "义诊",
            "place": "卫生站",
            "starts_at": soon(24),
            "ends_at": soon(26),
            "capacity": 10,
            "by": vol.cast.zhang,
            **change,
        }
        with pytest.raises(DomainError) as err:
            services.publish_activity(**data)
        assert err.value.field == field, change
    assert not Activity.objects.exists()


def test_self_registration_only_in_own_community(cast):
    with pytest.raises(Http404):
        services.register_volunteer(user=cast.ma, community=cast.community_b, by=cast.ma)
    with pytest.raises(DomainError) as err:
        services.register_volunteer(user=cast.ma, community=cast.community, by=cast.ma, phone="12345")
    assert err.value.field == "phone"
    volunteer = services.register_volunteer(user=cast.jumin, community=cast.community, by=cast.jumin)
    assert volunteer.name == "居民甲" and volunteer.account.balance == 0


def test_teams(vol):
    team = teams.create_team(
        community=vol.cast.community, name="红马甲服务队", by=vol.cast.zhang, leader=vol.ma
    )
    teams.join_team(team, vol.niu, by=vol.niu.user)
    assert set(team.members.values_list("name", flat=True)) == {"马志愿", "牛志愿"}
    with pytest.raises(DomainError):
        teams.create_team(community=vol.cast.community, name="红马甲服务队", by=vol.cast.zhang)
    with pytest.raises(Http404):
        teams.join_team(team, vol.bai, by=vol.bai.user)


def test_pairing_and_visits(vol):
    cast = vol.cast
    pairing = services.pair(
        household=cast.household,
        difficulty="独居老人，行动不便",
        started_on="2026-01-05",
        by=cast.zhang,
        volunteer=vol.ma,
    )
    services.record_visit(pairing, visited_on=timezone.localdate(), note="送米面油，检查燃气", by=vol.ma.user)
    with pytest.raises(DomainError) as err:
        services.record_visit(
            pairing, visited_on=timezone.localdate() + datetime.timedelta(days=3), note="未来", by=vol.ma.user
        )
    assert err.value.field == "visited_on"
    with pytest.raises(Http404):
        services.record_visit(pairing, visited_on=timezone.localdate(), note="看看", by=vol.niu.user)
    with pytest.raises(Http404):
        services.record_visit(pairing, visited_on=timezone.localdate(), note="看看", by=cast.li)  # grid A2
    services.record_visit(pairing, visited_on=timezone.localdate(), note="网格员走访", by=cast.wang)
    assert PairingVisit.objects.filter(pairing=pairing).count() == 2
    with pytest.raises(Http404):
        services.pair(
            household=cast.household_b,
            difficulty="低保户",
            started_on="2026-01-05",
            by=cast.zhang,
            unit=cast.unit,
        )
    with pytest.raises(DomainError) as err:
        services.pair(household=cast.household, difficulty="低保户", started_on="2026-01-05", by=cast.zhang)
    assert err.value.field == "helper"
    services.end_pairing(pairing, by=cast.zhang)
    with pytest.raises(DomainError):
        services.record_visit(pairing, visited_on=timezone.localdate(), note="结束后", by=vol.ma.user)


def test_commendations(vol):
    cast = vol.cast
    services.commend(
        node=cast.street,
        title="优秀志愿者",
        awarded_on="2026-03-05",
        by=cast.liu,
        volunteer=vol.ma,
        period="2025年度",
    )
    services.commend(
        node=cast.community, title="共建先进单位", awarded_on="2026-03-05", by=cast.zhang, unit=cast.unit
    )
    with pytest.raises(DomainError) as err:
        services.commend(
            node=cast.community, title="优秀志愿者", awarded_on="2026-03-05", by=cast.zhang, volunteer=vol.bai
        )
    assert err.value.field == "subject"
    with pytest.raises(Http404):
        services.commend(node=cast.street2, title="x", awarded_on="2026-03-05", by=cast.liu, volunteer=vol.ma)
    assert Commendation.objects.count() == 2


def test_good_deeds_and_donations_earn_at_configurable_rates(vol):
    cast = vol.cast
    deed = services.record_good_deed(vol.ma, title="拾金不昧", done_on="2026-04-01", by=cast.zhang)
    assert deed.movement.amount == 20
    today = timezone.localdate()
    services.set_rate("donation", "0.5", valid_from=today, by=cast.sun)
    donation = services.record_donation(
        vol.ma, description="捐赠图书", value_yuan="199.9", donated_on=today, by=cast.zhang
    )
    assert donation.movement.amount == 99
    with pytest.raises(DomainError) as err:
        services.record_donation(
            vol.ma, description="x", value_yuan="-5", donated_on="2026-04-02", by=cast.zhang
        )
    assert err.value.field == "value_yuan"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_rate("hours", "100", valid_from="2026-01-01", by=cast.zhang)
