"""The category taxonomy in the JSON API (/api/v1/appeals/categories): everybody who may file or
handle appeals reads the active categories; the system administrator also sees retired ones and
adds (POST) or changes (PATCH, ``active`` included) them through the same services as the page.

Mounted in ``shanzhi/api.py`` before the appeals router, whose ``/{number}`` would otherwise take
the word "categories" for an appeal number. ``parent`` is a category code, ``default_department``
a department id.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Router, Status

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Department

from ..models import Category
from ..services import categories as category_service

router = Router(tags=["appeals"])
MANAGE = "appeals.manage_categories"


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent: str | None
    deadline_value: int
    deadline_unit: str
    deadline_label: str
    urgency: str
    default_handler_kind: str
    default_department: int | None
    response_template: str
    auto_escalate: bool
    evidence_required: bool
    grid_self_handle: bool
    duplicate_radius_m: int
    sort: int
    active: bool


class CategoryIn(Schema):
    parent: str | None = None
    code: str | None = None
    name: str | None = None
    deadline_value: int | None = None
    deadline_unit: str | None = None
    urgency: str | None = None
    default_handler_kind: str | None = None
    default_department: int | None = None
    response_template: str | None = None
    auto_escalate: bool | None = None
    evidence_required: bool | None = None
    grid_self_handle: bool | None = None
    duplicate_radius_m: int | None = None
    sort: int | None = None
    active: bool | None = None


def category_out(c):
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "parent": c.parent.code if c.parent_id else None,
        "deadline_value": c.deadline_value,
        "deadline_unit": c.deadline_unit,
        "deadline_label": c.deadline_label,
        "urgency": c.urgency,
        "default_handler_kind": c.default_handler_kind,
        "default_department": c.default_department_id,
        "response_template": c.response_template,
        "auto_escalate": c.auto_escalate,
        "evidence_required": c.evidence_required,
        "grid_self_handle": c.grid_self_handle,
        "duplicate_radius_m": c.duplicate_radius_m,
        "sort": c.sort,
        "active": c.active,
    }


def _fields(payload):
    """The payload's fields as service arguments; an explicit ``null`` parent or department clears it."""
    data = payload.dict(exclude_unset=True)
    data.pop("active", None)
    if "parent" in data:
        code = data["parent"]
        data["parent"] = None
        if code:
            data["parent"] = Category.objects.filter(code=str(code).strip().upper()).first()
            if data["parent"] is None:
                raise DomainError(_("没有编码为 %(code)s 的分类。") % {"code": code}, field="parent")
    if data.get("default_department") is not None:
        department = Department.objects.filter(pk=data["default_department"]).first()
        if department is None:
            raise DomainError(_("没有这个部门。"), field="default_department")
        data["default_department"] = department
    return {k: v for k, v in data.items() if v is not None or k in ("parent", "default_department")}


@router.get("", response=list[CategoryOut], url_name="appeals_categories", summary="诉求分类")
def list_categories(request):
    rows = permissions.visible(request.auth, Category).select_related("parent").order_by("sort", "code")
    if not permissions.can(request.auth, MANAGE):
        rows = rows.filter(active=True)
    return [category_out(c) for c in rows]


@router.post(
    "", response={201: CategoryOut, **ERRORS}, url_name="appeals_category_create", summary="新增诉求分类"
)
def create(request, payload: CategoryIn):
    permissions.require(request.auth, MANAGE)
    with transaction.atomic():
        category = category_service.create_category(by=request.auth, request=request, **_fields(payload))
        if payload.active is False:
            category = category_service.set_category_active(category, False, by=request.auth, request=request)
    return Status(201, category_out(category))


@router.patch(
    "/{category_id}",
    response={200: CategoryOut, **ERRORS},
    url_name="appeals_category_update",
    summary="修改、停用或启用诉求分类",
)
def update(request, category_id: int, payload: CategoryIn):
    category = permissions.get_visible_or_404(request.auth, Category, pk=category_id)
    permissions.require(request.auth, MANAGE, category)
    fields = _fields(payload)
    # One request, one outcome: a refused activation also undoes the field changes sent with it.
    with transaction.atomic():
        if fields:
            category = category_service.update_category(category, by=request.auth, request=request, **fields)
        if payload.active is not None:
            category = category_service.set_category_active(
                category, payload.active, by=request.auth, request=request
            )
    return category_out(category)
