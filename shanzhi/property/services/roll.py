"""The owners' roll of a compound: owners (heads) and their exclusive parts with areas."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.errors import DomainError

from ..access import manages_compound
from ..models import OwnedUnit, Owner
from .common import area, text


@transaction.atomic
def add_owner(compound, name, *, residents=(), is_developer=False, by=None):
    """A new owner on the roll. ``by=None`` is the system (seeding, imports)."""
    if by is not None:
        _require_manager(by, compound)
    name = text(name, "name", _("业主"), max_length=100)
    if is_developer and Owner.objects.filter(compound=compound, is_developer=True).exists():
        # SPC interpretation art. 9: all the developer's unsold units are one head.
        raise DomainError(_("建设单位在名册中只能有一个（其未售房屋合计按一人计算）。"), field="is_developer")
    count = Owner.objects.filter(compound=compound).count()
    owner = Owner.objects.create(
        compound=compound, code=f"O{count + 1:05d}", name=name, is_developer=is_developer
    )
    for resident in residents:
        if resident.household.building.compound_id != compound.pk:
            raise DomainError(_("产权人不是该小区的登记居民。"), field="residents")
    owner.residents.set(residents)
    audit.record("property.owner_added", actor=by, target=owner)
    return owner


@transaction.atomic
def put_unit(household, owner, floor_area, *, by=None):
    """Put a household's exclusive part on the roll (or move it to another owner, or correct its
    area). A running vote keeps the electorate it opened with."""
    if household.building.compound_id != owner.compound_id:
        raise DomainError(_("该户不属于业主所在小区。"), field="household")
    if by is not None:
        _require_manager(by, owner.compound)
    value = area(floor_area)
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(_("专有部分面积应为正数，最多两位小数（例如 89.50）。"), field="area")
    unit, _created = OwnedUnit.objects.update_or_create(
        household=household, defaults={"owner": owner, "area": value}
    )
    audit.record("property.unit_put", actor=by, target=unit, detail={"area": str(value)})
    return unit


def _require_manager(by, compound):
    if not manages_compound(by, compound):
        raise PermissionDenied
