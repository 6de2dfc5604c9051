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
    """One per district: the points each event deducts (红榜: adds), each 0..100, and the lowest
    score of grades A, B and C (A > B > C)."""

    district = models.OneToOneField(OrgNode, on_delete=models.PROTECT, related_name="+")
    interview = _points(_("约谈扣分"), credit.INTERVIEW)
    rectify = _points(_("整改通知扣分"), credit.RECTIFY)
    exit = _points(_("退出程序扣分"), credit.EXIT)
    red = _points(_("红榜加分"), credit.RED)
    black = _points(_("黑榜扣分"), credit.BLACK)
    grade_a = _points(_("A 级最低分"), credit.GRADE_A)
    grade_b = _points(_("B 级最低分"), credit.GRADE_B)
    grade_c = _points(_("C 级最低分"), credit.GRADE_C)

    class Meta:
        verbose_name = _("信用评价规则")
        verbose_name_plural = _("信用评价规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"{f}__gte": 0 for f in (*credit.ADJUSTMENTS, *credit.THRESHOLDS)},
                    **{f"{f}__lte": 100 for f in (*credit.ADJUSTMENTS, *credit.THRESHOLDS)},
                ),
                name="credit_rules_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(grade_a__gt=models.F("grade_b"), grade_b__gt=models.F("grade_c")),
                name="credit_rules_grades_ordered",
            ),
        ]

    def __str__(self):
        return str(self.district)

    def rules(self):
        return credit.Rules(**{f: getattr(self, f) for f in (*credit.ADJUSTMENTS, *credit.THRESHOLDS)})


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
