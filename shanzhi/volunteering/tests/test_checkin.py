"""QR check-in/out, derived hours and the organiser's confirmation (谁组织谁记录，谁记录谁证明)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shanzhi.core.errors import Conflict, DomainError
from shanzhi.volunteering import rules, services
from shanzhi.volunteering.models import Account, Attendance, Movement, PointsTally, ServiceSession, Volunteer
from shanzhi.volunteering.services import checkin

A = Attendance.Status
MIN = datetime.timedelta(minutes=1)


def past_session(vol, *, hours_ago=5, length_hours=3, walk_in=False, organiser=None):
    start = timezone.now() - datetime.timedelta(hours=hours_ago)
    return checkin.create_session(
        community=vol.cast.community,
        origin=ServiceSession.Origin.OTHER,
        title="社区环境清扫",
        place="幸福小区",
        lat=34.861,
        lng=117.551,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=length_hours),
        organiser=organiser or vol.cast.zhang,
        walk_in=walk_in,
    )


def served(vol, volunteer, minutes=95, **kw):
    session = past_session(vol, **kw)
    checkin.enrol(session, volunteer)
    checkin.check_in(session, volunteer, at=session.starts_at, lat=34.8611, lng=117.5511)
    return checkin.check_out(session, volunteer, at=session.starts_at + minutes * MIN)


def test_token_names_its_session_and_tampering_is_refused(vol):
    session = past_session(vol)
    assert checkin.read_token(checkin.make_token(session)) == session
    token = checkin.make_token(session)
    with pytest.raises(DomainError) as err:
        checkin.read_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert err.value.field == "token"


def test_rotating_token_expires_but_printed_one_lasts(vol):
    session = past_session(vol)
    rotating, printed = checkin.make_token(session), checkin.make_token(session, rotating=False)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=rules.ROTATING_TOKEN_MAX_AGE + 60)):
        with pytest.raises(DomainError) as err:
            checkin.read_token(rotating)
        assert err.value.code == "expired"
        assert checkin.read_token(printed) == session


def test_revoking_codes_kills_every_shown_token(vol):
    session = past_session(vol)
    printed = checkin.make_token(session, rotating=False)
    checkin.revoke_codes(session, by=vol.cast.zhang)
    with pytest.raises(DomainError) as err:
        checkin.read_token(printed)
    assert err.value.code == "revoked"
    with pytest.raises(PermissionDenied):
        checkin.revoke_codes(session, by=vol.cast.zhao)


def test_qr_code_is_inline_svg():
    svg = checkin.qr_svg("https://example.invalid/v/scan/abc")
    assert svg.lstrip().startswith("<svg") and "path" in svg


def test_check_in_and_out_record_time_place_and_derived_minutes(vol):
    attendance = served(vol, vol.ma, minutes=95)
    assert attendance.status == A.CHECKED_OUT
    assert attendance.derived_minutes == 95
    assert attendance.in_lat == pytest.approx(34.8611) and attendance.in_distance_m < 50
    assert attendance.confirmed_minutes is None
    assert Volunteer.objects.get(pk=vol.ma.pk).confirmed_minutes == 0  # nothing counts until confirmed


def test_not_enrolled_cannot_check_in_unless_walk_in_of_same_community(vol):
    closed = past_session(vol)
    with pytest.raises(DomainError) as err:
        checkin.check_in(closed, vol.ma, at=closed.starts_at)
    assert err.value.code == "not_enrolled"
    open_ = past_session(vol, walk_in=True)
    assert checkin.check_in(open_, vol.ma, at=open_.starts_at).status == A.CHECKED_IN
    with pytest.raises(DomainError):
        checkin.check_in(open_, vol.bai, at=open_.starts_at)  # community B
    assert not Attendance.objects.filter(session=open_, volunteer=vol.bai).exists()


def test_check_in_outside_the_window_and_twice_is_refused(vol):
    session = past_session(vol)
    checkin.enrol(session, vol.ma)
    with pytest.raises(DomainError) as err:
        checkin.check_in(session, vol.ma, at=session.starts_at - datetime.timedelta(hours=2))
    assert err.value.code == "closed"
    with pytest.raises(DomainError):
        checkin.check_out(session, vol.ma, at=session.starts_at)
    checkin.check_in(session, vol.ma, at=session.starts_at)
    with pytest.raises(DomainError) as err:
        checkin.check_in(session, vol.ma, at=session.starts_at + MIN)
    assert err.value.code == "already"


def test_bad_location_is_refused_naming_the_field(vol):
    session = past_session(vol)
    checkin.enrol(session, vol.ma)
    with pytest.raises(DomainError) as err:
        checkin.check_in(session, vol.ma, at=session.starts_at, lat="north", lng="117")
    assert err.value.field == "lat"
    assert Attendance.objects.get(session=session, volunteer=vol.ma).status == A.ENROLLED


def test_scan_checks_in_then_out(vol):
    session = checkin.create_session(
        community=vol.cast.community,
        origin="other",
        title="巡逻",
        starts_at=timezone.now() - 30 * MIN,
        ends_at=timezone.now() + 60 * MIN,
        organiser=vol.cast.zhang,
    )
    checkin.enrol(session, vol.ma)
    token = checkin.make_token(session)
    assert checkin.scan(token, vol.ma).status == A.CHECKED_IN
    assert checkin.scan(token, vol.ma).status == A.CHECKED_OUT


def test_only_the_organiser_confirms_and_never_their_own_hours(vol):
    attendance = served(vol, vol.ma)
    for other in (vol.cast.zhao, vol.cast.chen, vol.ma.user):
        with pytest.raises(PermissionDenied):
            checkin.confirm(attendance, by=other)
    own = served(vol, vol.niu, organiser=vol.niu.user)
    with pytest.raises(PermissionDenied):
        checkin.confirm(own, by=vol.niu.user)
    assert Attendance.objects.get(pk=attendance.pk).status == A.CHECKED_OUT


def test_confirming_counts_hours_tally_and_points_once(vol):
    attendance = served(vol, vol.ma, minutes=95)
    checkin.confirm(attendance, by=vol.cast.zhang)
    ma = Volunteer.objects.get(pk=vol.ma.pk)
    assert ma.confirmed_minutes == 95
    month = PointsTally.objects.get(volunteer=ma, grain="M")
    assert (month.minutes, month.points) == (95, 16)  # 10 points an hour: 15.83, rounded half up
    assert Account.objects.get(volunteer=ma).balance == 16
    with pytest.raises(Conflict):
        checkin.confirm(attendance, by=vol.cast.zhang)
    assert Volunteer.objects.get(pk=vol.ma.pk).confirmed_minutes == 95
    assert Movement.objects.filter(source=f"attendance:{attendance.pk}").count() == 1


def test_organiser_may_confirm_less_but_not_more_than_derived(vol):
    attendance = served(vol, vol.ma, minutes=60)
    with pytest.raises(DomainError) as err:
        checkin.confirm(attendance, by=vol.cast.zhang, minutes=61)
    assert err.value.field == "minutes"
    assert Attendance.objects.get(pk=attendance.pk).status == A.CHECKED_OUT
    checkin.confirm(attendance, by=vol.cast.zhang, minutes=45, note="中途离开 15 分钟")
    assert Volunteer.objects.get(pk=vol.ma.pk).confirmed_minutes == 45


def test_confirm_uses_the_rate_in_force_on_the_day(vol):
    # At 14:00 Beijing time, so that the session of five hours ago is on the same day as the rate
    # (run just after local midnight, it was yesterday's, under yesterday's rate).
    with time_machine.travel(timezone.localtime().replace(hour=14, minute=0), tick=True):
        services.set_rate("hours", "20", valid_from=timezone.localdate(), by=vol.cast.sun)
        attendance = served(vol, vol.ma, minutes=60)
        checkin.confirm(attendance, by=vol.cast.zhang)
    assert Account.objects.get(volunteer=vol.ma).balance == 20


def test_organiser_records_a_forgotten_check_out(vol):
    session = past_session(vol, hours_ago=6, length_hours=2)
    checkin.enrol(session, vol.ma)
    attendance = checkin.check_in(session, vol.ma, at=session.starts_at)
    with pytest.raises(DomainError):
        checkin.check_out(session, vol.ma)  # more than 4 hours after the end
    with pytest.raises(DomainError) as err:
        checkin.record_checkout(attendance, by=vol.cast.zhang, at=session.starts_at - MIN)
    assert err.value.field == "at"
    checkin.record_checkout(attendance, by=vol.cast.zhang, at=session.ends_at)
    attendance.refresh_from_db()
    assert attendance.derived_minutes == 120 and attendance.checkout_recorded_by == vol.cast.zhang


def test_rejected_hours_never_count(vol):
    attendance = served(vol, vol.ma)
    checkin.reject(attendance, by=vol.cast.zhang, reason="未实际到岗")
    with pytest.raises(DomainError):
        checkin.confirm(attendance, by=vol.cast.zhang)
    assert Volunteer.objects.get(pk=vol.ma.pk).confirmed_minutes == 0


def test_star_level_follows_confirmed_hours(vol):
    Volunteer.objects.filter(pk=vol.ma.pk).update(confirmed_minutes=99 * 60 + 30)
    attendance = served(vol, vol.ma, minutes=40)
    checkin.confirm(attendance, by=vol.cast.zhang)
    ma = Volunteer.objects.get(pk=vol.ma.pk)
    assert ma.star_level == 1 and rules.star_name(ma.confirmed_minutes) == "一星"


def test_withdraw_after_check_in_is_refused(vol):
    session = past_session(vol)
    checkin.enrol(session, vol.ma)
    checkin.check_in(session, vol.ma, at=session.starts_at)
    with pytest.raises(DomainError):
        checkin.withdraw(session, vol.ma)


def test_ledger_balance_after_hours_matches_sum(vol):
    for minutes in (30, 61, 125):
        checkin.confirm(served(vol, vol.niu, minutes=minutes), by=vol.cast.zhang)
    account = Account.objects.get(volunteer=vol.niu)
    assert account.balance == sum(m.amount for m in Movement.objects.filter(credit=account))
    # 5 + 10.17 + 20.83 = 36: rounded once, on the total (flooring each would give 35)
    assert account.balance == 36
