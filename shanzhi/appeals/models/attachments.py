"""What is attached to an appeal besides its timeline: photos and supervision marks (督办)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appeal import USER, Appeal


class AppealPhoto(models.Model):
    class Stage(models.TextChoices):
        INTAKE = "intake", _("反映时")
        RESOLUTION = "resolution", _("办结佐证")
        VERIFICATION = "verification", _("核实")

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    file = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["appeal_id", "id"]
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")

    def __str__(self):
        return f"{self.appeal_id} {self.stage} #{self.pk}"


class Supervision(models.Model):
    """督办 by a street or district leader, with its own deadline."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="supervisions")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("督办意见"))
    due_at = models.DateTimeField(_("督办时限"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_provisional = models.BooleanField(_("时限暂定"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appeal_id", "id"]
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        indexes = [
            models.Index(
                fields=["due_at"], name="supervision_sweep_due", condition=Q(reminded_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.created_at:%Y-%m-%d}"
