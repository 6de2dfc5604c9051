"""The time-driven part of the loop, run by ``manage.py sweep`` (cron, every few minutes).

Each step finds the rows that are due through a partial index, then *claims* each one with a
conditional UPDATE (``… WHERE warned_at IS NULL``) inside a short transaction and writes the
event only if its UPDATE changed the row. Two sweeps running at once, or one run twice, therefore
write each event exactly once, and a pass costs what changes, not the size of the table.
Nothing depends on the sweep for correctness: overdue-ness is also derived at read time from the
stored deadline (``Appeal.is_overdue``).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Appeal, Summons, Supervision
from . import base, delays, moves, notify
from .base import V

BATCH = 500


def _due_pks(queryset, order):
    """Yield pks batch by batch; claimed rows leave the queryset, so re-query until it is empty."""
    seen = set()
    while True:
        pks = [pk for pk in queryset.order_by(order, "pk").values_list("pk", flat=True)[:BATCH] if pk not in seen]
        if not pks:
            return
        seen.update(pks)
        yield from pks


def _timed():
    return Q(status__in=Appeal.TIMED, suspended=False)


def flag_overdue(now):
    """红牌: past the deadline. Escalates one level when the category says so."""
    count = escalated = 0
    due = Appeal.objects.filter(_timed(), overdue_at__isnull=True, deadline__lte=now)
    for pk in _due_pks(due, "deadline"):
        with transaction.atomic():
            claimed = Appeal.objects.filter(_timed(), pk=pk, overdue_at__isnull=True, deadline__lte=now).update(
                overdue_at=now, warned_at=now
            )
            if not claimed:
                continue  # another sweep got there first, or the appeal moved on
            a = Appeal.objects.select_for_update().select_related("category").get(pk=pk)
            a.warned_at = a.warned_at or now
            base.event(a, V.OVERDUE, None, data={"deadline": a.deadline.isoformat()})
            notify.send("overdue", a, set(notify.assignees(a)) | set(notify.dispatchers(a)),
                        _("诉求 %(n)s 已超期（红牌）。") % {"n": a.number})
            count += 1
            if a.category.auto_escalate and moves.next_level(a) is not None:
                moves.raise_level(a, None, _("超期自动升级"), auto=True)
                escalated += 1
    return count, escalated


def flag_warnings(now):
    """黄牌: the configured share of the handling time is used up."""
    count = 0
    due = Appeal.objects.filter(_timed(), warned_at__isnull=True, warn_at__lte=now)
    for pk in _due_pks(due, "warn_at"):
        with transaction.atomic():
            claimed = Appeal.objects.filter(_timed(), pk=pk, warned_at__isnull=True, warn_at__lte=now).update(
                warned_at=now
            )
            if not claimed:
                continue
            a = Appeal.objects.get(pk=pk)
            base.event(a, V.WARN, None, data={"deadline": a.deadline.isoformat() if a.deadline else None})
            notify.send("warning", a, notify.assignees(a),
                        _("诉求 %(n)s 即将到期（黄牌），请抓紧办理。") % {"n": a.number})
            count += 1
    return count


def remind_summonses(now):
    """Departments that have not reported (报到) by their deadline are reminded once."""
    count = 0
    due = Summons.objects.filter(status=Summons.Status.SUMMONED, reminded_at__isnull=True, due_at__lte=now)
    for pk in _due_pks(due, "due_at"):
        with transaction.atomic():
            if not Summons.objects.filter(pk=pk, status=Summons.Status.SUMMONED, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            s = Summons.objects.select_related("appeal", "department").get(pk=pk)
            base.event(s.appeal, V.SUMMONS_OVERDUE, None, data={"summons": s.pk, "department": str(s.department)})
            notify.send("summons_overdue", s.appeal,
                        set(notify.department_handlers(s.department_id)) | {s.summoned_by_id},
                        _("%(d)s 未按时就诉求 %(n)s 报到，请立即报到。") % {"d": s.department, "n": s.appeal.number})
            count += 1
    return count


def remind_supervisions(now):
    """A supervision (督办) whose deadline passed while the appeal is still being handled."""
    count = 0
    due = Supervision.objects.filter(reminded_at__isnull=True, due_at__lte=now, appeal__status__in=Appeal.TIMED)
    for pk in _due_pks(due, "due_at"):
        with transaction.atomic():
            if not Supervision.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            sup = Supervision.objects.select_related("appeal").get(pk=pk)
            base.event(sup.appeal, V.SUPERVISION_OVERDUE, None, data={"supervision": sup.pk})
            notify.send("supervision_overdue", sup.appeal, set(notify.assignees(sup.appeal)) | {sup.by_id},
                        _("督办事项到期：诉求 %(n)s 仍未办结。") % {"n": sup.appeal.number})
            count += 1
    return count


def end_suspensions(now):
    count = 0
    due = Appeal.objects.filter(suspended=True, suspended_until__lte=now)
    for pk in _due_pks(due, "suspended_until"):
        with transaction.atomic():
            # Lock, then re-check: a resume by hand may have come first.
            a = base.lock(pk)
            if not (a.suspended and a.suspended_until and a.suspended_until <= now):
                continue
            delays._resume(a, None, _("缓办期满，自动恢复办理"))
            count += 1
    return count


def run(now=None):
    """One pass; returns what it did, for the command's output and for monitoring."""
    now = now or timezone.now()
    resumed = end_suspensions(now)
    overdue, escalated = flag_overdue(now)
    return {
        "resumed": resumed,
        "overdue": overdue,
        "escalated": escalated,
        "warned": flag_warnings(now),
        "summons_reminded": remind_summonses(now),
        "supervisions_reminded": remind_supervisions(now),
    }
