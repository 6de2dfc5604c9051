"""Background work of the appeals app. Enqueued inside the move's transaction, so it is durable
exactly when the move is (django-tasks-db stores the task in the same database)."""

from django_tasks import task


@task()
def deliver_notification(kind, appeal_id, user_ids, text):
    from .services import notify

    return notify.deliver(kind, appeal_id, user_ids, text)


@task()
def drain_rollups():
    """Refresh the metrics rollup cells that moves marked (see ``rollups``); safe to run at any time."""
    from . import rollups

    return rollups.drain()


@task()
def recompute_deadlines(job_id):
    """Provisional deadlines recomputed after a year's holiday notice was completed (``recompute``)."""
    from .services import recompute

    return recompute.run(job_id)
