"""The data centre's reads from a read replica (core/dbrouter.py): the routing rules, and against a
real PostgreSQL hot standby, a dashboard that reads the standby's rows until its reader writes."""

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shanzhi.appeals.models import AppealDayStat
from shanzhi.core import dbrouter

from . import standby as pg

PERIOD = "start=2026-03-01&end=2026-04-30"
ROUTERS = ["shanzhi.core.dbrouter.ReplicaRouter"]


@pytest.fixture
def fake_replica():
    """A ``replica`` alias in the connection settings (never connected to: routing only)."""
    connections.settings[dbrouter.REPLICA] = dict(connections["default"].settings_dict)
    yield
    del connections.settings[dbrouter.REPLICA]


def test_without_a_replica_every_read_stays_on_default():
    router = dbrouter.ReplicaRouter()
    with dbrouter.replica_reads() as alias:
        assert alias == "default"
        assert router.db_for_read(AppealDayStat) is None


def test_reads_in_a_replica_block_go_to_the_replica_but_sessions_and_writes_do_not(fake_replica):
    from django.contrib.sessions.models import Session

    router = dbrouter.ReplicaRouter()
    assert router.db_for_read(AppealDayStat) is None  # outside the block: the primary
    with dbrouter.replica_reads():
        assert router.db_for_read(AppealDayStat) == "replica"
        assert router.db_for_read(Session) is None
        assert router.db_for_write(AppealDayStat) == "default"
    assert not router.allow_migrate("replica", "appeals")


def test_a_pinned_browser_or_a_post_reads_the_primary(fake_replica, rf):
    seen = []

    @dbrouter.replica_view
    def view(request):
        seen.append(dbrouter.ReplicaRouter().db_for_read(AppealDayStat))

    view(rf.get("/dc/"))
    pinned = rf.get("/dc/")
    pinned.COOKIES[dbrouter.PIN_COOKIE] = "1"
    view(pinned)
    view(rf.post("/dc/reports/"))
    assert seen == ["replica", None, None]


def test_the_middleware_pins_after_a_write_only_with_a_replica(rf, fake_replica, settings):
    from django.http import HttpResponse

    middleware = dbrouter.ReadYourWritesMiddleware(lambda r: HttpResponse())
    assert dbrouter.PIN_COOKIE not in middleware(rf.get("/")).cookies
    cookie = middleware(rf.post("/")).cookies[dbrouter.PIN_COOKIE]
    assert cookie["max-age"] == settings.SHANZHI_REPLICA_PIN_SECONDS
    del connections.settings[dbrouter.REPLICA]
    try:
        assert dbrouter.PIN_COOKIE not in middleware(rf.post("/")).cookies
    finally:
        connections.settings[dbrouter.REPLICA] = dict(connections["default"].settings_dict)


@pytest.fixture
def standby(transactional_db):
    server = pg.Standby()
    try:
        server.start()
        connections.settings[dbrouter.REPLICA] = server.alias_settings()
        replica = connections[dbrouter.REPLICA]
        # Opened here: the test case refuses to open a connection of an alias it does not list,
        # and listing one that does not exist yet when the test case is set up is refused too.
        replica.connect()
        yield replica
    finally:
        if dbrouter.REPLICA in connections.settings:
            connections[dbrouter.REPLICA].close()
            del connections[dbrouter.REPLICA]
            del connections.settings[dbrouter.REPLICA]
        server.stop()


def _received(client, url):
    return client.get(url).context["dc"]["totals"]["received"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dashboard_reads_the_standby_until_its_reader_writes(cast, file_appeal, client, standby):
    file_appeal(title="甲")
    client.force_login(cast.wu)
    url = reverse("datacentre:node", args=[cast.district.pk]) + "?" + PERIOD
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        pg.catch_up(standby)
        with pg.replay_paused(standby):
            file_appeal(title="乙")  # on the primary; the standby applies none of it for now
            with CaptureQueriesContext(standby) as on_replica:
                assert _received(client, url) == 1
            assert any("appeals_appealdaystat" in q["sql"] for q in on_replica.captured_queries)
            # The reader's own write (a report asked for) pins them to the primary for a while.
            form = {"subject": f"n:{cast.district.pk}", "start": "2026-03-01", "last": "2026-03-31"}
            assert client.post(reverse("datacentre:reports"), form).status_code == 302
            assert client.cookies[dbrouter.PIN_COOKIE]["max-age"] > 0
            with CaptureQueriesContext(standby) as on_replica:
                assert _received(client, url) == 2
            assert not on_replica.captured_queries
            # Once the mark has expired, the standby again (still paused: the old figure).
            del client.cookies[dbrouter.PIN_COOKIE]
            assert _received(client, url) == 1
        pg.catch_up(standby)
        assert _received(client, url) == 2
