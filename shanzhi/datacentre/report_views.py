"""The report archive (request a report for any period, watch it being made, download it) and
the public data page (公开, no login)."""

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanzhi.accounts import permissions, publicdata
from shanzhi.appeals import metrics
from shanzhi.appeals import public as appeal_public
from shanzhi.core import inputs
from shanzhi.core.dbrouter import replica_view
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Department, OrgNode

from . import services
from .access import REPORTS
from .models import Report
from .queries import RATES

SHOWN = 100


def _subjects(user):
    """The nodes and departments the user may ask a report of, as (value, label) choices."""
    nodes = permissions.visible(user, OrgNode, REPORTS).filter(level__in=services.REPORT_LEVELS)
    choices = [(f"n:{n.pk}", n.name) for n in nodes.order_by("path")[:500]]
    own = [g.department_id for g in user.grants() if g.role == "department_handler" and g.department_id]
    districts = nodes.filter(level="district")
    depts = Department.objects.filter(pk__in=own) | Department.objects.filter(district__in=districts)
    choices += [(f"d:{d.pk}", _("部门：%(n)s") % {"n": d.name}) for d in depts.distinct().order_by("name")]
    return choices


def _parse_subject(value):
    kind, _sep, pk = (value or "").partition(":")
    pk = inputs.parse_int(pk, "subject", label=_("报告对象"))
    if kind == "n":
        return {"node": OrgNode.objects.filter(pk=pk).first() or _missing()}
    if kind == "d":
        return {
            "department": Department.objects.filter(pk=pk).select_related("district").first() or _missing()
        }
    raise DomainError(_("请选择报告对象。"), field="subject")


def _missing():
    # An unknown node or department answers as one out of sight does (a 404), so the form tells
    # nobody which ids exist.
    raise Http404


def _last_month(today):
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@never_cache
@replica_view
def report_list(request):
    user = request.user
    permissions.require(user, REPORTS)
    start, last = _last_month(timezone.localdate())
    error, status, values = "", 200, {"start": start.isoformat(), "last": last.isoformat(), "subject": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            subject = _parse_subject(values["subject"])
            report = services.request_report(
                by=user,
                start=inputs.parse_date(values["start"], "start", required=True, label=_("开始日期")),
                last=inputs.parse_date(values["last"], "last", required=True, label=_("结束日期")),
                **subject,
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return redirect("datacentre:report", pk=report.pk)
    archive = permissions.visible(user, Report).select_related("node", "department", "requested_by")
    context = {"subjects": _subjects(user), "values": values, "error": error, "reports": archive[:SHOWN]}
    return render(request, "datacentre/reports.html", context, status=status)


def _report_context(request, pk):
    report = permissions.get_visible_or_404(request.user, Report, pk=pk)
    return {"report": report}


@never_cache
@require_GET
@replica_view
def report_detail(request, pk):
    return render(request, "datacentre/report.html", _report_context(request, pk))


@never_cache
@require_GET
@replica_view
def report_progress(request, pk):
    """The part of the report's page that htmx polls every second until it is made."""
    return render(request, "datacentre/_report_progress.html", _report_context(request, pk))


@never_cache
@require_GET
@replica_view
def report_file(request, pk, kind):
    report = permissions.get_visible_or_404(request.user, Report, pk=pk)
    field = services.download(report, kind, by=request.user, request=request)
    name = f"{report.subject}_{report.start:%Y%m%d}-{report.last:%Y%m%d}.{kind}"
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


def public_figures(start, last):
    """Appeals received and closed and the 三率 per community for [start, last], from the
    rollups (``appeals.public.public_stats``: counts only, no person)."""
    days, months = appeal_public.public_stats()
    begin, end = metrics.period(start, last + dt.timedelta(days=1))
    units, total = metrics.compute(days, "community", begin, end, months=months)
    rows = [
        {"name": u.name, "received": u.received, "resolved": u.resolved, **{r: getattr(u, r) for r in RATES}}
        for u in units
        if u.key is not None
    ]
    rows.sort(key=lambda r: r["name"])
    return rows, total


@login_not_required
@never_cache
@require_GET
@replica_view
def public_page(request):
    """公开: the last complete month's figures by community, and what the apps publish."""
    start, last = _last_month(timezone.localdate())
    rows, total = public_figures(start, last)
    context = {
        "start": start,
        "last": last,
        "rows": rows,
        "total": total,
        "sections": publicdata.sections(start, last + dt.timedelta(days=1)),
    }
    return render(request, "datacentre/public.html", context)
