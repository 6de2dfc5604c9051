"""What every co-construction service shares: input checks, the timeline, and status moves."""

import datetime

from django.utils.translation import gettext as _

from shanzhi.accounts.models import Role
from shanzhi.core.errors import Conflict, DomainError
from shanzhi.volunteering.services import a_date, a_datetime, community_node, positive_int, text

from ..models import Category, Event

__all__ = [
    "a_date",
    "a_datetime",
    "community_node",
    "positive_int",
    "text",
    "a_category",
    "a_weekdays",
    "a_time",
    "rating",
    "event",
    "move",
]


def own_unit(user):
    """The unit a unit member's grant binds them to (their workplace), or None."""
    grant = next((g for g in user.grants() if g.role == Role.UNIT_MEMBER and g.unit_id), None)
    return grant.unit if grant is not None else None


def a_category(value, field="category"):
    if value not in Category.values:
        raise DomainError(_("请选择类别。"), field=field)
    return value


def choice(value, choices, field, label):
    if value not in choices.values:
        raise DomainError(_("请选择%(label)s。") % {"label": label}, field=field)
    return value


def a_weekdays(value, field="weekdays"):
    value = (value or "1111111").strip()
    if len(value) != 7 or set(value) - {"0", "1"} or "1" not in value:
        raise DomainError(_("服务日应为七位 0/1（周一到周日），至少有一天为 1。"), field=field)
    return value


def a_time(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    try:
        return datetime.time.fromisoformat(str(value))
    except ValueError as exc:
        raise DomainError(_("时间格式不正确（例如 09:00）。"), field=field) from exc


def time_window(time_from, time_to, field="time_to"):
    time_from, time_to = a_time(time_from, "time_from"), a_time(time_to, field)
    if time_from and time_to and time_to <= time_from:
        raise DomainError(_("结束时间必须晚于开始时间。"), field=field)
    return time_from, time_to


def rating(value, field="rating"):
    return positive_int(value, field, _("评分"), minimum=1, maximum=5)


def event(subject, verb, *, by=None, before="", after="", note=""):
    """Append one timeline row to an order, claim, need or project."""
    key = subject._meta.model_name
    return Event.objects.create(
        actor=by, verb=verb, from_status=before, to_status=after, note=(note or "")[:500], **{key: subject}
    )


def move(model, obj, verb, allowed, to, *, by, note="", **fields):
    """Lock the row, check ``verb`` is allowed from its current status, save the change and the event.

    Someone else having moved it first is a Conflict (409) that says what the status is now.
    """
    obj = model.objects.select_for_update().get(pk=obj.pk)
    if obj.status not in allowed[verb]:
        raise Conflict(
            _("状态已变为“%(s)s”，不能再执行此操作，请刷新。") % {"s": obj.get_status_display()},
            changed={"status": obj.status},
        )
    before = obj.status
    obj.status = to
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", *fields, *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    event(obj, verb, by=by, before=before, after=to, note=note)
    return obj
