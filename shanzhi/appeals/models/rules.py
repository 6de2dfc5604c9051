"""The assessment rules a district administrator edits in the admin (no deploy): the kinds of
invalid appeals (无效诉求) and the parameters of the metrics (see ``metrics`` for the definitions).

How 12345 hotlines are assessed: an appeal ruled invalid (a consultation already answered, a
repeat, out of the hotline's scope, malicious …) leaves every denominator, the resident's own
answers at the return visit decide "solved" and "satisfied", and a visit that cannot reach the
resident after a set number of tries closes the case as unreachable, counted apart.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class InvalidKind(models.Model):
    """A reason kind that makes a refusal (不予受理) an *invalid* appeal for the metrics."""

    code = models.CharField(_("编码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("无效诉求类型")
        verbose_name_plural = _("无效诉求类型")

    def __str__(self):
        return self.name


WEIGHT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class MetricsRules(models.Model):
    """One row (pk 1): the configurable parts of the metrics. ``current()`` creates it on first read."""

    response_limit_hours = models.PositiveSmallIntegerField(
        _("响应时限(工作时)"),
        default=8,
        validators=[MinValueValidator(1)],
        help_text=_("分类未设响应时限时使用：受理（或以无效类型不予受理）须在此工作时数内完成。"),
    )
    visit_max_tries = models.PositiveSmallIntegerField(
        _("回访最多尝试次数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("联系不上的回访记录满此次数后，诉求以“回访联系不上”销号。"),
    )
    basic_weight = models.DecimalField(
        _("基本满意计入满意率的权重"),
        default=Decimal(1),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    min_cases = models.PositiveSmallIntegerField(_("参与排名的最少有效诉求数"), default=5)
    weight_response = models.DecimalField(_("综合得分：响应率权重"), default=Decimal("0.20"), **WEIGHT)
    weight_resolution = models.DecimalField(_("综合得分：解决率权重"), default=Decimal("0.30"), **WEIGHT)
    weight_satisfaction = models.DecimalField(_("综合得分：满意率权重"), default=Decimal("0.30"), **WEIGHT)
    weight_on_time = models.DecimalField(_("综合得分：按期结案率权重"), default=Decimal("0.20"), **WEIGHT)

    class Meta:
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")

    def __str__(self):
        return str(_("考核规则"))

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def weights(self):
        return {
            "response_rate": float(self.weight_response),
            "resolution_rate": float(self.weight_resolution),
            "satisfaction_rate": float(self.weight_satisfaction),
            "on_time_rate": float(self.weight_on_time),
        }
