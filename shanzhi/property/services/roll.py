"""The owners' roll (业主名册) of a compound: owners (heads) and their exclusive parts with areas.

Community staff of the compound's community keep it (``property.manage_roll``); every change is
audited (ids and areas only, never names). While a vote on the compound is open the roll is
frozen: ``open_vote`` copied it into the vote's electorate and the owners' title holders are who
may cast, so a change is refused until the vote is sealed. The compound's row lock, taken by every
change here and by ``open_vote``, keeps a change from slipping in while a vote opens.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.core import audit, inputs
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Compound, Household, Resident

from ..access import compound_in_reach
from ..models import OwnedUnit, Owner, Vote
from .common import decimal, text

# An exclusive part larger than this is a typing error (a whole compound is rarely more); the
# column holds up to 99,999,999.99.
MAX_AREA = Decimal("100000.00")
MIN_AREA = Decimal("0.01")
MAX_RESIDENTS = 20  # title holders linked to one owner


def require_keeper(by, compound):
    """Community staff over the compound may keep its roll; staff above who may read it get a
    403; everybody else a 404. ``by=None`` is the system (seeding, the bench)."""
    if by is None or compound_in_reach(by, compound.pk, "property.manage_roll") is not None:
        return
    if compound_in_reach(by, compound.pk, "property.view_roll") is not None:
        raise PermissionDenied
    raise Http404


def lock_unfrozen(compound):
    """Lock the compound's row and refuse while a vote on it is open (the electorate is frozen)."""
    Compound.objects.select_for_update().filter(pk=compound.pk).first()
    if Vote.objects.filter(compound=compound, status=Vote.Status.OPEN).exists():
        raise DomainError(
            _("该小区有正在进行的表决，业主名册已在开始投票时锁定；表决结束后才能修改。"), field="compound"
        )


def an_area(value, field="area"):
    """An exact area in m²: ASCII digits, at most two decimals, 0.01 to 100,000 (no float,
    exponent, NaN or full-width digits)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        value = str(value)
    return decimal(value, field, _("专有部分面积（㎡）"), low=MIN_AREA, high=MAX_AREA)


def title_holders(compound, values, field="residents"):
    """Residents of ``compound`` (instances or ids) who hold an owner's title."""
    values = list(values or ())
    if len(values) > MAX_RESIDENTS:
        raise DomainError(_("产权人最多 %(n)d 位。") % {"n": MAX_RESIDENTS}, field=field)
    ids = {
        v.pk if isinstance(v, Resident) else inputs.parse_id(v, field, required=True, label=_("产权人"))
        for v in values
    }
    found = list(Resident.objects.filter(pk__in=ids, household__building__compound=compound))
    if len(found) != len(ids):
        raise DomainError(_("产权人应为该小区登记的居民。"), field=field)
    return found


def _developer_taken(compound, owner=None):
    others = Owner.objects.filter(compound=compound, is_developer=True)
    if owner is not None:
        others = others.exclude(pk=owner.pk)
    if others.exists():
        # SPC interpretation on building co-ownership art. 9: all unsold units are one head.
        raise DomainError(_("建设单位在名册中只能有一个（其未售房屋合计按一人计算）。"), field="is_developer")


def new_owner(compound, name, residents, is_developer):
    """Write one owner (the caller holds the compound's lock and has checked the keeper)."""
    if is_developer:
        _developer_taken(compound)
    code = f"O{Owner.objects.filter(compound=compound).count() + 1:05d}"
    owner = Owner.objects.create(compound=compound, code=code, name=name, is_developer=is_developer)
    owner.residents.set(residents)
    return owner


@transaction.atomic
def add_owner(compound, name, *, residents=(), is_developer=False, by=None):
    """A new owner on the roll: a natural person or company (co-owners of a unit are one owner,
    each title holder linked as a resident), or the developer for its unsold units."""
    require_keeper(by, compound)
    name = text(name, "name", _("业主"), max_length=100)
    people = title_holders(compound, residents)
    lock_unfrozen(compound)
    owner = new_owner(compound, name, people, bool(is_developer))
    audit.record(
        "property.owner_added",
        actor=by,
        target=owner,
        detail={"residents": sorted(p.pk for p in people), "developer": owner.is_developer},
    )
    return owner


@transaction.atomic
def edit_owner(owner, *, name, residents=(), is_developer=False, by):
    """Correct an owner's name, title holders and developer flag (the code stays: it is the key in
    exported tally files)."""
    compound = owner.compound
    require_keeper(by, compound)
    name = text(name, "name", _("业主"), max_length=100)
    people = title_holders(compound, residents)
    lock_unfrozen(compound)
    owner = Owner.objects.select_for_update().filter(pk=owner.pk, compound=compound).first()
    if owner is None:
        raise Http404
    is_developer = bool(is_developer)
    if is_developer:
        _developer_taken(compound, owner)
    before = {
        "residents": sorted(owner.residents.values_list("pk", flat=True)),
        "developer": owner.is_developer,
        "renamed": owner.name != name,
    }
    owner.name, owner.is_developer = name, is_developer
    try:
        with transaction.atomic():
            owner.save(update_fields=["name", "is_developer"])
    except IntegrityError as exc:  # a second developer made at the same moment
        raise DomainError(_("建设单位在名册中只能有一个。"), field="is_developer") from exc
    owner.residents.set(people)
    audit.record(
        "property.owner_changed",
        actor=by,
        target=owner,
        detail={"before": before, "residents": sorted(p.pk for p in people), "developer": is_developer},
    )
    return owner


@transaction.atomic
def put_unit(household, owner, floor_area, *, by=None):
    """Put a household's exclusive part on the roll (or move it to another owner, or correct its
    area): the area in the real-estate register (SPC interpretation art. 8), exact to 0.01 m²."""
    if household.building.compound_id != owner.compound_id:
        raise DomainError(_("该户不属于业主所在小区。"), field="household")
    compound = owner.compound
    require_keeper(by, compound)
    value = an_area(floor_area)
    lock_unfrozen(compound)
    before = OwnedUnit.objects.filter(household=household).values("owner_id", "area").first()
    unit, _created = OwnedUnit.objects.update_or_create(
        household=household, defaults={"owner": owner, "area": value}
    )
    audit.record(
        "property.unit_put",
        actor=by,
        target=unit,
        detail={
            "area": str(value),
            "owner": owner.pk,
            "before": {"owner": before["owner_id"], "area": str(before["area"])} if before else None,
        },
    )
    return unit


@transaction.atomic
def remove_unit(unit, *, by):
    """Take an exclusive part off the roll (entered by mistake; merged or split rooms). Votes
    already opened keep it in their frozen electorate."""
    compound = unit.owner.compound
    require_keeper(by, compound)
    lock_unfrozen(compound)
    unit = OwnedUnit.objects.select_for_update().filter(pk=unit.pk).first()
    if unit is None:
        raise Http404
    detail = {"household": unit.household_id, "owner": unit.owner_id, "area": str(unit.area)}
    unit.delete()
    audit.record("property.unit_removed", actor=by, target=compound, detail=detail)


def household_of(compound, value, field="household"):
    """A household of ``compound`` by id (a form's or the API's choice)."""
    pk = inputs.parse_id(value, field, required=True, label=_("房屋"))
    household = (
        Household.objects.filter(pk=pk, building__compound=compound).select_related("building").first()
    )
    if household is None:
        raise DomainError(_("请选择本小区的房屋。"), field=field)
    return household


def owner_of(compound, value, field="owner"):
    """An owner of ``compound`` by its code (O00012, as on paper) or id."""
    raw = str(value or "").strip().upper()
    if raw.startswith("O"):
        owner = Owner.objects.filter(compound=compound, code=raw[:20]).first()
    else:
        pk = inputs.id_or_none(raw)
        owner = Owner.objects.filter(compound=compound, pk=pk).first() if pk else None
    if owner is None:
        raise DomainError(_("请填写名册中的业主编号（例如 O00012）。"), field=field)
    return owner
