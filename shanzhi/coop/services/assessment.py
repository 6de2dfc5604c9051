""" "一考双评一公示": the community assesses units and members each period; residents' ratings of the
services they received are the second evaluation (read in ``queries``); the results are published."""

import decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from ..models import Assessment, AssessmentPeriod
from .common import a_date, community_node, text

GRADE_FLOORS = ((90, Assessment.Grade.EXCELLENT), (80, Assessment.Grade.GOOD), (60, Assessment.Grade.PASS))


def grade_for(score):
    return next((grade for floor, grade in GRADE_FLOORS if score >= floor), Assessment.Grade.FAIL)


@transaction.atomic
def open_period(*, community, name, starts_on, ends_on, by):
    community = community_node(community)
    permissions.require(by, "coop.assess", community)
    starts_on, ends_on = a_date(starts_on, "starts_on", _("开始")), a_date(ends_on, "ends_on", _("结束"))
    if ends_on <= starts_on:
        raise DomainError(_("结束日期必须晚于开始日期。"), field="ends_on")
    name = text(name, "name", _("考评周期"), max_length=50)
    if AssessmentPeriod.objects.filter(community=community, name=name).exists():
        raise DomainError(_("本社区已有同名的考评周期。"), field="name", code="duplicate")
    return AssessmentPeriod.objects.create(
        community=community, name=name, starts_on=starts_on, ends_on=ends_on, created_by=by
    )


@transaction.atomic
def assess(period, *, score, by, unit=None, registration=None, comment=""):
    """The community's score (0–100) for one unit or member; re-scoring replaces it until published."""
    period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
    permissions.require(by, "coop.assess", period)
    if period.status != AssessmentPeriod.Status.OPEN:
        raise DomainError(_("该周期已公示，不能再修改考评。"), field="period", code="state")
    if (unit is None) == (registration is None):
        raise DomainError(_("请选择一个单位或一名在职党员。"), field="subject")
    if unit is not None and not unit.coop_agreements.filter(community=period.community).exists():
        raise DomainError(_("该单位没有与本社区签订共建协议。"), field="subject")
    if registration is not None and registration.community_id != period.community_id:
        raise DomainError(_("该党员没有在本社区报到。"), field="subject")
    try:
        score = decimal.Decimal(str(score)).quantize(decimal.Decimal("0.1"))
    except decimal.InvalidOperation as exc:
        raise DomainError(_("考评得分必须是数字。"), field="score") from exc
    if not 0 <= score <= 100:
        raise DomainError(_("考评得分应在 0 到 100 之间。"), field="score")
    assessment, _created = Assessment.objects.update_or_create(
        period=period,
        unit=unit,
        registration=registration,
        defaults={
            "score": score,
            "grade": grade_for(score),
            "assessed_by": by,
            "comment": text(comment, "comment", _("评语"), max_length=500, required=False),
        },
    )
    return assessment


@transaction.atomic
def publish_period(period, *, by):
    permissions.require(by, "coop.assess", period)
    updated = AssessmentPeriod.objects.filter(pk=period.pk, status=AssessmentPeriod.Status.OPEN).update(
        status=AssessmentPeriod.Status.PUBLISHED, published_at=timezone.now()
    )
    if not updated:
        raise DomainError(_("该周期已经公示。"), field="period", code="state")
    period.refresh_from_db()
    return period
