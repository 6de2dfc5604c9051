"""What the registry API reads and writes. Every field is named; ID numbers and phones leave masked.

Input schemas keep their fields optional where a missing value should reach the service, so that
the user gets the service's message (naming the field) rather than a generic validation error.
"""

from typing import Any, Literal, Optional

from ninja import Field, Schema

from shanzhi.core.masking import mask_id_number, mask_phone

from .services import age_on


class ErrorOut(Schema):
    code: str
    message: str
    field: Optional[str] = None


class NodeRef(Schema):
    code: str
    name: str
    level: str


class NodeOut(NodeRef):
    parent_code: Optional[str] = Field(None, description="上级节点编码；区为 null")
    grids: int = Field(description="下辖网格数（网格本身为 1）")
    households: int
    residents: int


class NodeDetailOut(NodeOut):
    centroid_lng: Optional[float] = None
    centroid_lat: Optional[float] = None
    has_boundary: bool
    grid_workers: list[str] = Field(description="网格员姓名（仅网格）")
    children: list[NodeOut]


class BoundaryIn(Schema):
    """A GeoJSON Polygon/MultiPolygon geometry, or a Feature wrapping one."""

    type: str = ""
    coordinates: Any = None
    geometry: Any = None


class BoundaryOut(Schema):
    """A GeoJSON Feature: the node's polygon (null where none is drawn) and its code and name."""

    type: Literal["Feature"] = "Feature"
    geometry: Optional[dict[str, Any]] = None
    properties: NodeRef


class GridHealthRow(Schema):
    code: str
    name: str
    community: NodeRef
    households: int
    band: Literal["below", "above"] = Field(description="below: 少于下限; above: 多于上限")


class GridHealthOut(Schema):
    min_households: int
    max_households: int
    grids: list[GridHealthRow]


class TagOut(Schema):
    code: str
    name: str


class ResidentOut(Schema):
    id: int
    name: str
    name_initials: str
    gender: str
    age: Optional[int] = None
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
    def resolve_id_number_masked(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone_masked(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_address(obj):
        return obj.household.address

    @staticmethod
    def resolve_tags(obj):
        # ``show_sensitive`` is annotated by the query from the permission module's scope.
        show_sensitive = getattr(obj, "show_sensitive", False)
        return [t for t in obj.tags.all() if show_sensitive or not t.sensitive]


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


class RevealIn(Schema):
    field: str = Field("", description="id_number 或 phone")
    reason: str = Field("", description="查看原因（至少 4 个字），记入审计")


class RevealOut(Schema):
    field: str
    value: str


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
    parent_id: Optional[int] = None
    node: NodeRef
    unit_id: Optional[int] = None
    members: int

    @staticmethod
    def resolve_level_label(obj):
        return str(obj.get_level_display())

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_members(obj):
        return obj.member_count


class PropertyCompanyOut(Schema):
    id: int
    name: str
    credit_code: str
    contact_name: str
    contact_phone_masked: str

    @staticmethod
    def resolve_contact_phone_masked(obj):
        return mask_phone(obj.contact_phone)
