"""Value checks the property services share."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

from .. import tally

_PLAIN = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})")


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


def decimal(value, field, label, *, low=None, high=None, places=2):
    """An exact decimal from text or a number (never through float), within [low, high]."""
    try:
        text_value = str(value).strip() if value is not None else ""
        # Plain ASCII digits only: no float, exponent, NaN or full-width digits.
        if isinstance(value, float) or not _PLAIN.fullmatch(text_value):
            raise InvalidOperation
        number = Decimal(text_value)
        if not number.is_finite() or number != number.quantize(Decimal(1).scaleb(-places)):
            raise InvalidOperation
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(
            _("%(label)s应为数字，最多 %(n)d 位小数。") % {"label": label, "n": places}, field=field
        ) from exc
    if (low is not None and number < low) or (high is not None and number > high):
        raise DomainError(
            _("%(label)s应在 %(low)s 到 %(high)s 之间。")
            % {"label": label, "low": "" if low is None else low, "high": "" if high is None else high},
            field=field,
        )
    return number


def pick(value, choices, field, message):
    if value not in choices:
        raise DomainError(message, field=field)
    return value
