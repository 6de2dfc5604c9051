"""After owners dismiss their company (解聘物业): the transition of the compound to new management.

民法典 第九百四十六条: owners who decide by the statutory procedure to dismiss the property service
provider may terminate the contract. 第九百四十九条: the outgoing provider hands back the service
rooms, facilities and the records the service needs, and cooperates with the new provider in the
handover. 第九百五十条: until the new provider (or the owners themselves) takes over, the outgoing
provider keeps serving. Hence: a checklist of what is handed over, each item confirmed by the
community, and the transition closes only when the checklist is complete and new management is
in place (a company chosen from the market, or fallback management by a state-owned company).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Compound, PropertyCompany

from .companies import ServiceContract
from .votes import Vote


class Transition(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("交接中")
        CLOSED = "closed", _("已完成")

    class Next(models.TextChoices):
        PENDING = "", _("待定")
        MARKET = "market", _("市场选聘")
        FALLBACK = "fallback", _("兜底物业")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="transitions")
    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="transition")
    # The company dismissed (the compound's company when the vote was sealed).
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    next_kind = models.CharField(_("后续管理"), max_length=8, choices=Next.choices, blank=True, default="")
    new_company = models.ForeignKey(
        PropertyCompany, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        ServiceContract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_no = models.CharField(_("兜底协议编号"), max_length=40, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("解聘交接")
        verbose_name_plural = _("解聘交接")
        constraints = [
            models.UniqueConstraint(
                fields=["compound"], condition=Q(status="open"), name="transition_one_open_per_compound"
            )
        ]

    def __str__(self):
        return f"{self.compound} · {self.company}"


class HandoverItem(models.Model):
    class Kind(models.TextChoices):
        DOCUMENTS = "documents", _("资料")
        KEYS = "keys", _("钥匙")
        ACCOUNTS = "accounts", _("账户")
        MAINTENANCE = "maintenance", _("维修记录")
        FUNDS = "funds", _("资金")

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("交接事项"), max_length=12, choices=Kind.choices)
    # The outgoing company's staff say it is handed over; the community confirms what it received.
    handed_note = models.CharField(_("移交说明"), max_length=500, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_at = models.DateTimeField(null=True, blank=True)
    confirmed_note = models.CharField(_("确认说明"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["transition_id", "id"]
        constraints = [models.UniqueConstraint(fields=["transition", "kind"], name="handover_one_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class TransitionEvent(models.Model):
    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="timeline")
    # opened | notice | handed | confirmed | requested | fallback | contracted | closed
    what = models.CharField(max_length=16)
    note = models.TextField(max_length=2000, blank=True)
    # None: the system (a dismissal sealed by the sweep when its ballot period ended).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.what
