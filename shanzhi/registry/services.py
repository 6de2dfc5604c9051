"""Every write to the registry. One function per verb; each is atomic."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin
from shapely.geometry import shape
from shapely.validation import explain_validity
from stdnum.cn import ric

from shanzhi.accounts import permissions
from shanzhi.core import audit, crypto
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.core.validators import clean_id_number, clean_phone

from . import geo
from .models import (
    Building,
    CareTag,
    Compound,
    Department,
    Household,
    NetworkPost,
    OrgNode,
    OwnersCommittee,
    OwnersCommitteeMember,
    PartyMember,
    PartyOrg,
    PropertyCompany,
    Resident,
    Unit,
)

# --- values --------------------------------------------------------------------------------


def facts_from_id(id_number):
    """Birth date and gender as the ID number states them (17th digit odd = male)."""
    return ric.get_birth_date(id_number), ("M" if int(id_number[16]) % 2 else "F")


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
    return OrgNode.objects.get(pk=pk) if pk is not None else None


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


def find_resident_by_id_number(user, id_number):
    """Exact lookup through the blind index, never by decrypting the table."""
    return permissions.visible(user, Resident).filter(id_number_index=crypto.blind_index(id_number)).first()


def set_resident_identity(resident, *, id_number, phone=""):
    """Keep the encrypted values and their blind indexes together; every writer goes through here."""
    resident.id_number = id_number
    resident.id_number_index = crypto.blind_index(id_number)
    resident.phone = phone
    resident.phone_index = crypto.blind_index(phone) if phone else ""
    resident.birth_date, resident.gender = facts_from_id(id_number)


@transaction.atomic
def register_resident(*, household, name, id_number, phone="", relation="", tags=(), by=None):
    if by is not None:
        permissions.require(by, "registry.edit_people", household)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("姓名不能为空。"), field="name")
    id_number = clean_id_number(id_number)
    phone = clean_phone(phone)
    if Resident.objects.filter(id_number_index=crypto.blind_index(id_number)).exists():
        raise DomainError(_("该身份证号已登记。"), field="id_number")
    resident = Resident(
        household=household,
        grid_id=household.grid_id,
        name=name,
        name_initials=name_initials(name),
        relation=relation,
    )
    set_resident_identity(resident, id_number=id_number, phone=phone)
    resident.save()
    if tags:
        resident.tags.set(CareTag.objects.filter(code__in=tags))
    return resident


@transaction.atomic
def set_tags(resident, tag_codes, *, by):
    permissions.require(by, "registry.edit_people", resident)
    resident.tags.set(CareTag.objects.filter(code__in=tag_codes))


# --- organisations on the network ------------------------------------------------------------


def _required(value, field, label):
    value = (value or "").strip()
    if not value:
        raise DomainError(_("%(label)s不能为空。") % {"label": label}, field=field)
    return value


@transaction.atomic
def create_department(*, district, name):
    name = _required(name, "name", _("部门名称"))
    if district.level != "district":
        raise DomainError(_("职能部门属于区。"), field="district")
    if Department.objects.filter(district=district, name=name).exists():
        raise DomainError(_("部门“%(n)s”已存在。") % {"n": name}, field="name")
    return Department.objects.create(district=district, name=name)


@transaction.atomic
def create_property_company(*, district, name, credit_code="", contact_name="", contact_phone=""):
    name = _required(name, "name", _("企业名称"))
    if PropertyCompany.objects.filter(name=name).exists():
        raise DomainError(_("物业企业“%(n)s”已登记。") % {"n": name}, field="name")
    return PropertyCompany.objects.create(
        district=district,
        name=name,
        credit_code=(credit_code or "").strip(),
        contact_name=contact_name,
        contact_phone=clean_phone(contact_phone, field="contact_phone"),
    )


@transaction.atomic
def register_unit(*, community, name, kind, address="", contact_name="", contact_phone=""):
    """驻区单位: registered with the community it sits in."""
    name = _required(name, "name", _("单位名称"))
    if community.level != "community":
        raise DomainError(_("驻区单位必须登记在一个社区。"), field="community")
    if kind not in Unit.Kind.values:
        raise DomainError(_("单位类型不正确。"), field="kind")
    if Unit.objects.filter(community=community, name=name).exists():
        raise DomainError(_("本社区已登记“%(n)s”。") % {"n": name}, field="name")
    return Unit.objects.create(
        community=community,
        name=name,
        kind=kind,
        address=address,
        contact_name=contact_name,
        contact_phone=clean_phone(contact_phone, field="contact_phone"),
    )


@transaction.atomic
def form_owners_committee(*, compound, members, elected_on=None, term_ends_on=None):
    """``members``: (resident, position) pairs; every member must live in the compound."""
    if OwnersCommittee.objects.filter(compound=compound).exists():
        raise DomainError(_("该小区已有业主委员会。"), field="compound")
    outsiders = [r for r, _pos in members if r.household.building.compound_id != compound.pk]
    if outsiders:
        raise DomainError(_("业委会成员必须是本小区的业主。"), field="members")
    committee = OwnersCommittee.objects.create(
        compound=compound, elected_on=elected_on, term_ends_on=term_ends_on
    )
    OwnersCommitteeMember.objects.bulk_create(
        OwnersCommitteeMember(committee=committee, resident=r, position=pos) for r, pos in members
    )
    return committee


@transaction.atomic
def appoint_network_post(*, kind, resident, buildings=(), households=()):
    """片区长 / 楼栋长 / 中心户长: a resident of the grid, covering buildings or households in it."""
    if kind not in NetworkPost.Kind.values:
        raise DomainError(_("岗位类型不正确。"), field="kind")
    if any(b.grid_id != resident.grid_id for b in buildings) or any(
        h.grid_id != resident.grid_id for h in households
    ):
        raise DomainError(_("只能负责本网格内的楼栋和住户。"), field="buildings")
    post = NetworkPost.objects.create(kind=kind, resident=resident, grid_id=resident.grid_id)
    post.buildings.set(buildings)
    post.households.set(households)
    return post


# --- personal data --------------------------------------------------------------------------

REVEALABLE = {"id_number": _("身份证号"), "phone": _("手机号")}


@transaction.atomic
def reveal(resident, field, *, by, reason, request=None):
    """The full value of one protected field, for a stated reason; every call is audited."""
    permissions.require(by, "registry.reveal", resident)
    if field not in REVEALABLE:
        raise DomainError(_("该字段不可查看。"), field="field")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("请写明查看原因（至少 4 个字）。"), field="reason")
    audit.record(
        AuditEvent.Action.REVEAL,
        actor=by,
        request=request,
        target=resident,
        detail={"field": field, "reason": reason[:200]},
    )
    return getattr(resident, field)


# --- party organisations ----------------------------------------------------------------------


@transaction.atomic
def create_party_org(*, name, level, kind, node, parent=None, unit=None):
    allowed = PartyOrg.ALLOWED_PARENT[level]
    if (parent.level if parent else None) not in allowed:
        raise DomainError(_("党组织层级关系不对（例如党小组只能设在党支部下）。"), field="parent")
    return PartyOrg.objects.create(name=name, level=level, kind=kind, node=node, parent=parent, unit=unit)


@transaction.atomic
def add_party_member(*, party_org, resident, joined_on=None, in_service=False, workplace=""):
    member, _created = PartyMember.objects.get_or_create(
        party_org=party_org,
        resident=resident,
        defaults={"joined_on": joined_on, "in_service": in_service, "workplace": workplace},
    )
    party_tag = CareTag.objects.filter(code="party_member").first()
    if party_tag:
        resident.tags.add(party_tag)
    return member


def age_on(birth_date, today=None):
    today = today or datetime.date.today()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
