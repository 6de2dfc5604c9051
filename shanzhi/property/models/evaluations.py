"""Half-yearly evaluations of property companies: the period, one evaluation per company per
period (with the scheme version it ran with), the entries per indicator (inspections with photos,
the community's and committee's opinion), residents' ratings and the background run's progress."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Household, OrgNode, PropertyCompany, Resident

from .schemes import Indicator, SchemeVersion


class Period(models.Model):
    class Kind(models.TextChoices):
        HALF = "half", _("半年")
        QUARTER = "quarter", _("季度")

    district = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("周期"), max_length=8, choices=Kind.choices)
    starts_on = models.DateField(_("开始"))
    ends_on = models.DateField(_("结束"))

    class Meta:
        ordering = ["-starts_on", "kind"]
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "starts_on"], name="period_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="period_order"),
        ]

    def __str__(self):
        if self.kind == self.Kind.HALF:
            half = _("上半年") if self.starts_on.month <= 6 else _("下半年")
            return f"{self.starts_on.year}{half}"
        return f"{self.starts_on.year} Q{(self.starts_on.month - 1) // 3 + 1}"


class Evaluation(models.Model):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="evaluations")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="evaluations")
    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="evaluations")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    # The appeal-loop figures the score used (complaints per 100 households, rates), as strings.
    figures = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period_id", "company__name"]
        verbose_name = _("物业考核")
        verbose_name_plural = _("物业考核")
        constraints = [
            models.UniqueConstraint(fields=["company", "period"], name="evaluation_one_per_period")
        ]

    def __str__(self):
        return f"{self.company} {self.period}"


class EvaluationEntry(models.Model):
    """What staff entered for one indicator: points (得分制), findings (扣分制) or whether a veto
    event happened (1 or 0). One per indicator; a later entry replaces it (the audit keeps both)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("录入值"), max_digits=6, decimal_places=2)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.FileField(_("现场照片"), upload_to="inspections/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="entry_one_per_indicator")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class ResidentRating(models.Model):
    """One per household per period, from a resident's own account; a second one replaces it."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="ratings")
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("居民评价")
        verbose_name_plural = _("居民评价")
        constraints = [
            models.UniqueConstraint(fields=["period", "household"], name="rating_one_per_household"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars"),
        ]
        indexes = [models.Index(fields=["period", "company"])]

    def __str__(self):
        return f"{self.household} {self.stars}"


class EvaluationRun(models.Model):
    """A background scoring of every company of a period; the page shows ``done`` of ``total``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Written when the run is claimed and after each chunk: a run "running" with no progress for
    # STALE_AFTER (services.evaluations) is taken for dead (a killed worker) and no longer blocks.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.period} {self.status}"

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0
