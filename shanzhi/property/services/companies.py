"""Property companies' red-property record: profile (licence, credit code, party coverage),
contacts and service contracts with compounds. The company itself is the registry's row."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.validators import clean_credit_code, clean_phone
from shanzhi.registry.models import PartyMember, PartyOrg, PropertyCompany

from ..models import CompanyContact, CompanyProfile, ServiceContract
from .common import a_date, decimal, pick, text

FEE_MAX = 100  # 元/㎡·月: above any residential standard; a typo in the unit, not a fee


def _require(by, company):
    permissions.require(by, "property.manage_company", company)


def profile_of(company):
    return CompanyProfile.objects.get_or_create(company=company)[0]


@transaction.atomic
def update_company(company, *, credit_code, licence_no="", party_org=None, by):
    """The company's credit code (checked per GB 32100-2015), licence and party branch."""
    _require(by, company)
    company = PropertyCompany.objects.select_for_update().get(pk=company.pk)
    code = clean_credit_code(credit_code, "credit_code")
    if PropertyCompany.objects.filter(credit_code=code).exclude(pk=company.pk).exists():
        raise DomainError(_("该统一社会信用代码已登记为另一家企业。"), field="credit_code")
    licence_no = text(licence_no, "licence_no", _("营业执照注册号"), max_length=40, required=False)
    if party_org is not None and not isinstance(party_org, PartyOrg):
        party_org = PartyOrg.objects.filter(pk=party_org).first()
        if party_org is None:
            raise DomainError(_("请选择党组织。"), field="party_org")
    company.credit_code = code
    company.save(update_fields=["credit_code"])
    profile = profile_of(company)
    profile.licence_no = licence_no
    profile.party_org = party_org
    profile.save()
    audit.record("property.company_updated", actor=by, target=company)
    return profile


@transaction.atomic
def set_party_members(company, members, *, by):
    """Which registered party members work at the company (党员覆盖)."""
    _require(by, company)
    ids = {int(m.pk if isinstance(m, PartyMember) else m) for m in members}
    found = list(PartyMember.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise DomainError(_("请选择已登记的党员。"), field="party_members")
    profile = profile_of(company)
    profile.party_members.set(found)
    audit.record("property.company_members", actor=by, target=company, detail={"n": len(found)})
    return profile


@transaction.atomic
def add_contact(company, *, name, title="", phone="", by):
    _require(by, company)
    contact = CompanyContact.objects.create(
        company=company,
        name=text(name, "name", _("姓名"), max_length=50),
        title=text(title, "title", _("职务"), max_length=50, required=False),
        phone=clean_phone(phone, field="phone"),
    )
    audit.record("property.contact_added", actor=by, target=company)
    return contact


@transaction.atomic
def add_contract(company, compound, *, starts_on, ends_on, fee_per_m2, level, by):
    """A service contract company ↔ compound; the compound's company becomes this one while the
    contract runs (the registry's ``Compound.property_company`` routes its complaints)."""
    _require(by, company)
    if compound is None or not reaches(by, compound):
        # Unknown and out-of-reach compounds read the same.
        raise DomainError(_("请选择小区。"), field="compound")
    return write_contract(
        company, compound, starts_on=starts_on, ends_on=ends_on, fee_per_m2=fee_per_m2, level=level, by=by
    )


def check_terms(*, starts_on, ends_on, fee_per_m2, level):
    """A contract's terms, checked: (starts_on, ends_on, fee, level), or DomainError naming the field."""
    starts_on = a_date(starts_on, "starts_on", _("合同开始"))
    ends_on = a_date(ends_on, "ends_on", _("合同截止"))
    if ends_on < starts_on:
        raise DomainError(_("合同截止日期不能早于开始日期。"), field="ends_on")
    fee = decimal(fee_per_m2, "fee_per_m2", _("物业费标准"), low=0, high=FEE_MAX)
    if fee <= 0:
        raise DomainError(_("物业费标准应大于 0。"), field="fee_per_m2")
    level = pick(level, ServiceContract.Level.values, "level", _("请选择服务等级。"))
    return starts_on, ends_on, fee, level


def write_contract(company, compound, *, starts_on, ends_on, fee_per_m2, level, by, replacing=None):
    """The contract itself, for callers that checked their own permission (``add_contract``; a
    dismissal's transition and the market, where the community and the company agree). With
    ``replacing`` (the dismissed company), that company's contracts running on past the new start
    end the day before it (民法典 第九百四十六条: the dismissal terminates the contract; 第九百五十条:
    the outgoing company serves until the new one takes over)."""
    starts_on, ends_on, fee, level = check_terms(
        starts_on=starts_on, ends_on=ends_on, fee_per_m2=fee_per_m2, level=level
    )
    if replacing is not None and replacing.pk != company.pk:
        running = ServiceContract.objects.select_for_update().filter(
            compound=compound, company=replacing, ends_on__gte=starts_on
        )
        for old in running:
            if old.starts_on >= starts_on:
                raise DomainError(_("新合同应在原合同开始之后开始。"), field="starts_on")
            old.ends_on = starts_on - datetime.timedelta(days=1)
            old.save(update_fields=["ends_on"])
            audit.record(
                "property.contract_ended", actor=by, target=old, detail={"ends_on": str(old.ends_on)}
            )
    overlap = ServiceContract.objects.filter(
        compound=compound, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exclude(company=company)
    if overlap.exists():
        raise DomainError(_("该小区在此期间已有其他企业的服务合同。"), field="starts_on")
    contract = ServiceContract.objects.create(
        company=company,
        compound=compound,
        starts_on=starts_on,
        ends_on=ends_on,
        fee_per_m2=fee,
        level=level,
        created_by=by,
    )
    if compound.property_company_id != company.pk:
        compound.property_company = company
        compound.save(update_fields=["property_company"])
    audit.record("property.contract_added", actor=by, target=contract)
    return contract


def reaches(by, compound):
    """Whether a company keeper's node covers the compound (street: its streets; district: all)."""
    path = compound.community.path
    return any(
        g.role in permissions.ACTIONS["property.manage_company"]
        and g.node_id
        and path.startswith(g.node.path)
        for g in by.grants()
    )
