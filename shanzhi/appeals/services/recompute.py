"""Provisional deadlines recomputed once a year's holiday notice is complete.

A deadline that reached a year whose notice was not entered was counted on the provisional
calendar (``core.workdays``) and stored with a flag. When an administrator marks the year
complete, ``core.workdays.year_completed`` calls ``year_completed`` here (registered in
``AppConfig.ready``, so core never imports appeals): a ``CalendarRecompute`` row is written and the
``recompute_deadlines`` task enqueued in the same transaction. ``run`` then recomputes, appeal by
appeal, the deadline, warn_at and 缓办 end from the stored clock start and the approved extensions
and suspensions, and each open summons and supervision deadline from its own start; clears the
flags; writes a timeline row per changed appeal; lists old → new on the job row; and audits the
run. ``manage.py recompute_deadlines --year`` runs the same ``run`` at once.

Rule for the resident-facing deadline (the one the resident was told on acceptance): it never
moves earlier. Where the notice makes it earlier (a swapped Saturday, 调休, becomes a working day),
the later of old and new is kept and the handler and coordinator are told the statutory date; a
promise to a resident is not taken back silently. Internal dates (warn_at, summons, supervision,
缓办) follow the notice either way. A closed case keeps the deadline it ran against.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit, workdays
from shanzhi.core.models import AuditEvent, CalendarRecompute

from ..models import Appeal, ExtensionRequest, Summons, Supervision, SuspensionRequest
from . import base, deadlines, notify

SOURCE = "appeals"
PROGRESS_EVERY = 50  # appeals between two progress writes (the change list grows with the run)


def year_completed(year):
    """Listener of ``workdays.on_year_completed``: queue the recompute in the caller's transaction."""
    from ..tasks import recompute_deadlines

    job = CalendarRecompute.objects.create(year=year, source=SOURCE)
    recompute_deadlines.enqueue(job.pk)
    return job


def start(year):
    """Recompute now (the management command): the job row, run."""
    job = CalendarRecompute.objects.create(year=year, source=SOURCE)
    run(job.pk)
    job.refresh_from_db()
    return job


def _pending_ids():
    summoned = Summons.objects.filter(due_provisional=True, status__in=Summons.ACTIVE).values("appeal_id")
    supervised = Supervision.objects.filter(due_provisional=True).values("appeal_id")
    rows = (
        Appeal.objects.filter(deadline_provisional=True)
        | Appeal.objects.filter(pk__in=summoned)
        | (Appeal.objects.filter(pk__in=supervised))
    )
    return sorted(set(rows.values_list("pk", flat=True)))


def run(job_id):
    job = CalendarRecompute.objects.get(pk=job_id)
    ids = _pending_ids()
    job.status, job.total, job.done, job.changed, job.changes = (
        CalendarRecompute.Status.RUNNING,
        len(ids),
        0,
        0,
        [],
    )
    job.save()
    cal = workdays.calendar()
    for pk in ids:
        with transaction.atomic():
            change = recompute_appeal(pk, cal)
        job.done += 1
        if change:
            job.changed += 1
            job.changes.append(change)
        if job.done % PROGRESS_EVERY == 0:
            job.save(update_fields=["done", "changed", "changes"])
    job.status, job.finished_at = CalendarRecompute.Status.DONE, timezone.now()
    job.save(update_fields=["done", "changed", "changes", "status", "finished_at"])
    audit.record(
        AuditEvent.Action.CALENDAR_CHANGE,
        detail={
            "op": "recompute",
            "year": job.year,
            "job": job.pk,
            "total": job.total,
            "changed": job.changed,
        },
    )
    return {"total": job.total, "changed": job.changed}


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _approved(a):
    return [
        (r.decided_at, r.days, model is SuspensionRequest)
        for model in (ExtensionRequest, SuspensionRequest)
        for r in model.objects.filter(appeal=a, status=model.Status.APPROVED)
    ]


def _recompute_clock(a, cal, now, diff):
    """The appeal's own moments; returns the changed fields (``diff`` gets old → new)."""
    deadline, warn, until, provisional = deadlines.replay(a, _approved(a), cal)
    kept = deadline < a.deadline  # see the module docstring: never earlier for the resident
    if kept:
        diff["statutory_deadline"] = _iso(deadline)
        deadline = a.deadline
        warn = deadlines.warn_at(a.category, a.clock_started_at, deadline, cal)
    fields = ["deadline_provisional"]
    for name, new in (("deadline", deadline), ("warn_at", warn), ("suspended_until", until)):
        if getattr(a, name) != new:
            diff[name] = [_iso(getattr(a, name)), _iso(new)]
            setattr(a, name, new)
            fields.append(name)
    a.deadline_provisional = provisional
    if a.overdue_at and a.deadline > now:
        a.overdue_at = None
        fields.append("overdue_at")
    if a.warned_at and a.warn_at > now:
        a.warned_at = None
        fields.append("warned_at")
    return fields, kept


def _recompute_dues(rows, days_field, cal, now, diff, key):
    for row in rows:
        with cal.watch() as years:
            due = cal.add_workdays(row.created_at, getattr(row, days_field))
        if due != row.due_at:
            diff.setdefault(key, []).append({"id": row.pk, "due_at": [_iso(row.due_at), _iso(due)]})
            row.due_at = due
            if row.reminded_at and due > now:
                row.reminded_at = None
        row.due_provisional = bool(years)
        row.save(update_fields=["due_at", "due_provisional", "reminded_at"])


def recompute_appeal(pk, cal):
    """Recompute one appeal's provisional moments (locked); the change record, or None."""
    a = base.lock(pk)
    now = timezone.now()
    diff, fields, kept = {}, [], False
    if a.deadline_provisional:
        if a.status in Appeal.FINAL or not (a.clock_started_at and a.deadline):
            a.deadline_provisional = False
            fields = ["deadline_provisional"]
        else:
            fields, kept = _recompute_clock(a, cal, now, diff)
    _recompute_dues(
        Summons.objects.filter(
            appeal=a, due_provisional=True, due_workdays__isnull=False, status__in=Summons.ACTIVE
        ),
        "due_workdays",
        cal,
        now,
        diff,
        "summons",
    )
    _recompute_dues(
        Supervision.objects.filter(appeal=a, due_provisional=True, due_days__isnull=False),
        "due_days",
        cal,
        now,
        diff,
        "supervisions",
    )
    if not diff:
        if fields:
            Appeal.objects.filter(pk=a.pk).update(deadline_provisional=a.deadline_provisional)
        return None
    base.commit(a, base.V.RECOMPUTE, None, a.status, fields, note=_("按正式放假安排重算时限"), data=diff)
    if kept:
        notify.send(
            "deadline_kept",
            a,
            set(notify.assignees(a)) | set(notify.dispatchers(a)),
            _(
                "诉求 %(n)s 按正式放假安排重算的时限为 %(s)s，早于已告知群众的 %(d)s；为不失信于群众，时限保留为 %(d)s。"
            )
            % {
                "n": a.number,
                "s": diff["statutory_deadline"][:16].replace("T", " "),
                "d": timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M"),
            },
        )
    return {"id": a.pk, "number": a.number, **diff}
