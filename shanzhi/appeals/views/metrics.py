"""The metrics page (staff, scoped), its .xlsx export, and the public disclosure page."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
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
    # None: the district's rules (MetricsRules) decide the minimum sample.
    min_cases = inputs.parse_int(request.GET.get("min_cases"), "min_cases", min_value=0, max_value=10**6)
    # The end date is inclusive on the form: the period runs to the next midnight.
    return dimension, start, (end + dt.timedelta(days=1)) if end else None, min_cases


def _computed(request):
    dimension, start, end, min_cases = _params(request)
    return metrics.report(request.user, dimension, start, end, min_cases)


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


_CJK_RUN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")

# The definitions as published: Chinese (the source, in the words of the hotline assessment
# documents) and its English version; the page shows the one in the reader's language.
DEFINITIONS = {
    "zh-hans": settings.BASE_DIR / "docs" / "metrics.md",
    "en": settings.BASE_DIR / "docs" / "metrics.en.md",
}


@never_cache
def metrics_definitions(request):
    """docs/metrics.md (or metrics.en.md), the definitions of the figures, for those who read them
    (plain text: the one document is the source, whatever reads it)."""
    permissions.require(request.user, "appeals.view_metrics")
    language = "en" if get_language() == "en" else "zh-hans"
    text = DEFINITIONS[language].read_text(encoding="utf-8")
    if language == "en":
        # The English text keeps each term's Chinese name beside it (收到, 回访 …): marked as
        # Chinese, so that a screen reader reads it in Chinese.
        marked = _CJK_RUN.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', str(escape(text)))
        text = mark_safe(marked)  # noqa: S308 - the file's text was escaped first
    return render(request, "appeals/metrics_definitions.html", {"text": text, "text_language": language})


PART_COLUMNS = [
    gettext_lazy("职能部门"),
    gettext_lazy("吹哨次数"),
    gettext_lazy("按时报到"),
    gettext_lazy("按时报到率%"),
    gettext_lazy("按期完成"),
    gettext_lazy("按期完成率%"),
]


def _part_row(u):
    return [u.name, u.summoned, u.reported_on_time, u.report_rate, u.finished_on_time, u.finish_rate]


@never_cache
def metrics_export(request):
    context = _computed(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spreadsheets.sheet_title(metrics.DIMENSIONS[context["dimension"]]))
    sheet.append([f"{context['start']:%Y-%m-%d} ~ {context['end']:%Y-%m-%d}"])
    sheet.append([str(c) for c in metrics.COLUMNS])
    for unit in context["units"]:
        spreadsheets.append(sheet, unit.as_row())
    spreadsheets.append(sheet, context["total"].as_row())
    ranked = book.create_sheet(spreadsheets.sheet_title(_("排名")))
    ranked.append([str(_("名次"))] + [str(c) for c in metrics.COLUMNS])
    for unit in context["ranked"]:
        spreadsheets.append(ranked, [unit.rank] + unit.as_row())
    parts = book.create_sheet(spreadsheets.sheet_title(_("吹哨报到")))
    parts.append([str(c) for c in PART_COLUMNS])
    for unit in [*context["parts"], context["parts_total"]]:
        spreadsheets.append(parts, _part_row(unit))
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
    page.object_list = public.with_references(page.object_list)
    for a in page:
        a.public_title = public.public_title(a)
        a.place = public.place_name(a)
    days, months = public.public_stats()
    _units, total = metrics.compute(days, "category", start_at, end_at, months=months)
    return render(request, "appeals/disclosure.html", {"page": page, "total": total, "days": PUBLIC_DAYS})
