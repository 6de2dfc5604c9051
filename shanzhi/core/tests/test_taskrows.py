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


@pytest.mark.parametrize(
    "value",
    [
        {"args": ([("submitted", None, [], "新诉求", "1/2/", 5), ("received", 7, [3], "x", "", None)], True)},
        {"args": [1, 2.5, True, None, "", "文字"], "kwargs": {"a": (1, [2, (3,)]), "b": {"c": {}}}},
        {"args": [b"bytes", "x"], "kwargs": {}},  # bytes: decoded, as django-tasks does
        {"args": [DBTaskResult.status.field.choices[0][0]], "kwargs": {}},
        {1: "an integer key", "k": frozenset()},  # what it refuses, refused alike
        {"args": [b"\xff"], "kwargs": {}},
    ],
)
def test_arguments_are_normalised_as_django_tasks_normalises_them(value):
    from django_tasks.utils import normalize_json

    from shanzhi.core.taskrows import normalized

    def outcome(function):
        try:
            result = function(value)
        except (TypeError, ValueError) as exc:
            return type(exc)
        return result, repr(result)  # the same types too: a list, not a tuple

    assert outcome(normalized) == outcome(normalize_json)


def test_the_signal_is_heard_by_a_receiver_or_by_django_tasks_log_line_at_debug(caplog):
    from shanzhi.core.taskrows import DatabaseBackend, _heard

    caplog.set_level("INFO", logger="django_tasks")
    assert task_enqueued.has_listeners(DatabaseBackend)  # django-tasks' own log line
    assert not _heard(DatabaseBackend)  # which writes nothing above DEBUG

    def receiver(sender, task_result, **kwargs):
        pass

    task_enqueued.connect(receiver)
    try:
        assert _heard(DatabaseBackend)
    finally:
        task_enqueued.disconnect(receiver)
    assert not _heard(DatabaseBackend)
    caplog.set_level("DEBUG", logger="django_tasks")
    assert _heard(DatabaseBackend)


def test_announce_builds_the_result_only_when_heard(db, db_tasks, caplog, monkeypatch):
    from shanzhi.core import taskrows

    caplog.set_level("INFO", logger="django_tasks")
    backend = deliver_notifications.get_backend()
    made = []
    monkeypatch.setattr(taskrows.DatabaseBackend, "enqueued", lambda self, row, task: made.append(row))
    row = backend.new_row(deliver_notifications, ([], True), {})
    backend.announce(row, deliver_notifications)
    assert made == []
    caplog.set_level("DEBUG", logger="django_tasks")
    backend.announce(row, deliver_notifications)
    assert made == [row]
