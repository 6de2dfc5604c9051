"""Background work of core (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from . import chain
from .models import ChainCheck


@task()
def verify_chains_task(check_id):
    check = ChainCheck.objects.get(pk=check_id)
    if check.finished_at is not None:
        return check.ok  # already run: a retried task walks nothing twice
    return chain.run_check(check).ok
