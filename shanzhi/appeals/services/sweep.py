"""The time-driven part of the loop, run by ``manage.py sweep`` (cron, every few minutes).

Each step finds the rows that are due through a partial index and *claims* them in batches:
inside one short transaction it locks a batch (``FOR UPDATE SKIP LOCKED``, so a second sweep
takes other rows instead of waiting), sets the flag with a conditional UPDATE (``… WHERE
warned_at IS NULL``) and writes the events for exactly the rows it claimed. Two sweeps running at
once, or one run twice, therefore write each event once, and a pass costs what changes (one
commit per batch, not per row), not the size of the table. Nothing depends on the sweep for
correctness: overdue-ness is also derived at read time from the stored deadline
(``Appeal.is_overdue``).

Last, it keeps the metrics rollup current (``rollups``): cells whose earliest pending deadline
has passed are recomputed (their *due* figures changed with time alone), and cells marked by moves
that no task worker has drained yet are drained. Both only *try* each cell's lock, so a second
sweep or a drain working on the same cell is skipped, not waited for.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import periodic

from .. import rollups
from ..models import Appeal, AppealEvent, Summons, Supervision
from . import approvals, base, delays, notify, oversight
from .base import V

BATCH = 200


def _claim_batches(due, order, flag, handle, load):
    """Claim the rows of ``due`` batch by batch: lock, flag with ``flag`` (a dict for update),
    and ``handle(rows)`` them (fetched through ``load``), in one transaction per batch. Returns
    how many were claimed."""
    total = 0
    while True:
        with transaction.atomic():
            pks = list(
                due.select_for_update(skip_locked=True)
                .order_by(order, "pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not pks:
                return total
            # Under the lock the conditions still hold; filtering on them again keeps the claim
            # honest on a database without row locks (SQLite serialises the whole transaction).
            claimed = list(due.filter(pk__in=pks).values_list("pk", flat=True))
            if flag:
                due.model.objects.filter(pk__in=claimed).update(**flag)
            handle(list(load.filter(pk__in=claimed).order_by("pk")))
            total += len(claimed)


def _timed():
    return Q(status__in=Appeal.TIMED, suspended=False)


def _flag_events(appeals, verb):
    AppealEvent.objects.bulk_create(
        AppealEvent(
            appeal=a,
            verb=verb,
            from_status=a.status,
            to_status=a.status,
            version=a.version,
            data={"deadline": a.deadline.isoformat() if a.deadline else None},
            **base.actor_fields(None),
        )
        for a in appeals
    )


def flag_overdue(now):
    """红牌: past the deadline. Escalates one level when the category says so."""
    escalated = 0

    def handle(appeals):
        nonlocal escalated
        _flag_events(appeals, V.OVERDUE)
        who = notify.Cached()
        for a in appeals:
            notify.send(
                "overdue",
                a,
                set(who.assignees(a)) | set(who.dispatchers(a)),
                _("诉求 %(n)s 已超期（红牌）。") % {"n": a.number},
            )
            if a.category.auto_escalate and oversight.next_level(a) is not None:
                oversight.raise_level(a, None, _("超期自动升级"), auto=True)
                escalated += 1

    due = Appeal.objects.filter(_timed(), overdue_at__isnull=True, deadline__lte=now)
    # Straight to red sets warned_at too: no separate yellow event for a case found already late.
    count = _claim_batches(
        due,
        "deadline",
        {"overdue_at": now, "warned_at": now},
        handle,
        Appeal.objects.select_related("category"),
    )
    return count, escalated


def flag_warnings(now):
    """黄牌: the configured share of the handling time is used up."""

    def handle(appeals):
        _flag_events(appeals, V.WARN)
        who = notify.Cached()
        for a in appeals:
            notify.send(
                "warning",
                a,
                who.assignees(a),
                _("诉求 %(n)s 即将到期（黄牌），请抓紧办理。") % {"n": a.number},
            )

    due = Appeal.objects.filter(_timed(), warned_at__isnull=True, warn_at__lte=now)
    return _claim_batches(due, "warn_at", {"warned_at": now}, handle, Appeal.objects.all())


def remind_summonses(now):
    """Departments that have not reported (报到) by their deadline are reminded once."""

    def handle(rows):
        for s in rows:
            base.event(
                s.appeal, V.SUMMONS_OVERDUE, None, data={"summons": s.pk, "department": str(s.department)}
            )
            notify.send(
                "summons_overdue",
                s.appeal,
                set(notify.department_handlers(s.department_id)) | {s.summoned_by_id},
                _("%(d)s 未按时就诉求 %(n)s 报到，请立即报到。") % {"d": s.department, "n": s.appeal.number},
            )

    due = Summons.objects.filter(status=Summons.Status.SUMMONED, reminded_at__isnull=True, due_at__lte=now)
    return _claim_batches(
        due, "due_at", {"reminded_at": now}, handle, Summons.objects.select_related("appeal", "department")
    )


def remind_supervisions(now):
    """A supervision (督办) whose deadline passed while the appeal is still being handled."""

    def handle(rows):
        for sup in rows:
            base.event(sup.appeal, V.SUPERVISION_OVERDUE, None, data={"supervision": sup.pk})
            notify.send(
                "supervision_overdue",
                sup.appeal,
                set(notify.assignees(sup.appeal)) | {sup.by_id},
                _("督办事项到期：诉求 %(n)s 仍未办结。") % {"n": sup.appeal.number},
            )

    due = Supervision.objects.filter(
        reminded_at__isnull=True, due_at__lte=now, appeal__status__in=Appeal.TIMED
    )
    return _claim_batches(
        due, "due_at", {"reminded_at": now}, handle, Supervision.objects.select_related("appeal")
    )


def end_suspensions(now):
    """缓办 whose time is up: handling resumes (the pushed-back deadline applies)."""

    def handle(appeals):
        for a in appeals:
            delays._resume(a, None, _("缓办期满，自动恢复办理"))

    due = Appeal.objects.filter(suspended=True, suspended_until__lte=now)
    return _claim_batches(due, "suspended_until", None, handle, Appeal.objects.all())


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
        "approvals_escalated": approvals.escalate_due(now, _claim_batches),
        "rollup_cells_due": rollups.refresh_due(now),
        "rollup_cells_drained": rollups.drain(now),
        # Calendar-driven work of the apps above (the data centre's monthly reports).
        **periodic.run(now),
    }
