"""The open backlog's rollups: the open cases on the clock counted per place and day of the deadline
(and of the warning), per month of the deadline, and per rollup cell (``rollup_grains``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppealBacklogStat(models.Model):
    """The open cases on the clock now (a timed status, not suspended) of a community, counted per
    place, day of the deadline and day of the warning: what "overdue now" and "in the warning band
    now" add up for the whole days before today, so that those counts cost the days the backlog
    spans, not the cases in it (``appeals.backlog``; the months before this one from
    ``AppealBacklogMonth``). The sum of its community's cells' shares (``AppealBacklogCell``): a
    refresh of a cell adds the change of the cell's share (``rollups.refresh``); ``rollups.rebuild``
    recounts it as a whole."""

    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=80)  # the appeals' own place path (grid, else community …)
    due_day = models.DateField()
    warn_day = models.DateField(null=True, blank=True)
    open = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("在办诉求统计")
        verbose_name_plural = _("在办诉求统计")
        indexes = [
            models.Index(fields=["community"], name="appeal_backlog_cell"),
            models.Index(
                fields=["path", "due_day"],
                name="appeal_backlog_read",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            # The days of this month before today, and the warning band (due after today), under a
            # district or street: by the day first, not every row of every place under the path.
            models.Index(fields=["due_day", "path"], name="appeal_backlog_days"),
        ]

    def __str__(self):
        return f"{self.path} {self.due_day} {self.open}"


class AppealBacklogCell(models.Model):
    """One rollup cell's (day of filing, community) share of its community's backlog rows: its open
    cases on the clock per place, day of the deadline and day of the warning. Recomputed with the
    cell from the cell's own appeals; the difference from its previous share is added to the
    backlog rows and month rows, so a refresh costs the cell's open cases, not its community's."""

    day = models.DateField()
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=80)
    due_day = models.DateField()
    warn_day = models.DateField(null=True, blank=True)
    open = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("在办诉求单元统计")
        verbose_name_plural = _("在办诉求单元统计")
        indexes = [models.Index(fields=["community", "day"], name="appeal_backlog_cell_cell")]

    def __str__(self):
        return f"{self.day} {self.path} {self.due_day} {self.open}"


class AppealBacklogMonth(models.Model):
    """The backlog rows of a community summed per place and month of the deadline, rebuilt with them
    (the same grouped count, the same lock): "overdue now" adds the months before this one from
    these rows, and only this month's days before today from the backlog rows, so a district's
    count reads a dozen rows per place whatever the days its old overdue cases fell due on."""

    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=80)  # the appeals' own place path, as in the backlog rows
    due_month = models.DateField(help_text="first day of the month")
    open = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("在办诉求月统计")
        verbose_name_plural = _("在办诉求月统计")
        indexes = [
            models.Index(fields=["community"], name="appeal_backlog_month_cell"),
            models.Index(
                fields=["path", "due_month"],
                name="appeal_backlog_month_read",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.path} {self.due_month:%Y-%m} {self.open}"
