"""Writes about the organisations on the network: departments, property companies, units, network posts and party organisations."""

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError
from shanzhi.core.validators import clean_phone

from ..models import (
    CareTag,
    Department,
    NetworkPost,
    PartyMember,
    PartyOrg,
    PropertyCompany,
    Unit,
)


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
