"""Rankings, commendations and pairing."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shanzhi.accounts import permissions

from .. import queries, rules, services
from ..models import (
    Commendation,
    Pairing,
)
from .common import PER_PAGE, _require_view, act

GRAINS = (("M", gettext_lazy("月度")), ("Q", gettext_lazy("季度")), ("Y", gettext_lazy("年度")))


@never_cache
@require_GET
def rankings(request):
    _require_view(request.user)
    user = request.user
    nodes = list(queries.ranking_nodes(user))
    if not nodes:
        raise Http404
    wanted = request.GET.get("node")
    node = next((n for n in nodes if str(n.pk) == wanted), None) if wanted else nodes[0]
    if node is None:
        raise Http404
    grain = request.GET.get("grain") if request.GET.get("grain") in dict(GRAINS) else "M"
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    start = rules.period_starts(day)[grain]
    metric = "minutes" if request.GET.get("metric") == "minutes" else "points"
    return render(
        request,
        "volunteering/rankings.html",
        {
            "rows": queries.ranking(user, node, grain, start, metric),
            "nodes": nodes,
            "node": node,
            "grain": grain,
            "grains": GRAINS,
            "metric": metric,
            "label": rules.period_label(grain, start),
            "day": day.isoformat(),
        },
    )


@never_cache
@require_GET
def commendations(request):
    _require_view(request.user)
    qs = permissions.visible(request.user, Commendation).select_related("volunteer", "team", "unit", "node")
    return render(
        request,
        "volunteering/commendations.html",
        {"page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))},
    )


@never_cache
@require_GET
def pairing_list(request):
    if not permissions.has_role_for(request.user, "volunteering.pairing"):
        raise PermissionDenied
    qs = permissions.visible(request.user, Pairing).select_related(
        "household__building__compound", "volunteer", "unit"
    )
    return render(
        request,
        "volunteering/pairings.html",
        {"page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def pairing_detail(request, pk):
    pairing = permissions.get_visible_or_404(request.user, Pairing, pk=pk)
    if request.method == "POST":
        p = request.POST
        return act(
            request,
            lambda: services.record_visit(
                pairing,
                visited_on=p.get("visited_on"),
                note=p.get("note"),
                help_given=p.get("help_given", ""),
                by=request.user,
            ),
            _("走访已记录。"),
            reverse("volunteering:pairing", args=[pk]),
        )
    return render(
        request,
        "volunteering/pairing.html",
        {
            "p": pairing,
            "visits": pairing.visits.select_related("visited_by"),
            "today": timezone.localdate(),
            "may_visit": permissions.can(request.user, "volunteering.pairing", pairing),
        },
    )
