"""The connection pool's check reads the reference versions (``refdata.check_connection``, the
ENGINE ``shanzhi.core.postgresql``): a request then sends no statement for them, and a dead
connection is still replaced before it is used."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanzhi.core import refdata

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's")


@pytest.fixture
def pooled(db):
    """A second connection to the test database through the project's backend, pooled as the
    settings pool in production (the tests themselves run on a plain connection)."""
    from shanzhi.core.postgresql.base import DatabaseWrapper

    settings_dict = {
        **connection.settings_dict,
        "ENGINE": "shanzhi.core.postgresql",
        "OPTIONS": {
            **connection.settings_dict["OPTIONS"],
            "pool": {"min_size": 1, "max_size": 1, "timeout": 5},
        },
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
    }
    wrapper = DatabaseWrapper(settings_dict, alias="pool_check_test")
    yield wrapper
    wrapper.close()
    wrapper.close_pool()


def _backend_pid(wrapper):
    return wrapper.connection.info.backend_pid


def test_the_pool_checks_with_the_versions(pooled):
    pooled.ensure_connection()
    raw = pooled.connection
    assert raw._pool._check is refdata.check_connection  # noqa: SLF001 - the one change of the backend
    expected = dict(raw.execute(refdata._sql()).fetchall())  # noqa: SLF001
    assert raw.shanzhi_versions == expected


def test_a_dead_connection_is_replaced_when_taken(pooled):
    pooled.ensure_connection()
    dead = _backend_pid(pooled)
    pooled.close()  # back to the pool
    with connection.cursor() as cursor:  # as a PostgreSQL restart would
        cursor.execute("SELECT pg_terminate_backend(%s)", [dead])
    pooled.ensure_connection()
    assert _backend_pid(pooled) != dead
    assert pooled.connection.shanzhi_versions is not None
    pooled.connection.execute("SELECT 1")


def test_a_request_takes_the_checked_versions_once(db):
    connection.ensure_connection()
    raw = connection.connection
    refdata._started()  # noqa: SLF001 - as request_started does
    try:
        raw.shanzhi_versions = {"reference": 123, "api_keys": 7}
        with CaptureQueriesContext(connection) as ctx:
            assert refdata.version() == 123 and refdata.version("api_keys") == 7
        assert ctx.captured_queries == []
        assert raw.shanzhi_versions is None  # taken: the next request's check reads them again
        refdata.forget()  # this process wrote reference data: read the row itself
        with CaptureQueriesContext(connection) as ctx:
            refdata.version()
        assert len(ctx.captured_queries) == 1
    finally:
        refdata._finished()  # noqa: SLF001
    raw.shanzhi_versions = {"reference": 123}
    with CaptureQueriesContext(connection) as ctx:  # outside a request every call reads the row
        assert refdata.version() != 123
    assert len(ctx.captured_queries) == 1
    raw.shanzhi_versions = None
