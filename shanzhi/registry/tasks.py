"""Background work of the registry (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from .importing import run_import
from .models import ImportJob


@task()
def import_roster_task(job_id):
    """Validate and import one uploaded roster; the job row carries status, progress and errors."""
    job = ImportJob.objects.select_related("created_by", "scope").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job.status  # already run: a retried task must not import twice
    return run_import(job).status
