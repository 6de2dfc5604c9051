"""``stamps.Stamps`` writes a fetched timestamp's text exactly as the format writes the datetime
(JSON through Django's encoder, XML through ``isoformat``), in zones with and without daylight
saving, with half-hour offsets, across the changes of offset, for both databases' shapes."""

import datetime as dt
import json
import random
import zoneinfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from shanzhi.appeals.stamps import Stamps

ZONES = ["Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"]


def _pg_text(value):
    """As PostgreSQL writes a timestamptz in a UTC session: trailing zeros of the fraction cut."""
    text = value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "+00"


def _sqlite_text(value):
    """As Django stores an aware datetime on SQLite: naive UTC, ``str``."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _times(seed):
    rng = random.Random(seed)
    times = []
    for year in (2026, 2027):
        for month, day in ((3, 8), (3, 29), (4, 5), (10, 4), (10, 25), (11, 1)):  # around DST changes
            base = dt.datetime(year, month, day, tzinfo=dt.UTC)
            times += [base + dt.timedelta(minutes=m) for m in range(-180, 24 * 60, 17)]
    times += [
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(10**8))
        for _ in range(500)
    ]
    out = []
    for t in times:
        micro = rng.choice([0, 0, 1, 120000, 999999, 500, rng.randrange(10**6)])
        out.append(t.replace(microsecond=micro))
    return out


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("shape", [_pg_text, _sqlite_text])
def test_as_each_format_writes_the_datetime(zone, shape):
    tz = zoneinfo.ZoneInfo(zone)
    as_json, as_xml = Stamps(tz, "json"), Stamps(tz, "xml")
    for value in _times(len(zone)):
        local = value.astimezone(tz)
        text = shape(value)
        assert as_json(text) == json.loads(json.dumps(local, cls=DjangoJSONEncoder)), (zone, text)
        assert as_xml(text) == local.isoformat(), (zone, text)


def test_none_and_other_shapes():
    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    stamps = Stamps(tz)
    assert stamps(None) is None
    # A text of another shape still comes out right, through datetime objects.
    value = dt.datetime(2026, 3, 1, 2, 0, 0, 123456, tzinfo=dt.UTC)
    assert stamps("2026-03-01T02:00:00.123456+00:00") == "2026-03-01T10:00:00.123+08:00"
    assert stamps(_pg_text(value)) == "2026-03-01T10:00:00.123+08:00"
    assert Stamps(dt.UTC)(_pg_text(value)) == "2026-03-01T02:00:00.123Z"
