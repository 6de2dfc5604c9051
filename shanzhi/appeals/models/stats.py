"""The rollups the metrics read, per day and per month, and the marks of cells due a refresh."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .category import Category


class StatCounters(models.Model):
    """The figures a rollup row adds up about the appeals *filed* in it (see ``metrics`` for their
    definitions; ``rated`` counts the visited, the two questions answered)."""

    received = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unreachable = models.PositiveIntegerField(default=0)
    reworked = models.PositiveIntegerField(default=0)
    # The resolved by calendar days from acceptance: <1, 1–3, 3–5, 5–10, ≥10 (``rollups.HANDLING_BUCKETS``).
    handled_1d = models.PositiveIntegerField(default=0)
    handled_3d = models.PositiveIntegerField(default=0)
    handled_5d = models.PositiveIntegerField(default=0)
    handled_10d = models.PositiveIntegerField(default=0)
    handled_over_10d = models.PositiveIntegerField(default=0)
    handling = models.DurationField(default=dt.timedelta)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class AppealDayStat(StatCounters):
    """Rollup of the appeals filed on one day, per place × category × department: what the metrics
    read instead of the appeals table. Maintained by ``rollups.py``, never edited by hand.

    A (day, community) *cell* is recomputed as a whole from the appeals table, so a row is always
    exactly what a scan would give at its ``refreshed_at`` (see ``rollups`` for when that is)."""

    day = models.DateField()
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The appeals' place path (grid, else community, else street), for scope by prefix as on appeals.
    path = models.CharField(max_length=80)
    street_path = models.CharField(max_length=80, blank=True)
    # No index of its own: with one, PostgreSQL ANDed a department's few thousand rows of some days
    # with the index's million entries of the categories asked for (21 ms at 10 M appeals, where
    # the department's rows alone took 4). Categories are retired, not deleted, so its PROTECT
    # check (a scan) is an administrator's rare refusal, not a page's cost.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the deadline falls on (None: no deadline): 按期结案率 counts the appeals whose deadline
    # fell in the period, so its counters are read by this day, the others by the day of filing.
    due_day = models.DateField(null=True, blank=True)
    due = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    # The earliest deadline still ahead at the last refresh: the sweep refreshes the cell once it passes.
    next_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("诉求日统计")
        verbose_name_plural = _("诉求日统计")
        constraints = [
            # Partial constraints instead of one: NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["day", "path", "category", "department", "due_day"],
                condition=Q(department__isnull=False, due_day__isnull=False),
                name="appeal_day_stat_key",
            ),
            models.UniqueConstraint(
                fields=["day", "path", "category", "due_day"],
                condition=Q(department__isnull=True, due_day__isnull=False),
                name="appeal_day_stat_key_no_department",
            ),
            models.UniqueConstraint(
                fields=["day", "path", "category", "department"],
                condition=Q(department__isnull=False, due_day__isnull=True),
                name="appeal_day_stat_key_no_due",
            ),
            models.UniqueConstraint(
                fields=["day", "path", "category"],
                condition=Q(department__isnull=True, due_day__isnull=True),
                name="appeal_day_stat_key_no_dept_due",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "day"], name="appeal_day_stat_cell"),
            models.Index(fields=["day", "path"], name="appeal_day_stat_read"),
            models.Index(fields=["department", "day"], name="appeal_day_stat_department"),
            models.Index(fields=["due_day", "path"], name="appeal_day_stat_due_day"),
            # A department's due counters over the days of a partial month (its dashboard's
            # comparisons): its own rows of those due days, where ANDing the due-day index (a
            # district's rows of those days) with the department's cost 14 ms at 10 M appeals.
            models.Index(
                fields=["department", "due_day"],
                name="appeal_day_stat_department_due",
                condition=Q(due__gt=0),
            ),
            # A grid's or community's rows over a long period (the data centre's year of one grid):
            # the path prefix first (LIKE 'prefix%' on PostgreSQL), so they are not found by
            # walking a year of the whole district's days.
            models.Index(
                fields=["path", "day"],
                name="appeal_day_stat_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["path", "due_day"],
                name="appeal_day_stat_path_due",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["next_due_at"], name="appeal_day_stat_due", condition=Q(next_due_at__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.path} {self.category_id}"


class AppealMonthStat(StatCounters):
    """The day rows of a (month, community) summed per dimension separately (one row per grid, one per
    category, one per department) and per month of the deadline: a month of a community in a few
    hundred rows at most, so that a year of a whole district reads thousands of rows, not one per
    appeal. Rebuilt from the day rows whenever one of its days is refreshed. Readers whose scope is
    whole communities use it, and a grid's own dashboard its grid rows (under the grid's path).

    The filed counters are read by ``month`` (summed over every ``due_month``), the due counters by
    ``due_month`` (whatever month the appeals were filed in), as the day rows' by ``due_day``."""

    class Dimension(models.TextChoices):
        GRID = "grid", _("网格")
        CATEGORY = "category", _("诉求分类")
        DEPARTMENT = "department", _("职能部门")

    month = models.DateField(help_text="first day of the month")
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The community's path (for appeals filed above any community: their place's path); a grid
    # row's is the appeals' place (the grid's), so that a grid's own dashboard reads it too.
    path = models.CharField(max_length=80)
    street_path = models.CharField(max_length=80, blank=True)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.PositiveIntegerField(null=True, blank=True, help_text="the grid, category or department id")
    # The first day of the month the deadline falls in (None: no deadline), and the due counters of
    # the appeals whose deadline falls in it (按期结案率, see ``AppealDayStat.due_day``).
    due_month = models.DateField(null=True, blank=True)
    due = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("诉求月统计")
        verbose_name_plural = _("诉求月统计")
        constraints = [
            # Partial constraints instead of one: NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["month", "path", "dimension", "key", "due_month"],
                condition=Q(key__isnull=False, due_month__isnull=False),
                name="appeal_month_stat_key",
            ),
            models.UniqueConstraint(
                fields=["month", "path", "dimension", "due_month"],
                condition=Q(key__isnull=True, due_month__isnull=False),
                name="appeal_month_stat_key_none",
            ),
            models.UniqueConstraint(
                fields=["month", "path", "dimension", "key"],
                condition=Q(key__isnull=False, due_month__isnull=True),
                name="appeal_month_stat_key_no_due",
            ),
            models.UniqueConstraint(
                fields=["month", "path", "dimension"],
                condition=Q(key__isnull=True, due_month__isnull=True),
                name="appeal_month_stat_key_none_no_due",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "month"], name="appeal_month_stat_cell"),
            models.Index(fields=["dimension", "month", "path"], name="appeal_month_stat_read"),
            models.Index(fields=["dimension", "due_month", "path"], name="appeal_month_stat_due_read"),
            # A community's or street's year (the data centre's): the path prefix first (LIKE
            # 'prefix%' on PostgreSQL), as the day rows' ``appeal_day_stat_path``, so it is not
            # found by walking a year of the whole district's rows of the dimension.
            models.Index(
                fields=["path", "dimension", "month"],
                name="appeal_month_stat_path",
                opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"],
            ),
            models.Index(
                fields=["path", "dimension", "due_month"],
                name="appeal_month_stat_path_due",
                opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.path} {self.dimension} {self.key} {self.due_month}"


class AppealMonthTotal(StatCounters):
    """The month rows of a (month, community) summed over the months of the deadline: the filed
    counters only, read by ``month``, in a third of the rows (an appeal's deadline falls in its
    month, the next, or nowhere), so that a year of a district reads one row per community, month
    and grid, category or department. Rebuilt with the month rows, from the same day rows, under the
    same lock. The due counters stay in ``AppealMonthStat`` (read by ``due_month``).

    Besides the month rows' dimensions, one a grid's own dashboard reads: per grid and category
    (``grid_category``, ``key`` the category). Its rows and the per-grid rows carry the appeals'
    place path (the grid's, else the community's), so a grid's year is read under the grid's path:
    a dozen rows a month whatever the appeals, where its day rows grow with them."""

    class Dimension(models.TextChoices):
        GRID = "grid", _("网格")
        CATEGORY = "category", _("诉求分类")
        DEPARTMENT = "department", _("职能部门")
        GRID_CATEGORY = "grid_category", _("网格诉求分类")

    month = models.DateField(help_text="first day of the month")
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The community's path; for the per-grid dimensions the appeals' place (grid, else community).
    path = models.CharField(max_length=80)
    street_path = models.CharField(max_length=80, blank=True)
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.PositiveIntegerField(null=True, blank=True, help_text="the grid, category or department id")

    class Meta:
        verbose_name = _("诉求月合计")
        verbose_name_plural = _("诉求月合计")
        constraints = [
            # Partial constraints instead of one: NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["month", "path", "dimension", "key"],
                condition=Q(key__isnull=False),
                name="appeal_month_total_key",
            ),
            models.UniqueConstraint(
                fields=["month", "path", "dimension"],
                condition=Q(key__isnull=True),
                name="appeal_month_total_key_none",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "month"], name="appeal_month_total_cell"),
            models.Index(fields=["dimension", "month", "path"], name="appeal_month_total_read"),
            # A street's, community's or grid's months: the path prefix first (LIKE 'prefix%').
            models.Index(
                fields=["path", "dimension", "month"],
                name="appeal_month_total_path",
                opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.path} {self.dimension} {self.key}"


class AppealDayTotal(StatCounters):
    """The day rows of a (day, community) summed per place (the community, or the place of appeals
    filed above any community), once over every category (``category`` None) and once per
    category: a day of a whole community in tens of rows however many appeals it had. Rebuilt
    with its day rows. What a period's partial months cost at a district, street or community (a
    dashboard's trend by day, the previous period it is compared with, its categories then)
    instead of about one day row per appeal filed in them. Only readers whose scope is whole
    communities use it. Two kinds of rows (``rollup_grains.day_total_rows``): the *filed* rows
    (``due_day`` None) hold the filed counters, read by ``day``; the *due* rows, per due day,
    hold the due counters alone, read by ``due_day`` (rows with ``due > 0``)."""

    day = models.DateField()
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=80)  # the community's path, as in the month rows
    street_path = models.CharField(max_length=80, blank=True)
    # No index of its own (``appeal_day_total_filed`` leads with it): with one, PostgreSQL ANDed a
    # period's few thousand filed rows with the category index's hundreds of thousands (41 ms).
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    due_day = models.DateField(null=True, blank=True)
    due = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("诉求日合计")
        verbose_name_plural = _("诉求日合计")
        indexes = [
            models.Index(fields=["community", "day"], name="appeal_day_total_cell"),
            # The filed rows alone (the filed counters' reads say ``due_day IS NULL``), and the due
            # rows alone (``due > 0``), the category first: a period's totals (category IS NULL)
            # and its categories (category IN …) are each a range of their own, not a filter over
            # every category's rows of those days (a tenth of them are the totals). Led by the
            # category, it also serves the foreign key's PROTECT check.
            models.Index(
                fields=["category", "day", "path"], name="appeal_day_total_filed", condition=Q(due_day=None)
            ),
            models.Index(
                fields=["category", "due_day", "path"], name="appeal_day_total_due", condition=Q(due__gt=0)
            ),
            # A street's or community's days: the path prefix first (LIKE 'prefix%' on PostgreSQL),
            # so they are not found among the whole district's rows of those days.
            models.Index(
                fields=["path", "day"],
                name="appeal_day_total_filed_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
                condition=Q(due_day=None),
            ),
            models.Index(
                fields=["path", "due_day"],
                name="appeal_day_total_path_due",
                opclasses=["varchar_pattern_ops", "date_ops"],
                condition=Q(due__gt=0),
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.path} {self.category_id} {self.due_day}"


class AppealRollupMark(models.Model):
    """A (day, community) cell whose appeals changed since its rollup rows were computed. Written in
    the move's own transaction (so it is as durable as the move); drained by ``rollups.drain``."""

    day = models.DateField()
    community_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("待刷新统计")
        verbose_name_plural = _("待刷新统计")

    def __str__(self):
        return f"{self.day} {self.community_id}"
