"""The RQ task backend (SHANZHI_TASK_BACKEND=rq): django-tasks-rq, enqueued when the move commits.

With the database backend a task row is written in the move's own transaction, so it exists
exactly when the move does. Redis is outside that transaction: a job pushed at once could run
before the move is visible to the worker, or after the move was rolled back. So a task enqueued
inside ``atomic()`` is pushed from ``on_commit`` (a rolled-back move queues nothing); the returned
result carries the id the job will have. Redis being down then is logged, and the committed move
stands (its request does not fail after the fact). The backend's ``ENQUEUE_ON_COMMIT`` option (default on)
turns this off for the tests, which run inside one transaction that never commits.
"""

import threading

from django.db import transaction
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from django_tasks_rq import backend as rq_backend

_ID_LOCK = threading.Lock()


class RQBackend(rq_backend.RQBackend):
    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.enqueue_on_commit = params.get("OPTIONS", {}).get("ENQUEUE_ON_COMMIT", True)

    def enqueue(self, task, args, kwargs):
        if not (self.enqueue_on_commit and transaction.get_connection().in_atomic_block):
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        result_id = get_random_id()
        transaction.on_commit(lambda: self._enqueue_as(result_id, task, args, kwargs), robust=True)
        return TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

    def _enqueue_as(self, result_id, task, args, kwargs):
        # django-tasks-rq draws the id itself; give it the one already handed to the caller.
        with _ID_LOCK:
            original = rq_backend.get_random_id
            rq_backend.get_random_id = lambda: result_id
            try:
                super().enqueue(task, args, kwargs)
            finally:
                rq_backend.get_random_id = original
