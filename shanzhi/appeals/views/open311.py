"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/) at /open311/, JSON and XML.

Public reads need no key; POST /v2/requests needs an ``api_key`` issued by ``manage.py
issue_open311_key NAME`` (an ``accounts.ApiToken`` of the user ``open311-NAME``, which holds no
role, so the key opens nothing else). Posted requests enter the same loop through
``services.submit``; reads go through ``public.public_rows`` (anonymised). A read that carries
the key of the client that posted a request shows that client its own full description, and
nothing more of anyone else's.

The location may be ``lat``/``long``, ``address_string`` or ``address_id`` (a building's id in
the registry), as the spec allows: an address the registry cannot place is filed to the
dispatchers' 待定位 queue, never refused. ``expected_datetime`` is given once there is a deadline.
"""

import datetime as dt
from xml.etree import ElementTree as ET

import orjson
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from shanzhi.accounts import apikeys
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Building

from .. import progress, public, refs, services
from ..models import Appeal, Category
from ..open311_tokens import number_of, token_for
from ..stamps import Stamps

CLIENT_PREFIX = "open311-"
WINDOW = dt.timedelta(days=90)
CAP = 1000
# One attribute every service offers: the building or door the problem is at, when there is no point.
ATTRIBUTES = [
    {
        "variable": True,
        "code": "building",
        "datatype": "string",
        "required": False,
        "order": 1,
        "datatype_description": "楼栋、单元或门牌",
        "description": "问题所在楼栋或门牌（选填）",
        "values": [],
    }
]
XML_ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
    "tokens": ("service_requests", "request"),
}


class Open311Error(Exception):
    def __init__(self, status, description):
        super().__init__(description)
        self.status, self.description = status, description


# --- rendering --------------------------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _xml_fill(parent, data):
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, dict):
            _xml_fill(child, value)
        elif isinstance(value, list):
            item_tag = {
                "attributes": "attribute",
                "values": "value",
                "endpoints": "endpoint",
                "formats": "format",
            }.get(key, "item")
            for item in value:
                sub = ET.SubElement(child, item_tag)
                if isinstance(item, dict):
                    _xml_fill(sub, item)
                else:
                    sub.text = _text(item)
        else:
            child.text = _text(value)


def _xml(root, item_tag, payload):
    top = ET.Element(root)
    for item in payload if isinstance(payload, list) else [payload]:
        _xml_fill(ET.SubElement(top, item_tag) if item_tag else top, item)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        top, encoding="utf-8", xml_declaration=False
    )
    return body


def respond(fmt, kind, payload, status=200):
    if fmt == "xml":
        if kind in XML_ROOTS:
            root, item = XML_ROOTS[kind]
        else:
            root, item = kind, None
        return HttpResponse(_xml(root, item, payload), content_type="text/xml; charset=utf-8", status=status)
    return HttpResponse(_json(payload), content_type="application/json", status=status)


# Anything orjson does not write itself (times, Decimals, lazy translations) as Django's encoder
# writes it: the document is the one ``JsonResponse`` gave, without its spaces.
_DJANGO_JSON = DjangoJSONEncoder().default


def _json(payload):
    """``payload`` as UTF-8 JSON. orjson, not the standard library's encoder: for a list of a
    thousand requests it took 8 ms of the request's 20 (orjson: under 1)."""
    return orjson.dumps(payload, default=_DJANGO_JSON, option=orjson.OPT_PASSTHROUGH_DATETIME)


def error(fmt, status, description):
    return respond(fmt, "errors", [{"code": status, "description": str(description)}], status=status)


def open311_view(fn):
    """Public, errors in the spec's shape."""

    def view(request, fmt, **kwargs):
        try:
            return fn(request, fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)

    view.__name__ = fn.__name__
    view.__doc__ = fn.__doc__
    return login_not_required(view)


# --- shapes -----------------------------------------------------------------------------------


def _categories():
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent")


def service_row(c):
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": f"{c.parent.name}/{c.name}，办理时限{c.deadline_label}",
        "metadata": True,
        "type": "realtime",
        "keywords": c.parent.name,
        "group": c.parent.name,
    }


def request_rows(shown, fmt):
    """The requests as the spec names their fields, from ``public.Shown`` rows (what the public,
    or the client that filed them, may see). The status sentences and the time stamps
    (``stamps.Stamps``: JSON as Django's encoder writes a datetime, XML in full, in the current
    zone) are made once per response; ``expected_datetime`` only once there is a deadline."""
    texts = progress.stage_texts()
    stamp = Stamps(timezone.get_current_timezone(), fmt)
    closed = public.OPEN311_CLOSED
    rows = []
    for a in shown:
        category = a.category
        deadline = stamp(a.deadline)
        row = {
            "service_request_id": a.number,
            "status": "closed" if a.status in closed else "open",
            # Plain words, never the office's internal status (待销号 …) nor any note (issue 13 §7).
            "status_notes": texts.get(a.status, ""),
            "service_name": category.name,
            "service_code": category.code,
            "description": a.text,
            "agency_responsible": a.agency,
            "service_notice": "",
            "requested_datetime": stamp(a.created_at),
            "updated_datetime": stamp(a.updated_at),
            "expected_datetime": deadline,
            "address": a.place,
            "address_id": "",
            "zipcode": "",
            "lat": a.lat,
            "long": a.lng,
            "media_url": "",
        }
        if deadline is None:
            del row["expected_datetime"]  # optional in the spec: absent until there is a deadline
        rows.append(row)
    return rows


# --- views ------------------------------------------------------------------------------------


@open311_view
def discovery(request, fmt):
    base = (
        request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
        + "/"
    )
    payload = {
        "changeset": "2026-03-01T00:00:00+08:00",
        "contact": _("请联系区城市运行管理中心"),
        "key_service": _("由系统管理员执行 manage.py issue_open311_key 发放"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-03-01T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", payload)


@open311_view
def service_list(request, fmt):
    return respond(fmt, "services", [service_row(c) for c in _categories()])


@open311_view
def service_definition(request, fmt, code):
    category = _categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("没有编码为 %(c)s 的服务。") % {"c": code})
    return respond(fmt, "service_definition", {"service_code": category.code, "attributes": ATTRIBUTES})


def _parse_date(request, name):
    value = request.GET.get(name)
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+"))
    if parsed is None:
        raise Open311Error(400, _("%(n)s 不是有效的 W3C 日期时间。") % {"n": name})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _split(value):
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _query(request):
    """The read's conditions (``public.Where``) and its cap, from the spec's parameters."""
    where = public.Where()
    ids = _split(request.GET.get("service_request_id"))
    if ids:  # the spec: with ids, the other parameters are ignored
        return where.add(f"{{number}} IN ({where.placeholders(ids[:CAP])})", *ids[:CAP]), None
    codes = _split(request.GET.get("service_code"))
    if codes:  # values as parameters, the table's name ours
        sql = f"{{category_id}} IN (SELECT id FROM {Category._meta.db_table} WHERE code IN (%s))"  # noqa: S608
        where.add(sql.replace("%s", where.placeholders(codes)), *codes)
    statuses = _split(request.GET.get("status"))
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status 只能是 open 或 closed。"))
    if len(set(statuses)) == 1:
        closed = sorted(public.OPEN311_CLOSED)
        negation = "" if statuses[0] == "closed" else "NOT "
        where.add(f"{{status}} {negation}IN ({where.placeholders(closed)})", *closed)
    start, end = _parse_date(request, "start_date"), _parse_date(request, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date。"))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    where.add("{created_at} >= %s", start)
    if end is not None:
        where.add("{created_at} <= %s", end)
    return where, CAP


def _client_name(api_key):
    key = apikeys.key_for(api_key) if api_key else None  # a valid key of an active account, or None
    if key is None or not key.username.startswith(CLIENT_PREFIX):
        raise Open311Error(403, _("api_key 无效。"))
    return key.username


def _reader(request):
    """The client reading, if it sent its key ('' for the public); a wrong key is 403."""
    api_key = request.headers.get("X-Api-Key") or request.GET.get("api_key", "")
    return _client_name(api_key) if api_key else ""


def _building(value):
    """``address_id``: a building's id in the registry (the only address ids it publishes)."""
    value = (value or "").strip()
    found = Building.objects.filter(pk=int(value)).first() if value.isdigit() and len(value) < 12 else None
    if value and found is None:
        raise Open311Error(400, _("address_id: 没有编号为 %(v)s 的楼栋。") % {"v": value[:20]})
    return found


def _post(request, fmt):
    data = request.POST
    client = _client_name(data.get("api_key", ""))
    code = data.get("service_code", "")
    if not code:
        raise Open311Error(400, _("缺少 service_code。"))
    category = refs.active_by_code(code, leaf=True)
    if category is None:
        raise Open311Error(400, _("没有编码为 %(c)s 的服务。") % {"c": code})
    description = (data.get("description") or "").strip()
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p).strip()
    address = " ".join(p for p in (data.get("address_string", ""), data.get("attribute[building]", "")) if p)
    building = _building(data.get("address_id"))
    try:
        appeal = services.submit(
            client=client,
            channel=Appeal.Channel.OPEN311,
            category=category,
            title=(description.splitlines()[0][:30] if description else category.name),
            description=description,
            lng=data.get("long") or None,
            lat=data.get("lat") or None,
            building=building,
            address=address,
            contact_name=name,
            contact_phone=data.get("phone", ""),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
    except DomainError as exc:
        raise Open311Error(400, f"{exc.field or 'request'}: {exc.message}") from exc
    row = {
        "service_request_id": appeal.number,
        "token": token_for(appeal.number),
        "service_notice": _("已受理登记，办理时限以受理后为准。"),
        "account_id": "",
    }
    return respond(fmt, "requests", [row], status=201)


@csrf_exempt
@open311_view
def requests_view(request, fmt):
    if request.method == "POST":
        return _post(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, _("只支持 GET 和 POST。"))
    reader = _reader(request)
    where, cap = _query(request)
    return respond(fmt, "requests", request_rows(public.public_rows(where, reader=reader, limit=cap), fmt))


@open311_view
def request_detail(request, fmt, number):
    reader = _reader(request)
    one = public.Where().add("{number} = %s", number)
    shown = public.public_rows(one, reader=reader, newest_first=False, limit=1)
    if not shown:
        raise Open311Error(404, _("没有编号为 %(n)s 的诉求。") % {"n": number})
    return respond(fmt, "requests", request_rows(shown, fmt))


@open311_view
def token_view(request, fmt, token):
    try:
        number = number_of(token)
    except signing.BadSignature as exc:
        raise Open311Error(404, _("没有这个 token。")) from exc
    if not Appeal.objects.filter(number=number).exists():
        raise Open311Error(404, _("没有这个 token。"))
    return respond(fmt, "tokens", [{"service_request_id": number, "token": token}])


FMT = r"(?P<fmt>json|xml)"
app_name = "open311"
urlpatterns = [
    re_path(rf"^discovery\.{FMT}$", discovery, name="discovery"),
    re_path(rf"^v2/services\.{FMT}$", service_list, name="services"),
    re_path(rf"^v2/services/(?P<code>[\w-]+)\.{FMT}$", service_definition, name="service"),
    re_path(rf"^v2/requests\.{FMT}$", requests_view, name="requests"),
    re_path(rf"^v2/requests/(?P<number>[\w-]+)\.{FMT}$", request_detail, name="request"),
    re_path(rf"^v2/tokens/(?P<token>[\w:.-]+)\.{FMT}$", token_view, name="token"),
]
