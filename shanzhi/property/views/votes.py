"""Owners' assembly votes: the owner's ballot on the phone; staff call, open, close and watch the
live tally, and enter paper ballots for a second person to confirm."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.accounts.permissions import NODE_STAFF
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Building, Compound

from .. import queries, services
from ..access import compound_in_reach, compounds_in_reach, manages_compound
from ..models import Ballot, Owner, Vote

ROLLS_LISTED = 30  # compounds whose owners' roll the list links (the vote page links its own)


def _act(request, vote, fn, ok):
    try:
        fn()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ok)
    return redirect("property:vote", pk=vote.pk)


def _managed_compounds(user):
    if not permissions.has_role_for(user, "property.manage_vote"):
        return []
    return [c for c in Compound.objects.select_related("community") if manages_compound(user, c)]


@never_cache
@require_GET
def vote_list(request):
    if not permissions.has_role_for(request.user, "property.view_vote"):
        raise PermissionDenied
    votes = queries.votes_for(request.user).order_by("-created_at")[:200]
    may_call = permissions.has_role_for(request.user, "property.manage_vote")
    rolls = compounds_in_reach(request.user, "property.view_roll").order_by("name")[:ROLLS_LISTED]
    return render(request, "property/votes.html", {"votes": votes, "may_call": may_call, "rolls": rolls})


@never_cache
@require_http_methods(["GET", "POST"])
def vote_new(request):
    compounds = _managed_compounds(request.user)
    if not compounds:
        raise PermissionDenied
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        compound = next((c for c in compounds if str(c.pk) == form.get("compound")), None)
        try:
            if compound is None:
                raise DomainError(_("请选择小区。"), field="compound")
            vote = services.create_vote(
                compound,
                item=form.get("item"),
                question=form.get("question"),
                notice=form.get("notice", ""),
                called_by=form.get("called_by"),
                starts_on=form.get("starts_on"),
                ends_on=form.get("ends_on"),
                purpose=form.get("purpose", ""),
                buildings=request.POST.getlist("buildings"),
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("表决已创建（草稿），核对后即可开始投票。"))
            return redirect("property:vote", pk=vote.pk)
    return render(
        request,
        "property/vote_new.html",
        {
            "compounds": compounds,
            "items": Vote.Item.choices,
            "called_by": Vote.CalledBy.choices,
            "purposes": Vote.Purpose.choices,
            "buildings": Building.objects.filter(compound__in=compounds, retired_at__isnull=True)
            .select_related("compound")
            .order_by("compound_id", "name"),
            "chosen": request.POST.getlist("buildings") if request.method == "POST" else [],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_GET
def vote_detail(request, pk):
    return _detail(request, queries.vote_for(request.user, pk))


def _detail(request, vote, status=200):
    user = request.user
    staff = permissions.can(user, "property.manage_vote", vote)
    result = vote.result if vote.status == Vote.Status.CLOSED else None
    live = queries.count(vote) if vote.status == Vote.Status.OPEN else None
    owners = list(queries.owners_of(user, vote))
    mine = {b.owner_id: b for b in queries.my_ballots(user, vote)}
    period = vote.period_state(timezone.localdate())
    return render(
        request,
        "property/vote.html",
        {
            "vote": vote,
            "staff": staff,
            # Owners see participation while the vote runs; the yes figures only staff watching it.
            "watch": any(g.role in NODE_STAFF for g in user.grants()),
            "live": live,
            "shares": queries.participation(live) if live else None,
            "result": result,
            "owners": [(o, mine.get(o.pk)) for o in owners],
            "period": period,
            "roll_link": compound_in_reach(user, vote.compound_id, "property.view_roll") is not None,
            "may_cast": bool(owners) and period == "running" and permissions.can(user, "property.cast", vote),
            "choices": Ballot.Choice.choices,
            "pending": queries.ballots_for(user, vote).filter(channel="paper", counted=False, void="")
            if staff
            else [],
            "voided": queries.ballots_for(user, vote).exclude(void="") if staff else [],
            # Per-unit choices (the JSON file, the workbook's 分户 sheet): staff only (an owner sees
            # only their own ballot; the summary and digest are for everyone who sees the vote).
            "per_unit": permissions.can(user, "property.view_tally", vote),
        },
        status=status,
    )


@require_POST
def vote_open(request, pk):
    vote = queries.vote_for(request.user, pk)
    return _act(request, vote, lambda: services.open_vote(vote, by=request.user), _("投票已开始。"))


@require_POST
def vote_close(request, pk):
    vote = queries.vote_for(request.user, pk)
    return _act(
        request, vote, lambda: services.close_vote(vote, by=request.user), _("投票已结束，结果已封存并公布。")
    )


@require_POST
def vote_cast(request, pk):
    vote = queries.vote_for(request.user, pk)
    owner = request.POST.get("owner") or None
    return _act(
        request,
        vote,
        lambda: services.cast(vote, request.POST.get("choice"), owner=owner and _int(owner), by=request.user),
        _("您的投票已记录；截止前可以修改。"),
    )


@require_POST
def vote_paper(request, pk):
    vote = queries.vote_for(request.user, pk)
    permissions.require(request.user, "property.enter_paper", vote)
    # By the owner number on the paper ballot: a compound of thousands needs no list in the page.
    code = (request.POST.get("owner_code") or "").strip().upper()
    owner = Owner.objects.filter(code=code, compound=vote.compound_id).first() if code else None

    try:
        if owner is None:
            raise DomainError(_("请填写名册中的业主编号（例如 O00012）。"), field="owner_code")
        services.enter_paper(
            vote, owner, request.POST.get("choice"), scan=request.FILES.get("scan"), by=request.user
        )
    except DomainError as exc:
        # The page again with the refusal (a wrong scan, an unknown owner number): a 400.
        messages.error(request, str(exc.message))
        return _detail(request, vote, status=400)
    messages.success(request, _("纸质选票已录入，待另一位工作人员确认后计入。"))
    return redirect("property:vote", pk=vote.pk)


@require_POST
def ballot_confirm(request, pk, ballot_pk):
    vote = queries.vote_for(request.user, pk)
    ballot = permissions.get_visible_or_404(request.user, Ballot, pk=ballot_pk, vote=vote)
    return _act(
        request, vote, lambda: services.confirm_paper(ballot, by=request.user), _("纸质选票已确认并计入。")
    )


@require_GET
def vote_export(request, pk):
    """The closed vote in the tally_vote file format, for an independent recount: each owner's
    choice, so staff only (an owner gets the summary and the digest from the workbook and PDF)."""
    vote = queries.vote_for(request.user, pk)
    if vote.status != Vote.Status.CLOSED:
        raise Http404
    permissions.require(request.user, "property.view_tally", vote)
    audit.record("export", request=request, target=vote, detail={"report": "property_vote", "format": "json"})
    body = json.dumps(queries.export_file(vote), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vote-{vote.pk}.json"'
    return response


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
