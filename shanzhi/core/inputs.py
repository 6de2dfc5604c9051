"""The one input layer: ids, integers, dates and text, checked the same way by pages, API and Open311.

Why each rule (issue 12 §4, where every one of these reached a 500):

* **Text** never carries a NUL (PostgreSQL cannot store it), another control character (invisible,
  it breaks exports and terminal logs), a lone surrogate (not Unicode: it cannot be encoded to
  UTF-8, so it fails at the database or at the JSON writer) or a bidirectional override / isolate
  (U+202A–U+202E, U+2066–U+2069: "Trojan Source" text that reads differently than it is stored).
  Tab, line feed and carriage return are text.
* **Ids and integers** are ASCII digits only: ``str.isdigit`` is true for "²", which ``int`` then
  refuses, and ``int`` itself accepts Arabic-Indic or full-width digits, so "١٢" would silently
  become 12. They are bounded so that a 20-digit number never reaches a database column
  (PostgreSQL bigint and SQLite INTEGER stop at 2**63 − 1).
* **Dates** are ISO ``YYYY-MM-DD`` with a four-digit year between 1900 and 2100: a real date, not
  ``2026-99-99`` nor a 20-digit year.
* **Lengths** are stated and refused, never silently cut.

Every refusal is a :class:`DomainError` naming the field (400 on pages and in the API).
``InputGuardMiddleware`` applies the text rule to every path, query string, form field and JSON
string before any view runs, and answers unparsable JSON in the API's documented shape.
"""

import datetime
import json
import re
import unicodedata
from typing import Annotated

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from pydantic import AfterValidator

from .errors import DomainError

MAX_ID = 2**63 - 1
# No list is paged this far; a larger page number would overflow the query's OFFSET.
MAX_PAGE = 1_000_000
MIN_YEAR, MAX_YEAR = 1900, 2100
ASCII_INT_RE = re.compile(r"^[+-]?[0-9]+$")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
TEXT_CONTROLS = frozenset("\t\n\r")


# Every character ``bad_character`` refuses, as one class: NUL and the other controls (Unicode's Cc
# is exactly U+0000-U+001F and U+007F-U+009F) but tab and line ends, the bidi controls, and lone
# surrogates (Cs is exactly U+D800-U+DFFF). Text without any is passed by one search in C; the
# loop below, a Python step and a category lookup per character, only names the reason.
REFUSED_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def bad_character(value):
    """The reason ``value`` is not acceptable text, or ``None``."""
    if REFUSED_RE.search(value) is None:
        return None
    for ch in value:
        if ch == "\x00":
            return _("含有空字符（NUL）")
        if ch in BIDI_CONTROLS:
            return _("含有文字方向控制字符")
        if ch in TEXT_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if category == "Cs":
            return _("含有无效的 Unicode 字符（孤立代理项）")
        if category == "Cc":
            return _("含有控制字符")
    return None


def check_text(value, field):
    """Raises when ``value`` holds a refused character (see the module docstring)."""
    reason = bad_character(value)
    if reason is not None:
        raise DomainError(
            _("%(field)s %(reason)s，请删除后重试。") % {"field": field, "reason": reason}, field
        )
    return value


def clean_text(value, field, *, max_length=None, required=False, label=None):
    """Stripped text with no refused character and at most ``max_length`` characters (stated)."""
    value = (value or "").strip()
    check_text(value, field)
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label or field}, field)
    if max_length is not None and len(value) > max_length:
        raise DomainError(
            _("%(label)s最多 %(max)d 个字，现在有 %(n)d 个。")
            % {"label": label or field, "max": max_length, "n": len(value)},
            field,
        )
    return value


def parse_int(value, field, *, min_value=None, max_value=MAX_ID, required=False, label=None):
    """An integer written in ASCII digits within the bounds; ``None`` when empty and not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(_("请填写%(label)s。") % {"label": label or field}, field)
        return None
    if isinstance(value, bool):
        raise DomainError(_("%(label)s应为整数。") % {"label": label or field}, field)
    if not isinstance(value, int):
        text = str(value).strip()
        if not ASCII_INT_RE.match(text) or len(text) > 20:
            raise DomainError(_("%(label)s应为整数（只用数字 0–9）。") % {"label": label or field}, field)
        value = int(text)
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise DomainError(
            _("%(label)s超出允许的范围。") % {"label": label or field},
            field,
        )
    return value


def parse_id(value, field, *, required=False, label=None):
    """A row id: a positive integer in ASCII digits (``None`` when empty and not required)."""
    return parse_int(value, field, min_value=1, max_value=MAX_ID, required=required, label=label)


def id_or_none(value):
    """A lookup's id, or ``None`` for anything that cannot be one: the row is then simply not found."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_date(value, field, *, required=False, label=None):
    """An ISO date ``YYYY-MM-DD`` in the years 1900–2100 (``None`` when empty and not required)."""
    text = (value or "").strip() if not isinstance(value, datetime.date) else value
    if isinstance(text, datetime.date):
        return text
    if not text:
        if required:
            raise DomainError(_("请填写%(label)s。") % {"label": label or field}, field)
        return None
    match = DATE_RE.match(text)
    try:
        parsed = datetime.date(*map(int, match.groups())) if match else None
    except ValueError:
        parsed = None
    if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise DomainError(
            _("%(label)s不是有效日期（格式 2026-03-02，年份 %(lo)d–%(hi)d）。")
            % {"label": label or field, "lo": MIN_YEAR, "hi": MAX_YEAR},
            field,
        )
    return parsed


def _pydantic_text(value):
    reason = bad_character(value)
    if reason is not None:
        raise ValueError(str(reason))
    return value


# For API schemas: ``title: Text`` refuses the characters above with a 400 naming the field.
Text = Annotated[str, AfterValidator(_pydantic_text)]


# --- the guard every request passes -----------------------------------------------------------


def _first_bad_json_string(value, at=""):
    """``(dotted path, reason)`` of the first key or string of a parsed JSON value holding a refused
    character, or ``None``."""
    if isinstance(value, str):
        reason = bad_character(value)
        return (at or "body", reason) if reason else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        path = f"{at}.{key}".strip(".")
        reason = bad_character(str(key))
        found = (path, reason) if reason else _first_bad_json_string(item, path)
        if found:
            return found
    return None


class InputGuardMiddleware:
    """Refuses, before any view runs, a request whose path, query string, form fields or JSON body
    carries a refused character, or whose JSON body does not parse: a 400 naming the field, in the
    API's ``{code, message, field}`` shape under /api/, Open311's error list under /open311/, and
    the 400 page elsewhere. Nothing is written: no view ran."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return self.respond(request, *refusal)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A refusal a page's view did not catch itself (a malformed filter, an id that is none) is
        still a 400 naming the field, never a 500. The API answers its own (``shanzhi.api``)."""
        if isinstance(exception, DomainError) and exception.status == 400:
            return self.respond(request, exception.code, exception.message, exception.field)
        return None

    def refusal(self, request):
        """``(code, message, field)`` when the request must be refused, else ``None``."""
        reason = bad_character(request.path)
        if reason:
            return "invalid", _("网址 %(reason)s。") % {"reason": reason}, "path"
        if request.META.get("QUERY_STRING"):  # none: no pairs, and no QueryDict made to say so
            for key, values in request.GET.lists():
                found = self._bad_pair(key, values)
                if found:
                    return found
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type in self.FORM_TYPES:
                for key, values in request.POST.lists():
                    found = self._bad_pair(key, values)
                    if found:
                        return found
            elif content_type.endswith("json") and request.body:
                return self._json_refusal(request.body)
        return None

    def _bad_pair(self, key, values):
        for value in [key, *values]:
            reason = bad_character(value)
            if reason:
                return (
                    "invalid",
                    _("%(field)s %(reason)s，请删除后重试。") % {"field": key, "reason": reason},
                    key,
                )
        return None

    def _json_refusal(self, body):
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return "invalid_json", _("请求体不是有效的 JSON。"), "body"
        found = _first_bad_json_string(parsed)
        if found:
            field, reason = found
            return (
                "invalid",
                _("%(field)s %(reason)s，请删除后重试。") % {"field": field, "reason": reason},
                field,
            )
        return None

    def respond(self, request, code, message, field):
        path = request.path_info
        if path.startswith("/api/"):
            body = {"code": code, "message": str(message), "field": field}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        if path.startswith("/open311/"):
            errors = [{"code": 400, "description": str(message)}]
            if path.endswith(".xml"):
                xml = (
                    '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code>'
                    f"<description>{_xml_escape(str(message))}</description></error></errors>"
                )
                return HttpResponse(xml, status=400, content_type="text/xml; charset=utf-8")
            return JsonResponse(errors, status=400, safe=False, json_dumps_params={"ensure_ascii": False})
        html = render_to_string("400.html", {"message": message, "field": field}, request=request)
        return HttpResponse(html, status=400)


def _xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
