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
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Household, OrgNode

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


def _id(value):
    """A posted id, or 0 when it is not a plain number (0 matches nothing: the same 404 as out of scope)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


def subject_of(user, value, field="subject"):
    """``volunteer:12`` / ``team:3`` / ``unit:5`` from the form → {kind: object in the user's sight}."""
    kind, _sep, pk = (value or "").partition(":")
    return {kind: queries.subject_in_sight(user, kind, pk, field)}


@never_cache
@require_http_methods(["GET", "POST"])
def commendations(request):
    _require_view(request.user)
    user = request.user
    if request.method == "POST":
        if not permissions.has_role_for(user, "volunteering.commend"):
            raise PermissionDenied
        p = request.POST
        node = permissions.get_visible_or_404(user, OrgNode, "volunteering.commend", pk=_id(p.get("node")))
        return act(
            request,
            lambda: services.commend(
                node=node,
                title=p.get("title"),
                awarded_on=p.get("awarded_on"),
                period=p.get("period", ""),
                reason=p.get("reason", ""),
                by=user,
                **subject_of(user, p.get("subject")),
            ),
            _("表彰已记录。"),
            "volunteering:commendations",
        )
    qs = permissions.visible(user, Commendation).select_related("volunteer", "team", "unit", "node")
    may = permissions.has_role_for(user, "volunteering.commend")
    return render(
        request,
        "volunteering/commendations.html",
        {
            "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")),
            "nodes": queries.commend_nodes(user) if may else (),
            "subjects": queries.commend_subjects(user) if may else {},
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def pairing_list(request):
    user = request.user
    if not permissions.has_role_for(user, "volunteering.pairing"):
        raise PermissionDenied
    may_pair = permissions.has_role_for(user, "volunteering.manage")
    if request.method == "POST":
        if not may_pair:
            raise PermissionDenied
        p = request.POST
        household = permissions.get_visible_or_404(
            user, Household, "volunteering.manage", pk=_id(p.get("household"))
        )

        def go():
            helper = subject_of(user, p.get("helper"), "helper")
            if "team" in helper:
                raise DomainError(_("请选择一位帮扶人或一个帮扶单位。"), field="helper")
            services.pair(
                household=household,
                difficulty=p.get("difficulty"),
                started_on=p.get("started_on"),
                by=user,
                **helper,
            )

        return act(request, go, _("结对已建立。"), "volunteering:pairings")
    qs = permissions.visible(user, Pairing).select_related(
        "household__building__compound", "volunteer", "unit"
    )
    subjects = queries.commend_subjects(user) if may_pair else {}
    return render(
        request,
        "volunteering/pairings.html",
        {
            "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")),
            "households": queries.pairing_households(user) if may_pair else (),
            "volunteers": subjects.get("volunteer", ()),
            "units": subjects.get("unit", ()),
            "today": timezone.localdate(),
        },
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
