"""The indexes of the appeals table (``Appeal.Meta.indexes``), apart so that each can say why.

Reviewed with EXPLAIN on 100,000 appeals (issue 11, bench/open311.py): every index is written by
every INSERT of an intake, so each one here is there for a query that uses it.
"""

from django.db import models
from django.db.models import Q

TIMED = ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened")
# References most appeals do not have: indexed only where set.
SPARSE = (
    "building",
    "household",
    "merged_into",
    "invalid_kind",
    "dispatched_by",
    "resolved_by",
    "entered_by",
)

# Reviewed with EXPLAIN at 100,000 appeals (issue 11): every index is written by every
# INSERT, so each one here is there for a query. A foreign key leading a composite index
# (assignee_*, submitter, category) has no index of its own; the references most appeals lack are
# indexed only where set (SPARSE: the PROTECT check when the row they name is deleted, and
# "merged into"); the phone's blind index only where there is a phone (the phone search).
# A new appeal is assigned to nobody and, unless a resident filed it on the web, has no
# submitter: the indexes led by those columns hold only the rows where they are set, so an intake
# writes none of them. Every query they serve compares the column with a value
# (``assignee_user_id = X``, ``IN (…)`` of the PROTECT check), which PostgreSQL and SQLite both
# know implies IS NOT NULL, so the partial index still serves it.
ASSIGNED = {
    "assignee_user": Q(assignee_user__isnull=False),
    "assignee_node": Q(assignee_node__isnull=False),
    "assignee_department": Q(assignee_department__isnull=False),
    "assignee_company": Q(assignee_company__isnull=False),
}
OPEN = ~Q(status__in=("rejected", "closed", "merged"))
INDEXES = [
    *(models.Index(fields=[f], name=f"appeal_{f}", condition=Q(**{f"{f}__isnull": False})) for f in SPARSE),
    models.Index(fields=["contact_phone_index"], name="appeal_phone", condition=~Q(contact_phone_index="")),
    # A scope's appeals by path prefix (``access``: path LIKE 'prefix%' for the grid, community
    # and street staff's lists, 我的待办, the supervised and suspended tabs). varchar_pattern_ops,
    # because the database's collation is not C: a plain btree cannot serve LIKE then. It also
    # serves ``path = X`` (the district's unplaced ones). ``db_index`` gave a plain btree beside
    # it that EXPLAIN at 100,000 appeals showed no query using (every worklist bucket of a grid,
    # community and street user planned the same without it), written by every intake all the same.
    models.Index(fields=["path"], name="appeal_path", opclasses=["varchar_pattern_ops"]),
    # The public lists and metrics by status within a community (status = X AND community_id = Y).
    models.Index(fields=["status", "community"], name="appeal_status_community"),
    # "Assigned to me / my department / my company" by status (the worklist's 我的 tab, the scope
    # checks' assignee_* = X); each also serves the foreign key's PROTECT check, so the field has
    # no index of its own.
    models.Index(
        fields=["assignee_user", "status"], name="appeal_assignee_user", condition=ASSIGNED["assignee_user"]
    ),
    models.Index(
        fields=["assignee_department", "status"],
        name="appeal_assignee_dept",
        condition=ASSIGNED["assignee_department"],
    ),
    models.Index(
        fields=["assignee_company", "status"],
        name="appeal_assignee_company",
        condition=ASSIGNED["assignee_company"],
    ),
    # The assigned node's PROTECT check, and its closed appeals (appeal_open_node has the open ones).
    models.Index(fields=["assignee_node"], name="appeal_assignee_node", condition=ASSIGNED["assignee_node"]),
    # A property company's dashboard (``datacentre.queries.units``, which has no rollup grain of
    # its own): its appeals filed, or due, in the period, rather than every appeal the company was
    # ever assigned (the index above), so its cost follows the period, not the history.
    models.Index(
        fields=["assignee_company", "created_at"],
        name="appeal_company_filed",
        condition=Q(assignee_company__isnull=False),
    ),
    models.Index(
        fields=["assignee_company", "deadline"],
        name="appeal_company_due",
        condition=Q(assignee_company__isnull=False),
    ),
    # A resident's own appeals, newest first (submitter_id = X ORDER BY created_at DESC).
    models.Index(
        fields=["submitter", "created_at"], name="appeal_submitter", condition=Q(submitter__isnull=False)
    ),
    # Possible duplicates near a new report: same category, open, latitude band (services.nearby);
    # led by the category, it is also the foreign key's index (the PROTECT check, category = X).
    models.Index(fields=["category", "status", "lat"], name="appeal_nearby"),
    # The dispatchers' 待定位 queue: the few unplaced appeals, oldest first.
    models.Index(fields=["created_at"], name="appeal_unplaced", condition=Q(unplaced=True)),
    # The sweep reads only rows about to change: partial indexes keep it O(changes).
    models.Index(
        fields=["warn_at"],
        name="appeal_sweep_warn",
        condition=Q(warned_at__isnull=True, suspended=False, status__in=TIMED),
    ),
    models.Index(
        fields=["deadline"],
        name="appeal_sweep_overdue",
        condition=Q(overdue_at__isnull=True, suspended=False, status__in=TIMED),
    ),
    models.Index(fields=["suspended_until"], name="appeal_sweep_resume", condition=Q(suspended=True)),
    # The worklist tabs read the open part of a scope in deadline order; partial indexes
    # over the open rows keep them off the ~90% that are closed. 超期/预警 of a district:
    # walk the deadline order; of a community: the path prefix (varchar_pattern_ops makes
    # LIKE 'prefix%' use it on PostgreSQL; SQLite ignores opclasses), then sort the few.
    # Also today's part of the data centre's "overdue now" and "warning now" (``appeals.backlog``:
    # the whole days before today come from ``AppealBacklogStat``): path and warn_at included, so
    # the deadlines and the warnings falling today are counted from these two indexes alone.
    models.Index(
        fields=["deadline", "-id"],
        name="appeal_timed_deadline",
        condition=Q(status__in=TIMED, suspended=False),
        include=["path", "warn_at"],
    ),
    models.Index(
        fields=["warn_at"],
        name="appeal_timed_warn",
        condition=Q(status__in=TIMED, suspended=False),
        include=["path", "deadline"],
    ),
    models.Index(
        fields=["path", "deadline"],
        name="appeal_timed_path",
        opclasses=["varchar_pattern_ops", "timestamptz_ops"],
        condition=Q(status__in=TIMED, suspended=False),
    ),
    # A department's "overdue now" (``datacentre.queries.units``: its open cases on the clock past
    # their deadline): counted from this index alone, the department's overdue entries, where the
    # assignee index above made it fetch every open case of the department from the table (54 ms
    # warm, 450 ms cold, at 10 M appeals with 19,000 open a department). Only the open cases on the
    # clock that a department holds, so an intake writes none of it.
    models.Index(
        fields=["assignee_department", "deadline"],
        name="appeal_timed_dept",
        condition=Q(status__in=TIMED, suspended=False) & ASSIGNED["assignee_department"],
    ),
    # 我的待办: what is assigned to me or my community and not final.
    models.Index(
        fields=["assignee_node", "deadline"],
        name="appeal_open_node",
        condition=OPEN & ASSIGNED["assignee_node"],
    ),
    models.Index(
        fields=["assignee_user", "deadline"],
        name="appeal_open_user",
        condition=OPEN & ASSIGNED["assignee_user"],
    ),
]
