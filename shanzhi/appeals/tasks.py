"""Background work of the appeals app. Enqueued inside the move's transaction, so it is durable
exactly when the move is (django-tasks-db stores the task in the same database)."""

from django_tasks import task


@task()
def deliver_notification(kind, appeal_id, user_ids, text):
    from .services import notify

    return notify.deliver(kind, appeal_id, user_ids, text)


@task()
def deliver_notifications(notices, drain_rollups=False):
    """A transaction's notices ((kind, appeal_id, user_ids, text, to_path, exclude_id) each) and,
    when it marked a rollup cell, the drain: the one task row a move writes (``outbox``). Each
    notice is delivered on its own; a failure is raised at the end, after the others and the drain."""
    from . import rollups
    from .services import notify

    failed = []
    try:
        for kind, appeal_id, user_ids, text, to_path, exclude_id in notices:
            ids = set(user_ids) | set(notify.node_staff(to_path) if to_path else ())
            ids.discard(exclude_id)
            if not ids:
                continue
            try:
                notify.deliver(kind, appeal_id, sorted(ids), text)
            except notify.DeliveryFailed as exc:
                failed.append(str(exc))
    finally:
        if drain_rollups:
            rollups.drain()
    if failed:
        raise notify.DeliveryFailed("; ".join(failed))
    return len(notices)


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


@task()
def import_hotline_task(job_id):
    """Check and import one uploaded 12345 file; the job row carries status, progress and the report."""
    from .models import HotlineImportJob
    from .services import hotline_jobs

    job = HotlineImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != HotlineImportJob.Status.QUEUED:
        return job.status  # already run: a retried task must not import twice
    return hotline_jobs.run(job).status
