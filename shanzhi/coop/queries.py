"""Scoped reads of co-construction: suggested matches, promised vs delivered, assessment lists, reports.

Every function that takes a ``user`` starts from ``permissions.visible``; the others are given
objects the caller already fetched through it.
"""

import dataclasses
import datetime

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.masking import mask_name, mask_phone
from shanzhi.registry.models import Household
from shanzhi.volunteering.models import Attendance

from .models import (
    Agreement,
    Assessment,
    AssessmentPeriod,
    Claim,
    JointActivity,
    MemberRegistration,
    Need,
    Order,
    Post,
    Project,
    Resource,
)


def active_registration(user, community_id=None):
    """The user's active in-service member registration (in that community, when given), or None."""
    qs = MemberRegistration.objects.filter(user=user, status=MemberRegistration.Status.ACTIVE)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.select_related("community").first()


def address_visible(user, need):
    """The household's address goes to staff in scope and to whoever claimed the need, no one else."""
    if need.household_id is None:
        return False
    if permissions.visible(user, Household).filter(pk=need.household_id).exists():
        return True
    return need.claims.filter(status__in=Claim.LIVE).filter(claimed_by=user).exists()


# --- matching: category, place, time ----------------------------------------------------------------


@dataclasses.dataclass
class Match:
    item: object
    score: int
    reasons: list


def _overlap_days(a, b):
    return sum(1 for x, y in zip(a or "1111111", b or "1111111", strict=False) if x == y == "1")


def _overlap_hours(a_from, a_to, b_from, b_to):
    """True when two daily time windows overlap (a missing bound means the whole day)."""
    a_from, b_from = a_from or datetime.time.min, b_from or datetime.time.min
    a_to, b_to = a_to or datetime.time.max, b_to or datetime.time.max
    return max(a_from, b_from) < min(a_to, b_to)


def match_score(need, resource):
    """(score, reasons) of a resource for a need; None when it cannot serve it at all.

    Same category and community are required; then same grid (+3), shared days (+1 per day, up
    to +3), overlapping hours (+2), room left (+1).
    """
    if resource.category != need.category or resource.community_id != need.community_id:
        return None
    days = _overlap_days(need.weekdays, resource.weekdays)
    if not days:
        return None
    score, reasons = 0, [_("同类服务")]
    if need.grid_id and resource.grid_id == need.grid_id:
        score += 3
        reasons.append(_("同一网格"))
    score += min(days, 3)
    reasons.append(_("%(n)d 天时间吻合") % {"n": days})
    if _overlap_hours(need.time_from, need.time_to, resource.time_from, resource.time_to):
        score += 2
        reasons.append(_("时段吻合"))
    if resource.capacity is None or resource.open_orders < resource.capacity:
        score += 1
    return score, reasons


def suggest_resources(user, need, limit=5):
    candidates = permissions.visible(user, Resource).filter(
        community_id=need.community_id, category=need.category, status=Resource.Status.PUBLISHED
    )
    return _ranked(need, candidates, limit, lambda n, r: match_score(n, r))


def suggest_needs(user, resource, limit=10):
    candidates = permissions.visible(user, Need).filter(
        community_id=resource.community_id, category=resource.category, status=Need.Status.OPEN
    )
    return _ranked(resource, candidates, limit, lambda r, n: match_score(n, r))


def _ranked(subject, candidates, limit, score_fn):
    out = []
    for item in candidates[:500]:
        scored = score_fn(subject, item)
        if scored is not None:
            out.append(Match(item, *scored))
    out.sort(key=lambda m: (-m.score, m.item.pk))
    return out[:limit]


# --- lists ---------------------------------------------------------------------------------------------


def resource_row(resource):
    """What a list shows of a resource: the phone masked, always."""
    return {"resource": resource, "phone": mask_phone(resource.contact_phone)}


def open_needs(user, **filters):
    return (
        permissions.visible(user, Need)
        .filter(status=Need.Status.OPEN, **filters)
        .select_related("community", "grid")
    )


def my_claims(user):
    return (
        permissions.visible(user, Claim)
        .filter(Q(claimed_by=user) | Q(registration__user=user))
        .select_related("need", "session")
        .order_by("-created_at")
    )


def my_orders(user):
    return (
        permissions.visible(user, Order)
        .filter(ordered_by=user)
        .select_related("resource")
        .order_by("-created_at")
    )


# --- 双报到: promised against delivered ---------------------------------------------------------------


@dataclasses.dataclass
class Delivery:
    commitment: object
    promised: int
    delivered: int

    @property
    def percent(self):
        return min(100, round(100 * self.delivered / self.promised)) if self.promised else 0

    @property
    def met(self):
        return self.delivered >= self.promised


def agreement_progress(agreement):
    """Per commitment: the promised count and how many recorded activities delivered it in the period."""
    rows = agreement.commitments.annotate(
        delivered=Count(
            "activities",
            filter=Q(
                activities__held_on__gte=agreement.period_start, activities__held_on__lte=agreement.period_end
            ),
        )
    )
    return [Delivery(c, c.promised_count, c.delivered) for c in rows]


def agreements_overview(user, **filters):
    """Agreements in sight with their totals: promised, delivered."""
    agreements = permissions.visible(user, Agreement).filter(**filters).select_related("unit", "community")
    out = []
    for agreement in agreements:
        rows = agreement_progress(agreement)
        out.append(
            {
                "agreement": agreement,
                "promised": sum(r.promised for r in rows),
                "delivered": sum(min(r.delivered, r.promised) for r in rows),
                "rows": rows,
            }
        )
    return out


# --- project progress -----------------------------------------------------------------------------------


def project_tree(project):
    """The project and its descendants, depth-first, with their depth."""
    out = []

    def walk(p, depth):
        out.append((p, depth))
        for child in p.children.order_by("id"):
            walk(child, depth + 1)

    walk(project, 0)
    return out


def public_projects(node=None):
    qs = Project.objects.filter(public=True, parent__isnull=True).select_related(
        "node", "lead_unit", "lead_department"
    )
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    return qs.order_by("-updated_at")


# --- 一考双评一公示 -----------------------------------------------------------------------------------------


def _resident_ratings(period, **claimant):
    claims = Claim.objects.filter(
        rating__isnull=False,
        need__community=period.community,
        updated_at__date__gte=period.starts_on,
        updated_at__date__lte=period.ends_on,
        **claimant,
    )
    agg = claims.aggregate(avg=Avg("rating"), n=Count("id"))
    return (round(agg["avg"], 1) if agg["avg"] is not None else None), agg["n"]


def _member_minutes(registration, period):
    return (
        Attendance.objects.filter(
            volunteer=registration.volunteer,
            status=Attendance.Status.CONFIRMED,
            session__community=period.community,
            checked_in_at__date__gte=period.starts_on,
            checked_in_at__date__lte=period.ends_on,
        ).aggregate(m=Sum("confirmed_minutes"))["m"]
        or 0
    )


def assessment_rows(period, *, public=False):
    """The list to publish: the community's score, residents' average rating, services and hours.

    On the public page members' names are masked; units are shown by name.
    """
    rows = []
    for a in period.assessments.select_related("unit", "registration__volunteer").order_by("-score"):
        if a.unit_id:
            avg, n = _resident_ratings(period, unit=a.unit)
            delivered = JointActivity.objects.filter(
                commitment__agreement__unit=a.unit,
                commitment__agreement__community=period.community,
                held_on__gte=period.starts_on,
                held_on__lte=period.ends_on,
            ).count()
            rows.append(
                {
                    "kind": _("单位"),
                    "name": a.unit.name,
                    "assessment": a,
                    "rating": avg,
                    "ratings": n,
                    "services": delivered,
                    "hours": None,
                }
            )
        else:
            reg = a.registration
            avg, n = _resident_ratings(period, registration=reg)
            name = reg.volunteer.name
            rows.append(
                {
                    "kind": _("在职党员"),
                    "name": mask_name(name) if public else name,
                    "assessment": a,
                    "rating": avg,
                    "ratings": n,
                    "services": reg.claims.filter(status__in=["done", "rated"]).count(),
                    "hours": round(_member_minutes(reg, period) / 60, 1),
                }
            )
    return rows


def published_periods(community=None):
    qs = AssessmentPeriod.objects.filter(status=AssessmentPeriod.Status.PUBLISHED).select_related("community")
    return qs.filter(community=community) if community is not None else qs


# --- the report for a unit's employer ---------------------------------------------------------------------


def unit_report(unit, starts_on, ends_on):
    """What a unit and its in-service members did in communities over a period (for the employer)."""
    agreements = Agreement.objects.filter(unit=unit, period_start__lte=ends_on, period_end__gte=starts_on)
    members = MemberRegistration.objects.filter(workplace_unit=unit).select_related("volunteer", "community")
    member_rows = []
    for reg in members:
        attended = Attendance.objects.filter(
            volunteer=reg.volunteer,
            status=Attendance.Status.CONFIRMED,
            checked_in_at__date__gte=starts_on,
            checked_in_at__date__lte=ends_on,
        )
        claims = reg.claims.filter(created_at__date__gte=starts_on, created_at__date__lte=ends_on)
        rated = claims.filter(rating__isnull=False).aggregate(avg=Avg("rating"))["avg"]
        grades = list(
            Assessment.objects.filter(
                registration=reg,
                period__status="published",
                period__starts_on__lte=ends_on,
                period__ends_on__gte=starts_on,
            ).values_list("period__name", "grade")
        )
        member_rows.append(
            {
                "name": reg.volunteer.name,
                "community": reg.community.name,
                "status": reg.get_status_display(),
                "hours": round((attended.aggregate(m=Sum("confirmed_minutes"))["m"] or 0) / 60, 1),
                "claims": claims.count(),
                "done": claims.filter(status__in=["done", "rated"]).count(),
                "rating": round(rated, 1) if rated is not None else None,
                "posts": reg.post_claims.filter(status="active").count(),
                "grades": "；".join(f"{name}：{dict(Assessment.Grade.choices)[g]}" for name, g in grades),
            }
        )
    unit_claims = Claim.objects.filter(
        unit=unit, created_at__date__gte=starts_on, created_at__date__lte=ends_on
    )
    unit_grades = list(
        Assessment.objects.filter(
            unit=unit,
            period__status="published",
            period__starts_on__lte=ends_on,
            period__ends_on__gte=starts_on,
        ).select_related("period", "period__community")
    )
    return {
        "unit": unit,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "agreements": [(a, agreement_progress(a)) for a in agreements.select_related("community")],
        "members": member_rows,
        "claims": unit_claims.select_related("need", "need__community"),
        "assessments": unit_grades,
    }


def post_list(user, **filters):
    return permissions.visible(user, Post).filter(**filters).order_by("status", "-created_at")
