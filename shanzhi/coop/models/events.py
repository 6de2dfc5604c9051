"""The timeline: one row per status change of an order, a claim, a need or a project."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .lists import Claim, Need, Order
from .projects import Project


class Event(models.Model):
    """One step on the timeline of an order, a claim, a need or a project."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=500, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("进展记录")
        verbose_name_plural = _("进展记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False, claim__isnull=True, need__isnull=True, project__isnull=True)
                | Q(order__isnull=True, claim__isnull=False, need__isnull=True, project__isnull=True)
                | Q(order__isnull=True, claim__isnull=True, need__isnull=False, project__isnull=True)
                | Q(order__isnull=True, claim__isnull=True, need__isnull=True, project__isnull=False),
                name="coop_event_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb}"
