"""The department grains of the metrics rollups: a department is not a place, so no path-scoped
row holds its figures (``rollup_grains``: rebuilt with the day totals and the month rows)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .stats import StatCounters


class AppealDepartmentDay(StatCounters):
    """The day rows of a (day, community) assigned to a department, summed per department over
    every place and category: a department's day in one row a community (and, for the due
    counters, one per due day), where its day rows are about one per appeal it handled. What a
    department's dashboard reads for the days of partial months (its trend by day, its
    comparisons' totals), so that their cost follows the days, not the appeals. Rebuilt with the
    day totals, from the same day rows, under the same lock. Two kinds of rows, as the day
    totals: the *filed* rows (``due_day`` None) hold the filed counters, read by ``day``; the *due*
    rows, per due day, hold the due counters alone, read by ``due_day`` (rows with ``due > 0``)."""

    day = models.DateField()
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey("registry.Department", on_delete=models.PROTECT, related_name="+")
    due_day = models.DateField(null=True, blank=True)
    due = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("职能部门诉求日合计")
        verbose_name_plural = _("职能部门诉求日合计")
        indexes = [
            models.Index(fields=["community", "day"], name="appeal_dept_day_cell"),
            models.Index(
                fields=["department", "day"], name="appeal_dept_day_filed", condition=Q(due_day=None)
            ),
            models.Index(
                fields=["department", "due_day"], name="appeal_dept_day_due", condition=Q(due__gt=0)
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.due_day}"


class AppealDepartmentMonth(StatCounters):
    """The day rows of a (month, community) assigned to a department, summed per department,
    category and month of the deadline: what a department's own dashboard reads for the whole
    months of its period (a year of a department in thousands of rows, where its day rows are one
    per appeal it handled). Rebuilt with the month rows, from the same day rows, under the same
    lock. As in the month rows, the filed counters are read by ``month``, the due counters by
    ``due_month``; ``dimension`` and ``key`` (the category) let ``metrics`` read it as it reads the
    month rows' category dimension."""

    month = models.DateField(help_text="first day of the month")
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey("registry.Department", on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=12, default="category", editable=False)
    key = models.PositiveIntegerField(help_text="the category id")
    due_month = models.DateField(null=True, blank=True)
    due = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("职能部门诉求月统计")
        verbose_name_plural = _("职能部门诉求月统计")
        indexes = [
            models.Index(fields=["community", "month"], name="appeal_dept_month_cell"),
            models.Index(fields=["department", "month"], name="appeal_dept_month_read"),
            models.Index(fields=["department", "due_month"], name="appeal_dept_month_due"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.department_id} {self.key} {self.due_month}"
