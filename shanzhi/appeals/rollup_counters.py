"""What a rollup cell counts: the counters, and the condition over the appeals table that each
one counts (``figure_q``), which the rollups' aggregates and the lists behind a dashboard's figures
both read. Split from ``rollups`` by subject, and re-exported there."""

import datetime as dt

from django.db.models import Count, DurationField, F, Min, Q, Sum

from .models import Appeal

S = Appeal.Status
# 办理时长分布: the resolved by calendar days [from, to) from acceptance to resolution. Calendar, not
# working days: each bucket is one SQL condition (``figure_q``) that the rollup aggregates and the
# worklist lists, and no holiday notice entered later changes a stored count.
HANDLING_BUCKETS = (
    ("handled_1d", 0, 1),
    ("handled_3d", 1, 3),
    ("handled_5d", 3, 5),
    ("handled_10d", 5, 10),
    ("handled_over_10d", 10, None),
)
HANDLING_COUNTERS = tuple(name for name, _lo, _hi in HANDLING_BUCKETS)
# Counters about the appeals filed in a row's day (day and month rows) ...
COUNTERS = (
    "received",
    "invalid",
    "accepted",
    "rejected",
    "responded",
    "resolved",
    "rated",
    "solved",
    "satisfied",
    "basic",
    "unreachable",
    "reworked",
    *HANDLING_COUNTERS,
)
# ... and about those whose deadline falls on its ``due_day`` (read by that day), or in its
# ``due_month`` in a month row (read by that month).
DUE_COUNTERS = ("due", "suspended", "on_time")
ALL_COUNTERS = (*COUNTERS, *DUE_COUNTERS)
# Verified and not sent back or reopened since: "closed after verification" for 按期结案率.
VERIFIED = (S.VERIFIED, S.VISITED, S.CLOSED)


def figure_q(now):
    """The appeals each counter counts, as Q objects over the appeals table (``metrics``' docstring
    says what each one means). The rollup's aggregates and the lists behind a dashboard's figures
    (``queries.figure_cases``) both read this one table, so a figure and its list never disagree."""
    # An appeal ruled invalid (refused with an invalid kind) is only ever counted as received and
    # invalid: it leaves every denominator (12345 assessments drop 无效诉求 from all rates).
    valid = Q(invalid_kind__isnull=True)
    accepted = valid & Q(accepted_at__isnull=False)
    visited = valid & ~Q(rating="")
    due = accepted & Q(deadline__lt=now)
    resolved = accepted & Q(resolved_at__isnull=False)
    handled = {}
    for name, lo, hi in HANDLING_BUCKETS:
        cond = resolved & Q(resolved_at__gte=F("accepted_at") + dt.timedelta(days=lo))
        if hi is not None:
            cond &= Q(resolved_at__lt=F("accepted_at") + dt.timedelta(days=hi))
        handled[name] = cond
    return {
        "received": Q(),
        "invalid": ~valid,
        "rejected": Q(status=S.REJECTED),
        "accepted": accepted,
        "responded": valid & Q(responded_on_time=True),
        "reworked": accepted & Q(rework_count__gt=0),
        "resolved": resolved,
        "rated": visited,
        "solved": visited & Q(solved=Appeal.Solved.SOLVED),
        "satisfied": visited & Q(rating=Appeal.Rating.SATISFIED),
        "basic": visited & Q(rating=Appeal.Rating.BASIC),
        "unreachable": valid & Q(unreachable=True),
        "due": due,
        "suspended": due & Q(suspended=True),
        # Closed after verification by the deadline, and no earlier cycle late (a reopened case
        # keeps the lateness of its first cycle); suspension already moved the deadline back.
        "on_time": due
        & Q(suspended=False, ever_late=False, status__in=VERIFIED, resolved_at__lte=F("deadline")),
        **handled,
    }


def counted(appeals):
    """The appeals a rollup counts at all: merged duplicates follow their main case, also once
    closed with it."""
    return appeals.exclude(status=S.MERGED).exclude(merged_into__isnull=False)


def _aggregates(now):
    """The counters as SQL aggregates (prefixed names: an annotation called "suspended" would
    shadow the field in the filters)."""
    q = figure_q(now)
    out = {f"n_{name}": Count("pk", filter=cond) if cond else Count("pk") for name, cond in q.items()}
    resolved, accepted = q["resolved"], q["accepted"]
    out["n_handling"] = Sum(
        F("resolved_at") - F("accepted_at"), filter=resolved, output_field=DurationField()
    )
    out["n_next_due_at"] = Min("deadline", filter=accepted & Q(deadline__gte=now))
    return out
