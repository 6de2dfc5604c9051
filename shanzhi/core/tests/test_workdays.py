import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from shanzhi.core import workdays
from shanzhi.core.models import WorkdayOverride, WorkdayYear
from shanzhi.core.workdays import Calendar, CalendarUnknown

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


CAL = Calendar()

# --- known cases --------------------------------------------------------------------------------


def test_national_day_2025_is_skipped_and_the_swapped_saturday_counts():
    # 1–8 Oct 2025 off; Sat 11 Oct is a swapped workday.
    assert CAL.add_workdays(at(2025, 9, 30, 16), 5) == at(2025, 10, 14, 17, 30)
    assert CAL.add_workdays(at(2025, 9, 30, 16), 3) == at(2025, 10, 11, 17, 30)


def test_swapped_sunday_before_national_day_2025_is_a_workday():
    assert CAL.is_workday(dt.date(2025, 9, 28))
    assert not CAL.is_workday(dt.date(2025, 10, 8))


def test_national_day_2026():
    # 1–7 Oct 2026 off; Sun 20 Sep and Sat 10 Oct are swapped workdays.
    assert CAL.is_workday(dt.date(2026, 9, 20))
    assert CAL.is_workday(dt.date(2026, 10, 10))
    assert CAL.add_workdays(at(2026, 9, 30), 1) == at(2026, 10, 8, 17, 30)
    assert CAL.add_workdays(at(2026, 9, 30), 3) == at(2026, 10, 10, 17, 30)


def test_spring_festival_2026_saturday_workdays():
    assert CAL.is_workday(dt.date(2026, 2, 14))
    assert CAL.is_workday(dt.date(2026, 2, 28))
    assert not CAL.is_workday(dt.date(2026, 2, 16))
    # Same answer as the library's own find_workday(5, 13 Feb).
    assert CAL.add_workdays(at(2026, 2, 13), 5) == at(2026, 2, 27, 17, 30)
    assert CAL.add_workdays(at(2026, 2, 13), 1) == at(2026, 2, 14, 17, 30)


def test_day_of_acceptance_never_counts_even_at_dawn_or_on_a_holiday():
    assert CAL.add_workdays(at(2026, 3, 2, 0, 1), 1) == at(2026, 3, 3, 17, 30)  # Monday → Tuesday
    assert CAL.add_workdays(at(2026, 3, 1, 12), 1) == at(2026, 3, 2, 17, 30)  # Sunday → Monday


def test_work_hours_skip_lunch_evening_and_weekend():
    assert CAL.add_work_hours(at(2026, 3, 6, 11), 2) == at(2026, 3, 6, 14, 30)  # Fri: 1h + lunch + 1h
    assert CAL.add_work_hours(at(2026, 3, 6, 17), 1) == at(2026, 3, 9, 9, 30)  # Friday → Monday
    assert CAL.add_work_hours(at(2026, 3, 7, 20), 1) == at(2026, 3, 9, 10, 0)  # Saturday night
    assert CAL.add_work_hours(at(2026, 3, 6, 13, 30), 4) == at(2026, 3, 6, 17, 30)  # ends on the bell


def test_work_hours_across_national_day_2025():
    assert CAL.add_work_hours(at(2025, 9, 30, 16), 4) == at(2025, 10, 9, 11, 30)


def test_elapsed_share_counts_office_time_only():
    start, deadline = at(2026, 3, 6, 9), at(2026, 3, 9, 17, 30)  # Fri 09:00 → Mon 17:30: 14 h
    assert CAL.elapsed_share(start, deadline, start) == 0
    assert CAL.elapsed_share(start, deadline, deadline) == 1
    assert CAL.elapsed_share(start, deadline, at(2026, 3, 8, 23)) == pytest.approx(0.5)  # weekend
    assert CAL.elapsed_share(start, deadline, at(2026, 3, 10, 17, 30)) == pytest.approx(1.5)


def test_a_strict_calendar_refuses_an_unknown_year():
    strict = Calendar(strict=True)
    with pytest.raises(CalendarUnknown) as err:
        strict.is_workday(dt.date(workdays.LIBRARY_LAST_YEAR + 1, 3, 1))
    assert str(workdays.LIBRARY_LAST_YEAR + 1) in err.value.message
    with pytest.raises(CalendarUnknown):
        strict.add_workdays(at(workdays.LIBRARY_LAST_YEAR, 12, 30), 5)


def test_an_unknown_year_is_provisional_and_watched():
    year = workdays.LIBRARY_LAST_YEAR + 1
    with CAL.watch() as years:
        assert CAL.add_workdays(at(year - 1, 12, 30), 5) == at(year, 1, 7, 17, 30)  # 31, 4, 5, 6, 7
    assert years == {year}
    with CAL.watch() as years:
        CAL.add_workdays(at(year - 1, 12, 1), 5)
    assert years == set()  # a deadline that never leaves the known year is final


def test_a_year_marked_complete_is_known_by_its_overrides_and_the_weekday_rule():
    year = workdays.LIBRARY_LAST_YEAR + 1
    overrides = {dt.date(year, 1, 1): False, dt.date(year, 1, 4): True}  # Jan 4 2027 is a Monday anyway
    half = Calendar({dt.date(year, 1, 4): False})  # entered but not marked complete: the entry wins
    with half.watch() as years:
        assert not half.is_workday(dt.date(year, 1, 4))
        assert not half.is_workday(dt.date(year, 2, 8))  # 正月初三, provisional
    assert years == {year}
    cal = Calendar(overrides, complete_years={year})
    assert not cal.is_workday(dt.date(year, 1, 1))
    assert cal.is_workday(dt.date(year, 1, 5))
    assert not cal.is_workday(dt.date(year, 1, 9))  # Saturday by the weekday rule
    assert cal.last_known_year() == year and Calendar().last_known_year() == year - 1


def test_override_beats_the_library():
    closure = Calendar({dt.date(2026, 3, 3): False})  # e.g. a typhoon day
    assert closure.add_workdays(at(2026, 3, 2), 1) == at(2026, 3, 4, 17, 30)


def test_custom_office_hours(settings):
    settings.SHANZHI_WORK_HOURS = [("08:30", "12:00"), ("14:00", "18:00")]
    cal = Calendar()
    assert cal.add_workdays(at(2026, 3, 2), 1) == at(2026, 3, 3, 18)
    assert cal.add_work_hours(at(2026, 3, 2, 11), 2) == at(2026, 3, 2, 15)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CAL.add_workdays(dt.datetime(2026, 3, 2, 10), 1)


@pytest.mark.django_db
def test_database_overrides_are_used_by_the_shortcuts():
    year = workdays.LIBRARY_LAST_YEAR + 1
    assert workdays.is_workday(dt.date(year, 2, 1))  # provisional: a Monday, no holiday
    assert workdays.unknown_years([year - 1, year]) == [year]
    WorkdayOverride.objects.create(date=dt.date(year, 2, 1), is_workday=False, note="测试")
    assert workdays.unknown_years([year]) == [year]  # one day entered is not a year entered
    WorkdayYear.objects.create(year=year, complete=True)
    assert workdays.is_workday(dt.date(year, 2, 2))
    assert workdays.unknown_years([year]) == []
    WorkdayOverride.objects.create(date=dt.date(2026, 3, 3), is_workday=False, note="临时闭馆")
    assert workdays.add_workdays(at(2026, 3, 2), 1) == at(2026, 3, 4, 17, 30)


# --- properties ----------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 11, 30))
moments = st.builds(
    lambda d, minute: dt.datetime.combine(d, dt.time()).replace(tzinfo=TZ) + dt.timedelta(minutes=minute),
    days,
    st.integers(0, 24 * 60 - 1),
)


@given(days)
def test_agrees_with_the_library_without_overrides(day):
    assert CAL.is_workday(day) == chinese_calendar.is_workday(day)


@hsettings(max_examples=200)
@given(moments, st.integers(1, 20))
def test_add_workdays_ends_at_close_of_the_nth_workday_after_the_start_day(start, n):
    deadline = CAL.add_workdays(start, n)
    assert deadline.time() == dt.time(17, 30)
    assert CAL.is_workday(deadline.date())
    between = chinese_calendar.get_workdays(start.date() + dt.timedelta(days=1), deadline.date())
    assert len(between) == n
    assert CAL.add_workdays(start, n + 1) > deadline


@hsettings(max_examples=200)
@given(moments, st.integers(1, 60 * 40))
def test_add_work_hours_adds_exactly_that_much_office_time(start, minutes):
    end = CAL.add_work_seconds(start, minutes * 60)
    assert CAL.work_seconds_between(start, end) == minutes * 60
    assert CAL.is_workday(end.date())
    assert any(s <= end.time() <= e for s, e in CAL.periods)


@hsettings(max_examples=100)
@given(moments, st.integers(1, 15), st.integers(0, 100))
def test_elapsed_share_runs_from_zero_to_one_and_is_monotone(start, n, pct):
    deadline = CAL.add_workdays(start, n)
    assert CAL.elapsed_share(start, deadline, start) == 0
    assert CAL.elapsed_share(start, deadline, deadline) == pytest.approx(1)
    mid = start + (deadline - start) * pct / 100
    later = start + (deadline - start) * min(pct + 10, 100) / 100
    assert (
        0 <= CAL.elapsed_share(start, deadline, mid) <= CAL.elapsed_share(start, deadline, later) <= 1 + 1e-9
    )


# --- the provisional calendar (《全国年节及纪念日放假办法》 as revised in 2024) -------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_rule_agrees_with_the_library_in_the_years_it_knows(year):
    rule = workdays.provisional_holidays(year)
    assert len(rule) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days under the 2024 revision
    assert {d for d in rule if not chinese_calendar.is_holiday(d)} == set()


def test_the_provisional_2027_holidays():
    rule = workdays.provisional_holidays(2027)
    assert sorted(d for d, name in rule.items() if name == "春节") == [
        dt.date(2027, 2, 5),
        dt.date(2027, 2, 6),
        dt.date(2027, 2, 7),
        dt.date(2027, 2, 8),
    ]  # 除夕 is 腊月廿九
    assert rule[dt.date(2027, 4, 5)] == "清明节"
    assert rule[dt.date(2027, 6, 9)] == "端午节"
    assert rule[dt.date(2027, 9, 15)] == "中秋节"
    assert {d for d, n in rule.items() if n in ("元旦", "劳动节", "国庆节")} == {
        dt.date(2027, 1, 1),
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 2),
        dt.date(2027, 10, 1),
        dt.date(2027, 10, 2),
        dt.date(2027, 10, 3),
    }


def test_provisional_days_weekends_and_no_swapped_workdays():
    assert not CAL.is_workday(dt.date(2027, 2, 5))  # 除夕, a Friday
    assert CAL.is_workday(dt.date(2027, 2, 9))  # the Tuesday after: no bridging days are guessed
    assert not CAL.is_workday(dt.date(2027, 2, 13))  # a Saturday stays a rest day (no 调休 guessed)
    assert CAL.add_workdays(at(2027, 2, 4, 16), 1) == at(2027, 2, 9, 17, 30)
    swapped = Calendar({dt.date(2027, 2, 9): False, dt.date(2027, 2, 13): True})  # overrides win
    assert swapped.add_workdays(at(2027, 2, 4, 16), 1) == at(2027, 2, 10, 17, 30)
    assert swapped.is_workday(dt.date(2027, 2, 13))


# --- never a day past the one needed -------------------------------------------------------------

STRICT = Calendar(strict=True)


def test_a_deadline_exactly_at_the_end_of_the_known_year():
    last = workdays.LIBRARY_LAST_YEAR
    start, deadline = at(last, 12, 24, 9), at(last, 12, 31, 17, 30)
    assert STRICT.add_workdays(start, 5) == deadline  # 25, 28, 29, 30, 31
    assert STRICT.work_seconds_between(start, deadline) == 6 * 7 * 3600  # 24th and 25, 28–31 Dec
    assert STRICT.elapsed_share(start, deadline, deadline) == 1
    assert STRICT.add_work_seconds(start, STRICT.work_seconds_between(start, deadline)) == deadline
    assert STRICT.add_work_hours(at(last, 12, 31, 9), 7) == deadline
    with pytest.raises(CalendarUnknown):
        STRICT.add_work_hours(at(last, 12, 31, 9), 8)  # this one does need the next year
