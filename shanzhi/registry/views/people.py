"""Places and people: compounds, households, residents, revealing one protected field, search.

Every page here shows personal data, so none of them may be cached (``never_cache`` sends
``Cache-Control: no-store``); ID numbers and phones appear only masked, except in the
fragment returned by a recorded reveal.
"""

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import MASKERS
from shanzhi.core.personal_numbers import looks_like_personal_number

from .. import panels, queries, services
from ..models import Compound, Household, OrgNode, Resident

HOUSEHOLDS_PER_PAGE = 20


def _is_htmx(request):
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def _crumbs_to(user, node):
    """The breadcrumb down to and including ``node``, as far as the user may see it."""
    crumbs = queries.breadcrumb(user, node)
    if permissions.visible(user, OrgNode).filter(pk=node.pk).exists():
        crumbs.append(node)
    return crumbs


@never_cache
def compound_detail(request, pk):
    user = request.user
    compound = permissions.get_visible_or_404(user, Compound, pk=pk)
    households = Paginator(queries.households_in(user, building__compound=compound), HOUSEHOLDS_PER_PAGE)
    context = {
        "compound": compound,
        "crumbs": _crumbs_to(user, compound.community),
        "buildings": queries.compound_buildings(user, compound),
        "panels": panels.compound_panels(user, compound),  # the owners' committee, from red property
        "households": households.get_page(request.GET.get("page")),
        "may_view_people": permissions.has_role_for(user, "registry.view_people"),
        "may_keep": compound.retired_at is None
        and permissions.can(user, services.places.KEEP, compound.community),
    }
    if _is_htmx(request) and request.GET.get("page"):
        return render(request, "registry/_households.html", context)
    return render(request, "registry/compound.html", context)


@never_cache
def household_detail(request, pk):
    household = permissions.get_visible_or_404(request.user, Household, pk=pk)
    return household_page(request, household)


def household_page(request, household):
    user = request.user
    residents = queries.prepare_residents(
        user, queries.residents_of(user, household=household).order_by("id")
    )
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            "crumbs": _crumbs_to(user, household.grid),
            "residents": residents,
            "posts": queries.posts_covering(user, household),
            "compound_visible": permissions.visible(user, Compound)
            .filter(pk=household.building.compound_id)
            .exists(),
        },
    )


@never_cache
def resident_detail(request, pk):
    user = request.user
    resident = permissions.get_visible_or_404(user, Resident, pk=pk)
    (resident,) = queries.prepare_residents(user, [resident])
    return render(
        request,
        "registry/resident.html",
        {
            "resident": resident,
            "crumbs": _crumbs_to(user, resident.grid),
            "may_reveal": permissions.can(user, "registry.reveal", resident),
            "memberships": queries.memberships_of(user, resident),
            "posts": queries.posts_held_by(user, resident),
            "household_visible": permissions.visible(user, Household)
            .filter(pk=resident.household_id)
            .exists(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def resident_reveal(request, pk):
    """The reveal widget: GET shows the reason form (or, with ``cancel``, the masked value again);
    POST records the reason and returns the full value. The service audits every reveal."""
    user = request.user
    resident = permissions.get_visible_or_404(user, Resident, pk=pk)
    permissions.require(user, "registry.reveal", resident)
    field = request.POST.get("field") or request.GET.get("field")
    if field not in services.REVEALABLE:
        return HttpResponseBadRequest(_("该字段不可查看。"))
    context = {"resident": resident, "field": field, "label": services.REVEALABLE[field], "may_reveal": True}
    if request.method == "GET":
        if "cancel" in request.GET:
            context["masked"] = MASKERS[field](getattr(resident, field))
            return render(request, "registry/_reveal_masked.html", context)
        return render(request, "registry/_reveal_form.html", context)
    reason = request.POST.get("reason", "")
    try:
        value = services.reveal(resident, field, by=user, reason=reason, request=request)
    except DomainError as exc:
        context.update(reason=reason, error=exc.message)
        return render(request, "registry/_reveal_form.html", context, status=400)
    return render(request, "registry/_reveal_value.html", {**context, "value": value})


@never_cache
@require_http_methods(["GET", "POST"])
def search(request):
    """Search is a POST from the page, so an ID number or phone typed in never lands in a URL or
    an access log; GET with ``q`` works too, for links, but never with such a number (issue 12 §5)."""
    user = request.user
    permissions.require(user, "registry.view_tree")
    permissions.require(user, "registry.view_people")
    if request.method == "GET" and looks_like_personal_number(request.GET.get("q")):
        return _refuse_number_in_url(request)
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()
    found = list(queries.search_residents(user, q)[: queries.SEARCH_LIMIT + 1])
    context = {
        "q": q,
        "results": queries.prepare_residents(user, found[: queries.SEARCH_LIMIT]),
        "more": len(found) > queries.SEARCH_LIMIT,
        "limit": queries.SEARCH_LIMIT,
    }
    template = "registry/_search_results.html" if _is_htmx(request) else "registry/search.html"
    return render(request, template, context)


def _refuse_number_in_url(request):
    """An empty search form with the reason; the number is not echoed back into the page (the
    base template's links carry the current URL, so the query string is dropped first)."""
    request.META["QUERY_STRING"] = ""
    context = {
        "q": "",
        "results": [],
        "more": False,
        "limit": queries.SEARCH_LIMIT,
        "error": _("身份证号和手机号不能放在网址里，请在查找框中输入后点“查找”。"),
    }
    return render(request, "registry/search.html", context, status=400)
