"""Every write to the registry, one function per verb; each is atomic (split by subject; all
re-exported here, with the shared ID-number and phone checks that live in ``core.validators``)."""

from shanzhi.core.validators import clean_id_number, clean_phone

from .organisations import (
    add_party_member,
    appoint_network_post,
    create_department,
    create_party_org,
    create_property_company,
    register_unit,
)
from .people import (
    REVEALABLE,
    age_on,
    find_resident_by_id_number,
    register_resident,
    reveal,
    set_resident_identity,
    set_tags,
)
from .places import (
    add_building,
    add_compound,
    add_node,
    edit_building,
    edit_compound,
    edit_node,
    move_building,
    retire_building,
    retire_compound,
    retire_node,
)
from .tree import (
    clean_code,
    clean_polygon,
    create_building,
    create_compound,
    create_household,
    create_node,
    facts_from_id,
    grid_at,
    name_initials,
    set_boundary,
)

__all__ = [
    "REVEALABLE",
    "add_building",
    "add_compound",
    "add_node",
    "edit_building",
    "edit_compound",
    "edit_node",
    "move_building",
    "retire_building",
    "retire_compound",
    "retire_node",
    "add_party_member",
    "age_on",
    "appoint_network_post",
    "clean_code",
    "clean_id_number",
    "clean_phone",
    "clean_polygon",
    "create_building",
    "create_compound",
    "create_department",
    "create_household",
    "create_node",
    "create_party_org",
    "create_property_company",
    "facts_from_id",
    "find_resident_by_id_number",
    "grid_at",
    "name_initials",
    "register_resident",
    "register_unit",
    "reveal",
    "set_boundary",
    "set_resident_identity",
    "set_tags",
]
