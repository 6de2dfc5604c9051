"""The dashboard's period: presets, dates, the grain, and the two periods it is compared with."""

import datetime as dt

import pytest

from shanzhi.core.errors import DomainError

from ..queries.period import Period

TODAY = dt.date(2026, 3, 18)
D = dt.date


@pytest.mark.parametrize(
    "preset,start,end",
    [
        ("7d", D(2026, 3, 12), D(2026, 3, 19)),
        ("30d", D(2026, 2, 17), D(2026, 3, 19)),
        ("month", D(2026, 3, 1), D(2026, 3, 19)),
        ("last_month", D(2026, 2, 1), D(2026, 3, 1)),
        ("quarter", D(2026, 1, 1), D(2026, 3, 19)),
        ("year", D(2026, 1, 1), D(2026, 3, 19)),
    ],
)
def test_presets_end_today_inclusive(preset, start, end):
    p = Period.parse({"preset": preset}, today=TODAY)
    assert (p.start, p.end) == (start, end)


def test_dates_are_inclusive_and_swapped_when_reversed():
    p = Period.parse({"start": "2026-03-10", "end": "2026-03-01"}, today=TODAY)
    assert (p.start, p.last, p.grain) == (D(2026, 3, 1), D(2026, 3, 10), "day")
    assert p.query() == "start=2026-03-01&end=2026-03-10&grain=day"
    assert p.list_query() == {"from": "2026-03-01", "to": "2026-03-10"}


def test_comparisons_previous_period_and_a_year_earlier_on_29_february():
    p = Period.parse({"start": "2024-02-20", "end": "2024-02-29"}, today=TODAY)
    assert (p.previous.start, p.previous.end) == (D(2024, 2, 10), D(2024, 2, 20))
    assert (p.year_earlier.start, p.year_earlier.end) == (D(2023, 2, 20), D(2023, 3, 1))


def test_grain_follows_the_length_and_a_long_period_is_not_drawn_by_day():
    assert Period.parse({"preset": "quarter"}, today=TODAY).grain == "week"
    assert Period.parse({"start": "2025-01-01", "end": "2025-12-31"}, today=TODAY).grain == "month"
    assert (
        Period.parse({"start": "2025-01-01", "end": "2025-12-31", "grain": "day"}, today=TODAY).grain
        == "week"
    )
    weeks = Period.parse({"start": "2026-03-04", "end": "2026-03-18", "grain": "week"}, today=TODAY)
    assert weeks.bucket(D(2026, 3, 4)) == D(2026, 3, 2)  # weeks start on Monday


@pytest.mark.parametrize(
    "query,field",
    [
        ({"preset": "decade"}, "preset"),
        ({"grain": "hour"}, "grain"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2023-01-01", "end": "2026-01-01"}, "start"),
    ],
)
def test_bad_input_names_the_field(query, field):
    with pytest.raises(DomainError) as exc:
        Period.parse(query, today=TODAY)
    assert exc.value.field == field
