"""The named cast every test shares: a district with two streets, two communities each, two grids
each, and one account per role (王网格 and 李网格 are grid workers of neighbouring grids).

Test names describe behaviour, never people's data; all people are synthetic (Faker zh_CN).
"""

import contextlib
import datetime
import os
import threading
import types
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection as db_connection
from django.db import connections, transaction
from django.test import testcases

from shanzhi.tests.cast import build_cast

PASSWORD = "Ceshi#2026pass"


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server for browser tests, serving one request at a time through one connection on
    SQLite. Each server thread would open its own connection to the test's shared-cache in-memory
    database, where a write meets another connection's lock with an immediate "database table is
    locked" (no busy wait), and Django never closes an in-memory connection, so a finished thread's
    connection lingers: a page that asks for its map and its points at once had a session write
    refused, and the browser got a 400. So every request runs under one lock, on one connection kept
    for the server, and its whole response is produced (body read, ``close()`` and its
    ``request_finished`` handlers run) before the lock is let go. Sockets stay threaded, so a
    browser's idle keep-alive connection blocks nobody; on PostgreSQL nothing is serialised.
    That was not enough in CI, where the walk still met the lock once in 600 pages, so ``make walk``
    runs on a test database in a file (SHANZHI_TEST_SQLITE): there each thread has its own
    connection in WAL mode with a busy timeout, and a lock is waited for, never refused.
    Requests are still served one at a time there, each closing its connection at its end."""

    _lock = threading.Lock()

    def set_app(self, application):
        if db_connection.vendor != "sqlite":
            return super().set_app(application)
        lock = self._lock
        shared = {}  # alias -> the server's one connection
        in_memory = db_connection.is_in_memory_db()

        def one_at_a_time(environ, start_response):
            with lock:
                for alias, conn in shared.items():
                    connections[alias] = conn
                result = application(environ, start_response)
                try:
                    body = list(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
                for conn in connections.all(initialized_only=True) if in_memory else ():
                    if conn.alias not in shared:
                        conn.inc_thread_sharing()
                        shared[conn.alias] = conn
                return body

        return super().set_app(one_at_a_time)


testcases.LiveServerThread.server_class = _OneRequestAtATime


def _flush_by_delete(original):
    """PostgreSQL's flush, which ends every transactional test, by DELETE instead of TRUNCATE: a
    TRUNCATE of some 150 tables gives each table and index a new file, 0.4 s a test, where the
    tables hold a test's few rows. The flush runs in one transaction, so the foreign keys (all
    deferred) are checked once every table is empty. A flush that resets the sequences is
    Django's own. Test-only: ``manage.py flush`` keeps TRUNCATE."""

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};" for t in tables]

    return sql_flush


def _move_the_clock():
    """``SHANZHI_TEST_TODAY=2027-01-04 make test``: the whole suite on another day, the clock moved
    to 10:00 Beijing time that day and running on from there, so that a test or a rule that a
    date will break (the year's end above all) is found before the calendar gets there."""
    today = os.environ.get("SHANZHI_TEST_TODAY")
    if today:
        import zoneinfo

        import time_machine

        day = datetime.date.fromisoformat(today)
        at = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
        time_machine.travel(at, tick=True).start()


def pytest_configure(config):
    from django.db.backends.postgresql.operations import DatabaseOperations

    _move_the_clock()

    DatabaseOperations.sql_flush = _flush_by_delete(DatabaseOperations.sql_flush)
    # Fast hashing and tasks that run inline: the same code paths, without the waiting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test that runs the sweep would otherwise make a month of reports (and publish a
    # quarter's disclosures); the report and disclosure tests switch them on.
    settings.SHANZHI_MONTHLY_REPORTS = False
    settings.SHANZHI_QUARTERLY_DISCLOSURE = False
    if settings.SHANZHI_TASK_BACKEND == "rq":
        # CI's RQ run (.ci/run): the same task tests through Redis, each job run as it is enqueued
        # (RQ's synchronous queue), since the test's transaction never commits to trigger it.
        settings.TASKS = {"default": {**settings.TASKS["default"], "OPTIONS": {"ENQUEUE_ON_COMMIT": False}}}
        settings.RQ_QUEUES["default"]["ASYNC"] = False
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _transactional(item):
    """Does this test commit (``transaction=True``, or a live server or transactional_db)?"""
    marker = item.get_closest_marker("django_db")
    return (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def _uses_db(item):
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def _purge_append_only_tables_after_transactional_tests(request):
    """Transactional tests end with the test database being emptied, which the append-only triggers
    refuse. The guards are lifted (test code only: shanzhi/tests/guards.py) after the test body,
    before the flush, and put back by ``pytest_runtest_teardown`` once the flush is done."""
    if not _transactional(request.node):
        yield
        return
    from django.db import connection

    from shanzhi.tests import guards

    request.getfixturevalue("transactional_db")  # so this fixture's teardown runs before the flush
    blocker = request.getfixturevalue("django_db_blocker")
    yield
    guards.lift(connection)

    def _restore():
        with blocker.unblock():
            guards.restore(connection)

    request.node.stash[_GUARDS_TO_RESTORE] = _restore


_GUARDS_TO_RESTORE = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        restore = item.stash.get(_GUARDS_TO_RESTORE, None)
        # After the last test the test database is already gone: nothing left to guard.
        if restore is not None and nextitem is not None:
            del item.stash[_GUARDS_TO_RESTORE]
            restore()


@pytest.fixture(scope="module")
def _module_cast(request, django_db_setup, django_db_blocker):
    """The cast, built once for all the tests of a module (445 statements, a quarter of a second),
    inside a transaction that is rolled back after the module's last test; each test runs in a
    savepoint within it, as usual. Only where every test of the module that touches the database
    takes the cast and none commits: a test that seeds its own district must find the database
    empty, and a committing test (transactional, live server) and the flush after it cannot nest
    in a transaction held open around them. Elsewhere the cast is built per test."""
    items = [i for i in request.session.items if i.module is request.module]
    if any(_transactional(i) or (_uses_db(i) and "cast" not in i.fixturenames) for i in items):
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield _keys(build_cast(password=PASSWORD))
        transaction.set_rollback(True)


def _keys(cast):
    return {name: (type(obj), obj.pk) for name, obj in vars(cast).items() if hasattr(obj, "pk")}


def _load(keys):
    """Fresh instances of the module's cast for one test (about ten queries), so that what a test
    changes in memory never reaches the next one."""
    c = types.SimpleNamespace(password=PASSWORD)
    by_model = defaultdict(dict)
    for name, (model, pk) in keys.items():
        by_model[model][name] = pk
    for model, names in by_model.items():
        rows = model.objects.in_bulk(list(names.values()))
        for name, pk in names.items():
            setattr(c, name, rows[pk])
    return c


@pytest.fixture(scope="module")
def cast_once(_module_cast, django_db_blocker):
    """For a module-scoped fixture that does a costly thing once and lets several tests check what
    came of it: ``with cast_once() as cast:`` gives the cast inside a savepoint that is rolled back
    when the block ends, so nothing it wrote reaches the module's other tests."""

    @contextlib.contextmanager
    def once():
        with django_db_blocker.unblock(), transaction.atomic():
            yield build_cast(password=PASSWORD) if _module_cast is None else _load(_module_cast)
            transaction.set_rollback(True)

    return once


@pytest.fixture
def cast(_module_cast, db):
    return build_cast(password=PASSWORD) if _module_cast is None else _load(_module_cast)


@pytest.fixture
def login(client):
    """``login(user)`` returns the client logged in as that user (session auth, no OTP)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def ns():
    return types.SimpleNamespace
