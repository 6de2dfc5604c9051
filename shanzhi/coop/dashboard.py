"""Co-construction's panel on the data centre's dashboards (``accounts.dashboards``): the needs
listed in the period in the node's communities, and how many of them were met (办结).

Needs are kept per community (a grid's own needs carry their grid): a grid's dashboard shows the
needs of its grid."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import dashboards, home, permissions, publicdata

from .models import Need


def coop_panel(user, node, start, end):
    if not permissions.has_role_for(user, "coop.view"):
        return None
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tz)
    until = dt.datetime.combine(end, dt.time.min, tz)
    place = (
        Q(grid__path__startswith=node.path)
        if node.level == "grid"
        else Q(community__path__startswith=node.path)
    )
    needs = (
        permissions.visible(user, Need)
        .filter(place, created_at__gte=since, created_at__lt=until)
        .exclude(status__in=[Need.Status.SUBMITTED, Need.Status.CANCELLED])
    )
    figures = needs.aggregate(listed=Count("pk"), met=Count("pk", filter=Q(status=Need.Status.DONE)))
    counts = [
        home.link(user, "coop.view", label, "coop:needs", count=n)
        for label, n in ((_("发布的需求"), figures["listed"]), (_("已办结需求"), figures["met"]))
    ]
    return home.Panel(_("共建需求"), icon="link-45deg", order=30, counts=counts)


def public_section(start, end):
    """The public page's link to the projects marked public and their progress."""
    return publicdata.Section(
        _("共建项目"), order=30, links=[(_("项目进度公开"), reverse("coop:public_projects"))]
    )


def register():
    dashboards.register_panel(coop_panel)
    publicdata.register_section(public_section)
