"""Pure rules of the love bank: star levels, periods, points arithmetic, expiry, distances.

No database here, so each rule is tested on its own and read in one place.
"""

import datetime
import math
import secrets
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

# 志愿服务记录办法: 100 / 300 / 600 / 1,000 / 1,500 cumulative hours make one to five stars.
STAR_HOURS = (100, 300, 600, 1000, 1500)
STAR_NAMES = ("", "一星", "二星", "三星", "四星", "五星")

# Check-in window around a session: early arrivals may check in this long before the start.
CHECKIN_EARLY = datetime.timedelta(minutes=60)
# A check-out this long after the end is refused; the organiser records it instead.
CHECKOUT_LATE = datetime.timedelta(hours=4)
# One attendance never counts more than this, whatever the clock says (a forgotten check-out).
MAX_SESSION_MINUTES = 12 * 60
# A rotating QR code shown on the organiser's screen stays valid this long (seconds).
ROTATING_TOKEN_MAX_AGE = 15 * 60

DEFAULT_RATES = {"hours": Decimal("10"), "donation": Decimal("0.1"), "good_deed": Decimal("20")}


def star_level(minutes):
    hours = (minutes or 0) / 60
    return sum(1 for threshold in STAR_HOURS if hours >= threshold)


def star_name(minutes):
    return STAR_NAMES[star_level(minutes)]


def hours_to_next_star(minutes):
    """Hours still missing for the next star, or None at five stars."""
    level = star_level(minutes)
    if level >= len(STAR_HOURS):
        return None
    return math.ceil(STAR_HOURS[level] - (minutes or 0) / 60)


def minutes_between(start, end):
    """Whole minutes from check-in to check-out, capped at MAX_SESSION_MINUTES."""
    if start is None or end is None or end <= start:
        return 0
    return min(int((end - start).total_seconds() // 60), MAX_SESSION_MINUTES)


def points_for(rate, quantity):
    """Points for ``quantity`` units at ``rate`` points per unit, rounded down (never negative)."""
    value = (Decimal(rate) * Decimal(quantity)).quantize(Decimal(1), rounding=ROUND_DOWN)
    return max(int(value), 0)


def hours_points(rate_minutes):
    """Points for all of a person's confirmed service time, rounded once, on the total.

    ``rate_minutes`` is the exact sum, over the person's confirmed attendances, of the hourly rate
    in force on each one's day times its confirmed minutes; the points are that sum / 60, rounded
    half up (四舍五入: x.5 gives x + 1, anything below x.5 gives x), never below zero. Each
    confirmation posts the difference this total makes, and a withdrawn confirmation posts the
    difference back, so what a person holds for their hours is always this one rounding of their
    whole record: 95 minutes and 25 minutes at 10 points an hour are 20 points, not 15 + 4.
    """
    value = (Decimal(rate_minutes) / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(int(value), 0)


def default_rate(kind):
    """The standard when no rate has been set for ``kind``: the settings, else DEFAULT_RATES."""
    if kind == "expiry_months":
        return Decimal(expiry_months())
    rates = getattr(settings, "SHANZHI_POINTS_RATES", None) or DEFAULT_RATES
    return Decimal(str(rates.get(kind, DEFAULT_RATES[kind])))


def expiry_months():
    """The default validity in months when no expiry rate is set (0: points never expire). The rate in
    force on the day (``ledger.expiry_months_on``) is what postings use."""
    return int(getattr(settings, "SHANZHI_POINTS_EXPIRE_MONTHS", 0) or 0)


def expires_on(earned_on, months=None):
    """Points earned on a day expire at the end of the month ``months`` later (None: never)."""
    months = expiry_months() if months is None else months
    if not months:
        return None
    year, month = divmod(earned_on.month - 1 + months, 12)
    first_of_next = datetime.date(earned_on.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def expired_unspent(lots, consumed, today):
    """Points to expire today, spending the soonest-expiring points first.

    ``lots`` are (amount, expires_on) of the earnings still standing (not reversed); ``consumed`` is
    everything spent or expired so far. Whatever of the lots due by today was not consumed expires.
    Running it again after the expiry is posted gives 0, so the sweep is idempotent.
    """
    due = sum(amount for amount, expiry in lots if expiry is not None and expiry <= today)
    return max(due - consumed, 0)


def period_starts(day):
    """The first day of the month, quarter and year that contain ``day``."""
    quarter_month = 3 * ((day.month - 1) // 3) + 1
    return {
        "M": day.replace(day=1),
        "Q": day.replace(month=quarter_month, day=1),
        "Y": day.replace(month=1, day=1),
    }


def period_bounds(grain, start):
    """[start, end) of the period of ``grain`` starting on ``start``."""
    if grain == "Y":
        return start, start.replace(year=start.year + 1)
    months = 3 if grain == "Q" else 1
    year, month = divmod(start.month - 1 + months, 12)
    return start, datetime.date(start.year + year, month + 1, 1)


def period_label(grain, start):
    if grain == "Y":
        return _("%(y)d年") % {"y": start.year}
    if grain == "Q":
        return _("%(y)d年第%(q)d季度") % {"y": start.year, "q": (start.month - 1) // 3 + 1}
    return _("%(y)d年%(m)d月") % {"y": start.year, "m": start.month}


def distance_m(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres (haversine); None when a point is missing."""
    if None in (lat1, lng1, lat2, lng2):
        return None
    r = 6371000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return int(2 * r * math.asin(math.sqrt(a)))


def new_nonce():
    return secrets.token_hex(8)


# No 0/O, 1/I/L: a code read out over a counter must not be misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def redemption_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
