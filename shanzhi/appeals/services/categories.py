"""The category taxonomy (诉求分类), edited by the system administrator.

A category's deadline is read when an appeal's clock starts (``deadlines.start_clock`` stores the
appeal's own deadline), so a change applies to appeals accepted afterwards; those already running
keep theirs. Categories are never deleted: appeals point at them (PROTECT), and a retired one is
only hidden from intake by ``active=False``.
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry.models import Department

from ..models import Category

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,15}$")
MAX_NAME = 50
MAX_TEMPLATE = 500
MAX_RADIUS_M = 2000
# The longest time limit that makes sense per unit; beyond it a value is almost surely a typo
# (a 12345 case is answered within weeks, an emergency within hours).
MAX_DEADLINE = {Category.Unit.WORKDAYS: 60, Category.Unit.WORK_HOURS: 80, Category.Unit.HOURS: 72}
FIELDS = (
    "parent",
    "code",
    "name",
    "deadline_value",
    "deadline_unit",
    "urgency",
    "default_handler_kind",
    "default_department",
    "response_template",
    "auto_escalate",
    "evidence_required",
    "grid_self_handle",
    "duplicate_radius_m",
    "sort",
)


def _int(value, field, label):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s须填写整数。") % {"label": label}, field=field) from None


def _clean(values, instance=None):
    """Normalise and check the proposed values; raises before anything is written."""
    v = dict(values)
    v["code"] = str(v.get("code") or "").strip().upper()
    # The seeded national taxonomy's codes (0402 …) predate this rule: an unchanged code is kept,
    # so those categories stay editable (their flags, templates, time limits).
    unchanged = instance is not None and v["code"] == instance.code
    if not unchanged and not CODE_RE.match(v["code"]):
        raise DomainError(
            _("编码须以大写字母开头，只含大写字母和数字，最多 16 位，例如 T0303。"), field="code"
        )
    taken = Category.objects.filter(code=v["code"])
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise DomainError(_("编码 %(code)s 已被其他分类使用。") % {"code": v["code"]}, field="code")
    v["name"] = str(v.get("name") or "").strip()
    if not v["name"] or len(v["name"]) > MAX_NAME:
        raise DomainError(_("请填写名称（最多 %(n)d 个字）。") % {"n": MAX_NAME}, field="name")

    parent = v.get("parent")
    if parent is not None:
        if not isinstance(parent, Category):
            raise DomainError(_("请选择上级分类。"), field="parent")
        if parent.parent_id is not None:
            raise DomainError(_("分类只有两级：上级分类必须是一级分类。"), field="parent")
        if instance is not None and parent.pk == instance.pk:
            raise DomainError(_("分类不能以自己为上级分类。"), field="parent")
        if instance is not None and instance.children.exists():
            raise DomainError(_("该分类下还有二级分类，不能再归入其他分类。"), field="parent")

    if v.get("deadline_unit") not in Category.Unit.values:
        raise DomainError(_("请选择时限单位。"), field="deadline_unit")
    v["deadline_value"] = _int(v.get("deadline_value"), "deadline_value", _("办理时限"))
    most = MAX_DEADLINE[v["deadline_unit"]]
    if not 1 <= v["deadline_value"] <= most:
        raise DomainError(
            _("办理时限须在 1 到 %(most)d %(unit)s之间。")
            % {"most": most, "unit": Category.Unit(v["deadline_unit"]).label},
            field="deadline_value",
        )
    if v.get("urgency") not in Category.Urgency.values:
        raise DomainError(_("请选择紧急程度。"), field="urgency")
    if v.get("default_handler_kind") not in Category.HandlerKind.values:
        raise DomainError(_("请选择默认承办。"), field="default_handler_kind")
    department = v.get("default_department")
    if department is not None and not isinstance(department, Department):
        raise DomainError(_("请选择默认部门。"), field="default_department")
    if v["default_handler_kind"] == Category.HandlerKind.DEPARTMENT and department is None:
        raise DomainError(_("默认承办为职能部门时，须选择默认部门。"), field="default_department")
    v["response_template"] = str(v.get("response_template") or "")
    if len(v["response_template"]) > MAX_TEMPLATE:
        raise DomainError(_("答复模板最多 %(n)d 个字。") % {"n": MAX_TEMPLATE}, field="response_template")
    v["duplicate_radius_m"] = _int(v.get("duplicate_radius_m"), "duplicate_radius_m", _("重复诉求提示半径"))
    if not 0 <= v["duplicate_radius_m"] <= MAX_RADIUS_M:
        raise DomainError(
            _("重复诉求提示半径须在 0 到 %(n)d 米之间。") % {"n": MAX_RADIUS_M}, field="duplicate_radius_m"
        )
    v["sort"] = _int(v.get("sort", 0), "sort", _("排序"))
    if v["sort"] < 0:
        raise DomainError(_("排序须为不小于 0 的整数。"), field="sort")
    v["auto_escalate"] = bool(v.get("auto_escalate"))
    v["evidence_required"] = bool(v.get("evidence_required"))
    v["grid_self_handle"] = bool(v.get("grid_self_handle"))
    return {k: v[k] for k in FIELDS if k in v}


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _audit(by, request, category, op, changed):
    audit.record(
        AuditEvent.Action.CATEGORY_CHANGE,
        actor=by,
        request=request,
        target=category,
        detail={"op": op, "code": category.code, "changed": changed},
    )


def _defaults():
    return {f.name: f.get_default() for f in Category._meta.get_fields() if f.name in FIELDS and f.concrete}


def create_category(*, by, request=None, **fields):
    permissions.require(by, "appeals.manage_categories")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise DomainError(
            _("不认识的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    values = _clean({**_defaults(), "parent": None, "default_department": None, **fields})
    with transaction.atomic():
        category = Category.objects.create(**values)
        _audit(by, request, category, "create", {k: [None, _plain(v)] for k, v in values.items()})
    return category


def update_category(category, *, by, request=None, **fields):
    """Change the given fields only; the others keep their values."""
    permissions.require(by, "appeals.manage_categories", category)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise DomainError(
            _("不认识的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        current = {k: getattr(category, k) for k in FIELDS}
        values = _clean({**current, **fields}, instance=category)
        changed = {
            k: [_plain(current[k]), _plain(v)] for k, v in values.items() if _plain(current[k]) != _plain(v)
        }
        if changed:
            for k, v in values.items():
                setattr(category, k, v)
            category.save()
            _audit(by, request, category, "update", changed)
    return category


def set_category_active(category, active, *, by, request=None):
    """Retire (or bring back) a category. Retiring a top-level one retires its children too, so
    intake never offers a child whose parent is gone; a child comes back only under an active parent."""
    permissions.require(by, "appeals.manage_categories", category)
    active = bool(active)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        if active and category.parent_id and not category.parent.active:
            raise DomainError(
                _("上级分类“%(name)s”已停用，请先启用上级分类。") % {"name": category.parent.name},
                field="active",
            )
        if category.active == active:
            return category
        category.active = active
        category.save(update_fields=["active"])
        also = []
        if not active:
            also = list(category.children.filter(active=True).values_list("code", flat=True))
            category.children.filter(active=True).update(active=False)
        _audit(
            by,
            request,
            category,
            "activate" if active else "deactivate",
            {"active": [not active, active], **({"children": also} if also else {})},
        )
    return category
