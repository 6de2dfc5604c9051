"""Moving a demo story back in time (see the package docstring): plausible times for its events,
every other timestamp following the event it was written with, the deadline recomputed from the
moved clock start, and numbers reissued for the filing day. Queryset updates, demo only."""

import datetime as dt
import re
from collections import Counter

from django.utils import timezone

from ..models import (
    Appeal,
    AppealCounter,
    AppealEvent,
    ExtensionRequest,
    Notification,
    Summons,
    Supervision,
    SuspensionRequest,
)
from ..services import deadlines, moves

NUMBER = re.compile(r"SZ\d{14}")
GAP_HOURS = {  # how long after the previous step each kind of step plausibly comes (min, max)
    "accept": (0.5, 6),
    "reject": (1, 8),
    "dispatch": (0.3, 3),
    "pool": (0.3, 3),
    "claim": (1, 8),
    "start": (0.5, 20),
    "resolve": (6, 72),
    "verify": (4, 30),
    "visit": (6, 30),
    "visit_try": (4, 26),
    "rate": (6, 48),
    "close": (2, 20),
    "request_extension": (8, 30),
    "decide_extension": (2, 8),
    "request_suspension": (8, 30),
    "decide_suspension": (2, 8),
    "summon": (1, 6),
    "report": (1, 16),
    "finish_part": (8, 40),
    "supervise": (12, 48),
    "escalate": (12, 48),
    "merge": (1, 8),
}


def warning_start(category, now, cal):
    """A clock start some days back at which ``now`` falls in the warning band, or None."""
    local = timezone.localtime(now)
    # Every half hour of office time: a short limit (2 or 3 working days) has a narrow band.
    for back in range(1, 25):
        for hour, minute in ((h, m) for h in (9, 10, 11, 14, 15, 16, 17) for m in (0, 30)):
            start = (local - dt.timedelta(days=back)).replace(
                hour=hour, minute=minute, second=0, microsecond=0
            )
            deadline, warn = deadlines.compute(category, start, cal)
            if warn <= now < deadline:
                return start
    return None


def event_times(events, created, now, rng, clock_start=None):
    """Synthetic times for the events: the first at ``created``, then plausible gaps, squeezed to
    end before ``now`` (and, with ``clock_start``, acceptance exactly then)."""
    gaps = [
        dt.timedelta(minutes=1)
        if e.verb == "cancel_request"  # written with the move before it
        else dt.timedelta(hours=rng.uniform(*GAP_HOURS.get(e.verb, (0.5, 4))))
        for e in events[1:]
    ]
    room = (now - created) * 0.9
    total = sum(gaps, dt.timedelta())
    if total > room and total:
        gaps = [g * (room / total) for g in gaps]
    times, t = [created], created
    for g in gaps:
        t += g
        times.append(t)
    if clock_start is not None:
        accept = next(i for i, e in enumerate(events) if e.verb == "accept")
        shift = clock_start - times[accept]
        times = [x + shift for x in times]
    return [min(x, now - dt.timedelta(minutes=len(times) - i)) for i, x in enumerate(times)]


def backdate(a, created, now, rng, cal, clock_start=None):
    events = list(AppealEvent.objects.filter(appeal=a).order_by("id"))
    times = event_times(events, created, now, rng, clock_start)
    deltas = [(e.at, s - e.at) for e, s in zip(events, times, strict=True)]

    def moved(x):
        """A timestamp written with some event moves with it (the latest event at or before it)."""
        if x is None:
            return None
        delta = deltas[0][1]
        for real, d in deltas:
            if real <= x + dt.timedelta(seconds=1):
                delta = d
        return x + delta

    for e, s in zip(events, times, strict=True):
        AppealEvent.objects.filter(pk=e.pk).update(at=s)
    for model, fields in (
        (Summons, ("due_at", "reported_at", "done_at")),
        (Supervision, ("due_at",)),
        (ExtensionRequest, ("decided_at",)),
        (SuspensionRequest, ("decided_at",)),
    ):
        for row in model.objects.filter(appeal=a):
            shift = moved(row.created_at) - row.created_at
            values = {"created_at": row.created_at + shift}
            for f in fields:
                value = getattr(row, f)
                values[f] = None if value is None else (value + shift if f == "due_at" else moved(value))
            model.objects.filter(pk=row.pk).update(**values)
    for note in Notification.objects.filter(appeal=a):
        Notification.objects.filter(pk=note.pk).update(created_at=moved(note.created_at))

    a.refresh_from_db()
    fields = {
        "created_at": times[0],
        "accepted_at": moved(a.accepted_at),
        "resolved_at": moved(a.resolved_at),
        "closed_at": moved(a.closed_at),
        "clock_started_at": moved(a.clock_started_at),
        "warned_at": None,
        "overdue_at": None,
    }
    # The story's moves all ran within a second, so ``moved`` gives a field the shift of the last
    # event of that second; the moments the deadline and the metrics count from are taken from
    # their own events instead (acceptance, the last 重办, the last 办结).
    starts = [t for e, t in zip(events, times, strict=True) if e.verb in ("accept", "reopen")]
    resolves = [t for e, t in zip(events, times, strict=True) if e.verb == "resolve"]
    if fields["accepted_at"] is not None and starts:
        fields["accepted_at"] = starts[0]
    if fields["clock_started_at"] is not None and starts:
        fields["clock_started_at"] = starts[-1]
    if fields["resolved_at"] is not None and resolves:
        fields["resolved_at"] = resolves[-1]
    if fields["clock_started_at"] is not None:
        approved = [  # approved extensions and suspensions move it on, as the moves did
            (s, int(e.data["days"]), e.verb == "decide_suspension")
            for e, s in zip(events, times, strict=True)
            if e.verb in ("decide_extension", "decide_suspension") and e.data.get("approved")
        ]
        a.clock_started_at = fields["clock_started_at"]
        deadline, warn, until, provisional = deadlines.replay(a, approved, cal)
        fields.update(deadline=deadline, warn_at=warn, deadline_provisional=provisional)
        if a.suspended:
            fields["suspended_until"] = until
    fields.update(_assessed(a, events, times, fields, cal))
    Appeal.objects.filter(pk=a.pk).update(**fields)
    _backdate_dues(a, cal)


def _assessed(a, events, times, fields, cal):
    """What the moves judged at the real time, judged again at the moved times: whether the
    response came within the limit, and whether a first cycle that was reopened ended late."""
    out = {}
    if fields["accepted_at"] is not None:
        a.created_at = fields["created_at"]
        out["responded_on_time"] = moves.responded_in_time(a, fields["accepted_at"], cal)
    if any(e.verb == "reopen" for e in events):
        first_resolve = next(s for e, s in zip(events, times, strict=True) if e.verb == "resolve")
        first_deadline = deadlines.compute(a.category, fields["accepted_at"], cal)[0]
        out["ever_late"] = first_resolve > first_deadline
    return out


def _backdate_dues(a, cal):
    """Summons and supervision deadlines in working days, recounted from their moved start."""
    for model, days in ((Summons, "due_workdays"), (Supervision, "due_days")):
        for row in model.objects.filter(appeal=a, **{f"{days}__isnull": False}):
            with cal.watch() as years:
                due = cal.add_workdays(row.created_at, getattr(row, days))
            model.objects.filter(pk=row.pk).update(due_at=due, due_provisional=bool(years))


def _taken(day, pks):
    """Sequence numbers of ``day`` held by appeals that are not being renumbered (another
    district's demo, an appeal filed today outside the stories): never issued twice."""
    prefix = f"SZ{day:%Y%m%d}"
    numbers = (
        Appeal.objects.exclude(pk__in=pks).filter(number__startswith=prefix).values_list("number", flat=True)
    )
    return {int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()}


def renumber(pks):
    """Numbers carry the filing day: reissue them for the moved days, in filing order, skipping
    the numbers other appeals of that day hold; each day's counter ends past every number in use."""
    pks = set(pks)
    rows = list(
        Appeal.objects.filter(pk__in=pks)
        .order_by("created_at", "id")
        .values_list("pk", "number", "created_at")
    )
    seq, renamed, taken = Counter(), {}, {}
    for pk, old, created in rows:
        day = timezone.localdate(created)
        if day not in taken:
            taken[day] = _taken(day, pks)
        seq[day] += 1
        while seq[day] in taken[day]:
            seq[day] += 1
        renamed[old] = f"SZ{day:%Y%m%d}{seq[day]:06d}"
        Appeal.objects.filter(pk=pk).update(number=f"~{pk}")  # out of the way first: numbers are unique
    for pk, old, _created in rows:
        Appeal.objects.filter(pk=pk).update(number=renamed[old])
    for day, value in seq.items():
        top = max([value, *taken[day]])
        # The highest number in use that day: the next intake continues after it, whatever was skipped.
        AppealCounter.objects.update_or_create(day=day, defaults={"value": top})
    # One pass over each text: replacing the numbers one after another would turn A into B and then
    # that B into C, so a notice would quote another appeal's number.
    for note in Notification.objects.filter(appeal_id__in=pks):
        text = NUMBER.sub(lambda m: renamed.get(m.group(0), m.group(0)), note.text)
        Notification.objects.filter(pk=note.pk).update(text=text)
    for e in AppealEvent.objects.filter(appeal_id__in=pks, verb__in=["merge", "absorb", "close"]):
        data = {k: renamed.get(v, v) if isinstance(v, str) else v for k, v in e.data.items()}
        AppealEvent.objects.filter(pk=e.pk).update(data=data)
