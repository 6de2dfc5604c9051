"""`manage.py run_worker`: a lost connection in the middle of a turn is survived, and the task it
had claimed is run again instead of staying RUNNING for ever."""

import pytest
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from shanzhi.core.management.commands.run_worker import SupervisedWorker, requeue_claimed
from shanzhi.core.tasks import verify_chains_task

pytestmark = pytest.mark.django_db(transaction=True)


class _AdminShutdown(Exception):
    sqlstate = "57P01"


def lost_connection():
    exc = OperationalError("terminating connection due to administrator command")
    exc.__cause__ = _AdminShutdown()
    return exc


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}


def worker(**kw):
    w = SupervisedWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="host-1",
        excluded_queue_names=[],
        max_backoff=4,
    )
    w.slept = []
    w.sleep = w.slept.append
    return w


def _enqueue_check():
    from shanzhi.core.models import ChainCheck

    check = ChainCheck.objects.create(by_username="auditor")
    verify_chains_task.enqueue(check.pk)
    return check


def test_a_task_cut_off_by_a_lost_connection_is_run_again(db_tasks, monkeypatch):
    check = _enqueue_check()
    real = DBTaskResult.set_successful
    cuts = []

    def set_successful(self, value):
        if not cuts:
            cuts.append(self.pk)
            raise lost_connection()  # the task ran; recording its result met a dead connection
        return real(self, value)

    def set_failed(self, exc):
        raise lost_connection()  # and so does recording the failure

    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    monkeypatch.setattr(DBTaskResult, "set_failed", set_failed)
    w = worker()
    w.run()
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL" and result.worker_ids == ["host-1", "host-1"]
    assert w.reconnects == 1 and w.slept == [0.5]
    check.refresh_from_db()
    assert check.finished_at is not None


def test_backoff_doubles_up_to_the_limit_while_the_database_stays_away(db_tasks, monkeypatch):
    outages = iter(range(5))

    def run(self):
        if next(outages, None) is not None:
            raise lost_connection()

    monkeypatch.setattr(db_worker.Worker, "run", run)
    w = worker()
    w.run()
    assert w.slept == [0.5, 1, 2, 4, 4] and w.reconnects == 5


def test_a_fault_in_the_code_is_not_retried(db_tasks, monkeypatch):
    class _UndefinedTable(Exception):
        sqlstate = "42P01"

    def run(self):
        exc = OperationalError("relation does not exist")
        exc.__cause__ = _UndefinedTable()
        raise exc

    monkeypatch.setattr(db_worker.Worker, "run", run)
    w = worker()
    with pytest.raises(OperationalError):
        w.run()
    assert w.slept == []


def test_a_restarted_worker_takes_back_only_its_own_unfinished_tasks(db_tasks):
    for _ in range(3):
        _enqueue_check()
    mine, other, done = DBTaskResult.objects.order_by("enqueued_at")
    mine.claim("host-1")
    other.claim("host-2")  # another live worker's: not ours to take
    done.claim("host-1")
    done.set_successful(True)
    assert requeue_claimed("host-1", "default") == 1
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: "READY", other.pk: "RUNNING", done.pk: "SUCCESSFUL"}


def test_the_worker_never_autoreloads(db_tasks, monkeypatch):
    from django.core.management import call_command

    from shanzhi.core.management.commands import run_worker

    ran = []
    monkeypatch.setattr(run_worker, "run_with_reloader", lambda *a: ran.append("reloader"), raising=False)
    monkeypatch.setattr(db_worker, "run_with_reloader", lambda *a: ran.append("reloader"))
    monkeypatch.setattr(SupervisedWorker, "configure_signals", lambda self: None)
    monkeypatch.setattr(SupervisedWorker, "run", lambda self: ran.append("run"))
    call_command("run_worker", "--reload", "--batch")
    assert ran == ["run"]
