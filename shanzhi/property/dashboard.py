"""Red property's panel on the data centre's dashboards (``accounts.dashboards``): the owners'
assembly votes running in the node's compounds now, and those closed in the period."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import dashboards, home, permissions, publicdata
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


def public_section(start, end):
    """The public page's links: owners' votes closed and sealed, the approved red/black list and
    the quarterly disclosure (all public by design)."""
    since = dt.datetime.combine(start, dt.time.min, timezone.get_current_timezone())
    until = dt.datetime.combine(end, dt.time.min, timezone.get_current_timezone())
    closed = Vote.objects.filter(status=Vote.Status.CLOSED, closed_at__gte=since, closed_at__lt=until).count()
    return publicdata.Section(
        _("红色物业"),
        order=40,
        figures=[(_("上月结束的业主表决"), closed)],
        links=[
            (_("业主表决结果公示"), reverse("property:results")),
            (_("物业企业红黑榜"), reverse("property:public_lists")),
            (_("物业服务季度公示"), reverse("property:public_disclosure")),
        ],
    )


def register():
    dashboards.register_panel(property_panel)
    publicdata.register_section(public_section)
