"""Counting confirmed service time, both ways: the person's total minutes (and so the star level),
the rankings rollup and the points for hours.

Hours and stars follow the confirmed attendances: confirming one adds its minutes, withdrawing a
confirmation afterwards takes them off again. Points for hours are rounded once, on the person's
total (``rules.hours_points``): each change posts the difference that total makes, as a new
movement; the ledger is append-only, so a withdrawal is a compensating movement, never an edit.

Called by ``checkin.confirm`` and ``checkin.reject`` inside their transaction, with the attendance
row locked; the person's account is locked here before the total is read, so two confirmations of
one person (by two organisers at once) are counted one after the other.
"""

from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from .. import rules
from ..models import Account, Attendance, Movement, Volunteer
from . import ledger


def _rate_minutes(volunteer_id, *, leave_out=None):
    """Σ (hourly rate × confirmed minutes) over the person's confirmed attendances: the exact
    points × 60, before any rounding."""
    rows = (
        Attendance.objects.filter(volunteer_id=volunteer_id, status=Attendance.Status.CONFIRMED)
        .exclude(pk=leave_out)
        .values_list("hours_rate", "confirmed_minutes", "checked_in_at")
    )
    return sum((_rate(*row) * (row[1] or 0) for row in rows), Decimal(0))


def _rate(hours_rate, _minutes, checked_in_at):
    if hours_rate is None:  # confirmed before rates were frozen on the attendance: the day's standard
        return Decimal(ledger.rate_for("hours", timezone.localdate(checked_in_at)))
    return Decimal(hours_rate)


def _worth(a):
    return _rate(a.hours_rate, a.confirmed_minutes, a.checked_in_at) * (a.confirmed_minutes or 0)


def confirmed_day(attendance):
    """The day an attendance's hours count in the rankings: the day they were confirmed."""
    return timezone.localdate(attendance.confirmed_at or attendance.checked_in_at)


def count(attendance, by):
    """Add a just-confirmed attendance (already saved as confirmed) to its person's figures.
    Returns the movement posted, or None when the rounded total did not change."""
    volunteer = Volunteer.objects.select_related("community").get(pk=attendance.volunteer_id)
    ledger.person_account(volunteer, lock=True)
    minutes = attendance.confirmed_minutes or 0
    if minutes:
        Volunteer.objects.filter(pk=volunteer.pk).update(confirmed_minutes=F("confirmed_minutes") + minutes)
        # The rankings put the hours in the period they are confirmed, as the ledger does the
        # points they earn: counted by service day, a month's table showed points with 0.0 hours.
        ledger.bump_tally(volunteer, confirmed_day(attendance), minutes=minutes)
    before = _rate_minutes(volunteer.pk, leave_out=attendance.pk)
    points = rules.hours_points(before + _worth(attendance)) - rules.hours_points(before)
    if points <= 0:
        return None
    return ledger.earn(
        volunteer,
        Movement.Kind.EARN_HOURS,
        points,
        by=by,
        source=f"attendance:{attendance.pk}",
        memo=attendance.session.title,
    )


def uncount(attendance, by, reason):
    """Take a confirmed attendance (still saved as confirmed) off its person's figures: minutes,
    the rankings rollup of its day, and the points its withdrawal takes from the rounded total.
    Refused (DomainError, nothing written) when those points are already spent."""
    volunteer = Volunteer.objects.select_related("community").get(pk=attendance.volunteer_id)
    account = ledger.person_account(volunteer, lock=True)
    minutes = attendance.confirmed_minutes or 0
    with_it = _rate_minutes(volunteer.pk)
    points = rules.hours_points(with_it) - rules.hours_points(with_it - _worth(attendance))
    movement = None
    if points > 0:
        # Points go back where they came from; the person must still hold them (post refuses
        # otherwise, naming the balance), the same rule as for any reversal.
        movement = ledger.post(
            kind=Movement.Kind.RETRACT_HOURS,
            debit=account,
            credit=ledger.system_account(Account.ISSUANCE, volunteer.community_id),
            amount=points,
            by=by,
            source=f"attendance:{attendance.pk}",
            memo=reason,
        )
        ledger.bump_tally(volunteer, timezone.localdate(movement.at), points=-points)
    if minutes:
        Volunteer.objects.filter(pk=volunteer.pk).update(confirmed_minutes=F("confirmed_minutes") - minutes)
        ledger.bump_tally(volunteer, confirmed_day(attendance), minutes=-minutes)
    return points, movement
