"""The 12345 hotline import page (issue 13 §13): upload a file, follow its import, read its report
(the appeals created, the case numbers already imported, the refused rows with their reasons).
The pattern of the registry's roster import; the work is ``services.hotline_jobs``."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from ..models import HotlineImportJob
from ..services import hotline_jobs, importing

JOBS_SHOWN = 50


def _require_importer(user):
    if not permissions.has_role_for(user, "appeals.import"):
        raise PermissionDenied


@never_cache
@require_http_methods(["GET", "POST"])
def hotline_imports(request):
    user = request.user
    _require_importer(user)
    error, status = "", 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("请选择要上传的文件。"), field="file")
            job = hotline_jobs.create_job(by=user, uploaded_file=upload)
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return redirect("appeals:hotline_import", pk=job.pk)
    jobs = permissions.visible(user, HotlineImportJob).order_by("-created_at", "-id")[:JOBS_SHOWN]
    columns = [(header, required) for header, required in importing.COLUMNS.values()]
    return render(
        request,
        "appeals/hotline_imports.html",
        {
            "jobs": jobs,
            "error": error,
            "columns": columns,
            "max_mb": hotline_jobs.MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=status,
    )


@never_cache
@require_GET
def hotline_import(request, pk):
    job = permissions.get_visible_or_404(request.user, HotlineImportJob, pk=pk)
    return render(request, "appeals/hotline_import.html", {"job": job})


@never_cache
@require_GET
def hotline_import_progress(request, pk):
    """The part of the job page that htmx polls every second until the job has finished."""
    job = permissions.get_visible_or_404(request.user, HotlineImportJob, pk=pk)
    return render(request, "appeals/_hotline_progress.html", {"job": job})
