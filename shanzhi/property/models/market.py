"""The virtual property market (虚拟物业超市): companies the district has vetted and listed, and
the requests of compounds without a company (or in a dismissal's transition) for one of them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Compound, PropertyCompany

from .companies import ServiceContract
from .transitions import Transition


class MarketListing(models.Model):
    """The district's word on a company: listed in the market, state-owned, designated for
    fallback management (兜底物业)."""

    company = models.OneToOneField(PropertyCompany, on_delete=models.CASCADE, related_name="listing")
    listed = models.BooleanField(_("列入物业超市"), default=False)
    state_owned = models.BooleanField(_("国有企业"), default=False)
    fallback = models.BooleanField(_("兜底物业企业"), default=False)
    intro = models.CharField(_("简介"), max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company__name"]
        verbose_name = _("物业超市入驻")
        verbose_name_plural = _("物业超市入驻")
        constraints = [
            # Only a state-owned company is designated for fallback management.
            models.CheckConstraint(
                condition=Q(fallback=False) | Q(state_owned=True), name="fallback_state_owned"
            )
        ]

    def __str__(self):
        return str(self.company)


class MarketRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("待答复")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已谢绝")
        WITHDRAWN = "withdrawn", _("已撤回")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="market_requests")
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="market_requests")
    transition = models.ForeignKey(
        Transition, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    # The terms offered: acceptance makes them the service contract.
    starts_on = models.DateField(_("服务开始"))
    ends_on = models.DateField(_("服务截止"))
    fee_per_m2 = models.DecimalField(_("物业费标准（元/㎡·月）"), max_digits=6, decimal_places=2)
    level = models.CharField(_("服务等级"), max_length=2, choices=ServiceContract.Level.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    answer_note = models.CharField(_("答复"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    contract = models.ForeignKey(
        ServiceContract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The community withdrew the request before the company answered.
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("选聘请求")
        verbose_name_plural = _("选聘请求")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="market_request_period"),
            models.UniqueConstraint(
                fields=["compound", "company"],
                condition=Q(status="requested"),
                name="market_request_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.compound} → {self.company}"
