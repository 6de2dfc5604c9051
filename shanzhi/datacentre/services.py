"""Every write of the data centre: issuing, revoking and opening a big screen's token."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit, dbrouter, inputs, workdays
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry.models import Department, OrgNode

from . import reports
from .models import Report, Screen

MANAGE = "datacentre.manage_screens"
# How often an open screen's ``last_seen_at`` is written (it refreshes every minute).
SEEN_RESOLUTION = dt.timedelta(minutes=5)
MAX_REPORT_DAYS = 731  # as the dashboard's period (``queries.period.MAX_DAYS``)


@transaction.atomic
def issue_screen(node, *, label, by):
    """A screen for ``node``; returns (screen, token). The token is shown this once."""
    permissions.require(by, MANAGE, node)
    label = inputs.clean_text(label, "label", max_length=100, required=True, label=_("名称"))
    token = "scr_" + secrets.token_urlsafe(32)
    screen = Screen.objects.create(
        node=node, label=label, prefix=token[:8], digest=Screen.digest_of(token), created_by=by
    )
    audit.record(
        AuditEvent.Action.TOKEN_ISSUED,
        actor=by,
        target=screen,
        detail={"kind": "screen", "node": node.code, "label": label},
    )
    return screen, token


@transaction.atomic
def revoke_screen(screen, *, by):
    permissions.require(by, MANAGE, screen.node)
    screen = Screen.objects.select_for_update().get(pk=screen.pk)
    if screen.revoked_at is None:
        screen.revoked_at = timezone.now()
        screen.save(update_fields=["revoked_at"])
        audit.record(
            AuditEvent.Action.TOKEN_REVOKED,
            actor=by,
            target=screen,
            detail={"kind": "screen", "node": screen.node.code, "prefix": screen.prefix},
        )
    return screen


def open_screen(token, request=None, now=None):
    """The live screen for ``token`` (Http404 for an unknown or revoked one). The first opening
    of a day is audited as a sign-in of the screen; later refreshes only move ``last_seen_at``."""
    now = now or timezone.now()
    screen = (
        Screen.objects.select_related("node")
        .filter(digest=Screen.digest_of(token or ""), revoked_at__isnull=True)
        .first()
    )
    if screen is None:
        raise Http404
    seen = screen.last_seen_at
    if seen is None or now - seen >= SEEN_RESOLUTION:
        Screen.objects.filter(pk=screen.pk).update(last_seen_at=now)
        if seen is None or timezone.localdate(seen) != timezone.localdate(now):
            audit.record(
                AuditEvent.Action.LOGIN,
                request=request,
                target=screen,
                username=f"screen:{screen.prefix}",
                detail={"kind": "screen", "node": screen.node.code},
            )
    return screen


# --- monthly reports ------------------------------------------------------------------------------

REPORT_LEVELS = ("district", "street", "community")
REPORTS = "datacentre.reports"


def _reportable_node(by, node):
    if node.level not in REPORT_LEVELS:
        raise DomainError(_("只能为区、街道、社区生成报告。"), field="node")
    if not permissions.visible(by, OrgNode, REPORTS).filter(pk=node.pk).exists():
        raise Http404


@transaction.atomic
def request_report(*, by, start, last, node=None, department=None):
    """Queue a report of ``node`` or ``department`` for the days [start, last] as ``by`` sees
    them; the task makes the files. Returns the report (its page shows the progress)."""
    permissions.require(by, REPORTS)
    if start is None or last is None:
        raise DomainError(_("请填写开始和结束日期。"), field="start" if start is None else "last")
    if start > last:
        raise DomainError(_("开始日期不能晚于结束日期。"), field="start")
    if (last - start).days >= MAX_REPORT_DAYS:
        raise DomainError(_("时间范围不能超过两年。"), field="start")
    if department is not None:
        grants = by.grants()
        own = any(g.department_id == department.pk for g in grants if g.role == "department_handler")
        district_ok = permissions.visible(by, OrgNode, REPORTS).filter(pk=department.district_id).exists()
        if not (own or district_ok):
            raise Http404
        node = department.district
    elif node is None:
        raise DomainError(_("请选择报告对象。"), field="node")
    else:
        _reportable_node(by, node)
    report = Report.objects.create(node=node, department=department, start=start, last=last, requested_by=by)
    _enqueue(report)
    return report


def _enqueue(report):
    # Imported here, as the registry's jobs do: this module loads at start-up (the schedule's
    # registration), and declaring a task there would bind the task backend before settings end.
    from .tasks import generate_report

    generate_report.enqueue(report.pk)


def _step(report, percent):
    report.percent = percent
    Report.objects.filter(pk=report.pk).update(percent=percent)


def run_report(report, today=None):
    """Make the report's files (the task's body): content, workbook, PDF, with progress between."""
    claimed = Report.objects.filter(pk=report.pk, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, percent=5
    )
    if not claimed:
        return report  # already made (or being made): a retried task does nothing twice
    try:
        # The figures may come from the read replica (core/dbrouter.py): a report is of a period
        # already past, and the rows it claims and updates stay on the primary.
        with dbrouter.replica_reads():
            data = reports.content(report.requested_by, report)
        _step(report, 40)
        name = f"report-{report.pk}-{report.start:%Y%m%d}-{report.last:%Y%m%d}"
        report.xlsx.save(f"{name}.xlsx", ContentFile(reports.xlsx(data)), save=False)
        _step(report, 70)
        report.pdf.save(
            f"{name}.pdf",
            ContentFile(reports.pdf(data, generated_on=today or timezone.localdate())),
            save=False,
        )
    except Exception as exc:
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    Report.objects.filter(pk=report.pk).update(
        xlsx=report.xlsx.name,
        pdf=report.pdf.name,
        status=Report.Status.DONE,
        percent=100,
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


def schedule_monthly(now):
    """The schedule (registered with ``core.periodic``, run by the sweep): from the first working
    day of a month (``core.workdays.first_workday_of_month``), last month's report of every
    district, street and community and of every department, once each (a unique row per subject
    and period). Called on every sweep; before that day, and once they exist, it makes nothing."""
    if not settings.SHANZHI_MONTHLY_REPORTS:
        return 0
    today = timezone.localdate(now)
    if today < workdays.first_workday_of_month(today.year, today.month):
        return 0
    last = today.replace(day=1) - dt.timedelta(days=1)
    start = last.replace(day=1)
    made = 0
    subjects = [(n, None) for n in OrgNode.objects.filter(level__in=REPORT_LEVELS)]
    subjects += [(d.district, d) for d in Department.objects.select_related("district")]
    for node, department in subjects:
        with transaction.atomic():
            report, created = Report.objects.get_or_create(
                node=node, department=department, start=start, last=last, scheduled=True
            )
            if created:
                _enqueue(report)
                made += 1
    return made


def download(report, kind, *, by, request):
    """The file of a report the user may see (checked by the view), audited as an export."""
    field = {"xlsx": report.xlsx, "pdf": report.pdf}.get(kind)
    if report.status != Report.Status.DONE or not field:
        raise Http404
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=by,
        request=request,
        target=report,
        detail={"kind": "datacentre_report", "format": kind, "node": report.node.code},
    )
    return field
