"""Four-party joint meetings (四方联席会议, the "铁三角": community, property company, owners'
committee, and the police or others), recorded by the community's staff, and what their decisions
become: an appeal filed in the loop through its own intake (``registry.referrals``: property never
writes the appeals tables), or a task for one party due in working days, whose completion is
recorded."""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import audit, inputs, workdays
from shanzhi.core.errors import DomainError
from shanzhi.registry import referrals

from ..access import compound_in_reach
from ..models import Attendee, Decision, Meeting, Party
from .common import a_date, decimal, pick, text

MAX_WORKDAYS = 60
MAX_ATTENDEES = 40


def _require_recorder(by, compound):
    if compound_in_reach(by, compound.pk, "property.record_meeting") is not None:
        return
    if compound_in_reach(by, compound.pk, "property.view_committee") is not None:
        raise PermissionDenied
    raise Http404


def _attendees(rows):
    """``rows``: (party, name, title) triples; the community must be there (it convenes)."""
    out = []
    for i, row in enumerate(rows or ()):
        party, name, title = (list(row) + ["", "", ""])[:3]
        field = f"attendees[{i}]"
        party = pick(party, Party.values, field, _("参会方不正确。"))
        name = text(name, field, _("参会人员姓名"), max_length=50)
        title = text(title, field, _("职务"), max_length=50, required=False)
        out.append((party, name, title))
    if not out:
        raise DomainError(_("请填写参会人员。"), field="attendees")
    if len(out) > MAX_ATTENDEES:
        raise DomainError(_("参会人员最多 %(n)d 人。") % {"n": MAX_ATTENDEES}, field="attendees")
    if Party.COMMUNITY not in {p for p, _n, _t in out}:
        raise DomainError(_("联席会议由社区召集，请填写社区参会人员。"), field="attendees")
    return out


@transaction.atomic
def record_meeting(compound, *, held_on, place, topics, attendees, by, today=None):
    _require_recorder(by, compound)
    held_on = a_date(held_on, "held_on", _("会议日期"))
    today = today or timezone.localdate()
    if held_on > today:
        raise DomainError(_("会议日期不能晚于今天。"), field="held_on")
    if held_on < today.replace(year=today.year - 10, day=1):  # a record, not an archive of the ages
        raise DomainError(_("会议日期不能早于十年前。"), field="held_on")
    place = text(place, "place", _("地点"), max_length=100)
    topics = text(topics, "topics", _("议题"), max_length=2000)
    rows = _attendees(attendees)
    meeting = Meeting.objects.create(
        compound=compound,
        company=compound.property_company,
        held_on=held_on,
        place=place,
        topics=topics,
        recorded_by=by,
    )
    Attendee.objects.bulk_create(Attendee(meeting=meeting, party=p, name=n, title=t) for p, n, t in rows)
    audit.record("property.meeting_recorded", actor=by, target=meeting, detail={"attendees": len(rows)})
    return meeting


def _meeting_start(meeting):
    """The meeting's day as a moment: add_workdays never counts it (民法典 第二百零一条)."""
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(meeting.held_on, datetime.time(12, 0), tzinfo=tz)


@transaction.atomic
def add_decision(meeting, *, text_given, kind, category=None, owner_party=None, workdays_given=None, by):
    """A decision of the meeting and its follow-up: ``kind`` "appeal" files it in the loop (as
    staff entering it, 代为登记, at the compound); "task" gives it to ``owner_party`` with a
    deadline of ``workdays_given`` working days after the meeting's day."""
    permissions.require(by, "property.record_meeting", meeting)
    meeting = Meeting.objects.select_for_update().select_related("compound__community").get(pk=meeting.pk)
    body = text(text_given, "text", _("决定事项"), max_length=500)
    kind = pick(kind, Decision.Kind.values, "kind", _("请选择转为诉求或分工任务。"))
    if meeting.decisions.filter(text=body).exists():
        raise DomainError(_("本次会议已有相同的决定事项。"), field="text")
    decision = Decision(meeting=meeting, text=body, kind=kind)
    if kind == Decision.Kind.APPEAL:
        category_id = inputs.parse_id(category, "category", required=True, label=_("诉求分类"))
        title = _("联席会议决定：%(t)s") % {"t": body}
        decision.appeal_id, decision.appeal_number = referrals.file_appeal(
            by=by,
            compound=meeting.compound,
            title=title if len(title) <= 100 else title[:99] + "…",
            description=_("%(day)s 在%(place)s召开的四方联席会议决定：%(t)s")
            % {"day": meeting.held_on.isoformat(), "place": meeting.place, "t": body},
            category_id=category_id,
            key=f"property-meeting-{meeting.pk}-{hashlib.sha256(body.encode()).hexdigest()[:40]}",
        )
    else:
        decision.owner_party = pick(owner_party, Party.values, "owner_party", _("请选择责任方。"))
        n = int(
            decimal(workdays_given, "workdays", _("办理期限（工作日）"), low=1, high=MAX_WORKDAYS, places=0)
        )
        cal = workdays.calendar()
        with cal.watch() as years:
            decision.due = cal.add_workdays(_meeting_start(meeting), n)
        decision.workdays, decision.due_provisional = n, bool(years)
    decision.save()
    audit.record(
        "property.decision_added",
        actor=by,
        target=decision,
        detail={
            "kind": kind,
            "appeal": decision.appeal_number or None,
            "owner": decision.owner_party or None,
        },
    )
    return decision


@transaction.atomic
def complete_task(decision, *, note, by, now=None):
    """Record a task done. The company's staff may record only the tasks their company owns."""
    permissions.require(by, "property.complete_task", decision)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not _may_complete(by, decision):
        raise PermissionDenied
    if decision.kind != Decision.Kind.TASK:
        raise DomainError(_("转为诉求的决定在诉求中办结。"), field="kind")
    if decision.done_at is not None:
        raise DomainError(_("该任务已记录完成。"), field="status")
    decision.done_note = text(note, "note", _("完成情况"), max_length=500)
    decision.done_at, decision.done_by = now or timezone.now(), by
    decision.save(update_fields=["done_note", "done_at", "done_by"])
    audit.record("property.task_done", actor=by, target=decision)
    return decision


def _may_complete(user, decision):
    """Community staff complete any task of their meetings; a company's staff only its own."""
    roles = {g.role for g in user.grants()}
    if roles & {Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY} and permissions.can(
        user, "property.record_meeting", decision.meeting
    ):
        return True
    return Role.PROPERTY_STAFF in roles and decision.owner_party == Party.COMPANY


def may_complete(user, decision):
    """Whether the page and API offer the button (the same rule as ``complete_task``)."""
    return (
        decision.kind == Decision.Kind.TASK
        and decision.done_at is None
        and permissions.can(user, "property.complete_task", decision)
        and _may_complete(user, decision)
    )


def year_completed(year):
    """Listener of ``core.workdays.on_year_completed``: open tasks whose deadline was counted while
    ``year``'s holiday notice was missing are counted again from the meeting's day."""
    cal = workdays.calendar()
    changed = 0
    for decision in (
        Decision.objects.select_for_update()
        .select_related("meeting")
        .filter(due_provisional=True, done_at__isnull=True, workdays__isnull=False)
    ):
        with cal.watch() as years:
            due = cal.add_workdays(_meeting_start(decision.meeting), decision.workdays)
        changed += due != decision.due
        decision.due, decision.due_provisional = due, bool(years)
        decision.save(update_fields=["due", "due_provisional"])
    return changed
