"""Value checks every love-bank service shares (co-construction uses them too)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode


def text(value, field, label, *, max_length=200, required=True):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > max_length:
        raise DomainError(
            _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}, field=field
        )
    return value


def positive_int(value, field, label, *, minimum=1, maximum=None):
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("%(label)s必须是整数。") % {"label": label}, field=field) from exc
    if number < minimum or maximum is not None and number > maximum:
        bound = (
            _("在 %(a)d 到 %(b)d 之间") % {"a": minimum, "b": maximum}
            if maximum is not None
            else _("不小于 %(a)d") % {"a": minimum}
        )
        raise DomainError(_("%(label)s应%(bound)s。") % {"label": label, "bound": bound}, field=field)
    return number


def a_date(value, field, label):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise DomainError(
            _("%(label)s日期格式不正确（例如 2026-05-01）。") % {"label": label}, field=field
        ) from exc


def a_datetime(value, field, label):
    if isinstance(value, datetime.datetime):
        dt = value
    else:
        try:
            dt = datetime.datetime.fromisoformat(str(value))
        except (TypeError, ValueError) as exc:
            raise DomainError(
                _("%(label)s格式不正确（例如 2026-05-01 09:00）。") % {"label": label}, field=field
            ) from exc
    return timezone.make_aware(dt) if timezone.is_naive(dt) else dt


def community_node(node, field="community"):
    if not isinstance(node, OrgNode) or node.level != OrgNode.Level.COMMUNITY:
        raise DomainError(_("请选择一个社区。"), field=field)
    return node


def _require_self_or_staff(by, volunteer, obj):
    if volunteer.user_id == by.pk:
        permissions.require(by, "volunteering.join", obj)
    else:
        permissions.require(by, "volunteering.manage", obj)
