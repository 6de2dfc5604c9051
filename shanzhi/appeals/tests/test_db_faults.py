"""A lost database connection answers 503 with Retry-After and leaves nothing half-written.

The fault is injected where PostgreSQL would raise it (inside the intake's transaction, in the
session save at the end of a request); the real thing, backends terminated under load, is
test_db_fault_pg.py.
"""

import json
import sqlite3
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db.utils import IntegrityError, InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals.models import Appeal, AppealEvent
from shanzhi.appeals.services import numbering
from shanzhi.core.dbfaults import is_connection_error

from .test_intake_place import staff_form


class _AdminShutdown(Exception):
    """What psycopg raises when pg_terminate_backend ends the session (SQLSTATE 57P01)."""

    sqlstate = "57P01"


class _UndefinedColumn(Exception):
    sqlstate = "42703"


def lost_connection():
    exc = OperationalError("terminating connection due to administrator command")
    exc.__cause__ = _AdminShutdown()
    return exc


def _wrapped(cause, cls=OperationalError):
    exc = cls(str(cause))
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (lost_connection(), True),
        (_wrapped(type("CannotConnectNow", (Exception,), {"sqlstate": "57P03"})()), True),
        (_wrapped(type("ConnectionFailure", (Exception,), {"sqlstate": "08006"})()), True),
        (_wrapped(Exception("connection refused")), True),  # no SQLSTATE: never reached the server
        (InterfaceError("connection already closed"), True),
        (_wrapped(sqlite3.OperationalError("database is locked")), True),
        (_wrapped(_UndefinedColumn()), False),  # a fault in the code stays a 500
        (_wrapped(sqlite3.OperationalError("no such table: appeals_appeal")), False),
        (IntegrityError("duplicate key"), False),
        (ValueError("x"), False),
    ],
)
def test_only_a_lost_or_refused_connection_counts_as_unavailable(exc, expected):
    assert is_connection_error(exc) is expected


def _cut_at_the_task_row(box):
    """The connection is lost when the intake writes its one task row, the last write before the
    commit: the appeal, its number, its event and its rollup mark are already written."""
    raise lost_connection()


def _cut_after_the_statement(real):
    """On PostgreSQL with the tasks in the database the intake is one statement, task row included
    (``numbering.insert_whole``): the connection is lost as its answer comes back."""

    def cut(*args, **kwargs):
        real(*args, **kwargs)
        raise lost_connection()

    return cut


def test_api_submission_cut_off_answers_503_in_the_error_shape_and_writes_nothing(cast, cats, settings):
    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    from shanzhi.appeals import outbox

    body = {
        "channel": "on_behalf",
        "title": "来电反映路灯不亮",
        "description": "小区东门路灯坏了。",
        "category": cats.neighbour_noise.code,
        "node_id": cast.community.pk,
    }
    headers = {"Authorization": f"Bearer {issue_api_token(cast.zhang)}", "Idempotency-Key": "cut-1"}
    with (
        mock.patch.object(outbox, "_flush", _cut_at_the_task_row),
        mock.patch.object(
            numbering, "_insert_with_counter", _cut_after_the_statement(numbering._insert_with_counter)
        ),
    ):
        response = Client().post(
            reverse("api:appeals_submit"), json.dumps(body), content_type="application/json", headers=headers
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "code": "unavailable",
        "message": "系统暂时无法访问数据库，请稍后重试。",
        "field": None,
    }
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()
    assert not DBTaskResult.objects.exists()
    # The client retries with the same key once the database is back: one appeal.
    retry = Client().post(
        reverse("api:appeals_submit"), json.dumps(body), content_type="application/json", headers=headers
    )
    assert retry.status_code == 201 and Appeal.objects.count() == 1


def test_page_submission_cut_off_answers_a_friendly_503_and_writes_nothing(cast, cats, login):
    from shanzhi.appeals import outbox

    client = login(cast.zhang)
    with mock.patch.object(outbox, "_flush", _cut_at_the_task_row):
        response = client.post(reverse("appeals:submit"), staff_form(cats, node=cast.community.pk))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "服务暂时不可用" in page and "Traceback" not in page
    assert not Appeal.objects.exists()


def test_a_connection_lost_in_a_middleware_is_a_503_too(cast, login):
    client = login(cast.zhang)
    client.raise_request_exception = False
    with mock.patch.object(SessionStore, "save", side_effect=lost_connection()):
        response = client.get(reverse("appeals:worklist"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "服务暂时不可用" in response.content.decode()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_gets_its_own_error_list(db, fmt):
    with mock.patch("shanzhi.appeals.views.open311._categories", side_effect=lost_connection()):
        response = Client().get(reverse("open311:services", args=[fmt]))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    if fmt == "json":
        assert response.json() == [{"code": 503, "description": "系统暂时无法访问数据库，请稍后重试。"}]
    else:
        assert b"<code>503</code>" in response.content


def test_any_other_database_error_stays_a_500(cast, login):
    client = login(cast.zhang)
    client.raise_request_exception = False
    with mock.patch.object(SessionStore, "save", side_effect=_wrapped(_UndefinedColumn())):
        response = client.get(reverse("appeals:worklist"))
    assert response.status_code == 500 and not response.has_header("Retry-After")


@pytest.mark.django_db(transaction=True)
def test_a_notification_task_run_again_after_a_lost_connection_notifies_once(
    cast, cats, settings, monkeypatch
):
    """The worker wrote the in-app notifications, then lost its connection before marking the
    task done: run again, the task reaches nobody twice."""
    from django_tasks_db.models import DBTaskResult

    from shanzhi.appeals.models import Notification
    from shanzhi.appeals.services import notify
    from shanzhi.core.management.commands.run_worker import SupervisedWorker

    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}
    notify.send("resolved", None, [cast.zhang, cast.chen], "诉求已办结。")
    real, cuts = DBTaskResult.set_successful, []

    def set_successful(self, value):
        if not cuts:
            cuts.append(1)
            raise lost_connection()
        return real(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    monkeypatch.setattr(
        DBTaskResult, "set_failed", lambda self, exc: (_ for _ in ()).throw(lost_connection())
    )
    w = SupervisedWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="host-1",
        excluded_queue_names=[],
        max_backoff=1,
    )
    w.sleep = lambda s: None
    w.run()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL" and w.reconnects == 1
    assert sorted(Notification.objects.filter(kind="resolved").values_list("user_id", flat=True)) == sorted(
        [cast.zhang.pk, cast.chen.pk]
    )
