"""The metrics page (staff, scoped), its .xlsx export, and the public disclosure page."""

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from openpyxl import Workbook

from shanzhi.accounts import permissions
from shanzhi.core import audit, inputs, spreadsheets
from shanzhi.core.models import AuditEvent

from .. import metrics, public
from ..models import Appeal

PUBLIC_DAYS = 90


def _params(request):
    dimension = request.GET.get("dimension") or "grid"
    if dimension not in metrics.DIMENSIONS:
        dimension = "grid"
    # A malformed date is a 400 naming the field (core.inputs; answered by InputGuardMiddleware).
    start = inputs.parse_date(request.GET.get("start"), "start", label=_("开始日期"))
    end = inputs.parse_date(request.GET.get("end"), "end", label=_("结束日期"))
    if start and end and start > end:
        start, end = end, start
    min_cases = inputs.parse_int(request.GET.get("min_cases"), "min_cases", min_value=0, max_value=10**6)
    if min_cases is None:
        min_cases = metrics.DEFAULT_MIN_CASES
    # The end date is inclusive on the form: the period runs to the next midnight.
    return dimension, start, (end + dt.timedelta(days=1)) if end else None, min_cases


def _computed(request):
    user = request.user
    permissions.require(user, "appeals.view_metrics")
    dimension, start, end, min_cases = _params(request)
    start_at, end_at = metrics.period(start, end)
    days, months = metrics.stats_for(user)
    units, total = metrics.compute(days, dimension, start_at, end_at, months=months)
    return {
        "dimension": dimension,
        "start": timezone.localdate(start_at),
        "end": timezone.localdate(end_at) - dt.timedelta(days=1),
        "min_cases": min_cases,
        "units": units,
        "total": total,
        "ranked": metrics.ranking(units, min_cases),
    }


@never_cache
def metrics_page(request):
    context = _computed(request)
    context["dimensions"] = metrics.DIMENSIONS.items()
    context["columns"] = metrics.COLUMNS
    context["chart"] = {
        "names": [u.name for u in context["ranked"]],
        "on_time": [u.on_time_rate for u in context["ranked"]],
        "satisfaction": [u.satisfaction_rate for u in context["ranked"]],
        "labels": [str(_("按期结案率%")), str(_("满意率%"))],
    }
    return render(request, "appeals/metrics.html", context)


@never_cache
def metrics_export(request):
    context = _computed(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(metrics.DIMENSIONS[context["dimension"]]))
    sheet.append([f"{context['start']:%Y-%m-%d} ~ {context['end']:%Y-%m-%d}"])
    sheet.append([str(c) for c in metrics.COLUMNS])
    for unit in context["units"]:
        spreadsheets.append(sheet, unit.as_row())
    spreadsheets.append(sheet, context["total"].as_row())
    ranked = book.create_sheet(str(_("排名")))
    ranked.append([str(_("名次"))] + [str(c) for c in metrics.COLUMNS])
    for i, unit in enumerate(context["ranked"], start=1):
        spreadsheets.append(ranked, [i] + unit.as_row())
    data = spreadsheets.xlsx_bytes(book)
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=request.user,
        request=request,
        detail={
            "what": "appeals_metrics",
            "dimension": context["dimension"],
            "start": str(context["start"]),
            "end": str(context["end"]),
        },
    )
    return spreadsheets.xlsx_response(data, f"appeals-metrics-{context['dimension']}.xlsx")


@login_not_required
def disclosure(request):
    """No login: closed appeals without any person in them, and the loop's figures."""
    start_at, end_at = metrics.period(timezone.localdate() - dt.timedelta(days=PUBLIC_DAYS), None)
    rows = (
        public.public_appeals()
        .filter(status=Appeal.Status.CLOSED, closed_at__gte=start_at)
        .order_by("-closed_at")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for a in page:
        a.public_title = public.public_title(a)
        a.place = public.place_name(a)
    days, months = public.public_stats()
    _units, total = metrics.compute(days, "category", start_at, end_at, months=months)
    return render(request, "appeals/disclosure.html", {"page": page, "total": total, "days": PUBLIC_DAYS})
