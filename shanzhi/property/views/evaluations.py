"""Evaluations: the period's list (with the background run and its progress), an evaluation's
breakdown, the inspection page on a phone (entries with a photo), and the residents' rating."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none

from .. import queries, services
from ..access import keeper_district
from ..models import Evaluation, EvaluationEntry, EvaluationRun, Indicator, Period, ResidentRating
from ..services import evaluations as evaluating


def _period(user, pk):
    period = queries.periods_for(user).filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


def _runs_here(user, period):
    return any(
        g.role in permissions.ACTIONS["property.run_evaluation"] and g.node_id == period.district_id
        for g in user.grants()
    )


@never_cache
@require_GET
def evaluation_list(request):
    user = request.user
    if not permissions.has_role_for(user, "property.view_evaluation"):
        raise PermissionDenied
    periods = list(queries.periods_for(user).filter(kind=Period.Kind.HALF)[:20])
    chosen = next(
        (p for p in periods if p.pk == id_or_none(request.GET.get("period"))), periods[0] if periods else None
    )
    rows = []
    if chosen:
        done = {e.company_id: e for e in queries.evaluations_for(user, chosen)}
        rows = [(c, done.get(c.pk)) for c in queries.companies_for(user).order_by("name")[:500]]
    return render(
        request,
        "property/evaluations.html",
        {
            "periods": periods,
            "period": chosen,
            "rows": rows,
            "may_run": chosen is not None and _runs_here(user, chosen),
            "may_inspect": permissions.has_role_for(user, "property.inspect"),
            "last_run": chosen.runs.first() if chosen else None,
            "may_open_period": keeper_district(user, "property.run_evaluation") is not None,
        },
    )


@never_cache
@require_GET
def evaluation_detail(request, pk):
    evaluation = queries.evaluation_for(request.user, pk)
    return render(
        request,
        "property/evaluation.html",
        {"evaluation": evaluation, "rows": queries.breakdown(evaluation)},
    )


def _inspect_page(request, period, company, status=200):
    version = evaluating.version_for(period)
    existing = Evaluation.objects.filter(company=company, period=period).first()
    version = existing.version if existing else version
    indicators = (
        Indicator.objects.filter(item__version=version, source__in=evaluating.STAFF_SOURCES).select_related(
            "item"
        )
        if version
        else []
    )
    entries = {e.indicator_id: e for e in existing.entries.all()} if existing else {}
    return render(
        request,
        "property/inspect.html",
        {
            "period": period,
            "company": company,
            "evaluation": existing,
            "indicators": [(i, entries.get(i.pk)) for i in indicators],
            "form": {k: request.POST.get(k, "") for k in ("indicator", "value", "note")},
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def inspect(request, period, company):
    """On a phone: pick the indicator, enter the points or the findings, take a photo."""
    user = request.user
    period = _period(user, period)
    company = queries.company_for(user, company)
    permissions.require(user, "property.inspect", company)
    if request.method == "POST":
        try:
            services.enter(
                company,
                period,
                id_or_none(request.POST.get("indicator")) or 0,
                value=request.POST.get("value"),
                note=request.POST.get("note", ""),
                photo=request.FILES.get("photo"),
                by=user,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return _inspect_page(request, period, company, status=400)
        messages.success(request, _("已录入。"))
        return redirect("property:inspect", period=period.pk, company=company.pk)
    return _inspect_page(request, period, company)


@require_POST
def run_start(request, period):
    period = _period(request.user, period)
    if not _runs_here(request.user, period):
        raise PermissionDenied
    try:
        run = services.start_run(period, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{_list_url()}?period={period.pk}")
    return redirect("property:run", pk=run.pk)


def _list_url():
    from django.urls import reverse

    return reverse("property:evaluations")


@never_cache
@require_GET
def run_detail(request, pk):
    run = EvaluationRun.objects.filter(pk=pk).select_related("period").first()
    if run is None or not _runs_here(request.user, run.period):
        raise Http404
    return render(request, "property/run.html", {"run": run, "running": run.status in ("queued", "running")})


def _current_half(user):
    today = timezone.localdate()
    grant = next((g for g in user.grants() if g.role == "resident" and g.resident_id), None)
    if grant is None:
        return None, None
    district = grant.node.path.split("/")[0] if grant.node_id else None
    period = (
        Period.objects.filter(district__code=district, kind=Period.Kind.HALF, starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )
    return grant, period


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request):
    """A resident rates the company serving their home, once per household per half-year."""
    user = request.user
    if not permissions.has_role_for(user, "property.rate"):
        raise PermissionDenied
    grant, period = _current_half(user)
    status = 200
    if request.method == "POST":
        if period is None:
            raise Http404
        try:
            services.rate(
                period, stars=request.POST.get("stars"), comment=request.POST.get("comment", ""), by=user
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
        else:
            messages.success(request, _("感谢您的评价。本期内可以修改，以最后一次为准。"))
            return redirect("property:rate")
    household = grant.resident.household if grant else None
    compound = household.building.compound if household else None
    mine = (
        ResidentRating.objects.filter(period=period, household=household).first()
        if period and household
        else None
    )
    return render(
        request,
        "property/rate.html",
        {"period": period, "compound": compound, "mine": mine, "stars": range(1, 6)},
        status=status,
    )


def open_photo(user, pk):
    """An inspection photo, for whoever sees its evaluation (``property.evaluation`` scope: the
    staff over a compound the company serves, the district, and the company's own staff: it is
    the evidence its score rests on). Everyone else, and an entry without a photo: 404."""
    entry = (
        EvaluationEntry.objects.filter(pk=pk, evaluation__in=permissions.visible(user, Evaluation))
        .exclude(photo="")
        .first()
    )
    if entry is None:
        raise Http404
    try:
        handle = entry.photo.open("rb")
    except OSError:
        raise Http404 from None
    # Stored re-encoded as JPEG (services/photos.py); the type is still read from the bytes.
    head = handle.read(3)
    handle.seek(0)
    ctype = "image/jpeg" if head == b"\xff\xd8\xff" else "application/octet-stream"
    response = FileResponse(handle, content_type=ctype)
    response["Content-Disposition"] = (
        f'{"inline" if ctype.startswith("image/") else "attachment"}; filename="inspection-{entry.pk}.jpg"'
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
def entry_photo(request, pk):
    return open_photo(request.user, pk)
