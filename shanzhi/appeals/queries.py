"""Scoped reads of appeals: every list starts from ``permissions.visible``.

``worklist(user, bucket)`` gives the staff and resident worklists; the UI engineer adds
filters and pagination on top of the returned queryset.
"""

import re
import unicodedata

from django.db.models import Q
from django.utils import timezone

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.core import crypto, validators

from . import access, progress, rollups
from .models import Appeal, Notification, Summons
from .services import approvals

S = Appeal.Status
BUCKETS = [
    "mine",
    "to_accept",
    "to_locate",
    "to_dispatch",
    "pool",
    "to_verify",
    "to_visit",
    "to_close",
    "overdue",
    "warning",
    "supervised",
    "summoned",
    "suspended",
    "submitted_by_me",
    "all",
]


def assigned_to(user):
    """Appeals whose assignee is this user or one of their units (community/street, department,
    property company)."""
    q = Q(assignee_kind="user", assignee_user=user)
    for g in user.grants():
        if g.role in access.COMMUNITY_UP and g.node_id:
            q |= Q(assignee_kind="node", assignee_node_id=g.node_id)
        elif g.role == Role.DEPARTMENT_HANDLER and g.department_id:
            q |= Q(assignee_kind="department", assignee_department_id=g.department_id)
        elif g.role == Role.PROPERTY_STAFF and g.property_company_id:
            q |= Q(assignee_kind="company", assignee_company_id=g.property_company_id)
    return q


# The staff who take in and dispatch new cases at each level of node: not the secretary or the
# district leader, who decide and supervise (their 我的待办 holds the approvals instead).
INTAKE_ROLES = {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_STAFF}
# Appeal levels a node of each level coordinates (a grid's cases are its community's to accept).
COORDINATED = {"community": ("grid", "community"), "street": ("street",), "district": ("district",)}


def my_work(user):
    """我的待办: everything waiting for this user's own move.

    What is assigned to them or their unit; new and returned cases to accept or dispatch at their
    level (intake staff); summonses their department has to report to or finish (吹哨报到); and
    extension and suspension requests they are asked to decide (``services.approvals``)."""
    q = assigned_to(user) & ~Q(status__in=Appeal.FINAL)
    departments = []
    for g in user.grants():
        if g.role in INTAKE_ROLES and g.node_id and g.node.level in COORDINATED:
            q |= Q(
                status__in=[S.SUBMITTED, S.ACCEPTED, S.RETURNED],
                path__startswith=g.node.path,
                level__in=COORDINATED[g.node.level],
            )
        elif g.role == Role.DEPARTMENT_HANDLER and g.department_id:
            departments.append(g.department_id)
    if departments:
        summoned = Summons.objects.filter(status__in=Summons.ACTIVE, department_id__in=departments)
        q |= Q(pk__in=summoned.values("appeal_id"))
    return q | approvals.waiting_for(user)


def late_q(bucket, now):
    """The open cases past their deadline (``overdue``) or in the warning band (``warning``) at
    ``now``: the worklist's tabs and the data centre's "now" figures (partial indexes serve both)."""
    timed = Q(status__in=Appeal.TIMED, suspended=False)
    if bucket == "overdue":
        return timed & Q(deadline__lt=now)
    if bucket == "warning":
        return timed & Q(warn_at__lte=now, deadline__gte=now)
    raise ValueError(bucket)


def worklist(user, bucket, now=None):
    now = now or timezone.now()
    # category__parent: a category prints as "parent/name", one query per row otherwise.
    qs = permissions.visible(user, Appeal).select_related("category__parent", "grid", "community")
    filters = {
        "mine": my_work(user),
        "to_accept": Q(status=S.SUBMITTED, unplaced=False),
        # 待定位: filed with no place anyone could find; accepted only once placed.
        "to_locate": Q(status=S.SUBMITTED, unplaced=True),
        "to_dispatch": Q(status__in=[S.ACCEPTED, S.RETURNED]),
        "pool": Q(status=S.POOLED),
        "to_verify": Q(status=S.RESOLVED),
        "to_visit": Q(status=S.VERIFIED),
        "to_close": Q(status=S.VISITED),
        "overdue": late_q("overdue", now),
        "warning": late_q("warning", now),
        "supervised": Q(supervised=True) & ~Q(status__in=Appeal.FINAL),
        "summoned": Q(
            pk__in=Summons.objects.filter(
                status__in=Summons.ACTIVE,
                department_id__in=[g.department_id for g in user.grants() if g.department_id],
            ).values("appeal_id")
        ),
        "suspended": Q(suspended=True, status__in=Appeal.TIMED),
        "submitted_by_me": Q(submitter=user),
        "all": Q(),
    }
    if bucket not in filters:
        raise ValueError(f"unknown worklist {bucket!r}")
    order = "deadline" if bucket in ("overdue", "warning", "mine") else "-created_at"
    return qs.filter(filters[bucket]).order_by(order, "-id")


def timeline(user, appeal):
    """The appeal's events, oldest first (the caller has fetched ``appeal`` through
    ``permissions.get_visible_or_404``)."""
    permissions.require(user, "appeals.view", appeal)
    return appeal.events.select_related("actor").order_by("id")


def unread_notifications(user):
    return permissions.visible(user, Notification).filter(read_at__isnull=True)


def resident_view(user, appeal):
    """True when ``user`` sees the appeal as the resident who filed it, not as staff handling it:
    they get the plain-words progress and only the notes addressed to them (issue 13 §7)."""
    return not permissions.can(user, "appeals.handle", appeal)


def resident_timeline(user, appeal):
    """The timeline as the resident may read it: milestones and resident-visible notes only."""
    return progress.resident_events(timeline(user, appeal))


# --- the worklist's search (issue 13 §3) -------------------------------------------------------

COUNT_CAP = 999  # a tab's count stops here ("999+"): an exact COUNT over a district costs too much


def phone_index(text):
    """The blind index of a phone typed into a search box (full-width digits, spaces, dashes and a
    leading +86 tolerated); a refusal names the field. The phone itself is never kept."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        value = digits
    return crypto.blind_index(validators.clean_phone(value, field="phone"))


def search(qs, *, number="", keyword="", place="", phone_key=""):
    """``qs`` narrowed by what the search box holds. A phone matches the contact phone the case
    was filed with and the phone of the resident who filed it, through their blind indexes only."""
    if number:
        qs = qs.filter(number__icontains=number)
    for word in keyword.split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    for word in place.split():
        qs = qs.filter(
            Q(address__icontains=word)
            | Q(grid__name__icontains=word)
            | Q(community__name__icontains=word)
            | Q(building__compound__name__icontains=word)
        )
    if phone_key:
        residents = RoleGrant.objects.filter(resident__phone_index=phone_key).values("user_id")
        qs = qs.filter(Q(contact_phone_index=phone_key) | Q(submitter_id__in=residents))
    return qs


def bucket_counts(user, buckets, narrow):
    """{bucket: count} for the tabs, each through ``narrow`` (the same search and filters as the
    list), counted no further than ``COUNT_CAP`` + 1."""
    return {
        b: narrow(worklist(user, b)).order_by().select_related(None)[: COUNT_CAP + 1].count() for b in buckets
    }


# The figures a dashboard links to its list (``figure_cases``): the counters of the rollup that
# are about the appeals filed in a period, and those about the deadlines that fell in it.
FILED_FIGURES = (
    *("received", "invalid", "accepted", "responded", "resolved", "rated", "solved", "unreachable"),
    *rollups.HANDLING_COUNTERS,
)
DUE_FIGURES = ("due", "on_time")


def figure_cases(qs, figure, start=None, end=None, now=None):
    """The appeals of ``qs`` behind one dashboard figure over the days [start, end): the rollup's
    own condition for that counter (``rollups.figure_q``), on the appeals filed in the period (or,
    for the due counters, whose deadline fell in it), merged duplicates left out as the rollup
    does. ``figure`` is one of ``FILED_FIGURES`` or ``DUE_FIGURES``; anything else is a ValueError."""
    if figure not in FILED_FIGURES + DUE_FIGURES:
        raise ValueError(figure)
    now = now or timezone.now()
    qs = rollups.counted(qs).filter(rollups.figure_q(now)[figure])
    field = "deadline" if figure in DUE_FIGURES else "created_at"
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": rollups.day_bounds(start)[0]})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": rollups.day_bounds(end)[0]})
    return qs
