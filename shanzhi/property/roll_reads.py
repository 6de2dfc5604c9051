"""Reads of a compound's owners' roll (业主名册), shared by its page and its API."""

from decimal import Decimal

from django.http import Http404

from .models import Owner
from .queries import inputs_id


def roll_compound(user, pk):
    """The compound whose owners' roll ``user`` may read (404 otherwise)."""
    from .access import compound_in_reach

    compound = compound_in_reach(user, inputs_id(pk), "property.view_roll")
    if compound is None:
        raise Http404
    return compound


def owner_label(owner):
    """An owner as screens and the API show it: a person's name masked (core.masking), the
    developer (a company) by name."""
    from shanzhi.core.masking import mask_name

    return owner.name if owner.is_developer else mask_name(owner.name)


def roll_of(compound):
    """The roll's units (household, owner), its owners with their units' count and area, the
    totals (area; heads: owners holding a unit) and the compound's households not on it."""
    from django.db.models import Count, Sum

    from shanzhi.registry.models import Household

    from .models import OwnedUnit

    units = (
        OwnedUnit.objects.filter(owner__compound=compound)
        .select_related("household__building", "owner")
        .order_by("household__building__name", "household__unit_no", "household__room")
    )
    totals = units.aggregate(area=Sum("area"), heads=Count("owner", distinct=True), units=Count("id"))
    totals["area"] = area2(totals["area"])
    owners = Owner.objects.filter(compound=compound).annotate(n_units=Count("units"), area=Sum("units__area"))
    unlisted = (
        Household.objects.filter(
            building__compound=compound, building__retired_at__isnull=True, owned_unit__isnull=True
        )
        .select_related("building")
        .order_by("building__name", "unit_no", "room")
    )
    return units, owners.prefetch_related("residents").order_by("code"), totals, unlisted


def area2(value):
    """A sum of areas to two places (SQLite's SUM comes back with twelve)."""
    return (value or Decimal(0)).quantize(Decimal("0.01"))
