"""The database task backend (``core.taskrows``): the row django-tasks-db would write, and the
result and ``task_enqueued`` signal its own ``enqueue`` gives."""

import pytest
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from shanzhi.appeals.tasks import deliver_notifications


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}


def test_enqueue_returns_the_result_the_row_gives(db, db_tasks):
    sent = []

    def receiver(sender, task_result, **kwargs):
        sent.append(task_result)

    task_enqueued.connect(receiver)
    try:
        result = deliver_notifications.using(priority=5).enqueue(
            [["received", None, [1], "x", "", None]], True
        )
    finally:
        task_enqueued.disconnect(receiver)
    assert sent == [result]
    row = DBTaskResult.objects.get(id=result.id)
    expected = row.task_result  # django-tasks-db's own, the task imported again by its path
    for name in ("id", "status", "enqueued_at", "started_at", "finished_at", "args", "kwargs", "backend"):
        assert getattr(result, name) == getattr(expected, name), name
    assert result.worker_ids == expected.worker_ids and result.errors == expected.errors == []
    assert result.task == expected.task and result.task.priority == 5
    assert result.task.module_path == row.task_path == deliver_notifications.module_path
    assert row.args_kwargs == {"args": [[["received", None, [1], "x", "", None]], True], "kwargs": {}}
