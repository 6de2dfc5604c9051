"""In-app notices to a user about an appeal."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appeal import USER, Appeal


class Notification(models.Model):
    """What the default notification backend writes; the user reads it in the UI."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox")]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self):
        return self.text
