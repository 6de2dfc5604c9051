"""The love bank's panel on the data centre's dashboards (``accounts.dashboards``): confirmed
volunteer hours and the volunteers who served in the period, in the node's communities.

Volunteering is kept per community: a grid's dashboard shows its community's figures."""

import datetime as dt

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import dashboards, home, permissions, publicdata
from shanzhi.registry.paths import community_path

from .models import Attendance


def _bounds(start, end):
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end, dt.time.min, tz)


def volunteering_panel(user, node, start, end):
    if not permissions.has_role_for(user, "volunteering.view_people"):
        return None
    since, until = _bounds(start, end)
    prefix = community_path(node.path) if node.level == "grid" else node.path
    served = permissions.visible(user, Attendance, "volunteering.view_people").filter(
        status=Attendance.Status.CONFIRMED,
        session__community__path__startswith=prefix,
        session__starts_at__gte=since,
        session__starts_at__lt=until,
    )
    figures = served.aggregate(minutes=Sum("confirmed_minutes"), people=Count("volunteer", distinct=True))
    hours = round((figures["minutes"] or 0) / 60, 1)
    counts = [
        home.link(user, "volunteering.view_people", label, "volunteering:volunteers", count=n)
        for label, n in ((_("志愿时长（小时）"), hours), (_("服务的志愿者"), figures["people"]))
    ]
    return home.Panel(_("志愿服务"), icon="heart", order=20, counts=counts)


def public_section(start, end):
    """The public page's figures: confirmed hours and volunteers who served in the district last
    month (two totals, no person, no community small enough to point at one)."""
    since, until = _bounds(start, end)
    figures = Attendance.objects.filter(
        status=Attendance.Status.CONFIRMED, session__starts_at__gte=since, session__starts_at__lt=until
    ).aggregate(minutes=Sum("confirmed_minutes"), people=Count("volunteer", distinct=True))
    return publicdata.Section(
        _("志愿服务"),
        order=20,
        figures=[
            (_("志愿时长（小时）"), round((figures["minutes"] or 0) / 60, 1)),
            (_("服务的志愿者"), figures["people"]),
        ],
        links=[(_("志愿服务活动（登录后报名）"), reverse("volunteering:activities"))],
    )


def register():
    dashboards.register_panel(volunteering_panel)
    publicdata.register_section(public_section)
