"""``manage.py run_worker``: django-tasks-db's ``db_worker`` that survives the database going away.

db_worker checks its connection at the top of each turn, but a connection lost *during* a turn
(PostgreSQL restarted, the backend terminated) raises out of its loop. Under the autoreloader the
worker thread then dies while the process lives on, processing nothing; without it the process
exits. Here the loop is supervised in-process: on a lost connection the worker drops its
connections, waits (doubling from 0.5 s up to ``--max-backoff``) and starts the loop again.

A task it had claimed when the connection went (or that failed because it went) is put back to READY before the loop restarts (its
result row still says RUNNING under this worker's id, and nothing else will ever run it). The same
happens at start-up, so a worker restarted by its supervisor under the same ``--worker-id``
(scripts/serve.sh passes one) picks up what it was running when it died. Tasks are written to be
run again safely (each checks its job row, or writes nothing twice).

Any other error is not the database being away: it ends the process, for the supervisor to see.
"""

import logging
import time

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from shanzhi.core.dbfaults import is_connection_error

logger = logging.getLogger("shanzhi.worker")

FIRST_BACKOFF = 0.5


def requeue_claimed(worker_id, backend_name):
    """Put back the tasks this worker id claimed and never finished; returns how many."""
    stale = [
        pk
        for pk, ids in DBTaskResult.objects.running()
        .filter(backend_name=backend_name)
        .values_list("pk", "worker_ids")
        if ids and ids[-1] == worker_id
    ]
    if not stale:
        return 0
    count = DBTaskResult.objects.filter(pk__in=stale, status="RUNNING").update(
        status="READY", started_at=None
    )
    logger.warning("worker %s: %d unfinished task(s) put back in the queue", worker_id, count)
    return count


class SupervisedWorker(db_worker.Worker):
    def __init__(self, *, max_backoff, **kwargs):
        super().__init__(**kwargs)
        self.max_backoff = max_backoff
        self.reconnects = 0

    def run(self):
        backoff = FIRST_BACKOFF
        while self.running:
            started = time.monotonic()
            try:
                requeue_claimed(self.worker_id, self.backend_name)
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                if not is_connection_error(exc):
                    raise
                if time.monotonic() - started > 2 * self.max_backoff:
                    backoff = FIRST_BACKOFF  # it ran well for a while: this is a new outage
                self.reconnects += 1
                logger.warning(
                    "worker %s: database connection lost (%s); retrying in %.1f s",
                    self.worker_id,
                    type(exc.__cause__ or exc).__name__,
                    backoff,
                )
                self.running_task = False
                connections.close_all()
                self.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
        return None

    def run_task(self, db_task_result):
        """A task that failed while the database connection went away did not fail: it met the
        outage (a notification backend that caught the error and reported it, a query cut off).
        It is not marked FAILED but put back, through the reconnect above."""
        conn = connections[db_task_result._state.db or "default"]
        before = conn.connection
        record_failure = db_task_result.set_failed

        def set_failed(exc):
            if is_connection_error(exc) or conn.connection is not before or not conn.is_usable():
                raise InterfaceError("the database connection was lost while the task ran") from exc
            record_failure(exc)

        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    def sleep(self, seconds):
        time.sleep(seconds)


class Command(db_worker.Command):
    help = "Run the database task worker, reconnecting when the database goes away (never autoreloads)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=30.0,
            help="The longest wait, in seconds, between reconnection attempts (default: %(default)r)",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        max_backoff,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SupervisedWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            max_backoff=max_backoff,
        )
        # No autoreloader, whatever DEBUG says: under it a dead loop leaves a live process.
        worker.configure_signals()
        worker.run()
