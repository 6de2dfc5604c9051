"""The database task backend (SHANZHI_TASK_BACKEND=db, the default): django-tasks-db's own, its task
row written by one INSERT compiled once per process and prepared (issue 11).

Every intake and every move writes one task row (``appeals.outbox``) in its own transaction.
django-tasks-db writes it with ``DBTaskResult.objects.create``: the ORM builds the same INSERT
again each time, a tenth of an intake's CPU. Here the row is the same model instance, with the
same values and defaults (each field's ``pre_save`` and ``get_db_prep_save``, the model's
``pre_save`` and ``post_save`` signals, as ``create`` does), written by a statement made once;
the returned result and the ``task_enqueued`` signal are the backend's own.
"""

import functools
import logging

from django.db import connections, router
from django.db.models import signals
from django_tasks.base import TaskResultStatus
from django_tasks.signals import log_task_enqueued, task_enqueued
from django_tasks.utils import normalize_json
from django_tasks_db import backend as db_backend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import normalize_uuid

from . import prepared


@functools.cache
def _insert(alias):
    ops = connections[alias].ops
    fields = DBTaskResult._meta.concrete_fields
    table = ops.quote_name(DBTaskResult._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - the model's names
    return sql, fields


_AS_IS = (str, int, float, bool, type(None))


def normalized(value):
    """django-tasks' ``normalize_json`` (a task's arguments as JSON holds them: a tuple becomes a
    list), the plain types by their exact class: its ``match`` asks the ``Mapping`` and
    ``Sequence`` ABCs about every value, 11 µs for an intake's notices. Anything else (a subclass,
    bytes, a type it refuses) goes to it (``core/tests/test_taskrows.py`` compares the two)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {normalized(k): normalized(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [normalized(v) for v in value]
    return normalize_json(value)


# ``DBTaskResult(**values)`` without Django's per-field keyword search (``prepared.Constructor``).
_NEW_ROW = prepared.Constructor(DBTaskResult)


class DatabaseBackend(db_backend.DatabaseBackend):
    def enqueue(self, task, args, kwargs):
        """django-tasks-db's ``enqueue``, its result built once: it built the same ``TaskResult``
        twice (for the ``task_enqueued`` signal, then to return), importing the task again each time."""
        self.validate_task(task)
        return self.enqueued(self._task_to_db_task(task, args, kwargs), task)

    def _task_to_db_task(self, task, args, kwargs):
        row = self.new_row(task, args, kwargs)
        alias = router.db_for_write(DBTaskResult)
        connection = connections[alias]
        sql, fields = _insert(alias)
        params = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
        with prepared.cursor(alias) as cursor:
            cursor.execute(sql, params)
        self.written(row, alias)
        return row

    def new_row(self, task, args, kwargs):
        """The task row, not saved, its ``pre_save`` signal sent as ``save`` sends it (django-tasks-db
        sets ``run_after`` in one). A caller that writes it in a statement of its own (the intake:
        ``appeals.services.numbering``) then calls ``written`` and ``enqueued``."""
        self.validate_task(task)
        row = _NEW_ROW(
            id=self._get_id(),
            args_kwargs=normalized({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        alias = router.db_for_write(DBTaskResult)
        signals.pre_save.send(DBTaskResult, instance=row, raw=False, using=alias, update_fields=None)
        return row

    def written(self, row, alias):
        """The row is in the database: its state and ``post_save`` signal, as ``save`` leaves them."""
        row._state.adding, row._state.db = False, alias
        signals.post_save.send(
            DBTaskResult, instance=row, created=True, update_fields=None, raw=False, using=alias
        )

    def enqueued(self, row, task):
        """The result, and the ``task_enqueued`` signal that django-tasks-db's own ``enqueue``
        sends. The result is ``row.task_result`` made with the ``task`` just enqueued (the row's
        ``task`` property imports it again by its path and copies it with the row's options: the
        same task, at a fifth of an intake's task row)."""
        result = db_backend.TaskResult(
            db_result=row,
            task=task if task.backend == row.backend_name else task.using(backend=row.backend_name),
            id=normalize_uuid(row.id),
            status=TaskResultStatus[row.status],
            enqueued_at=row.enqueued_at,
            started_at=row.started_at,
            last_attempted_at=row.started_at,
            finished_at=row.finished_at,
            args=row.args_kwargs["args"],
            kwargs=row.args_kwargs["kwargs"],
            backend=row.backend_name,
            errors=[],
            worker_ids=row.worker_ids,
        )
        object.__setattr__(result, "_return_value", row.return_value)
        db_backend.task_enqueued.send(type(self), task_result=result)
        return result

    def announce(self, row, task):
        """``enqueued`` for a caller with no use for the result (the intake): the result is made
        and the signal sent only when someone would hear it. django-tasks connects its own log
        line to ``task_enqueued``, which writes nothing unless its logger is on at DEBUG; building
        the result (its arguments normalised again) and sending the signal for it alone was a
        twentieth of an intake's CPU."""
        if _heard(type(self)):
            self.enqueued(row, task)


_TASKS_LOG = logging.getLogger("django_tasks")  # the logger of django-tasks' own log lines


def _heard(sender):
    """Whether ``task_enqueued`` from ``sender`` reaches anyone: a receiver other than
    django-tasks' log line, or that line with its logger on at DEBUG. The receivers are read as
    ``Signal.has_listeners`` reads them (``core/tests/test_taskrows.py`` holds this to it)."""
    if _TASKS_LOG.isEnabledFor(logging.DEBUG):
        return True
    sync, asynchronous = task_enqueued._live_receivers(sender)  # noqa: SLF001 - as has_listeners
    return any(receiver is not log_task_enqueued for receiver in (*sync, *asynchronous))
