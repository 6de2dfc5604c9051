"""The red and black lists (红黑榜) of a half-year: the district's rules, the proposal drawn from
the period's scores, and the street's approval; an approved list is public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import OrgNode, PropertyCompany

from .evaluations import Period


class ListRules(models.Model):
    """One per district. Red: the top ``red_top_n`` not vetoed with a score ≥ ``red_min_score``.
    Black: every vetoed company (when ``veto_black``), and the bottom ``black_bottom_n`` of those
    scoring below ``black_below``."""

    district = models.OneToOneField(OrgNode, on_delete=models.PROTECT, related_name="+")
    red_top_n = models.PositiveSmallIntegerField(_("红榜名额"), default=5)
    red_min_score = models.DecimalField(_("红榜最低分"), max_digits=5, decimal_places=2, default=90)
    black_bottom_n = models.PositiveSmallIntegerField(_("黑榜名额"), default=5)
    black_below = models.DecimalField(_("黑榜分数线（低于）"), max_digits=5, decimal_places=2, default=60)
    veto_black = models.BooleanField(_("一票否决即入黑榜"), default=True)

    class Meta:
        verbose_name = _("红黑榜规则")
        verbose_name_plural = _("红黑榜规则")

    def __str__(self):
        return str(self.district)


class StandingList(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已发布")

    period = models.OneToOneField(Period, on_delete=models.PROTECT, related_name="standing")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period__starts_on"]
        verbose_name = _("红黑榜")
        verbose_name_plural = _("红黑榜")

    def __str__(self):
        return str(self.period)


class StandingEntry(models.Model):
    class Standing(models.TextChoices):
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    list = models.ForeignKey(StandingList, on_delete=models.CASCADE, related_name="entries")
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="+")
    standing = models.CharField(_("榜单"), max_length=5, choices=Standing.choices)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=200)

    class Meta:
        ordering = ["standing", "-score", "company__name"]
        constraints = [models.UniqueConstraint(fields=["list", "company"], name="standing_one_per_company")]

    def __str__(self):
        return f"{self.company} {self.standing}"
