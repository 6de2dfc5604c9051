"""12345 hotline batch files (.csv or .xlsx) into the loop, through ``services.submit``.

Columns (Chinese headers; common variants accepted):

============  ==============  =================================================================
key           header          meaning
============  ==============  =================================================================
case_number   工单编号        the hotline's case number: the key, so a file imported twice adds
                              nothing (required)
received_at   受理时间        when the hotline took the call (optional; default: now)
contact_name  诉求人          (optional)
phone         联系电话        mobile or landline (optional)
title         标题            (optional: the first 30 characters of the content)
content       诉求内容        (required)
category      诉求分类        category code ("0203"), name ("僵尸车清理") or "停车管理/僵尸车清理"
                              (required)
address       地址            (optional)
lng, lat      经度, 纬度      the place; decides the grid (optional)
community     所属社区        community code or name, for a case with no usable point (optional)
city_deadline 市级办理时限    the 12345 centre's own deadline, kept beside ours as given (optional;
                              a date alone means the end of that day)
============  ==============  =================================================================

Every row is checked first; with any bad row nothing is imported and the report names row,
column and reason. A good file is imported in one transaction; rows whose case number is already
known are counted as skipped.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.core.validators import clean_phone
from shanzhi.registry.models import OrgNode

from ..models import DESCRIPTION_MAX_LENGTH, Appeal, Category
from . import intake

COLUMNS = {
    "case_number": ("工单编号", True),
    "received_at": ("受理时间", False),
    "contact_name": ("诉求人", False),
    "phone": ("联系电话", False),
    "title": ("标题", False),
    "content": ("诉求内容", True),
    "category": ("诉求分类", True),
    "address": ("地址", False),
    "lng": ("经度", False),
    "lat": ("纬度", False),
    "community": ("所属社区", False),
    "city_deadline": ("市级办理时限", False),
}
ALIASES = {
    "工单号": "case_number",
    "热线工单号": "case_number",
    "工单编码": "case_number",
    "来电时间": "received_at",
    "登记时间": "received_at",
    "联系人": "contact_name",
    "来电人": "contact_name",
    "诉求人姓名": "contact_name",
    "电话": "phone",
    "来电号码": "phone",
    "手机号": "phone",
    "诉求标题": "title",
    "内容": "content",
    "问题描述": "content",
    "分类": "category",
    "问题分类": "category",
    "分类编码": "category",
    "诉求地址": "address",
    "事发地址": "address",
    "社区": "community",
    "市级时限": "city_deadline",
    "办理时限": "city_deadline",
    "要求办结时间": "city_deadline",
    "办结时限": "city_deadline",
}
HEADERS = {header: key for key, (header, _req) in COLUMNS.items()} | ALIASES
MAX_ROWS = 20_000


@dataclass
class Report:
    created: list = field(default_factory=list)  # appeal numbers
    skipped: list = field(default_factory=list)  # hotline case numbers already imported
    errors: list = field(default_factory=list)  # {"row", "column", "message"}

    @property
    def ok(self):
        return not self.errors


class HotlineFileRejected(DomainError):
    def __init__(self, errors):
        super().__init__(_("文件有 %(n)d 处错误，未导入任何工单。") % {"n": len(errors)}, field="file")
        self.errors = errors


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(data, filename):
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise HotlineFileRejected([_error(0, "", _("无法读取该 Excel 文件。"))]) from exc
        return list(book.worksheets[0].iter_rows(values_only=True))
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
            except UnicodeDecodeError:
                continue
        raise HotlineFileRejected([_error(0, "", _("无法识别文件编码，请另存为 UTF-8 的 CSV。"))])
    raise HotlineFileRejected([_error(0, "", _("只支持 .xlsx 或 .csv 文件。"))])


def _error(row, column, message):
    return {"row": row, "column": column, "message": str(message)}


def read_rows(data, filename):
    """List of (row number, {key: value}) from the file's first sheet; the header is the first
    row that names 工单编号."""
    raw = _raw_rows(data, filename)

    def keys_of(values):
        return [HEADERS.get(_text(v).replace(" ", "")) for v in values]

    index = next((i for i, values in enumerate(raw) if "case_number" in keys_of(values)), None)
    if index is None:
        raise HotlineFileRejected([_error(1, COLUMNS["case_number"][0], _("找不到“工单编号”列。"))])
    keys = keys_of(raw[index])
    missing = [COLUMNS[k][0] for k, (_h, required) in COLUMNS.items() if required and k not in keys]
    if missing:
        raise HotlineFileRejected([_error(index + 1, "、".join(missing), _("缺少必填列。"))])
    rows = []
    for number, values in enumerate(raw[index + 1 :], start=index + 2):
        if not any(_text(v) for v in values):
            continue
        rows.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    if len(rows) > MAX_ROWS:
        raise HotlineFileRejected([_error(0, "", _("单个文件最多 %(n)d 行，请分批导入。") % {"n": MAX_ROWS})])
    return rows


def _category(value, categories):
    value = _text(value)
    if "/" in value:
        parent, _sep, child = value.partition("/")
        found = categories.get(("path", parent.strip(), child.strip()), [])
        return found[0] if len(found) == 1 else None
    if ("code", value) in categories:
        return categories[("code", value)]
    named = categories.get(("name", value), [])
    leaves = [c for c in named if c.parent_id]
    if len(leaves) == 1:
        return leaves[0]
    return named[0] if len(named) == 1 else None  # an ambiguous name is refused, not guessed


def _category_index():
    index = {}
    for c in Category.objects.filter(active=True).select_related("parent"):
        index[("code", c.code)] = c
        index.setdefault(("name", c.name), []).append(c)
        if c.parent_id:
            index.setdefault(("path", c.parent.name, c.name), []).append(c)
    return index


def _when(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = _text(value)
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise DomainError(_("时间格式应为 2026-03-02 09:30。"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(_("受理时间不能晚于现在。"))
    return moment


def _city_deadline(value):
    """The centre's deadline as its file gives it: no check against our calendar or the clock (it may
    already be past: that is the centre's business, and ours to see). A bare date is that day's end."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(23, 59, 59))
    else:
        text = _text(value)
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
                try:
                    moment = dt.datetime.combine(dt.datetime.strptime(text, fmt).date(), dt.time(23, 59, 59))
                    break
                except ValueError:
                    continue
            else:
                raise DomainError(_("时间格式应为 2026-03-02 09:30 或 2026-03-02。"))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _community(value):
    value = _text(value)
    if not value:
        return None
    node = OrgNode.objects.filter(Q(code=value) | Q(name=value), level__in=("community", "street")).first()
    if node is None:
        raise DomainError(_("找不到该社区（请填写社区编码或名称）。"))
    return node


def _prepare(number, row, by, categories, seen):
    """The keyword arguments for ``submit`` for one row, or the row's errors."""
    errors = []

    def bad(key, message):
        errors.append(_error(number, COLUMNS[key][0], message))

    case = _text(row.get("case_number"))
    if not case:
        bad("case_number", _("工单编号不能为空。"))
    elif case in seen:
        bad("case_number", _("与第 %(r)d 行的工单编号重复。") % {"r": seen[case]})
    else:
        seen[case] = number
    content = _text(row.get("content"))
    if not content:
        bad("content", _("诉求内容不能为空。"))
    elif len(content) > DESCRIPTION_MAX_LENGTH:
        bad("content", _("诉求内容不能超过 %(n)d 个字。") % {"n": DESCRIPTION_MAX_LENGTH})
    category = _category(row.get("category"), categories)
    if category is None:
        bad("category", _("找不到该诉求分类（可填分类编码、名称或“大类/小类”）。"))
    kwargs = {
        "hotline_case_number": case,
        "description": content,
        "category": category,
        "title": (_text(row.get("title")) or content[:30]),
        "address": _text(row.get("address")),
        "contact_name": _text(row.get("contact_name")),
        "contact_phone": _text(row.get("phone")),
    }
    readers = {"received_at": _when, "community": _community, "city_deadline": _city_deadline}
    targets = {"received_at": "submitted_at", "community": "node", "city_deadline": "city_deadline"}
    for key, read in readers.items():
        try:
            kwargs[targets[key]] = read(row.get(key))
        except DomainError as exc:
            bad(key, exc.message)
    lng, lat = _text(row.get("lng")), _text(row.get("lat"))
    kwargs["lng"], kwargs["lat"] = (lng or None), (lat or None)
    if errors or Appeal.objects.filter(hotline_case_number=case).exists():
        return kwargs, errors
    try:
        clean_phone(kwargs["contact_phone"], field="contact_phone")
        # A row whose address places nothing goes to the 待定位 queue, as from every channel.
        _grid, place, *_rest, unplaced = intake.place_for(
            by=by, lng=kwargs["lng"], lat=kwargs["lat"], node=kwargs["node"], address=kwargs["address"]
        )
        if (
            not unplaced
            and not permissions.visible(by, OrgNode, "registry.view_tree").filter(pk=place.pk).exists()
        ):
            raise DomainError(_("该工单的位置不在您的管辖范围内。"), field="location")
    except DomainError as exc:
        column = {"location": "lng", "contact_phone": "phone"}.get(exc.field, "community")
        bad(column, exc.message)
    return kwargs, errors


PROGRESS_EVERY = 50  # rows between two progress reports to the upload page


def import_file(data, filename, *, by, request=None, progress=None):
    """Check the whole file, then import it atomically; raises HotlineFileRejected with the
    list of errors (nothing written) or returns a Report. ``progress(phase, done, total)``, when
    given (the upload page's job), hears how far the check ("validating") and the import
    ("importing") have come."""
    permissions.require(by, "appeals.import")
    rows = read_rows(data, filename)
    report_progress = progress or (lambda phase, done, total: None)
    categories = _category_index()
    seen, prepared, errors = {}, [], []
    for done, (number, row) in enumerate(rows, start=1):
        kwargs, row_errors = _prepare(number, row, by, categories, seen)
        errors += row_errors
        prepared.append((number, kwargs))
        if done % PROGRESS_EVERY == 0 or done == len(rows):
            report_progress("validating", done, len(rows))
    if errors:
        raise HotlineFileRejected(errors)
    report = Report()
    report_progress("importing", 0, len(prepared))
    with transaction.atomic():
        for number, kwargs in prepared:
            if Appeal.objects.filter(hotline_case_number=kwargs["hotline_case_number"]).exists():
                report.skipped.append(kwargs["hotline_case_number"])
                continue
            try:
                appeal = intake.submit(by=by, channel=Appeal.Channel.HOTLINE, **kwargs)
            except (DomainError, Http404) as exc:  # only if the registry changed since the check
                raise HotlineFileRejected([_error(number, "", getattr(exc, "message", str(exc)))]) from exc
            if appeal.is_replay:
                report.skipped.append(kwargs["hotline_case_number"])
            else:
                report.created.append(appeal.number)
        audit.record(
            AuditEvent.Action.IMPORT,
            actor=by,
            request=request,
            detail={
                "kind": "hotline",
                "file": Path(filename).name[:100],
                "created": len(report.created),
                "skipped": len(report.skipped),
            },
        )
    return report
