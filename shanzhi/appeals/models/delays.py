"""延期 and 缓办: a handler's request for more time or a pause, and its decision."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appeal import USER, Appeal


class DelayRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("已驳回")
        # The case moved past the request (办结, 销号, 并案, 不予受理) before anyone decided it.
        CANCELLED = "cancelled", _("已撤销")

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("理由"))
    days = models.PositiveSmallIntegerField(_("工作日数"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The step of the approval chain asked now (services.approvals): the node's path and the role
    # there. Only they are told; the sweep asks the next step once ``escalate_at`` has passed.
    waiting_path = models.CharField(max_length=80, blank=True)
    waiting_role = models.CharField(max_length=32, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["appeal_id", "id"]

    def __str__(self):
        return f"{self.appeal_id} {self.days}d {self.status}"


class ExtensionRequest(DelayRequest):
    """延期: the handler needs more time; approved days are added to the deadline."""

    class Meta(DelayRequest.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(status="pending"), name="extension_one_pending"
            ),
        ]


class SuspensionRequest(DelayRequest):
    """缓办: the case cannot be handled now (budget, season …); it leaves the on-time figures."""

    class Meta(DelayRequest.Meta):
        verbose_name = _("缓办申请")
        verbose_name_plural = _("缓办申请")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(status="pending"), name="suspension_one_pending"
            ),
        ]
