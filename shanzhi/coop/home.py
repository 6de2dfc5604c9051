"""The co-construction panel on each role's home page (``accounts.home``)."""

from django.utils.translation import gettext as _

from shanzhi.accounts import home, permissions

from .models import Need


def coop_panel(user):
    if not permissions.has_role_for(user, "coop.view"):
        return None
    staff = any(g.role in permissions.NODE_STAFF for g in user.grants())
    needs = permissions.visible(user, Need)
    counts = [
        # What waits for a unit (needs to claim) and for community staff (needs to review).
        home.link(
            user, "coop.claim", _("待认领需求"), "coop:needs", count=needs.filter(status="open").count()
        ),
        home.link(
            user,
            "coop.manage_lists",
            _("待审核需求"),
            "coop:needs",
            count=needs.filter(status="submitted").count(),
        ),
    ]
    return home.Panel(
        _("共建与双报到"),
        icon="link-45deg",
        order=70,
        counts=counts,
        shortcuts=[
            home.link(user, "coop.view", _("共建概览"), "coop:overview", icon="link-45deg")
            if staff
            else None,
            home.link(user, "coop.view", _("我的共建"), "coop:me", icon="person-badge"),
            home.link(user, "coop.view", _("需求清单"), "coop:needs", icon="clipboard-check"),
            home.link(user, "coop.view", _("资源清单"), "coop:resources", icon="box-seam"),
            home.link(user, "coop.view", _("项目清单"), "coop:projects", icon="kanban"),
        ],
    )


def register():
    home.register_panel(coop_panel)
