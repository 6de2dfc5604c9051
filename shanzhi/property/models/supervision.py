"""Graded supervision of a company (约谈, 整改通知, 退出程序), each with its timeline."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import PropertyCompany


class SupervisionAction(models.Model):
    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("约谈")
        RECTIFY = "rectify", _("整改通知")
        EXIT = "exit", _("退出程序")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已办结")

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="supervision")
    kind = models.CharField(_("措施"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("事由"), max_length=2000)
    workdays = models.PositiveSmallIntegerField(_("整改期限（工作日）"), null=True, blank=True)
    # A rectification's deadline: close of office hours on the n-th working day after the notice
    # (core.workdays.add_workdays: the notice's own day never counts).
    deadline = models.DateTimeField(_("整改期限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The notice's moment: a provisional deadline is counted again from it (services.supervision).
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("监管措施")
        verbose_name_plural = _("监管措施")

    def __str__(self):
        return f"{self.company} {self.get_kind_display()}"


class SupervisionEvent(models.Model):
    action = models.ForeignKey(SupervisionAction, on_delete=models.CASCADE, related_name="timeline")
    what = models.CharField(max_length=16)  # opened | note | reply | closed
    note = models.TextField(max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.what
