"""Keeping the network through the JSON API (/api/v1/registry/places/): the same services as the
pages (``services/places.py``), so the same rules and the same audit.

Nodes are named by code, compounds and buildings by id; a target outside the caller's sight is a
404, exactly like a missing one. Mounted in ``shanzhi/api.py`` before the registry router.
"""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError

from .. import services
from ..models import Building, Compound, OrgNode, PropertyCompany

router = Router(tags=["registry"])
KEEP = services.places.KEEP


class PlaceNodeOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = None
    retired: bool


class NodeIn(Schema):
    code: str = Field(max_length=15, description="编码，以上级编码开头")
    name: str = Field(max_length=100)
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON Polygon（仅网格）")


class NodeEditIn(Schema):
    name: str = Field(max_length=100)
    boundary: dict[str, Any] | None = None


class ReasonIn(Schema):
    reason: str = Field(max_length=200)


class CompoundIn(Schema):
    name: str = Field(max_length=100)
    address: str = Field("", max_length=200)
    property_company: int | None = Field(None, description="物业企业 id")


class CompoundOut(Schema):
    id: int
    community: str
    name: str
    address: str
    property_company: int | None
    retired: bool


class BuildingIn(Schema):
    name: str = Field(max_length=50)
    grid: str = Field(max_length=15, description="所在网格编码（须在小区所在社区）")
    floors: int | None = Field(None, ge=1, le=200)
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class BuildingEditIn(Schema):
    name: str = Field(max_length=50)
    floors: int | None = Field(None, ge=1, le=200)
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class BuildingMoveIn(Schema):
    grid: str = Field(max_length=15, description="新网格编码（同一社区）")
    reason: str = Field(max_length=200)


class BuildingOut(Schema):
    id: int
    compound: int
    grid: str
    name: str
    floors: int | None
    lng: float | None
    lat: float | None
    retired: bool


def _node_out(node):
    parent = node.path.split("/")[-3] if node.parent_id else None
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "parent_code": parent,
        "retired": node.retired_at is not None,
    }


def _compound_out(c):
    return {
        "id": c.pk,
        "community": c.community.code,
        "name": c.name,
        "address": c.address,
        "property_company": c.property_company_id,
        "retired": c.retired_at is not None,
    }


def _building_out(b):
    return {
        "id": b.pk,
        "compound": b.compound_id,
        "grid": b.grid.code,
        "name": b.name,
        "floors": b.floors,
        "lng": b.lng,
        "lat": b.lat,
        "retired": b.retired_at is not None,
    }


def _node(user, code):
    return permissions.get_visible_or_404(user, OrgNode, code=code)


def _grid(user, code, field="grid"):
    grid = permissions.visible(user, OrgNode).filter(code=code, level="grid").first()
    if grid is None:
        raise DomainError(_("网格编码不存在或不在您的管辖范围内。"), field=field)
    return grid


def _company(pk):
    if pk is None:
        return None
    company = PropertyCompany.objects.filter(pk=pk).first()
    if company is None:
        raise DomainError(_("物业企业不存在。"), field="property_company")
    return company


@router.post("nodes/{code}/children", response={201: PlaceNodeOut, **ERRORS}, summary="新增下级节点")
def places_add_node(request, code: str, payload: NodeIn):
    node = services.add_node(
        parent=_node(request.auth, code),
        code=payload.code,
        name=payload.name,
        boundary=payload.boundary,
        by=request.auth,
    )
    return Status(201, _node_out(node))


@router.patch("nodes/{code}", response={200: PlaceNodeOut, **ERRORS}, summary="修改节点名称（网格可改边界）")
def places_edit_node(request, code: str, payload: NodeEditIn):
    node = _node(request.auth, code)
    boundary = payload.boundary if payload.boundary is not None else services.places.UNSET
    return _node_out(services.edit_node(node, name=payload.name, boundary=boundary, by=request.auth))


@router.post("nodes/{code}/retire", response={200: PlaceNodeOut, **ERRORS}, summary="撤销节点")
def places_retire_node(request, code: str, payload: ReasonIn):
    return _node_out(services.retire_node(_node(request.auth, code), by=request.auth, reason=payload.reason))


@router.post("nodes/{code}/compounds", response={201: CompoundOut, **ERRORS}, summary="在社区新增小区")
def places_add_compound(request, code: str, payload: CompoundIn):
    compound = services.add_compound(
        community=_node(request.auth, code),
        name=payload.name,
        address=payload.address,
        property_company=_company(payload.property_company),
        by=request.auth,
    )
    return Status(201, _compound_out(compound))


def _compound(user, pk):
    return permissions.get_visible_or_404(user, Compound, pk=pk)


@router.patch("compounds/{int:pk}", response={200: CompoundOut, **ERRORS}, summary="修改小区")
def places_edit_compound(request, pk: int, payload: CompoundIn):
    compound = services.edit_compound(
        _compound(request.auth, pk),
        name=payload.name,
        address=payload.address,
        property_company=_company(payload.property_company),
        by=request.auth,
    )
    return _compound_out(compound)


@router.post("compounds/{int:pk}/retire", response={200: CompoundOut, **ERRORS}, summary="撤销小区")
def places_retire_compound(request, pk: int, payload: ReasonIn):
    return _compound_out(
        services.retire_compound(_compound(request.auth, pk), by=request.auth, reason=payload.reason)
    )


@router.post("compounds/{int:pk}/buildings", response={201: BuildingOut, **ERRORS}, summary="在小区新增楼栋")
def places_add_building(request, pk: int, payload: BuildingIn):
    compound = _compound(request.auth, pk)
    services.places.require_keeper(request.auth, compound.community)  # before naming a grid back
    building = services.add_building(
        compound=compound,
        grid=_grid(request.auth, payload.grid),
        name=payload.name,
        floors=payload.floors,
        lng=payload.lng,
        lat=payload.lat,
        by=request.auth,
    )
    return Status(201, _building_out(building))


def _building(user, pk):
    return permissions.get_visible_or_404(user, Building, pk=pk)


@router.patch("buildings/{int:pk}", response={200: BuildingOut, **ERRORS}, summary="修改楼栋")
def places_edit_building(request, pk: int, payload: BuildingEditIn):
    building = services.edit_building(
        _building(request.auth, pk),
        name=payload.name,
        floors=payload.floors,
        lng=payload.lng,
        lat=payload.lat,
        by=request.auth,
    )
    return _building_out(building)


@router.post(
    "buildings/{int:pk}/move", response={200: BuildingOut, **ERRORS}, summary="楼栋调整到同社区的其他网格"
)
def places_move_building(request, pk: int, payload: BuildingMoveIn):
    building = _building(request.auth, pk)
    services.places.require_keeper(request.auth, building.compound.community)  # before naming a grid back
    building = services.move_building(
        building, grid=_grid(request.auth, payload.grid), by=request.auth, reason=payload.reason
    )
    return _building_out(building)


@router.post("buildings/{int:pk}/retire", response={200: BuildingOut, **ERRORS}, summary="撤销楼栋")
def places_retire_building(request, pk: int, payload: ReasonIn):
    return _building_out(
        services.retire_building(_building(request.auth, pk), by=request.auth, reason=payload.reason)
    )
