"""Whose rows a dashboard reads under a node: whether one of the reader's grants covers the node
(then the rows under the node need no scope of their own), the rollup rows under it, and the open
cases overdue or in the warning band now, as the reader's worklist counts them."""

from django.db.models import Count
from django.utils import timezone

from shanzhi.accounts import permissions
from shanzhi.appeals import access as appeal_access
from shanzhi.appeals import backlog
from shanzhi.appeals import queries as appeal_queries
from shanzhi.appeals.models import Appeal

from ..access import ACTION


def late(user, node, bucket):
    """The open cases under ``node`` overdue or in the warning band now, as the reader's worklist
    lists them."""
    if user is None or _sees_all_under(user, node):
        qs = Appeal.objects.filter(appeal_queries.late_q(bucket, timezone.now()))
    else:
        qs = appeal_queries.worklist(user, bucket)
    return qs.filter(path__startswith=node.path).order_by()


def late_counts(user, node):
    """{bucket: how many ``late`` lists} for "overdue" and "warning". For a reader who sees every
    appeal under the node, the backlog rollup and today's part of the open cases' indexes
    (``appeals.backlog``: the cost follows the days the backlog spans, not its cases); anyone else
    counts their worklist."""
    if user is None or _sees_all_under(user, node):
        return backlog.counts(node.path, timezone.now())
    return {bucket: late(user, node, bucket).count() for bucket in backlog.BUCKETS}


def late_by_path(user, node, bucket):
    """[(appeal path, count)] of ``late_counts``' bucket (the map sums them per unit)."""
    if user is None or _sees_all_under(user, node):
        return list(backlog.by_path(node.path, bucket, timezone.now()).items())
    return list(late(user, node, bucket).values("path").annotate(n=Count("*")).values_list("path", "n"))


def _node_grant_covers(user, node, action):
    """Does one of the user's grants for ``action`` hold a node role at or above ``node``? Such a
    grant's scope is the node's whole subtree, or more (``appeals.access``: ``appeal_scope``,
    ``day_stat_scope``, ``month_stat_scope``: the rows under the grant node's path). Kept on the
    user object for the request, as its scopes are (``permissions._scope_q``), dropped with its
    grants: a dashboard asks it for every read."""
    grants = user.grants()
    kept = user.__dict__.get("_dc_covers")
    if kept is None or kept[0] is not grants:
        kept = user.__dict__["_dc_covers"] = (grants, {})
    if (action, node.path) not in kept[1]:
        roles = permissions.ACTIONS[action]
        kept[1][(action, node.path)] = any(
            g.role in roles
            and g.role in appeal_access.NODE
            and g.node_id
            and node.path.startswith(g.node.path)
            for g in grants
        )
    return kept[1][(action, node.path)]


def _sees_all_under(user, node):
    """Does one of the user's grants see every appeal under ``node``? Then the count under the node
    needs no scope of its own (whose ORs would keep the partial index on (path, deadline) from
    answering it alone: a district's backlog read from the table instead of the index)."""
    return _node_grant_covers(user, node, "appeals.view")


def _reads_whole(user, node):
    """Does the reader see every rollup row under ``node`` (a grant reading figures at or above it,
    or a big screen, ``user`` None, bound to the node)? Then the rows under the node need no scope
    of their own: a dashboard builds some forty querysets, and the scope's OR of the grants' paths
    cost each one its filter and its SQL a second ``LIKE``."""
    return user is None or _node_grant_covers(user, node, ACTION)


def _under(user, node, model):
    """The rollup rows of ``model`` under ``node`` that the user may read."""
    if _reads_whole(user, node):
        return model._default_manager.filter(path__startswith=node.path)
    return permissions.visible(user, model, ACTION).filter(path__startswith=node.path)
