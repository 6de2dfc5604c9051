"""A compound's owners' roll (业主名册) over JSON: the same services and queries as the roll page.
Owners' names come masked (a developer, a company, by name); areas are decimal strings both ways
(a JSON number would have gone through floating point)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Status
from ninja.files import UploadedFile

from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import Text, id_or_none

from .. import roll_reads
from ..models import OwnedUnit
from ..services import roll as service
from ..services import roll_import
from . import router


class RollUnitOut(Schema):
    id: int
    household: int
    unit: str
    area: str
    owner: str  # the owner's code


class RollOwnerOut(Schema):
    id: int
    code: str
    name: str  # masked
    is_developer: bool
    units: int = 0
    area: str = "0.00"
    residents: int = 0  # title holders linked (registered residents)


class RollHouseholdOut(Schema):
    household: int
    unit: str


class RollOut(Schema):
    compound: int
    frozen: bool  # a vote on the compound is open: no change until it is sealed
    total_area: str
    total_heads: int
    units: list[RollUnitOut]
    owners: list[RollOwnerOut]
    unlisted: list[RollHouseholdOut]  # the compound's households not on the roll


class RollOwnerIn(Schema):
    name: Text
    residents: list[int] = Field(default=[], max_length=20, description="本小区登记居民的编号（产权人）")
    is_developer: bool = False


class RollUnitIn(Schema):
    household: int
    area: Text = Field(description='专有部分面积（㎡），十进制字符串，最多两位小数，例如 "89.50"')
    owner: Text = Field(description="业主编号（例如 O00012）")


class RollImportOut(Schema):
    rows: int
    units_added: int
    units_changed: int
    owners_added: int


def _label(h):
    return f"{h.building.name}-{h.unit_no}-{h.room}"


def _owner_out(o):
    return RollOwnerOut(
        id=o.pk,
        code=o.code,
        name=roll_reads.owner_label(o),
        is_developer=o.is_developer,
        units=getattr(o, "n_units", 0) or 0,
        area=str(roll_reads.area2(getattr(o, "area", None))),
        residents=len(o.residents.all()),
    )


def _unit_out(u):
    return RollUnitOut(
        id=u.pk, household=u.household_id, unit=_label(u.household), area=str(u.area), owner=u.owner.code
    )


@router.get(
    "compounds/{int:compound_id}/roll",
    response={200: RollOut, **ERRORS},
    summary="小区业主名册",
    url_name="property_roll",
)
def roll(request, compound_id: int):
    compound = roll_reads.roll_compound(request.auth, compound_id)
    units, owners, totals, unlisted = roll_reads.roll_of(compound)
    return RollOut(
        compound=compound.pk,
        frozen=compound.votes.filter(status="open").exists(),
        total_area=str(totals["area"]),
        total_heads=totals["heads"],
        units=[_unit_out(u) for u in units],
        owners=[_owner_out(o) for o in owners],
        unlisted=[RollHouseholdOut(household=h.pk, unit=_label(h)) for h in unlisted],
    )


@router.post(
    "compounds/{int:compound_id}/roll/owners",
    response={201: RollOwnerOut, **ERRORS},
    summary="登记业主",
    url_name="property_roll_owner_add",
)
def owner_add(request, compound_id: int, payload: RollOwnerIn):
    compound = roll_reads.roll_compound(request.auth, compound_id)
    owner = service.add_owner(compound, payload.name, **payload.dict(exclude={"name"}), by=request.auth)
    return Status(201, _owner_out(owner))


@router.post(
    "compounds/{int:compound_id}/roll/owners/{int:owner_id}",
    response={200: RollOwnerOut, **ERRORS},
    summary="修改业主（姓名、产权人、建设单位）",
    url_name="property_roll_owner_edit",
)
def owner_edit(request, compound_id: int, owner_id: int, payload: RollOwnerIn):
    compound = roll_reads.roll_compound(request.auth, compound_id)
    service.require_keeper(request.auth, compound)
    owner = service.owner_of(compound, owner_id)
    return _owner_out(service.edit_owner(owner, **payload.dict(), by=request.auth))


@router.post(
    "compounds/{int:compound_id}/roll/units",
    response={200: RollUnitOut, **ERRORS},
    summary="登记或修改专有部分（面积、业主）",
    url_name="property_roll_unit_put",
)
def unit_put(request, compound_id: int, payload: RollUnitIn):
    compound = roll_reads.roll_compound(request.auth, compound_id)
    service.require_keeper(request.auth, compound)
    household = service.household_of(compound, payload.household)
    owner = service.owner_of(compound, payload.owner)
    return _unit_out(service.put_unit(household, owner, payload.area, by=request.auth))


@router.post(
    "compounds/{int:compound_id}/roll/units/{int:unit_id}/remove",
    response={200: RollUnitOut, **ERRORS},
    summary="从名册中移除专有部分",
    url_name="property_roll_unit_remove",
)
def unit_remove(request, compound_id: int, unit_id: int):
    compound = roll_reads.roll_compound(request.auth, compound_id)
    unit = OwnedUnit.objects.filter(pk=id_or_none(unit_id) or 0, owner__compound=compound).select_related(
        "household__building", "owner"
    )
    unit = unit.first()
    if unit is None:
        raise Http404
    out = _unit_out(unit)
    service.remove_unit(unit, by=request.auth)
    return out


@router.post(
    "compounds/{int:compound_id}/roll/import",
    response={200: RollImportOut, **ERRORS},
    summary="导入业主名册（.xlsx，全部正确才导入；错误逐行列出）",
    url_name="property_roll_import",
)
def roll_import_file(request, compound_id: int, file: File[UploadedFile] = None):
    compound = roll_reads.roll_compound(request.auth, compound_id)
    service.require_keeper(request.auth, compound)
    if file is None:
        raise DomainError(_("请选择名册文件（.xlsx）。"), field="file")
    return roll_import.import_roll(compound, file, by=request.auth)
