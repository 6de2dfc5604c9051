"""Which task attempt is running in this thread, for tasks that must not repeat their effects.

A worker that loses its connection after a task wrote its rows but before the result was marked
successful runs the task again (``run_worker`` puts it back). A task whose effect is not keyed by
a job row (a notification) asks ``retry_since()``: on a second attempt it is the time the task was
enqueued, and what it already wrote since then is not written again.
"""

from contextvars import ContextVar

from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started

_current = ContextVar("shanzhi_task_result", default=None)


@receiver(task_started)
def _started(sender, task_result, **kwargs):
    _current.set(task_result)


@receiver(task_finished)
def _finished(sender, task_result, **kwargs):
    _current.set(None)


def retry_since():
    """The enqueue time of the running task when this is not its first attempt, else None."""
    result = _current.get()
    if result is None or result.attempts <= 1:
        return None
    return result.enqueued_at
