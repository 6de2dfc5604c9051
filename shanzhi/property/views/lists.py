"""The red and black lists (staff: rules, proposal, the street's approval), the public list and
quarterly disclosure pages (no login), and the evaluations' Excel export. Publishing a quarter's
disclosure is ``disclosures.py``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core import spreadsheets
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none

from .. import list_reads, queries, sheets
from ..access import reads_staff_lists
from ..models import Period, StandingList
from ..services import lists


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
            "standings": list_reads.standings_for(user)[:10],
            "rules": lists.rules_for(district) if district else None,
            "may_propose": permissions.has_role_for(user, "property.propose_list"),
            "may_approve": permissions.has_role_for(user, "property.approve_list"),
        },
        status=status,
    )


@never_cache
@require_GET
def list_staff(request):
    if not reads_staff_lists(request.user):
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
    """红黑榜: one district's approved lists (``?district=``, the first by name by default), newest
    first: a district ranks its companies by its own rules, so its lists are never mixed with
    another district's."""
    districts = list(list_reads.list_districts()[:200])
    district = _pick(districts, request.GET.get("district"))
    standings = list(list_reads.public_standings(district)[:8]) if district else []
    return render(
        request,
        "property/public_lists.html",
        {"districts": districts, "district": district, "standings": standings},
    )


def _pick(rows, value):
    """The row of ``rows`` whose pk is ``value`` (a picker's choice), else the first."""
    return next((r for r in rows if r.pk == id_or_none(value)), rows[0] if rows else None)


@login_not_required
@require_GET
def public_disclosure(request):
    """公示: a district's published quarters (``?district=``, ``?period=``; the newest by default).
    Only frozen disclosures: a quarter is shown once it ended and was published. Counts only."""
    districts = list(list_reads.disclosure_districts()[:200])
    district = _pick(districts, request.GET.get("district"))
    published = list(list_reads.disclosures(district)[:40]) if district else []
    chosen = next((d for d in published if d.period_id == id_or_none(request.GET.get("period"))), None)
    chosen = chosen or (published[0] if published else None)
    return render(
        request,
        "property/public_disclosure.html",
        {
            "districts": districts,
            "district": district,
            "published": published,
            "disclosure": chosen,
            "rows": chosen.figures if chosen else [],
        },
    )


@never_cache
@require_GET
def evaluations_export(request, period):
    user = request.user
    period = _period(user, period)  # another district's period is a 404, as elsewhere
    if not permissions.has_role_for(user, "property.view_evaluation"):
        raise PermissionDenied
    data = sheets.evaluations_xlsx(period, queries.evaluations_for(user, period))
    return spreadsheets.xlsx_response(data, sheets.evaluations_filename(period))
