"""Writes to the org tree and the places on it (nodes, boundaries, compounds, buildings, households), and the values they check."""

from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin
from shapely.geometry import shape
from shapely.validation import explain_validity

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.validators import birth_date_of

from .. import geo
from ..models import Building, Compound, Household, OrgNode


def facts_from_id(id_number):
    """Birth date and gender as the ID number states them (17th digit odd = male)."""
    return birth_date_of(id_number), ("M" if int(id_number[16]) % 2 else "F")


def name_initials(name):
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()[:20]


def clean_polygon(geojson, field="boundary"):
    """A GeoJSON Polygon that shapely accepts as valid; returns (geojson, centroid)."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise DomainError(_("边界必须是 GeoJSON 的 Polygon（多边形）。"), field=field)
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise DomainError(_("边界坐标无法识别：%(e)s") % {"e": exc}, field=field) from exc
    if geom.is_empty or geom.area == 0:
        raise DomainError(_("边界面积为零，请至少画出三个不共线的点。"), field=field)
    if not geom.is_valid:
        raise DomainError(
            _("边界不是有效的多边形（%(why)s），请检查是否有边相互交叉。") % {"why": explain_validity(geom)},
            field=field,
        )
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise DomainError(_("边界坐标超出经纬度范围（经度在前，纬度在后）。"), field=field)
    c = geom.centroid
    return geojson, (c.x, c.y)


def clean_code(level, code, parent):
    """National-style codes: 6-digit district, +3 street, +3 community, +3 grid."""
    code = (code or "").strip()
    length = OrgNode.CODE_LENGTH[level]
    if not code.isdigit() or len(code) != length:
        raise DomainError(_("编码应为 %(n)d 位数字。") % {"n": length}, field="code")
    if parent is not None and not code.startswith(parent.code):
        raise DomainError(_("编码必须以上级编码 %(p)s 开头。") % {"p": parent.code}, field="code")
    return code


# --- the org tree ----------------------------------------------------------------------------


@transaction.atomic
def create_node(*, level, code, name, parent=None, boundary=None):
    expected_parent = {v: k for k, v in OrgNode.CHILD_LEVEL.items()}.get(level)
    if level == "district" and parent is not None:
        raise DomainError(_("区是最高一级，不能有上级。"), field="parent")
    if level != "district" and (parent is None or parent.level != expected_parent):
        raise DomainError(_("上级节点的层级不对。"), field="parent")
    code = clean_code(level, code, parent)
    if not (name or "").strip():
        raise DomainError(_("名称不能为空。"), field="name")
    if OrgNode.objects.filter(code=code).exists():
        raise DomainError(_("编码 %(c)s 已存在。") % {"c": code}, field="code")
    node = OrgNode(level=level, code=code, name=name.strip(), parent=parent)
    node.path = (parent.path if parent else "") + code + "/"
    if boundary is not None:
        if level != "grid":
            raise DomainError(_("只有网格需要边界。"), field="boundary")
        node.boundary, (node.centroid_lng, node.centroid_lat) = clean_polygon(boundary)
    node.save()
    return node


@transaction.atomic
def set_boundary(node, boundary, *, by):
    permissions.require(by, "registry.edit_org", node)
    if not node.is_grid:
        raise DomainError(_("只有网格需要边界。"), field="boundary")
    node.boundary, (node.centroid_lng, node.centroid_lat) = clean_polygon(boundary)
    node.save(update_fields=["boundary", "centroid_lng", "centroid_lat"])
    return node


def grid_at(lng, lat, within=None):
    """The grid whose polygon contains the point (None if none does)."""
    pk = geo.grid_id_at(float(lng), float(lat), within.path if within is not None else None)
    return geo.node(pk) if pk is not None else None


# --- places ----------------------------------------------------------------------------------


@transaction.atomic
def create_compound(*, community, name, address="", property_company=None):
    if community.level != "community":
        raise DomainError(_("小区必须属于一个社区。"), field="community")
    if not (name or "").strip():
        raise DomainError(_("小区名称不能为空。"), field="name")
    compound, _created = Compound.objects.get_or_create(
        community=community,
        name=name.strip(),
        defaults={"address": address, "property_company": property_company},
    )
    return compound


@transaction.atomic
def create_building(*, compound, grid, name, floors=None, lng=None, lat=None):
    if grid.level != "grid" or grid.parent_id != compound.community_id:
        raise DomainError(_("楼栋所在网格必须属于小区所在社区。"), field="grid")
    building, _created = Building.objects.get_or_create(
        compound=compound,
        name=name.strip(),
        defaults={"grid": grid, "floors": floors, "lng": lng, "lat": lat},
    )
    return building


@transaction.atomic
def create_household(*, building, unit_no, room):
    household, _created = Household.objects.get_or_create(
        building=building,
        unit_no=(unit_no or "").strip(),
        room=room.strip(),
        defaults={"grid_id": building.grid_id},
    )
    return household
