"""Assessment schemes (考核方案), kept by district staff: scheme → versions → items → indicators.

A version is a draft until published; a published version never changes (an evaluation keeps the
version it ran with, so last half-year's grades stay explainable). Editing a published scheme makes
a new draft version, copied from the latest, effective from a later date. The scoring itself is
``scoring.py`` (pure).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import OrgNode


class Scheme(models.Model):
    district = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("方案名称"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="scheme_unique_name")]

    def __str__(self):
        return self.name


class SchemeVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Grade thresholds on the 100-point score: score ≥ excellent → 优秀, ≥ good → 良好, ≥ passing → 合格.
    excellent_min = models.DecimalField(_("优秀线"), max_digits=5, decimal_places=2, default=Decimal("90"))
    good_min = models.DecimalField(_("良好线"), max_digits=5, decimal_places=2, default=Decimal("80"))
    pass_min = models.DecimalField(_("合格线"), max_digits=5, decimal_places=2, default=Decimal("60"))
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["scheme_id", "-number"]
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique"),
            models.UniqueConstraint(fields=["scheme"], condition=Q(status="draft"), name="scheme_one_draft"),
        ]

    def __str__(self):
        return f"{self.scheme} v{self.number}"

    @property
    def editable(self):
        return self.status == self.Status.DRAFT


class SchemeItem(models.Model):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("考核项目"), max_length=100)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=Decimal("1"))

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Rule(models.TextChoices):
        POINTS = "points", _("得分制")  # points given, or the source's share of the full points
        DEDUCTION = "deduction", _("扣分制")  # full points less so much per finding, not below the floor
        VETO = "veto", _("一票否决")  # any finding: the grade is 不合格 whatever the score

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("现场检查")
        OPINION = "opinion", _("社区及业委会意见")
        RESIDENTS = "residents", _("居民评价")
        COMPLAINTS = "complaints", _("每百户投诉量")
        ON_TIME = "on_time", _("按期办结率")
        SATISFACTION = "satisfaction", _("诉求满意率")

    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("考核指标"), max_length=200)
    rule = models.CharField(_("计分规则"), max_length=10, choices=Rule.choices)
    source = models.CharField(_("数据来源"), max_length=12, choices=Source.choices)
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=Decimal("0"))
    deduction = models.DecimalField(_("每项扣分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    floor = models.DecimalField(_("最低得分"), max_digits=6, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["item_id", "order", "id"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")

    def __str__(self):
        return self.name
