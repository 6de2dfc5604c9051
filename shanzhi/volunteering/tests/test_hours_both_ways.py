"""Hours, stars and points follow the confirmed attendances both ways (issue 12 §9): a confirmation
can be withdrawn afterwards, with a reason, audited; its minutes, star level, rankings and points
go with it, as a compensating movement; points for hours are rounded once, on the total."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from shanzhi.core import chain
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.volunteering import rules, services
from shanzhi.volunteering.models import Account, Attendance, Movement, PointsTally, Volunteer
from shanzhi.volunteering.services import checkin, ledger

from .test_checkin import served

A = Attendance.Status
K = Movement.Kind


def balance(volunteer):
    return Account.objects.get(volunteer=volunteer).balance


def minutes(volunteer):
    return Volunteer.objects.get(pk=volunteer.pk).confirmed_minutes


def confirmed(vol, volunteer, m):
    return checkin.confirm(served(vol, volunteer, minutes=m), by=vol.cast.zhang)


# --- the rounding rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate_minutes", "points"),
    [
        (0, 0),
        (29, 0),  # 0.483
        (30, 1),  # 0.5 exactly: half up
        (89, 1),  # 1.483
        (90, 2),  # 1.5
        (Decimal("29.99"), 0),  # a rate with cents, just under the half
        (Decimal("30.01"), 1),
        (-30, 0),  # never below zero
    ],
)
def test_hours_points_round_half_up_once(rate_minutes, points):
    assert rules.hours_points(rate_minutes) == points


def test_points_are_rounded_once_on_the_total_not_per_attendance(vol):
    # 3 minutes at 10 points an hour is half a point: alone it rounds up, and three of them are 1.5 → 2
    # (flooring each, as before, gave 0).
    first = confirmed(vol, vol.ma, 3)
    assert balance(vol.ma) == 1
    confirmed(vol, vol.ma, 3)
    assert balance(vol.ma) == 1  # 1.0: nothing more to post
    assert Movement.objects.filter(kind=K.EARN_HOURS).count() == 1
    confirmed(vol, vol.ma, 3)
    assert balance(vol.ma) == 2 == rules.hours_points(10 * 9)
    # Withdrawing one takes the total to 1.0 → 1 point: one point goes back.
    checkin.reject(first, by=vol.cast.zhang, reason="重复登记")
    assert balance(vol.ma) == 1 and minutes(vol.ma) == 6


def test_the_rate_is_frozen_on_the_attendance(vol):
    attendance = confirmed(vol, vol.ma, 60)
    assert Attendance.objects.get(pk=attendance.pk).hours_rate == Decimal("10")


# --- withdrawing a confirmation ------------------------------------------------------------------------


def test_withdrawing_confirmed_hours_reverses_minutes_tally_and_points_by_a_new_movement(vol):
    attendance = confirmed(vol, vol.ma, 95)
    earned = Movement.objects.get(kind=K.EARN_HOURS, source=f"attendance:{attendance.pk}")
    assert (minutes(vol.ma), balance(vol.ma)) == (95, 16)

    checkin.reject(attendance, by=vol.cast.zhang, reason="核实未到岗")

    attendance.refresh_from_db()
    assert attendance.status == A.REJECTED and attendance.note == "核实未到岗"
    assert attendance.withdrawn_by == vol.cast.zhang and attendance.withdrawn_at is not None
    assert (minutes(vol.ma), balance(vol.ma)) == (0, 0)
    month = PointsTally.objects.get(volunteer=vol.ma, grain="M")
    assert (month.minutes, month.points) == (0, 0)
    # The original earning stands untouched; a compensating movement takes the points back.
    earned.refresh_from_db()
    assert earned.amount == 16 and earned.kind == K.EARN_HOURS
    back = Movement.objects.get(kind=K.RETRACT_HOURS)
    assert (back.amount, back.source, back.debit.volunteer_id) == (
        16,
        f"attendance:{attendance.pk}",
        vol.ma.pk,
    )
    assert chain.verify(Movement).ok
    event = AuditEvent.objects.get(action="attendance_withdrawn", target_id=str(attendance.pk))
    assert event.detail["minutes"] == 95 and event.detail["points"] == 16
    assert event.detail["reason"] == "核实未到岗"
    tallies = {(t.volunteer_id, t.grain, t.period_start): t.points for t in PointsTally.objects.all()}
    assert {k: v for k, v in tallies.items() if v} == {
        k: v for k, v in ledger.tally_from_movements().items() if v
    }


def test_withdrawal_takes_the_star_away_and_a_new_confirmation_gives_it_back(vol):
    Volunteer.objects.filter(pk=vol.ma.pk).update(confirmed_minutes=99 * 60 + 30)
    attendance = confirmed(vol, vol.ma, 30)  # exactly 100 hours: one star
    assert Volunteer.objects.get(pk=vol.ma.pk).star_level == 1
    checkin.reject(attendance, by=vol.cast.zhang, reason="时长登记有误")
    ma = Volunteer.objects.get(pk=vol.ma.pk)
    assert ma.star_level == 0 and rules.hours_to_next_star(ma.confirmed_minutes) == 1
    confirmed(vol, vol.ma, 30)
    assert Volunteer.objects.get(pk=vol.ma.pk).star_level == 1


def test_staff_who_correct_points_may_withdraw_but_others_may_not(vol):
    attendance = confirmed(vol, vol.ma, 60)
    for other in (vol.ma.user, vol.niu_user, vol.cast.wang, vol.cast.liu, vol.cast.chen):
        with pytest.raises((PermissionDenied, DomainError)):
            checkin.reject(attendance, by=other, reason="不是组织者")
    assert (minutes(vol.ma), balance(vol.ma)) == (60, 10)
    # An organiser who is not staff of the community: still theirs to prove.
    own = checkin.confirm(served(vol, vol.niu, minutes=60, organiser=vol.yang_user), by=vol.yang_user)
    checkin.reject(own, by=vol.yang_user, reason="组织者更正")
    assert minutes(vol.niu) == 0
    # Community staff (not the organiser) may withdraw confirmed hours, but not judge a fresh check-in.
    fresh = served(vol, vol.ma, organiser=vol.yang_user)
    with pytest.raises(PermissionDenied):
        checkin.reject(fresh, by=vol.cast.zhang, reason="没来")
    checkin.reject(attendance, by=vol.cast.zhang, reason="社区核实更正")
    assert minutes(vol.ma) == 0


def test_withdrawal_needs_a_reason_and_happens_once(vol):
    attendance = confirmed(vol, vol.ma, 60)
    for reason in ("", " ", "x", "长" * 201):
        with pytest.raises(DomainError) as err:
            checkin.reject(attendance, by=vol.cast.zhang, reason=reason)
        assert err.value.field == "reason"
    assert Attendance.objects.get(pk=attendance.pk).status == A.CONFIRMED
    checkin.reject(attendance, by=vol.cast.zhang, reason="登记错误")
    with pytest.raises(DomainError) as err:
        checkin.reject(attendance, by=vol.cast.zhang, reason="再撤一次")
    assert err.value.field == "status"
    assert Movement.objects.filter(kind=K.RETRACT_HOURS).count() == 1 and minutes(vol.ma) == 0


def test_withdrawal_is_refused_when_the_points_are_spent_and_nothing_changes(vol):
    attendance = confirmed(vol, vol.ma, 60)
    item = services.create_item(
        community=vol.cast.community, name="毛巾", price=10, stock=1, by=vol.cast.zhang
    )
    services.redeem(item, vol.ma, by=vol.ma.user)
    with pytest.raises(DomainError) as err:
        checkin.reject(attendance, by=vol.cast.zhang, reason="登记错误")
    assert err.value.field == "amount"
    assert Attendance.objects.get(pk=attendance.pk).status == A.CONFIRMED
    assert (minutes(vol.ma), balance(vol.ma)) == (60, 0)
    assert not Movement.objects.filter(kind=K.RETRACT_HOURS).exists()


def test_points_for_hours_cannot_be_reversed_apart_from_the_hours(vol):
    attendance = confirmed(vol, vol.ma, 60)
    earned = Movement.objects.get(source=f"attendance:{attendance.pk}")
    with pytest.raises(DomainError) as err:
        services.reverse_movement(earned, by=vol.cast.zhang, reason="只冲积分试试")
    assert err.value.field == "movement" and err.value.code == "hours"
    assert (minutes(vol.ma), balance(vol.ma)) == (60, 10)
    checkin.reject(attendance, by=vol.cast.zhang, reason="登记错误")
    with pytest.raises(DomainError):
        services.reverse_movement(
            Movement.objects.get(kind=K.RETRACT_HOURS), by=vol.cast.zhang, reason="冲回去"
        )


def test_hours_equal_the_confirmed_records_after_any_sequence(vol):
    done = [confirmed(vol, vol.ma, m) for m in (7, 13, 95, 61, 3)]
    for attendance in done[1::2]:
        checkin.reject(attendance, by=vol.cast.zhang, reason="抽查不实")
    standing = Attendance.objects.filter(volunteer=vol.ma, status=A.CONFIRMED)
    assert minutes(vol.ma) == sum(a.confirmed_minutes for a in standing) == 7 + 95 + 3
    assert balance(vol.ma) == rules.hours_points(10 * (7 + 95 + 3))


# --- page and API -----------------------------------------------------------------------------------


def test_session_page_offers_withdrawal_and_the_page_withdraws(client, vol):
    attendance = confirmed(vol, vol.ma, 60)
    client.force_login(vol.cast.zhang)
    page = client.get(f"/v/sessions/{attendance.session_id}/").content.decode()
    assert f"/v/attendance/{attendance.pk}/reject/" in page
    client.post(f"/v/attendance/{attendance.pk}/reject/", {"reason": ""})
    assert minutes(vol.ma) == 60  # refused: no reason
    client.post(f"/v/attendance/{attendance.pk}/reject/", {"reason": "核实未到岗"})
    assert minutes(vol.ma) == 0
    client.force_login(vol.cast.chen)  # staff of community B
    assert client.post(f"/v/attendance/{attendance.pk}/reject/", {"reason": "别的社区"}).status_code == 404


def test_api_withdraws_with_a_reason_naming_the_field(client, vol):
    from shanzhi.coop.tests.test_api import call

    attendance = confirmed(vol, vol.ma, 60)
    url = f"/api/v1/volunteering/attendance/{attendance.pk}/reject"
    bad = call(client, "post", url, vol.cast.zhang, {"reason": ""})
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    assert call(client, "post", url, vol.ma.user, {"reason": "我自己撤"}).status_code == 403
    assert call(client, "post", url, vol.cast.chen, {"reason": "别的社区"}).status_code == 404
    ok = call(client, "post", url, vol.cast.zhang, {"reason": "核实未到岗"})
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"
    assert minutes(vol.ma) == 0
