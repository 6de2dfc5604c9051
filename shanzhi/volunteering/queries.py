"""Scoped reads of the love bank: my points, my hours, rankings, lists for staff."""

import dataclasses

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_name
from shanzhi.registry.models import Household, OrgNode, Unit

from . import rules
from .models import Account, Activity, Attendance, Movement, PointsTally, Redemption, SignUp, Team, Volunteer

RECENT = 20


def volunteer_for(user):
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).select_related("community").first()


@dataclasses.dataclass
class Balance:
    volunteer: Volunteer
    account: Account
    recent: list

    @property
    def star(self):
        return rules.star_level(self.volunteer.confirmed_minutes)

    @property
    def star_name(self):
        return rules.star_name(self.volunteer.confirmed_minutes)

    @property
    def to_next_star(self):
        return rules.hours_to_next_star(self.volunteer.confirmed_minutes)


def balance(volunteer, recent=RECENT):
    """The balance is one row (kept by the database); the recent movements one indexed query per side."""
    account = Account.objects.get(volunteer=volunteer)
    credits = list(Movement.objects.filter(credit=account).order_by("-at", "-id")[:recent])
    debits = list(Movement.objects.filter(debit=account).order_by("-at", "-id")[:recent])
    movements = sorted(credits + debits, key=lambda m: (m.at, m.pk), reverse=True)[:recent]
    for m in movements:
        m.signed = m.amount if m.credit_id == account.pk else -m.amount
    return Balance(volunteer, account, movements)


def my_hours(volunteer):
    return (
        Attendance.objects.filter(volunteer=volunteer)
        .exclude(status=Attendance.Status.WITHDRAWN)
        .select_related("session")
        .order_by("-session__starts_at")
    )


def my_signups(volunteer):
    return (
        SignUp.objects.filter(volunteer=volunteer)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("activity")
        .order_by("-activity__starts_at")
    )


def my_redemptions(volunteer):
    return Redemption.objects.filter(volunteer=volunteer).select_related("item").order_by("-created_at")


def upcoming_activities(user):
    return (
        permissions.visible(user, Activity)
        .filter(status=Activity.Status.PUBLISHED, ends_at__gte=timezone.now())
        .select_related("community", "team")
        .order_by("starts_at")
    )


# --- rankings ------------------------------------------------------------------------------------------


def ranking_nodes(user):
    """Nothing for those outside the love bank; otherwise communities and streets whose rankings this user may read: staff, their subtree; everyone
    else, the community they belong to and its street."""
    from .services import home_communities

    if not permissions.has_role_for(user, "volunteering.view"):
        return OrgNode.objects.none()
    staff_nodes = permissions.visible(user, OrgNode, "volunteering.view_people").filter(
        level__in=["community", "street"]
    )
    communities = set(home_communities(user))
    communities |= {g.node.parent_id for g in user.grants() if g.role == "grid_worker" and g.node_id}
    communities |= set(Volunteer.objects.filter(user=user).values_list("community_id", flat=True))
    streets = OrgNode.objects.filter(pk__in=communities).values("parent_id")
    return OrgNode.objects.filter(
        Q(pk__in=staff_nodes.values("pk")) | Q(pk__in=communities) | Q(pk__in=streets)
    ).order_by("path")


@dataclasses.dataclass
class RankRow:
    rank: int
    name: str
    community: str
    points: int
    hours: float
    star: str


def ranking(user, node, grain="M", start=None, metric="points", limit=50):
    """Top ``limit`` people of a community or street for a month, quarter or year, read from the rollup.

    Staff see names; everyone else sees them masked (张*).
    """
    start = start or rules.period_starts(timezone.localdate())[grain]
    field = "community" if node.level == "community" else "street"
    order = "-points" if metric == "points" else "-minutes"
    rows = (
        PointsTally.objects.filter(**{field: node}, grain=grain, period_start=start)
        .filter(Q(points__gt=0) | Q(minutes__gt=0))
        .select_related("volunteer__community")
        .order_by(order, "volunteer_id")[:limit]
    )
    staff = permissions.visible(user, OrgNode, "volunteering.view_people").filter(pk=node.pk).exists()
    out = []
    for i, t in enumerate(rows, start=1):
        name = t.volunteer.name if staff else mask_name(t.volunteer.name)
        out.append(
            RankRow(
                i,
                name,
                t.volunteer.community.name,
                t.points,
                round(t.minutes / 60, 1),
                rules.star_name(t.volunteer.confirmed_minutes),
            )
        )
    return out


def volunteers(user, **filters):
    qs = permissions.visible(user, Volunteer).filter(**filters).select_related("community", "account")
    return qs.order_by("-confirmed_minutes", "id")


# --- commendations and pairing: the choices a form offers, and reading what it sent back ---------------

CHOICES_CAP = 500  # a form lists at most this many of each; the API takes any id in scope


def commend_nodes(user):
    """Communities, streets and the district the user may commend in (their own and those below)."""
    return permissions.visible(user, OrgNode, "volunteering.commend").exclude(level="grid").order_by("path")


def commend_subjects(user):
    """Volunteers, teams and units in the user's sight, for the commendation form."""
    return {
        "volunteer": permissions.visible(user, Volunteer)
        .filter(active=True)
        .order_by("community_id", "name")[:CHOICES_CAP],
        "team": permissions.visible(user, Team).order_by("community_id", "name")[:CHOICES_CAP],
        "unit": permissions.visible(user, Unit).order_by("community_id", "name")[:CHOICES_CAP],
    }


def subject_in_sight(user, kind, pk, field):
    """The volunteer, team or unit ``pk`` if the user sees it; else a refusal naming ``field``, the same
    for one out of sight as for one that does not exist (no one learns what lies outside their scope)."""
    models = {"volunteer": Volunteer, "team": Team, "unit": Unit}
    try:
        pk = int(str(pk))
    except (TypeError, ValueError):
        pk = None
    obj = permissions.visible(user, models[kind]).filter(pk=pk).first() if pk and kind in models else None
    if obj is None:
        raise DomainError(_("所选对象不存在或不在您的管辖范围内。"), field=field)
    return obj


def pairing_households(user):
    return (
        permissions.visible(user, Household, "volunteering.manage")
        .select_related("building__compound")
        .order_by("building__compound__name", "building__name", "unit_no", "room")[:CHOICES_CAP]
    )
