"""The administrators' panels on the home page (see ``home.py``), and the one everybody has."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.models import AuditEvent

from . import permissions
from .home import Link, Panel, link, register_panel
from .models import User


def security_panel(user):
    if not permissions.has_role_for(user, "accounts.manage_users"):
        return None
    users = permissions.visible(user, User)
    return Panel(
        _("账号与角色"),
        icon="people",
        order=10,
        counts=[
            link(user, "accounts.manage_users", _("账号总数"), "accounts:users", count=users.count()),
            # An account nobody has granted a role yet cannot do anything: it waits for this admin.
            link(
                user,
                "accounts.manage_users",
                _("待授予角色"),
                "accounts:users",
                count=users.filter(role_grants__isnull=True).count(),
                tone="warning",
            ),
        ],
        shortcuts=[
            link(user, "accounts.manage_users", _("创建账号、授予角色"), "accounts:users", icon="person-plus")
        ],
    )


def audit_panel(user):
    if not permissions.has_role_for(user, "audit.view"):
        return None
    since = timezone.now() - dt.timedelta(days=1)
    events = permissions.visible(user, AuditEvent)
    return Panel(
        _("审计"),
        icon="journal-text",
        order=10,
        counts=[
            link(
                user,
                "audit.view",
                _("近 24 小时审计事件"),
                "accounts:audit",
                count=events.filter(at__gte=since).count(),
            ),
        ],
        shortcuts=[
            link(user, "audit.view", _("审计日志"), "accounts:audit", icon="journal-text"),
            link(user, "audit.view", _("审计链校验"), "accounts:audit_chain", icon="link-45deg"),
        ],
    )


def calendar_panel(user):
    if not permissions.has_role_for(user, "core.manage_calendar"):
        return None
    return Panel(
        _("系统设置"),
        icon="gear",
        order=50,
        shortcuts=[
            link(user, "core.manage_calendar", _("工作日历"), "admin_tools:workdays", icon="calendar3")
        ],
    )


def account_panel(user):
    """Everybody signed in may open their own account page (the view asks for nothing more)."""
    return Panel(
        _("我的账号"),
        icon="person-circle",
        order=900,
        shortcuts=[Link(_("账号安全"), reverse("accounts:profile"), "shield-lock")],
    )


def register():
    for fn in (security_panel, audit_panel, calendar_panel, account_panel):
        register_panel(fn)
