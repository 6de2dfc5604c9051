"""The red and black lists: district staff set the rules and propose the list of a scored
half-year; a street's staff approve it, and from then on it is public."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError

from ..models import Evaluation, ListRules, Period, StandingEntry, StandingList
from . import credit
from .common import decimal


def _district_grant(by, action, district):
    return any(
        g.role in permissions.ACTIONS[action] and g.node_id and g.node.path.startswith(district.path)
        for g in by.grants()
    )


def rules_for(district):
    return ListRules.objects.get_or_create(district=district)[0]


@transaction.atomic
def set_rules(district, *, red_top_n, red_min_score, black_bottom_n, black_below, veto_black, by):
    if not _district_grant(by, "property.propose_list", district):
        raise PermissionDenied
    rules = rules_for(district)
    rules.red_top_n = int(decimal(red_top_n, "red_top_n", _("红榜名额"), low=0, high=100, places=0))
    rules.red_min_score = decimal(red_min_score, "red_min_score", _("红榜最低分"), low=0, high=100)
    rules.black_bottom_n = int(
        decimal(black_bottom_n, "black_bottom_n", _("黑榜名额"), low=0, high=100, places=0)
    )
    rules.black_below = decimal(black_below, "black_below", _("黑榜分数线"), low=0, high=100)
    if rules.black_below > rules.red_min_score:
        raise DomainError(_("黑榜分数线不能高于红榜最低分。"), field="black_below")
    rules.veto_black = bool(veto_black)
    rules.save()
    audit.record("property.list_rules", actor=by, target=rules)
    return rules


def _top(evaluations, n, key):
    """The first ``n`` by ``key``, and every one tied with the n-th (a shared place is never cut)."""
    ranked = sorted(evaluations, key=key)
    if n <= 0 or not ranked:
        return []
    cut = key(ranked[min(n, len(ranked)) - 1])
    return [e for e in ranked if key(e) <= cut]


def draw(period, rules):
    """(red, black): lists of (evaluation, reason) by the rules (pure over the period's scores)."""
    scored = list(Evaluation.objects.filter(period=period, score__isnull=False).select_related("company"))
    black = [(e, _("一票否决")) for e in scored if e.vetoed and rules.veto_black]
    vetoed = {e.pk for e, _r in black}
    low = [e for e in scored if e.pk not in vetoed and e.score < rules.black_below]
    black += [
        (e, _("得分低于 %(s)s") % {"s": rules.black_below})
        for e in _top(low, rules.black_bottom_n, lambda e: e.score)
    ]
    high = [e for e in scored if not e.vetoed and e.score >= rules.red_min_score]
    red = [
        (e, _("得分不低于 %(s)s") % {"s": rules.red_min_score})
        for e in _top(high, rules.red_top_n, lambda e: -e.score)
    ]
    return red, black


@transaction.atomic
def propose(period, *, by):
    if not _district_grant(by, "property.propose_list", period.district):
        raise PermissionDenied
    if period.kind != Period.Kind.HALF:
        raise DomainError(_("红黑榜按半年考核评定。"), field="period")
    existing = StandingList.objects.select_for_update().filter(period=period).first()
    if existing and existing.status == StandingList.Status.APPROVED:
        raise DomainError(_("该周期的红黑榜已发布。"), field="period")
    red, black = draw(period, rules_for(period.district))
    if not red and not black:
        raise DomainError(_("该周期还没有得分，请先计算。"), field="period")
    standing = existing or StandingList(period=period, proposed_by=by)
    standing.proposed_by = by
    standing.save()
    standing.entries.all().delete()
    StandingEntry.objects.bulk_create(
        [
            StandingEntry(list=standing, company=e.company, standing="red", score=e.score, reason=r)
            for e, r in red
        ]
        + [
            StandingEntry(list=standing, company=e.company, standing="black", score=e.score, reason=r)
            for e, r in black
        ]
    )
    audit.record(
        "property.list_proposed", actor=by, target=standing, detail={"red": len(red), "black": len(black)}
    )
    return standing


@transaction.atomic
def approve(standing, *, by):
    """The street approves: a street's staff within the district, never the proposer."""
    standing = StandingList.objects.select_for_update().select_related("period__district").get(pk=standing.pk)
    if not _district_grant(by, "property.approve_list", standing.period.district):
        raise PermissionDenied
    if standing.status != StandingList.Status.PROPOSED:
        raise DomainError(_("该红黑榜已发布。"), field="status")
    standing.status = StandingList.Status.APPROVED
    standing.approved_by = by
    standing.approved_at = timezone.now()
    standing.save(update_fields=["status", "approved_by", "approved_at"])
    # Approved, each placement counts towards the company's credit score.
    credit.record(*(e.company for e in standing.entries.select_related("company")))
    audit.record("property.list_approved", actor=by, target=standing)
    return standing
