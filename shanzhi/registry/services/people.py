"""Writes about residents: registration, identity, care tags, and revealing a masked value."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit, crypto
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.core.validators import clean_id_number, clean_phone

from ..models import CareTag, Resident
from .tree import facts_from_id, name_initials


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


def age_on(birth_date, today=None):
    today = today or datetime.date.today()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
