"""``core.postgresql``'s time loader reads every time PostgreSQL sends as Django's own loader does."""

import datetime

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from shanzhi.core.postgresql.base import _TzLoader

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders")

TIMES = [
    "2026-12-05 05:54:59.438164+00",
    "2026-12-31 23:59:59.999999+08",  # the last microsecond of the year, in Beijing
    "2027-01-01 00:00:00+08",
    "2024-02-29 12:00:00.5+00",
    "0001-01-02 00:00:00+00",  # near the first year Python holds, in every zone below
    "9999-12-30 23:59:59.999999+00",  # near the last
    "1900-01-01 00:00:00+08:05:43",  # Shanghai's local mean time: an offset with seconds
    "2026-06-01 08:00:00-03:30",
]
REFUSED = ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC"]


def _read(sql, *, django_loader):
    with connection.cursor() as cursor:
        if django_loader:
            register_tzloader(connection.timezone, cursor)  # Django's own, on this cursor only
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_connection_reads_times_with_the_projects_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, psycopg.pq.Format.TEXT)
    assert issubclass(loader, _TzLoader) and loader.timezone == connection.timezone


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/St_Johns"])
def test_every_time_reads_as_djangos_loader_reads_it(zone):
    """The same values with the same tzinfo object, whatever zone the session is in (Django sets it
    to UTC; in another both put Django's zone on the session's wall time alike)."""
    values = ", ".join(f"('{t}'::timestamptz)" for t in TIMES)
    sql = f"SELECT t FROM (VALUES {values}) v(t)"  # noqa: S608 - constants above
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE %s", [zone])
    try:
        ours, djangos = _read(sql, django_loader=False), _read(sql, django_loader=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert ours == djangos
    for (mine,), (theirs,) in zip(ours, djangos, strict=True):
        assert mine.tzinfo is theirs.tzinfo and mine.utcoffset() == theirs.utcoffset()
    if zone == "UTC":
        assert ours[0][0] == datetime.datetime(2026, 12, 5, 5, 54, 59, 438164, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize("text", REFUSED)
def test_a_time_python_cannot_hold_is_refused_as_django_refuses_it(text):
    sql = f"SELECT '{text}'::timestamptz"  # noqa: S608 - constants above
    outcomes = []
    for django_loader in (False, True):
        try:
            outcomes.append(("read", _read(sql, django_loader=django_loader)))
        except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
            outcomes.append(("refused", type(exc)))
    assert outcomes[0] == outcomes[1]
