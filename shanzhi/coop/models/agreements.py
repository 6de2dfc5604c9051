"""单位双报到: a unit's agreement with a community, its commitments and what it delivered."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    """共建协议: a unit reports to a community ("单位报到") for a period."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("履约中")
        ENDED = "ended", _("已到期")

    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="coop_agreements")
    community = models.ForeignKey(
        "registry.OrgNode", on_delete=models.PROTECT, related_name="coop_agreements"
    )
    period_start = models.DateField(_("协议开始"))
    period_end = models.DateField(_("协议结束"))
    unit_signatory = models.CharField(_("单位签约人"), max_length=50)
    signed_on = models.DateField(_("签订日期"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SIGNED)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="coop_agreement_period"
            ),
            models.UniqueConstraint(
                fields=["unit", "community", "period_start"], name="coop_agreement_unique"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.community}"


class Commitment(models.Model):
    """定时间、定次数、定项目: one promise of the agreement, counted against recorded activities."""

    class Kind(models.TextChoices):
        ORG = "org", _("组织联建")
        VENUE = "venue", _("阵地联营")
        ACTIVITY = "activity", _("活动联办")
        TALENT = "talent", _("人才联培")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("共建内容"), max_length=16, choices=Kind.choices)
    content = models.CharField(_("具体项目"), max_length=200)
    promised_count = models.PositiveSmallIntegerField(_("承诺次数"))

    class Meta:
        ordering = ["agreement_id", "kind", "id"]
        verbose_name = _("共建承诺")
        verbose_name_plural = _("共建承诺")
        constraints = [
            models.CheckConstraint(condition=Q(promised_count__gte=1), name="coop_commitment_count")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.content}"


class JointActivity(models.Model):
    """One delivery on a commitment (a joint meeting, a shared venue day, an activity, a training)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    note = models.TextField(_("情况记录"), blank=True)
    session = models.OneToOneField(
        "volunteering.ServiceSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_activity",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("共建活动记录")
        verbose_name_plural = _("共建活动记录")

    def __str__(self):
        return f"{self.held_on} {self.title}"
