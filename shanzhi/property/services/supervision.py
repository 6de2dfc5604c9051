"""Supervising a company: street or district staff open an action (约谈; 整改通知 with a deadline
in working days; 退出程序), add to its timeline and close it; the company's staff reply on it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit, workdays
from shanzhi.core.errors import DomainError

from ..models import SupervisionAction, SupervisionEvent
from . import credit
from .common import decimal, pick, text

MAX_WORKDAYS = 90


@transaction.atomic
def open_action(company, *, kind, reason, workdays_given=None, by, now=None):
    permissions.require(by, "property.supervise", company)
    kind = pick(kind, SupervisionAction.Kind.values, "kind", _("请选择监管措施。"))
    reason = text(reason, "reason", _("事由"), max_length=2000)
    deadline, n, provisional = None, None, False
    if kind == SupervisionAction.Kind.RECTIFY:
        n = int(
            decimal(workdays_given, "workdays", _("整改期限（工作日）"), low=1, high=MAX_WORKDAYS, places=0)
        )
        cal = workdays.calendar()
        with cal.watch() as years:
            # 民法典 第二百零一条/第二百零三条 as core.workdays counts them: the notice's day is not
            # counted; the deadline is the close of office hours on the n-th working day after it.
            deadline = cal.add_workdays(now or timezone.now(), n)
        provisional = bool(years)
    action = SupervisionAction.objects.create(
        company=company,
        kind=kind,
        reason=reason,
        workdays=n,
        deadline=deadline,
        deadline_provisional=provisional,
        created_by=by,
        created_at=now or timezone.now(),
    )
    SupervisionEvent.objects.create(action=action, what="opened", note=reason, by=by)
    credit.record(company)  # the action deducts from the company's credit score
    audit.record("property.supervision_opened", actor=by, target=action, detail={"kind": kind})
    return action


def year_completed(year):
    """Listener of ``core.workdays.on_year_completed``: a rectification deadline counted while
    ``year``'s notice was missing is counted again from the notice's day with the calendar now
    known (in the transaction that marks the year complete). Few are ever open: done at once."""
    cal = workdays.calendar()
    open_rectifications = SupervisionAction.objects.select_for_update().filter(
        deadline_provisional=True, status=SupervisionAction.Status.OPEN, workdays__isnull=False
    )
    changed = 0
    for action in open_rectifications:
        with cal.watch() as years:
            deadline = cal.add_workdays(action.created_at, action.workdays)
        changed += deadline != action.deadline
        action.deadline, action.deadline_provisional = deadline, bool(years)
        action.save(update_fields=["deadline", "deadline_provisional"])
    return changed


def _locked(action, by, verb):
    permissions.require(by, verb, action)
    action = SupervisionAction.objects.select_for_update().get(pk=action.pk)
    if action.status != SupervisionAction.Status.OPEN:
        raise DomainError(_("该监管措施已办结。"), field="status")
    return action


@transaction.atomic
def add_note(action, *, note, by):
    """A supervisor's note, or the company's reply (its staff may only reply)."""
    supervisor = permissions.can(by, "property.supervise", action)
    action = _locked(action, by, "property.supervise" if supervisor else "property.reply")
    note = text(note, "note", _("说明"), max_length=2000)
    event = SupervisionEvent.objects.create(
        action=action, what="note" if supervisor else "reply", note=note, by=by
    )
    audit.record("property.supervision_note", actor=by, target=action)
    return event


@transaction.atomic
def close_action(action, *, note, by):
    action = _locked(action, by, "property.supervise")
    note = text(note, "note", _("办结意见"), max_length=2000)
    action.status = SupervisionAction.Status.CLOSED
    action.save(update_fields=["status"])
    SupervisionEvent.objects.create(action=action, what="closed", note=note, by=by)
    audit.record("property.supervision_closed", actor=by, target=action)
    return action
