"""吹哨报到: a case's call on other units to come and do their part."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appeal import USER, Appeal


class Summons(models.Model):
    """吹哨: a department called in on an appeal; it must report (报到) by ``due_at``."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    class Status(models.TextChoices):
        SUMMONED = "summoned", _("待报到")
        REPORTED = "reported", _("已报到")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已撤回")

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="summonses")
    department = models.ForeignKey("registry.Department", on_delete=models.PROTECT, related_name="summonses")
    role = models.CharField(_("角色"), max_length=8, choices=Role.choices)
    part = models.TextField(_("承办内容"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUMMONED)
    due_at = models.DateTimeField(_("报到时限"))
    # Working days asked for (None: hours on the clock) and whether due_at is provisional, so the
    # year's notice can recompute it.
    due_workdays = models.PositiveSmallIntegerField(null=True, blank=True)
    due_provisional = models.BooleanField(_("时限暂定"), default=False)
    summoned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("办理情况"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    ACTIVE = (Status.SUMMONED, Status.REPORTED)

    class Meta:
        ordering = ["appeal_id", "id"]
        verbose_name = _("吹哨报到")
        verbose_name_plural = _("吹哨报到")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "department"],
                condition=~Q(status="cancelled"),
                name="summons_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(role="lead") & ~Q(status="cancelled"), name="summons_one_lead"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="summons_sweep_due",
                condition=Q(status="summoned", reminded_at__isnull=True),
            ),
            models.Index(fields=["department", "status"], name="summons_department"),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.department_id} {self.role}"
