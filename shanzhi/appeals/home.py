"""The appeals panels on each role's home page (``accounts.home``): the cases waiting for the user
with their counts, a resident's own appeals, and the unread notifications."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.accounts import home, permissions

from . import queries
from .models import Appeal

CAP = 999  # a district's counts are not worth an exact COUNT over a million rows
ROWS = 5


def capped(qs):
    n = qs.order_by().values("pk")[: CAP + 1].count()
    return f"{CAP}+" if n > CAP else n


def _rows(qs):
    return [
        home.Link(
            f"{a.number} {a.title}", reverse("appeals:detail", args=[a.number]), note=a.get_status_display()
        )
        for a in qs[:ROWS]
    ]


def _bucket(user, label, bucket, tone=""):
    qs = queries.worklist(user, bucket)
    return home.link(
        user,
        "appeals.handle",
        label,
        "appeals:worklist",
        query=f"bucket={bucket}",
        count=capped(qs),
        tone=tone,
    )


def staff_panel(user):
    if not permissions.has_role_for(user, "appeals.handle"):
        return None
    counts = [_bucket(user, _("我的待办"), "mine", "primary")]
    if permissions.has_role_for(user, "appeals.accept"):
        counts.append(_bucket(user, _("待受理"), "to_accept"))
    if any(g.department_id for g in user.grants()):
        counts.append(_bucket(user, _("吹哨报到"), "summoned", "primary"))
    counts += [_bucket(user, _("超期"), "overdue", "danger"), _bucket(user, _("预警"), "warning", "warning")]
    return home.Panel(
        _("接诉即办：我的待办"),
        icon="megaphone",
        order=20,
        counts=counts,
        rows=_rows(queries.worklist(user, "mine").select_related(None)),
        empty=_("没有等您处理的诉求。"),
        shortcuts=[
            home.link(user, "appeals.handle", _("工作台"), "appeals:worklist", icon="list-task"),
            home.link(user, "appeals.submit", _("登记诉求"), "appeals:submit", icon="plus-circle"),
            home.link(user, "appeals.view_metrics", _("考核"), "appeals:metrics", icon="bar-chart"),
        ],
    )


def resident_panel(user):
    if permissions.has_role_for(user, "appeals.handle") or not permissions.has_role_for(user, "appeals.rate"):
        return None
    mine = queries.worklist(user, "submitted_by_me")
    return home.Panel(
        _("我的诉求"),
        icon="chat-square-text",
        order=20,
        counts=[
            home.link(
                user,
                "appeals.rate",
                _("办理中"),
                "appeals:mine",
                count=mine.exclude(status__in=Appeal.FINAL).count(),
            ),
            home.link(
                user,
                "appeals.rate",
                _("待评价"),
                "appeals:mine",
                count=mine.filter(status="verified").count(),
                tone="warning",
            ),
        ],
        rows=_rows(mine),
        empty=_("您还没有反映过诉求。"),
        shortcuts=[
            home.link(user, "appeals.submit", _("我要反映"), "appeals:submit", icon="plus-circle"),
            home.link(user, "appeals.rate", _("我的诉求"), "appeals:mine", icon="list-ul"),
        ],
    )


def categories_panel(user):
    if not permissions.has_role_for(user, "appeals.manage_categories"):
        return None
    return home.Panel(
        _("系统设置"),
        icon="gear",
        order=50,
        shortcuts=[
            home.link(user, "appeals.manage_categories", _("诉求分类"), "appeals:categories", icon="tags")
        ],
    )


def notifications_panel(user):
    if not permissions.has_role_for(user, "appeals.view_notifications"):
        return None
    unread = queries.unread_notifications(user)
    return home.Panel(
        _("消息通知"),
        icon="bell",
        order=30,
        counts=[
            home.link(
                user,
                "appeals.view_notifications",
                _("未读"),
                "appeals:notifications",
                count=unread.count(),
                tone="danger",
            )
        ],
        rows=[home.Link(n.text, reverse("appeals:notification", args=[n.pk])) for n in unread[:3]],
        shortcuts=[
            home.link(user, "appeals.view_notifications", _("全部通知"), "appeals:notifications", icon="bell")
        ],
    )


def unread_count(user):
    """The navbar's badge (``accounts.home.register_counter``)."""
    return queries.unread_notifications(user).count()


def register():
    for fn in (staff_panel, resident_panel, categories_panel, notifications_panel):
        home.register_panel(fn)
    home.register_counter("notifications", unread_count)
