"""Background work of the data centre (django-tasks; `manage.py run_worker` runs it)."""

from django_tasks import task

from .models import Report


@task()
def generate_report(report_id):
    """Make one report's workbook and PDF; the report row carries status and progress."""
    from . import services

    report = Report.objects.select_related("node", "department", "requested_by").get(pk=report_id)
    return services.run_report(report).status
