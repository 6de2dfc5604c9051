"""Keeping red property over JSON: a company's record, contacts and contracts; scheme versions
(items, indicators, publishing, the next version); opening a period (the lists and supervision are
``oversight.py``). Each endpoint parses,
finds the object in the caller's scope (else 404), calls the one service the page calls and
answers a schema; the service checks the permission (403) and the input (400 naming the field)."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Status

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import MAX_ID, Text
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import Compound

from .. import queries, services
from ..access import keeper_district
from ..models import SchemeItem
from . import router
from .evaluation import (
    CompanyOut,
    ContactOut,
    ContractOut,
    IndicatorOut,
    SchemeItemOut,
    VersionOut,
    _company_out,
    scheme_version,
)

# A row's id in a body: bounded, so an overlong number is a 400 naming the field, not a database error.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# --- companies ------------------------------------------------------------------------------------


class CompanyIn(Schema):
    credit_code: Text
    licence_no: Text = ""
    party_org: Id | None = None


class ContactIn(Schema):
    name: Text
    title: Text = ""
    phone: Text = ""


class ContractIn(Schema):
    compound: Id
    starts_on: Text
    ends_on: Text
    fee_per_m2: Text  # an exact decimal as text ("2.50"), never a float
    level: Text


def _keeping(request, company_id):
    company = queries.company_for(request.auth, company_id)  # out of scope: 404
    permissions.require(request.auth, "property.manage_company", company)
    return company


@router.post(
    "companies/{int:company_id}/record",
    response={200: CompanyOut, **ERRORS},
    summary="修改企业档案（信用代码、执照、党组织）",
    url_name="property_company_edit",
)
def company_edit(request, company_id: int, payload: CompanyIn):
    company = _keeping(request, company_id)
    services.update_company(company, **payload.dict(), by=request.auth)
    return _company_out(queries.company_for(request.auth, company_id), detail=True)


@router.post(
    "companies/{int:company_id}/contacts",
    response={201: ContactOut, **ERRORS},
    summary="添加企业联系人",
    url_name="property_company_contact",
)
def company_contact(request, company_id: int, payload: ContactIn):
    c = services.add_contact(_keeping(request, company_id), **payload.dict(), by=request.auth)
    return Status(201, ContactOut(name=c.name, title=c.title, phone=mask_phone(c.phone)))


@router.post(
    "companies/{int:company_id}/contracts",
    response={201: ContractOut, **ERRORS},
    summary="登记服务合同",
    url_name="property_company_contract",
)
def company_contract(request, company_id: int, payload: ContractIn):
    company = _keeping(request, company_id)
    compound = Compound.objects.filter(pk=payload.compound).select_related("community").first()
    k = services.add_contract(company, compound, **payload.dict(exclude={"compound"}), by=request.auth)
    return Status(
        201,
        ContractOut(
            compound=k.compound.name,
            starts_on=k.starts_on,
            ends_on=k.ends_on,
            fee_per_m2=str(k.fee_per_m2),
            level=k.level,
        ),
    )


# --- schemes --------------------------------------------------------------------------------------


class ItemIn(Schema):
    name: Text
    weight: Text = "1"


class IndicatorIn(Schema):
    item: Id
    name: Text
    rule: Text
    source: Text
    max_points: Text = "0"
    deduction: Text = "0"
    floor: Text = "0"


class NextVersionIn(Schema):
    effective_from: Text


def _scheme_keeping(request, version_id):
    version = queries.version_for(request.auth, version_id)  # another district's: 404
    permissions.require(request.auth, "property.manage_scheme", version.scheme)
    return version


@router.post(
    "schemes/versions/{int:version_id}/items",
    response={201: SchemeItemOut, **ERRORS},
    summary="草稿版本：添加考核项目",
    url_name="property_version_item",
)
def version_item(request, version_id: int, payload: ItemIn):
    version = _scheme_keeping(request, version_id)
    item = services.add_item(version, **payload.dict(), by=request.auth)
    item.refresh_from_db()  # the decimals as stored (and as every read answers them)
    return Status(201, SchemeItemOut(id=item.pk, name=item.name, weight=str(item.weight), indicators=[]))


@router.post(
    "schemes/versions/{int:version_id}/indicators",
    response={201: IndicatorOut, **ERRORS},
    summary="草稿版本：添加考核指标",
    url_name="property_version_indicator",
)
def version_indicator(request, version_id: int, payload: IndicatorIn):
    version = _scheme_keeping(request, version_id)
    item = SchemeItem.objects.filter(pk=payload.item, version=version).first()
    if item is None:
        raise DomainError(_("请选择考核项目。"), field="item")
    n = services.add_indicator(item, **payload.dict(exclude={"item"}), by=request.auth)
    n.refresh_from_db()
    return Status(
        201,
        IndicatorOut(
            id=n.pk,
            name=n.name,
            rule=n.rule,
            source=n.source,
            max_points=str(n.max_points),
            deduction=str(n.deduction),
            floor=str(n.floor),
        ),
    )


@router.post(
    "schemes/versions/{int:version_id}/publish",
    response={200: VersionOut, **ERRORS},
    summary="发布方案版本（此后不能修改）",
    url_name="property_version_publish",
)
def version_publish(request, version_id: int):
    services.publish(_scheme_keeping(request, version_id), by=request.auth)
    return scheme_version(request, version_id)


@router.post(
    "schemes/versions/{int:version_id}/next",
    response={201: VersionOut, **ERRORS},
    summary="修改已发布方案：复制为新的草稿版本",
    url_name="property_version_new",
)
def version_new(request, version_id: int, payload: NextVersionIn):
    version = _scheme_keeping(request, version_id)
    new = services.new_version(version.scheme, effective_from=payload.effective_from, by=request.auth)
    return Status(201, scheme_version(request, new.pk))


# --- periods --------------------------------------------------------------------------------------


class PeriodIn(Schema):
    kind: Text
    starts_on: Text


class PeriodOut(Schema):
    id: int
    name: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date


def _period_out(p):
    return PeriodOut(id=p.pk, name=str(p), kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on)


@router.get(
    "periods", response={200: list[PeriodOut], **ERRORS}, summary="考核周期", url_name="property_periods"
)
def periods(request):
    if not permissions.has_role_for(request.auth, "property.view_evaluation"):
        raise PermissionDenied
    return [_period_out(p) for p in queries.periods_for(request.auth).order_by("-starts_on", "kind")[:100]]


@router.post(
    "periods",
    response={201: PeriodOut, **ERRORS},
    summary="新建考核周期（季度或半年）",
    url_name="property_period_new",
)
def period_new(request, payload: PeriodIn):
    district = keeper_district(request.auth, "property.run_evaluation")
    if district is None:
        raise PermissionDenied
    period = services.open_period(district, **payload.dict(), by=request.auth, new=True)
    return Status(201, _period_out(period))


from . import disclosures, oversight  # noqa: E402,F401  (lists, disclosures and supervision join the router)
