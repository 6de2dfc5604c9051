"""The connection pool's check reads the reference versions (``refdata.check_connection``, the
ENGINE ``shanzhi.core.postgresql``): a request then sends no statement for them, and a dead
connection is still replaced before it is used."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanzhi.accounts.models import ApiToken
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
    # Prepared on the connection: PostgreSQL parses and plans it once, not on every request.
    prepared = [r[0] for r in raw.execute("SELECT statement FROM pg_prepared_statements").fetchall()]
    assert refdata._sql() in prepared  # noqa: SLF001


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


# --- a read riding on the check (``refdata.riding``) ---------------------------------------------


def test_a_rider_is_read_in_the_check_s_statement(pooled):
    with refdata.riding("SELECT n FROM (VALUES (%s), (%s)) AS t(n) ORDER BY n", [2, 1]) as rider:
        pooled.ensure_connection()
    raw = pooled.connection
    assert rider.rows == [(1,), (2,)]
    assert raw.shanzhi_versions == dict(raw.execute(refdata._sql()).fetchall())  # noqa: SLF001
    prepared = [r[0] for r in raw.execute("SELECT statement FROM pg_prepared_statements").fetchall()]
    assert (
        refdata._riding_sql("SELECT n FROM (VALUES (%s), (%s)) AS t(n) ORDER BY n")
        .replace("%s", "$1", 1)
        .replace("%s", "$2", 1)
        in prepared
    )  # noqa: SLF001


def test_a_rider_that_finds_nothing_has_no_rows_and_the_versions_still_come(pooled):
    with refdata.riding("SELECT 1 WHERE %s", [False]) as rider:
        pooled.ensure_connection()
    assert rider.rows == []
    assert pooled.connection.shanzhi_versions == dict(pooled.connection.execute(refdata._sql()).fetchall())  # noqa: SLF001


def test_a_failing_rider_leaves_the_check_as_it_was(pooled):
    with refdata.riding("SELECT * FROM no_such_table WHERE id = %s", [1]) as rider:
        pooled.ensure_connection()
    assert rider.rows is None  # the caller reads for itself
    assert pooled.connection.shanzhi_versions is not None
    pooled.connection.execute("SELECT 1")  # the connection is fine


def test_a_rider_cancelled_by_a_timeout_leaves_the_connection_and_the_check(pooled):
    pooled.ensure_connection()
    raw = pooled.connection
    raw.execute("SET statement_timeout = '50ms'")  # a setting of this session, as a server's would be
    pid = raw.info.backend_pid
    pooled.close()
    with refdata.riding("SELECT pg_sleep(%s)", [2]) as rider:  # QueryCanceled, an OperationalError
        pooled.ensure_connection()
    assert rider.rows is None
    assert _backend_pid(pooled) == pid  # the same connection, not thrown away
    assert pooled.connection.shanzhi_versions is not None
    pooled.connection.execute("RESET statement_timeout")


def test_a_rider_on_a_dead_connection_is_read_on_the_one_that_replaces_it(pooled):
    pooled.ensure_connection()
    dead = _backend_pid(pooled)
    pooled.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dead])
    with refdata.riding("SELECT %s::int", [7]) as rider:
        pooled.ensure_connection()
    assert _backend_pid(pooled) != dead
    assert rider.rows == [(7,)]


def test_no_rider_runs_on_a_connection_already_held(pooled):
    pooled.ensure_connection()
    with refdata.riding("SELECT %s::int", [7]) as rider:
        pooled.ensure_connection()
    assert rider.rows is None


@pytest.fixture
def pooled_default(transactional_db):
    """The tests' own ``default`` connection swapped for a pooled one, as production's, for a test
    that commits its data (the pool's connections are other sessions)."""
    from django.db import connections

    from shanzhi.core.postgresql.base import DatabaseWrapper

    plain = connections["default"]
    wrapper = DatabaseWrapper(
        {
            **plain.settings_dict,
            "OPTIONS": {
                **plain.settings_dict["OPTIONS"],
                "pool": {"min_size": 1, "max_size": 1, "timeout": 5},
            },
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": True,
        },
        alias="default",
    )
    connections["default"] = wrapper
    try:
        yield wrapper
    finally:
        connections["default"] = plain
        wrapper.close()
        wrapper.close_pool()


def _api_call(wrapper, token):
    """``user_for_token`` as an API request calls it, its connection taken from the pool, and the
    statements it sent itself (the pool's check is not one: Django does not see it)."""
    from shanzhi.accounts.services import user_for_token

    sent = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    refdata._started()  # noqa: SLF001 - as request_started does
    try:
        with wrapper.execute_wrapper(count):
            user = user_for_token(token)
    finally:
        refdata._finished()  # noqa: SLF001
        wrapper.close()  # back to the pool, as at a request's end
    return user, sent


def test_an_api_call_reads_its_account_in_the_round_trip_of_the_pool_s_check(pooled_default):
    from shanzhi.accounts import apikeys
    from shanzhi.accounts.models import Role, User
    from shanzhi.accounts.services import grant_role, issue_api_token
    from shanzhi.core.models import ReferenceVersion
    from shanzhi.registry.models import OrgNode

    for name in (refdata.NAME, apikeys.VERSION):  # gone when an earlier test emptied the database
        ReferenceVersion.objects.get_or_create(name=name)
    district = OrgNode.objects.create(name="区", code="R9", level=OrgNode.Level.DISTRICT)
    user = User.objects.create(username="rider", display_name="骑手")
    grant_role(user, Role.DISTRICT_STAFF, node=district)
    token = issue_api_token(user)
    pooled_default.close()  # the writes above held a connection (and the versions it was taken with)

    first, sent = _api_call(pooled_default, token)  # the key is new to this process: read as before
    assert first == user and [g.node for g in first.grants()] == [district]
    assert len(sent) >= 2  # the key, its "last used" time, the account

    again, sent = _api_call(pooled_default, token)
    assert again == user and [(g.role, g.node) for g in again.grants()] == [(Role.DISTRICT_STAFF, district)]
    assert again.grants()[0].user is again
    assert sent == []  # the account and its grants came with the check

    # A guess that the key refutes (kept under an older version, for another user): the rows
    # read for that user are not used, the key's own user is read.
    other = User.objects.create(username="other")
    digest = ApiToken.digest_of(token)
    refdata._caches[apikeys._CACHE] = (-1, {digest: apikeys.Key(0, other.pk, "other", None)})  # noqa: SLF001
    third, sent = _api_call(pooled_default, token)
    assert third == user and [g.node for g in third.grants()] == [district]
    assert len(sent) == 2  # the key, then the account

    ApiToken.objects.filter(digest=digest).update(revoked=True)  # the trigger moves the version
    assert _api_call(pooled_default, token)[0] is None


def _pool_of(size, alias):
    from shanzhi.core.postgresql.base import DatabaseWrapper

    settings_dict = {
        **connection.settings_dict,
        "ENGINE": "shanzhi.core.postgresql",
        "OPTIONS": {
            **connection.settings_dict["OPTIONS"],
            "pool": {"min_size": 1, "max_size": size, "timeout": 5},
        },
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
    }
    return DatabaseWrapper(settings_dict, alias=alias)


def test_one_request_at_a_time_takes_one_connection_from_its_first_request_on(db):
    """A sync worker (one request at a time) with a pool that may grow to 4: its first request
    waits for the pool's first connection instead of making the pool grow, so every request is
    served by the same backend. Without the wait (psycopg_pool's own ``open``) the first request
    nearly always asks before the first connection is ready and the pool grows to two, handed out
    in turn (whether the second is in use by the fourth request depends on when it came)."""
    wrapper = _pool_of(4, "pool_fill_test")
    try:
        pids = set()
        for _request in range(4):
            wrapper.ensure_connection()
            pids.add(_backend_pid(wrapper))
            wrapper.close()  # back to the pool, as at the end of a request
        size = wrapper.pool.get_stats()["pool_size"]
    finally:
        wrapper.close_pool()
    assert size == 1 and len(pids) == 1
