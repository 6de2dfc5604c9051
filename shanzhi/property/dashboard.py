"""Red property's panel on the data centre's dashboards (``accounts.dashboards``): the owners'
assembly votes running in the node's compounds now, and those closed in the period."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import dashboards, home, permissions
from shanzhi.registry.paths import community_path

from .models import Vote


def property_panel(user, node, start, end):
    if not permissions.has_role_for(user, "property.view_vote"):
        return None
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tz)
    until = dt.datetime.combine(end, dt.time.min, tz)
    # Compounds belong to a community: a grid's dashboard shows its community's votes.
    prefix = community_path(node.path) if node.level == "grid" else node.path
    votes = permissions.visible(user, Vote).filter(compound__community__path__startswith=prefix)
    figures = votes.aggregate(
        running=Count("pk", filter=Q(status=Vote.Status.OPEN)),
        closed=Count("pk", filter=Q(status=Vote.Status.CLOSED, closed_at__gte=since, closed_at__lt=until)),
    )
    counts = [
        home.link(user, "property.view_vote", label, "property:votes", count=n)
        for label, n in (
            (_("进行中的业主表决"), figures["running"]),
            (_("本期结束的表决"), figures["closed"]),
        )
    ]
    return home.Panel(_("红色物业"), icon="house-check", order=40, counts=counts)


def register():
    dashboards.register_panel(property_panel)
