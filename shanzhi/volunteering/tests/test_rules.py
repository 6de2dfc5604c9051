import datetime
from decimal import Decimal

import pytest

from shanzhi.volunteering import rules


@pytest.mark.parametrize(
    "hours,stars",
    [
        (0, 0),
        (99.9, 0),
        (100, 1),
        (299, 1),
        (300, 2),
        (599, 2),
        (600, 3),
        (999, 3),
        (1000, 4),
        (1499, 4),
        (1500, 5),
        (5000, 5),
    ],
)
def test_star_level_follows_the_civil_affairs_thresholds(hours, stars):
    assert rules.star_level(int(hours * 60)) == stars


def test_star_names_and_hours_to_next():
    assert rules.star_name(0) == ""
    assert rules.star_name(300 * 60) == "二星"
    assert rules.hours_to_next_star(250 * 60) == 50
    assert rules.hours_to_next_star(1500 * 60) is None


def test_minutes_between_is_whole_minutes_capped_and_never_negative():
    t = datetime.datetime(2026, 5, 1, 9, 0)
    assert rules.minutes_between(t, t + datetime.timedelta(minutes=90, seconds=59)) == 90
    assert rules.minutes_between(t, t - datetime.timedelta(minutes=5)) == 0
    assert rules.minutes_between(t, t + datetime.timedelta(days=2)) == rules.MAX_SESSION_MINUTES


def test_points_round_down():
    assert rules.points_for(Decimal("10"), Decimal(95) / 60) == 15
    assert rules.points_for(Decimal("0.1"), Decimal("99.99")) == 9
    assert rules.points_for(Decimal("10"), 0) == 0


def test_expiry_is_end_of_month_n_months_later():
    assert rules.expires_on(datetime.date(2026, 1, 15), months=12) == datetime.date(2027, 1, 31)
    assert rules.expires_on(datetime.date(2026, 11, 30), months=1) == datetime.date(2026, 12, 31)
    assert rules.expires_on(datetime.date(2026, 12, 1), months=2) == datetime.date(2027, 2, 28)
    assert rules.expires_on(datetime.date(2026, 12, 1), months=0) is None


def test_expired_unspent_spends_soonest_expiring_first():
    d = datetime.date
    lots = [(100, d(2026, 1, 31)), (50, d(2026, 6, 30)), (30, None)]
    assert rules.expired_unspent(lots, consumed=0, today=d(2026, 2, 1)) == 100
    assert rules.expired_unspent(lots, consumed=70, today=d(2026, 2, 1)) == 30
    assert rules.expired_unspent(lots, consumed=120, today=d(2026, 2, 1)) == 0
    assert rules.expired_unspent(lots, consumed=120, today=d(2026, 7, 1)) == 30
    assert rules.expired_unspent(lots, consumed=0, today=d(2025, 12, 31)) == 0


def test_periods():
    day = datetime.date(2026, 8, 17)
    assert rules.period_starts(day) == {
        "M": datetime.date(2026, 8, 1),
        "Q": datetime.date(2026, 7, 1),
        "Y": datetime.date(2026, 1, 1),
    }
    assert rules.period_bounds("M", datetime.date(2026, 12, 1)) == (
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    )
    assert rules.period_bounds("Q", datetime.date(2026, 10, 1))[1] == datetime.date(2027, 1, 1)
    assert rules.period_label("Q", datetime.date(2026, 7, 1)) == "2026年第3季度"


def test_distance():
    assert rules.distance_m(34.86, 117.55, 34.86, 117.55) == 0
    assert 1000 < rules.distance_m(34.86, 117.55, 34.87, 117.55) < 1200
    assert rules.distance_m(None, 117.55, 34.87, 117.55) is None


def test_redemption_codes_avoid_confusable_characters():
    code = rules.redemption_code()
    assert len(code) == 8 and not set(code) & set("01OIL")
