"""Value checks the property services share."""

import datetime

from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

from .. import tally


def text(value, field, label, *, max_length=200, required=True):
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise DomainError(_("%(label)s格式不正确。") % {"label": label}, field=field)
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > max_length:
        raise DomainError(
            _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}, field=field
        )
    return value


def a_date(value, field, label):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise DomainError(
            _("%(label)s日期格式不正确（例如 2026-05-01）。") % {"label": label}, field=field
        ) from exc


def area(value, field="area"):
    try:
        return tally.parse_area(value, field)
    except tally.TallyError as exc:
        raise DomainError(_("专有部分面积应为正数，最多两位小数（例如 89.50）。"), field=field) from exc


def choice(value, field="choice"):
    if value not in tally.CHOICES:
        raise DomainError(_("请选择同意、反对或弃权。"), field=field)
    return value
