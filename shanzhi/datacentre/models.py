"""A big screen (大屏): a wall display bound to one org node by a token, with no login."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Screen(models.Model):
    """Whoever holds the token sees the node's figures, read-only, and nothing else: no person, no
    link to a case. Only the token's SHA-256 is stored (shown once when issued); revoking is final."""

    node = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("大屏")
        verbose_name_plural = _("大屏")

    def __str__(self):
        return f"{self.label} ({self.prefix}…)"

    @staticmethod
    def digest_of(token):
        return hashlib.sha256(token.encode()).hexdigest()


class Report(models.Model):
    """A monthly (or any period's) report of one node (district, street, community) or one
    department, as an .xlsx workbook and an A4 PDF, made by a background task and kept here.
    ``requested_by`` is None for the one the schedule makes on the first working day of a month
    (unique per subject and period, so two sweeps never make it twice)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    node = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    # A department's report: ``node`` is the department's district.
    department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("开始日期"))
    last = models.DateField(_("结束日期"))
    scheduled = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        constraints = [
            models.UniqueConstraint(
                fields=["node", "start", "last"],
                condition=models.Q(scheduled=True, department__isnull=True),
                name="datacentre_report_node_scheduled_once",
            ),
            models.UniqueConstraint(
                fields=["department", "start", "last"],
                condition=models.Q(scheduled=True, department__isnull=False),
                name="datacentre_report_dept_scheduled_once",
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.start}–{self.last}"

    @property
    def subject(self):
        return self.department.name if self.department_id else self.node.name

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
