"""The hotline import page's jobs: an uploaded 12345 file is stored, then checked and imported by a
background task (``tasks.import_hotline_task``) through the same ``importing.import_file`` as the
command; the job row carries the progress and, at the end, the report (the pattern of the
registry's roster import)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from ..models import HotlineImportJob
from . import importing

J = HotlineImportJob.Status
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a day's export of a district is far below this
MAX_STORED_ERRORS = 500


def create_job(*, by, uploaded_file):
    """Store the upload and queue its import; the task row commits together with the job."""
    from ..tasks import import_hotline_task

    permissions.require(by, "appeals.import")
    name = Path(uploaded_file.name or "").name[:200]
    if Path(name).suffix.lower() not in (".xlsx", ".csv"):
        raise DomainError(_("只支持 .xlsx 或 .csv 文件。"), field="file")
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("文件太大（最大 %(n)d MB），请分批导入。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="file",
        )
    with transaction.atomic():
        job = HotlineImportJob.objects.create(created_by=by, file=uploaded_file, original_name=name)
        import_hotline_task.enqueue(job.pk)
    return job


def _progress(job):
    def report(phase, done, total):
        job.status, job.processed_rows, job.total_rows = phase, done, total
        job.save(update_fields=["status", "processed_rows", "total_rows"])

    return report


def _finish(job, status, *, report=None, errors=()):
    job.status, job.finished_at = status, timezone.now()
    job.errors = list(errors[:MAX_STORED_ERRORS])
    if len(errors) > MAX_STORED_ERRORS:
        job.errors.append(
            {
                "row": 0,
                "column": "",
                "message": _("另有 %(n)d 处错误未列出。") % {"n": len(errors) - MAX_STORED_ERRORS},
            }
        )
    if report is not None:
        job.created_numbers, job.skipped = report.created, report.skipped
        job.processed_rows = job.total_rows
    job.save(
        update_fields=["status", "finished_at", "errors", "created_numbers", "skipped", "processed_rows"]
    )


def run(job):
    """The task's work: import the job's file, moving the job through its statuses; the upload is
    deleted afterwards whatever happened (it holds phone numbers in clear text)."""
    try:
        job.status = J.VALIDATING
        job.save(update_fields=["status"])
        with job.file.open("rb") as f:
            data = f.read()
        report = importing.import_file(data, job.original_name, by=job.created_by, progress=_progress(job))
        _finish(job, J.DONE, report=report)
    except importing.HotlineFileRejected as exc:
        _finish(job, J.REJECTED, errors=exc.errors)
    except PermissionDenied:
        _finish(job, J.FAILED, errors=[{"row": 0, "column": "", "message": _("您已无权导入热线工单。")}])
    except Exception:
        _finish(
            job,
            J.FAILED,
            errors=[
                {"row": 0, "column": "", "message": _("导入时发生系统错误，未导入任何工单；请联系管理员。")}
            ],
        )
        raise
    finally:
        if job.file:
            job.file.delete(save=False)
            job.save(update_fields=["file"])
    return job
