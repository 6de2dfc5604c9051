"""One roster file read, checked, imported and audited (``import_file``), and the upload page's
jobs that run it in the background."""

import logging
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent

from ..models import ImportJob
from .checking import check_rows
from .reading import MAX_STORED_ERRORS, RosterRejected, file_error, read_rows
from .writing import check_permission, import_rows

logger = logging.getLogger(__name__)

# --- jobs --------------------------------------------------------------------------------------


def create_import_job(*, by, scope, uploaded_file):
    """Store the upload and queue its import; the task row commits together with the job."""
    from ..tasks import import_roster_task

    check_permission(by, scope)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=by, scope=scope, file=uploaded_file, original_name=Path(uploaded_file.name).name[:200]
        )
        import_roster_task.enqueue(job.pk)
    return job


def _finish(job, status, *, errors=(), counts=None):
    job.status = status
    job.finished_at = timezone.now()
    job.errors = list(errors[:MAX_STORED_ERRORS])
    if len(errors) > MAX_STORED_ERRORS:
        job.errors.append(
            file_error(
                _("另有 %(n)d 处错误未列出，请先改正以上错误。") % {"n": len(errors) - MAX_STORED_ERRORS}
            )
        )
    fields = ["status", "finished_at", "errors", "processed_rows"]
    if counts is not None:
        job.created_count, job.updated_count, job.unchanged_count = (
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )
        job.processed_rows = counts["rows"]
        fields += ["created_count", "updated_count", "unchanged_count"]
    job.save(update_fields=fields)


def _set_phase(job, status, total=None):
    job.status, job.processed_rows = status, 0
    fields = ["status", "processed_rows"]
    if total is not None:
        job.total_rows = total
        fields.append("total_rows")
    job.save(update_fields=fields)


def _discard_file(job):
    """The upload holds ID numbers in clear text: it is deleted once the job has run."""
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file"])


def import_file(source, filename, *, by, scope, job=None, progress_for=None):
    """Read, check and import one roster file into ``scope``; audit the outcome, whatever it is.

    ``source`` is a path or an open binary file. ``job`` (the upload page's) is moved through its
    statuses and shows the progress; ``progress_for(total)`` may give a ``progress(phase, done)``
    callback once the number of rows is known (the command's stderr). A refused permission and a
    rejected file (RosterRejected: nothing written) are audited, then raised.
    """
    try:
        check_permission(by, scope)
    except (PermissionDenied, Http404):
        _audit_refusal(by, scope, job, AuditEvent.Outcome.DENIED, {})
        raise
    try:
        rows = read_rows(source, filename)
        progress = _job_progress(job, len(rows)) if job is not None else None
        progress = progress or (progress_for(len(rows)) if progress_for is not None else None)
        errors, records = check_rows(rows, scope=scope, progress=progress)
        if errors:
            raise RosterRejected(errors)
    except RosterRejected as exc:
        _audit_refusal(by, scope, job, AuditEvent.Outcome.FAILURE, {"errors": len(exc.errors)})
        raise
    if job is not None:
        _set_phase(job, ImportJob.Status.IMPORTING)
        progress = None  # the job's progress while writing goes through the side connection
    started = time.monotonic()
    counts = import_rows(rows, by=by, scope=scope, job=job, records=records, progress=progress)
    logger.info("roster import into %s: %d rows in %.1fs", scope.code, len(rows), time.monotonic() - started)
    return counts


def _audit_refusal(by, scope, job, outcome, detail):
    audit.record(
        AuditEvent.Action.IMPORT,
        actor=by,
        outcome=outcome,
        target=job if job is not None else scope,
        detail={"scope": scope.code, **detail},
    )


def _job_progress(job, total):
    _set_phase(job, ImportJob.Status.VALIDATING, total=total)

    def validated(_phase, done):
        job.processed_rows = done
        job.save(update_fields=["processed_rows"])

    return validated


def run_import(job):
    """The upload page's task: import the job's file, moving the job through its statuses."""
    try:
        _set_phase(job, ImportJob.Status.VALIDATING)
        with job.file.open("rb") as f:
            counts = import_file(f, job.original_name, by=job.created_by, scope=job.scope, job=job)
        _finish(job, ImportJob.Status.DONE, counts=counts)
    except RosterRejected as exc:
        _finish(job, ImportJob.Status.REJECTED, errors=exc.errors)
    except (PermissionDenied, Http404):
        _finish(job, ImportJob.Status.FAILED, errors=[file_error(_("您已无权向该范围导入台账。"))])
    except Exception:
        _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[file_error(_("导入时发生系统错误，未导入任何数据；请联系管理员。"))],
        )
        raise
    finally:
        _discard_file(job)
    return job
