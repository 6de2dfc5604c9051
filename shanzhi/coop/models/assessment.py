"""一考双评一公示: assessment rounds of a community and the scores given in them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .lists import public_slug
from .members import MemberRegistration


class AssessmentPeriod(models.Model):
    """一考双评一公示: one assessment round of a community (e.g. 2026年上半年)."""

    class Status(models.TextChoices):
        OPEN = "open", _("考评中")
        PUBLISHED = "published", _("已公示")

    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("考评周期"), max_length=50)
    starts_on = models.DateField(_("开始"))
    ends_on = models.DateField(_("结束"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    slug = models.CharField(max_length=32, unique=True, default=public_slug, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("考评周期")
        verbose_name_plural = _("考评周期")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="coop_period_ends_after"),
            models.UniqueConstraint(fields=["community", "name"], name="coop_period_unique_name"),
        ]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """The community's assessment (组织考评) of one unit or one in-service member for a period."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration = models.ForeignKey(
        MemberRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    score = models.DecimalField(_("考评得分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_id", "-score"]
        verbose_name = _("考评结果")
        verbose_name_plural = _("考评结果")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, registration__isnull=True)
                | Q(unit__isnull=True, registration__isnull=False),
                name="coop_assessment_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="coop_assessment_score_range"
            ),
            models.UniqueConstraint(fields=["period", "unit"], name="coop_assessment_unit_once"),
            models.UniqueConstraint(fields=["period", "registration"], name="coop_assessment_member_once"),
        ]

    def __str__(self):
        return f"{self.period} {self.unit or self.registration} {self.score}"
