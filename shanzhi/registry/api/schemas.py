"""What the registry API reads and writes. Every field is named; ID numbers and phones leave masked.

Residents are serialised from what ``queries.prepare_residents`` sets on them (masked values, the
tags the user may see); a resident that did not pass through it fails to serialise rather than
leak. Input schemas keep their fields optional where a missing value should reach the service,
so the user gets the service's message naming the field rather than a generic validation error.
"""

from typing import Any, Literal

from ninja import Field

from shanzhi.core.apischema import Schema
from shanzhi.core.masking import mask_phone

from ..services import age_on


class NodeRef(Schema):
    code: str
    name: str
    level: str


class NodeOut(NodeRef):
    parent_code: str | None = Field(None, description="上级节点编码；区为 null")
    grids: int = Field(description="下辖网格数（网格本身为 1）")
    households: int
    residents: int


class NodeDetailOut(NodeOut):
    centroid_lng: float | None = None
    centroid_lat: float | None = None
    has_boundary: bool
    grid_workers: list[str] = Field(description="网格员姓名（仅网格）")
    children: list[NodeOut]


class BoundaryIn(Schema):
    """A GeoJSON Polygon/MultiPolygon geometry, or a Feature wrapping one."""

    type: str = ""
    coordinates: Any = None
    geometry: Any = None


class FeatureProperties(Schema):
    code: str
    name: str
    band: Literal["low", "ok", "high"] | None = Field(
        None, description="户数相对 300–500 区间（仅集合中的网格）"
    )
    households: int | None = None


class FeatureOut(Schema):
    """A GeoJSON Feature: one grid's polygon (null where none is drawn)."""

    type: Literal["Feature"]
    geometry: dict[str, Any] | None = None
    properties: FeatureProperties


class FeatureCollectionOut(Schema):
    """The drawn grids under a street, community or district."""

    type: Literal["FeatureCollection"]
    features: list[FeatureOut]


class GridHealthRow(Schema):
    code: str
    name: str
    community: NodeRef
    households: int
    band: Literal["low", "high"] = Field(description="low: 少于下限; high: 多于上限")


class GridHealthOut(Schema):
    min_households: int
    max_households: int
    grids: list[GridHealthRow]


class TagOut(Schema):
    code: str
    name: str


class ResidentQuery(Schema):
    q: str = Field("", description="姓名、拼音首字母、楼栋/房号（如 3号楼302、3-1-302）")
    grid: str = Field("", description="网格编码")
    tag: str = Field("", description="关爱标签编码，例如 elderly_alone")


class ResidentFilter(ResidentQuery):
    q: str = Field(
        "",
        description="姓名、拼音首字母、楼栋/房号，或完整身份证号/手机号（精确匹配）",
    )
    id_number: str = Field("", description="身份证号，精确匹配（经盲索引，不解密）")


class ResidentOut(Schema):
    id: int
    name: str
    name_initials: str
    gender: str
    age: int | None = None
    id_number_masked: str
    phone_masked: str
    relation: str
    household_id: int
    address: str
    grid: NodeRef
    tags: list[TagOut] = Field(description="敏感标签只对本辖区工作人员显示")

    @staticmethod
    def resolve_age(obj):
        return age_on(obj.birth_date) if obj.birth_date else None

    @staticmethod
    def resolve_address(obj):
        return obj.household.address

    @staticmethod
    def resolve_tags(obj):
        return obj.shown_tags


class HouseholdOut(Schema):
    id: int
    compound: str
    building: str
    unit_no: str
    room: str
    address: str
    grid: NodeRef
    residents: list[ResidentOut]

    @staticmethod
    def resolve_compound(obj):
        return obj.building.compound.name

    @staticmethod
    def resolve_building(obj):
        return obj.building.name

    @staticmethod
    def resolve_residents(obj):
        # Set by the endpoint from the scoped query; the plain relation would bypass the scope.
        return obj.scoped_residents


class RevealIn(Schema):
    field: str = Field("", description="id_number 或 phone")
    reason: str = Field("", description="查看原因（至少 4 个字），记入审计")


class RevealOut(Schema):
    field: str
    value: str


class UnitFilter(Schema):
    q: str = Field("", description="名称或地址包含")
    kind: str = Field("", description="类型：government, institution, enterprise, social, school, hospital")


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    community: NodeRef
    contact_name: str
    contact_phone_masked: str

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_contact_phone_masked(obj):
        return mask_phone(obj.contact_phone)


class PartyOrgOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    kind: str
    kind_label: str
    parent_id: int | None = None
    depth: int = Field(description="在可见党组织树中的层次，0 为最上层")
    node: NodeRef
    unit_id: int | None = None
    members: int = Field(description="本组织党员数")
    members_total: int = Field(description="含可见下级组织的党员数")

    @staticmethod
    def resolve_level_label(obj):
        return str(obj.get_level_display())

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_members(obj):
        return obj.n_members

    @staticmethod
    def resolve_members_total(obj):
        return obj.n_members_total


class CompoundRef(Schema):
    id: int
    name: str
    community: NodeRef


class PropertyCompanyOut(Schema):
    id: int
    name: str
    credit_code: str
    contact_name: str
    contact_phone_masked: str
    compounds: list[CompoundRef] = Field(description="在我的辖区内由其服务的小区")

    @staticmethod
    def resolve_contact_phone_masked(obj):
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_compounds(obj):
        return obj.visible_compounds
