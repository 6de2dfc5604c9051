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


def test_unknown_year_is_refused_never_guessed():
    with pytest.raises(CalendarUnknown) as err:
        CAL.is_workday(dt.date(workdays.LIBRARY_LAST_YEAR + 1, 3, 1))
    assert str(workdays.LIBRARY_LAST_YEAR + 1) in err.value.message
    with pytest.raises(CalendarUnknown):
        CAL.add_workdays(at(workdays.LIBRARY_LAST_YEAR, 12, 30), 5)


def test_a_year_marked_complete_is_known_by_its_overrides_and_the_weekday_rule():
    year = workdays.LIBRARY_LAST_YEAR + 1
    overrides = {dt.date(year, 1, 1): False, dt.date(year, 1, 4): True}  # Jan 4 2027 is a Monday anyway
    with pytest.raises(CalendarUnknown):  # entered but not marked complete: still refused
        Calendar(overrides).is_workday(dt.date(year, 1, 1))
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
    with pytest.raises(CalendarUnknown):
        workdays.is_workday(dt.date(year, 2, 1))
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
    assert 0 <= CAL.elapsed_share(start, deadline, mid) <= CAL.elapsed_share(start, deadline, later) <= 1 + 1e-9
