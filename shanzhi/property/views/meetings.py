"""Four-party joint meetings: the list, recording one (attendees by party, one per line), the
meeting with its decisions and their state, adding a decision (an appeal or a task) and recording
a task done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.registry import referrals

from .. import queries
from ..access import compounds_in_reach
from ..models import Decision, Party
from ..services import meetings as service

ATTENDEE_FIELDS = [(p, f"attendees_{p}") for p in Party.values]


def _guard(request, call, on_error, ok):
    """Run one service call: a refusal re-renders the page with 400 and the message naming it."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return on_error()
    messages.success(request, ok)
    return None


@never_cache
@require_GET
def meeting_list(request):
    if not permissions.has_role_for(request.user, "property.view_meeting"):
        raise PermissionDenied
    may_record = compounds_in_reach(request.user, "property.record_meeting").exists()
    meetings = queries.meetings_for(request.user).order_by("-held_on", "-id")[:200]
    return render(request, "property/meetings.html", {"meetings": meetings, "may_record": may_record})


def parse_attendees(form):
    """One attendee per line per party: "姓名" or "姓名 职务"."""
    rows = []
    for party, field in ATTENDEE_FIELDS:
        for line in (form.get(field) or "").splitlines():
            parts = line.strip().split(None, 1)
            if parts:
                rows.append((party, parts[0], parts[1] if len(parts) > 1 else ""))
    return rows


def _new_page(request, compounds, status=200):
    return render(
        request,
        "property/meeting_new.html",
        {
            "compounds": compounds,
            "parties": [(p, label, f"attendees_{p}") for p, label in Party.choices],
            "form": request.POST if status != 200 else {},
            "today": timezone.localdate(),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    if not permissions.has_role_for(request.user, "property.record_meeting"):
        raise PermissionDenied
    compounds = compounds_in_reach(request.user, "property.record_meeting").order_by("name")
    if request.method == "GET":
        return _new_page(request, compounds)
    f = request.POST
    compound = compounds.filter(pk=id_or_none(f.get("compound"))).first()
    made = {}
    try:
        if compound is None:
            raise DomainError(_("请选择本社区的小区。"), field="compound")
        made["m"] = service.record_meeting(
            compound,
            held_on=f.get("held_on"),
            place=f.get("place"),
            topics=f.get("topics"),
            attendees=parse_attendees(f),
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _new_page(request, compounds, status=400)
    messages.success(request, _("已记录联席会议。"))
    return redirect("property:meeting", pk=made["m"].pk)


def _page(request, meeting, status=200):
    user = request.user
    recorder = permissions.can(user, "property.record_meeting", meeting)
    decisions = queries.decisions_of(user, meeting)
    return render(
        request,
        "property/meeting.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.all(),
            "decisions": decisions,
            "recorder": recorder,
            "categories": referrals.appeal_categories() if recorder else (),
            "parties": Party.choices,
            "form": request.POST if status != 200 else {},
            "now": timezone.now(),
        },
        status=status,
    )


@never_cache
@require_GET
def meeting_detail(request, pk):
    return _page(request, queries.meeting_for(request.user, pk))


@require_POST
def meeting_decision(request, pk):
    meeting = queries.meeting_for(request.user, pk)
    f = request.POST
    return _guard(
        request,
        lambda: service.add_decision(
            meeting,
            text_given=f.get("text"),
            kind=f.get("kind"),
            category=f.get("category"),
            owner_party=f.get("owner_party"),
            workdays_given=f.get("workdays"),
            by=request.user,
        ),
        lambda: _page(request, meeting, status=400),
        _("已记录决定事项。"),
    ) or redirect("property:meeting", pk=meeting.pk)


@require_POST
def decision_done(request, pk):
    decision = permissions.get_visible_or_404(request.user, Decision, pk=id_or_none(pk) or 0)
    meeting = decision.meeting
    return _guard(
        request,
        lambda: service.complete_task(decision, note=request.POST.get("note"), by=request.user),
        lambda: _page(request, meeting, status=400),
        _("已记录完成。"),
    ) or redirect("property:meeting", pk=meeting.pk)
