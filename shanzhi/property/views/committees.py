"""A compound's owners' committee (业委会) or 物管会: the list with term warnings, the page (its
public part for the compound's residents; members, reserve lists and the forms for the
community's staff), and one POST view per change, each calling one service."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.inputs import id_or_none

from .. import queries
from ..access import compound_in_reach
from ..models import Committee, CommitteeMember, ReserveCandidate
from ..models.committees import TERM_WARNING_DAYS
from ..services import committees as service
from .meetings import _guard


@never_cache
@require_GET
def committee_list(request):
    if not permissions.has_role_for(request.user, "property.view_committee"):
        raise PermissionDenied
    today = timezone.localdate()
    rows = list(queries.committees_for(request.user)[:500])
    for c in rows:
        c.state, c.left = c.term_state(today), c.days_left(today)
    return render(
        request, "property/committees.html", {"committees": rows, "warning_days": TERM_WARNING_DAYS}
    )


def _page(request, compound, status=200):
    user = request.user
    committee, members, reserves = queries.committee_of(user, compound)
    keeper = compound_in_reach(user, compound.pk, "property.manage_committee") is not None
    today = timezone.localdate()
    return render(
        request,
        "property/committee.html",
        {
            "compound": compound,
            "committee": committee,
            "state": committee.term_state(today) if committee else "",
            "days_left": committee.days_left(today) if committee else None,
            "members": members,
            "reserves": reserves,
            "keeper": keeper,
            "residents": queries.compound_residents(compound) if keeper else (),
            "kinds": Committee.Kind.choices,
            "roles": CommitteeMember.Role.choices,
            "lists": ReserveCandidate.List.choices,
            "warning_days": TERM_WARNING_DAYS,
            "form": request.POST if status != 200 else {},
        },
        status=status,
    )


@never_cache
@require_GET
def committee(request, pk):
    return _page(request, queries.committee_compound(request.user, pk))


def _act(request, pk, call, ok):
    compound = queries.committee_compound(request.user, pk)
    return _guard(
        request, lambda: call(compound), lambda: _page(request, compound, status=400), ok
    ) or redirect("property:committee", pk=compound.pk)


@require_POST
def committee_set(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda c: service.set_committee(
            c, kind=f.get("kind"), term_start=f.get("term_start"), term_end=f.get("term_end"), by=request.user
        ),
        _("已保存。"),
    )


@require_POST
def committee_member_add(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda c: service.add_member(c, resident=f.get("resident"), role=f.get("role"), by=request.user),
        _("已增补委员。"),
    )


def _member(compound, member_pk):
    member = CommitteeMember.objects.filter(pk=id_or_none(member_pk), committee__compound=compound).first()
    if member is None:
        raise Http404
    return member


@require_POST
def committee_member_remove(request, pk, member):
    return _act(
        request, pk, lambda c: service.remove_member(_member(c, member), by=request.user), _("已免去职务。")
    )


@require_POST
def committee_member_role(request, pk, member):
    return _act(
        request,
        pk,
        lambda c: service.change_role(_member(c, member), role=request.POST.get("role"), by=request.user),
        _("已调整职务。"),
    )


@require_POST
def committee_reserve_add(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda c: service.add_reserve(
            c,
            resident=f.get("resident"),
            list_name=f.get("list"),
            reason=f.get("reason", ""),
            by=request.user,
        ),
        _("已列入清单。"),
    )


def _candidate(compound, candidate_pk):
    candidate = ReserveCandidate.objects.filter(pk=id_or_none(candidate_pk), compound=compound).first()
    if candidate is None:
        raise Http404
    return candidate


@require_POST
def committee_reserve_remove(request, pk, candidate):
    return _act(
        request,
        pk,
        lambda c: service.remove_reserve(_candidate(c, candidate), by=request.user),
        _("已移出清单。"),
    )
