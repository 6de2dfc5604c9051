"""Background work of red property (django-tasks; `manage.py run_worker` runs it)."""

from django_tasks import task

from .models import EvaluationRun
from .services import evaluations


@task()
def run_evaluation_task(run_id):
    """Score every company of a period; the run row carries the progress (a retried task finds the
    run no longer queued and does nothing)."""
    return evaluations.run(EvaluationRun.objects.select_related("period").get(pk=run_id)).status
