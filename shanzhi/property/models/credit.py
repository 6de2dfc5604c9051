"""A company's credit: the district's amounts (``CreditRules``) and the history of its score
(``CreditEvent``, one row per change, linked to its source). The rules are ``property.credit``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import OrgNode, PropertyCompany

from .. import credit
from .evaluations import Evaluation
from .lists import StandingEntry
from .supervision import SupervisionAction


def _points(label, default):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=default)


class CreditRules(models.Model):
    """One per district: the points each event adds (negative: deducts)."""

    district = models.OneToOneField(OrgNode, on_delete=models.PROTECT, related_name="+")
    interview = _points(_("约谈"), credit.INTERVIEW)
    rectify = _points(_("整改通知"), credit.RECTIFY)
    exit = _points(_("退出程序"), credit.EXIT)
    red = _points(_("红榜"), credit.RED)
    black = _points(_("黑榜"), credit.BLACK)

    class Meta:
        verbose_name = _("信用评价规则")
        verbose_name_plural = _("信用评价规则")

    def __str__(self):
        return str(self.district)

    def rules(self):
        return credit.Rules(
            interview=self.interview, rectify=self.rectify, exit=self.exit, red=self.red, black=self.black
        )


class CreditEvent(models.Model):
    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("半年考核")
        INTERVIEW = "interview", _("约谈")
        RECTIFY = "rectify", _("整改通知")
        EXIT = "exit", _("退出程序")
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="credit_events")
    at = models.DateTimeField(_("时间"))
    seq = models.PositiveIntegerField(default=0)  # its place in the company's history
    kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices)
    delta = models.DecimalField(_("变动"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("变动后信用分"), max_digits=5, decimal_places=2)
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(
        SupervisionAction, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        StandingEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["company_id", "seq"]
        indexes = [models.Index(fields=["company", "seq"])]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")

    def __str__(self):
        return f"{self.company_id} {self.kind} {self.delta}"

    @property
    def grade(self):
        return credit.grade(self.score)
