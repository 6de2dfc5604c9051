"""A 12345 hotline file uploaded on the page, checked and imported by a background task."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HotlineImportJob(models.Model):
    """One uploaded hotline file; the task moves it through its statuses and the page polls them.
    The upload holds residents' phone numbers in clear text, so the file is deleted once it has run;
    what stays is the report: the appeals created, the case numbers skipped, the refused rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("失败")

    FINISHED = (Status.DONE, Status.REJECTED, Status.FAILED)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="hotline/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_numbers = models.JSONField(default=list, blank=True)  # appeal numbers
    skipped = models.JSONField(default=list, blank=True)  # hotline case numbers already imported
    errors = models.JSONField(default=list, blank=True)  # {"row", "column", "message"}
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("热线工单导入")
        verbose_name_plural = _("热线工单导入")

    def __str__(self):
        return self.original_name

    @property
    def finished(self):
        return self.status in self.FINISHED

    @property
    def percent(self):
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
