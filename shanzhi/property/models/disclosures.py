"""A quarter's published disclosure (公示): the figures frozen when district staff, or the
schedule on the first working day after the quarter, publish it. The public page and API read
only these rows, never the live figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .evaluations import Period


class Disclosure(models.Model):
    """One per quarter period (and so per district).

    The figures are one JSON list, ``[{"company": id, "name": …, "households": n, "complaints": n,
    "complaints_per_100": "…", "on_time": "…", "satisfaction": "…"}]`` (decimals as strings, None
    where a figure has no denominator), rather than a table of rows: a disclosure is a document
    published once and read whole, never queried by figure or joined; the JSON keeps each company's
    name as it was published (a later rename does not rewrite what the public was shown) and can
    never be half-changed by a later write to the live figures."""

    period = models.OneToOneField(Period, on_delete=models.PROTECT, related_name="disclosure")
    figures = models.JSONField(default=list)
    # None: published by the schedule (core.periodic), not by a person.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-period__starts_on"]
        verbose_name = _("季度公示")
        verbose_name_plural = _("季度公示")

    def __str__(self):
        return str(self.period)
