"""The red and black lists (staff: rules, proposal, the street's approval), the public list and
quarterly disclosure pages (no login), and the evaluations' Excel export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from shanzhi.accounts import permissions
from shanzhi.core import spreadsheets
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import PropertyCompany

from .. import figures, queries
from ..models import Period, StandingList
from ..services import lists


def _may_list(user):
    return permissions.has_role_for(user, "property.propose_list") or permissions.has_role_for(
        user, "property.approve_list"
    )


def _district(user):
    return next((g.node for g in user.grants() if g.node_id and g.node.level == "district"), None)


def _page(request, status=200):
    user = request.user
    periods = list(queries.periods_for(user).filter(kind=Period.Kind.HALF)[:10])
    district = _district(user)
    return render(
        request,
        "property/lists.html",
        {
            "periods": periods,
            "standings": StandingList.objects.filter(period__in=periods).prefetch_related("entries__company"),
            "rules": lists.rules_for(district) if district else None,
            "may_propose": permissions.has_role_for(user, "property.propose_list"),
            "may_approve": permissions.has_role_for(user, "property.approve_list"),
        },
        status=status,
    )


@never_cache
@require_GET
def list_staff(request):
    if not _may_list(request.user):
        raise PermissionDenied
    return _page(request)


def _act(request, call, ok):
    try:
        call()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, status=400)
    messages.success(request, ok)
    return redirect("property:lists")


def _period(user, pk):
    period = queries.periods_for(user).filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


@require_POST
def list_propose(request, period):
    period = _period(request.user, period)
    if not permissions.has_role_for(request.user, "property.propose_list"):
        raise PermissionDenied
    return _act(request, lambda: lists.propose(period, by=request.user), _("红黑榜已提交街道审批。"))


@require_POST
def list_approve(request, pk):
    standing = StandingList.objects.filter(pk=pk, period__in=queries.periods_for(request.user)).first()
    if standing is None:
        raise Http404
    if not permissions.has_role_for(request.user, "property.approve_list"):
        raise PermissionDenied
    return _act(request, lambda: lists.approve(standing, by=request.user), _("红黑榜已发布。"))


@require_POST
def list_rules(request):
    district = _district(request.user)
    if district is None or not permissions.has_role_for(request.user, "property.propose_list"):
        raise PermissionDenied
    f = request.POST
    return _act(
        request,
        lambda: lists.set_rules(
            district,
            red_top_n=f.get("red_top_n"),
            red_min_score=f.get("red_min_score"),
            black_bottom_n=f.get("black_bottom_n"),
            black_below=f.get("black_below"),
            veto_black=f.get("veto_black") == "on",
            by=request.user,
        ),
        _("红黑榜规则已保存。"),
    )


@login_not_required
@require_GET
def public_lists(request):
    standings = (
        StandingList.objects.filter(status=StandingList.Status.APPROVED)
        .select_related("period")
        .prefetch_related("entries__company")[:8]
    )
    return render(request, "property/public_lists.html", {"standings": standings})


@login_not_required
@require_GET
def public_disclosure(request):
    """公示: each company's figures of a quarter (the latest, or ``?period=``); counts only."""
    quarters = list(Period.objects.filter(kind=Period.Kind.QUARTER).order_by("-starts_on")[:12])
    chosen = next((p for p in quarters if p.pk == id_or_none(request.GET.get("period"))), None)
    chosen = chosen or (quarters[0] if quarters else None)
    rows = []
    if chosen:
        companies = list(PropertyCompany.objects.filter(district=chosen.district_id).order_by("name")[:500])
        rows = figures.disclosure(chosen, companies)
    return render(
        request, "property/public_disclosure.html", {"quarters": quarters, "period": chosen, "rows": rows}
    )


@never_cache
@require_GET
def evaluations_export(request, period):
    user = request.user
    period = _period(user, period)  # another district's period is a 404, as elsewhere
    if not permissions.has_role_for(user, "property.view_evaluation"):
        raise PermissionDenied
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(period))
    spreadsheets.append(
        sheet,
        [
            _("物业企业"),
            _("得分"),
            _("等级"),
            _("一票否决"),
            _("每百户投诉量"),
            _("按期办结率"),
            _("诉求满意率"),
        ],
    )
    for e in queries.evaluations_for(user, period).order_by("company__name"):
        f = e.figures or {}
        spreadsheets.append(
            sheet,
            [
                e.company.name,
                e.score,
                e.get_grade_display(),
                _("是") if e.vetoed else "",
                f.get("complaints_per_100"),
                f.get("on_time"),
                f.get("satisfaction"),
            ],
        )
    return spreadsheets.xlsx_response(spreadsheets.xlsx_bytes(book), f"evaluations-{period.starts_on}.xlsx")
