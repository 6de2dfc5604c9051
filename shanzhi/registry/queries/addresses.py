"""Where a written address lies in the registry: the database side of ``registry.addresses``.

Not scoped to a user: it answers "which building or compound is this" for intake from any channel
(an Open311 client has no place in the tree), and returns registry places, never people.
"""

from dataclasses import dataclass

from .. import addresses
from ..models import Building, Compound, Household, OrgNode


@dataclass(frozen=True)
class Found:
    """What the text placed: a building (and so its grid), else a compound (its community), else a
    community named in it. ``household`` when the unit and room name one."""

    building: Building | None = None
    household: Household | None = None
    compound: Compound | None = None
    node: OrgNode | None = None


def find_place(text, within=None):
    """The registry place ``text`` names, or None. ``within``: a node whose subtree is searched."""
    normal = addresses.normalise(text)
    if len(normal) < 2:
        return None
    compounds = Compound.objects.all()
    communities = OrgNode.objects.filter(level="community")
    if within is not None:
        compounds = compounds.filter(community__path__startswith=within.path)
        communities = communities.filter(path__startswith=within.path)
    places = [
        addresses.Place(pk, name, address)
        for pk, name, address in compounds.values_list("pk", "name", "address")
    ]
    place, rest = addresses.match_compound(normal, places)
    if place is None:
        pk = addresses.match_named(normal, communities.values_list("pk", "name"))
        return Found(node=OrgNode.objects.get(pk=pk)) if pk is not None else None
    compound = Compound.objects.select_related("community").get(pk=place.id)
    door = addresses.parse_door(rest)
    pk = addresses.match_building(door, compound.buildings.values_list("pk", "name"))
    if pk is None:
        return Found(compound=compound, node=compound.community)
    building = Building.objects.select_related("grid", "compound").get(pk=pk)
    return Found(
        building=building, household=_household(building, door), compound=compound, node=building.grid
    )


def _household(building, door):
    if not door.room:
        return None
    rows = [
        h
        for h in Household.objects.filter(building=building, room=door.room)
        if not door.unit or addresses.number_of(h.unit_no) == door.unit.lstrip("0")
    ]
    return rows[0] if len(rows) == 1 else None
