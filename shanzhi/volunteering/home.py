"""The volunteering panel on each role's home page (``accounts.home``): a volunteer's points and
the ways to serve; the community's volunteers for staff."""

from django.utils.translation import gettext as _

from shanzhi.accounts import home, permissions

from . import queries
from .models import Account


def volunteering_panel(user):
    if not permissions.has_role_for(user, "volunteering.view"):
        return None
    counts = []
    volunteer = queries.volunteer_for(user)
    if volunteer is not None:
        points = Account.objects.filter(volunteer=volunteer).values_list("balance", flat=True).first() or 0
        counts.append(home.link(user, "volunteering.view", _("爱心积分"), "volunteering:me", count=points))
    return home.Panel(
        _("志愿与爱心银行"),
        icon="heart",
        order=60,
        counts=counts,
        shortcuts=[
            home.link(user, "volunteering.view", _("我的志愿"), "volunteering:me", icon="person-heart"),
            home.link(
                user, "volunteering.view", _("志愿活动"), "volunteering:activities", icon="calendar-event"
            ),
            home.link(user, "volunteering.view", _("爱心超市"), "volunteering:shop", icon="shop"),
            home.link(
                user, "volunteering.view_people", _("志愿者"), "volunteering:volunteers", icon="people"
            ),
            home.link(
                user, "volunteering.manage", _("兑换核销"), "volunteering:redemptions", icon="bag-check"
            ),
        ],
    )


def register():
    home.register_panel(volunteering_panel)
