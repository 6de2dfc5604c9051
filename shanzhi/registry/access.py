"""The registry's rows in the one permission module: who may do what to the org tree, the places,
the people and the organisations, and which of them each grant reaches.

``register()`` runs from ``RegistryConfig.ready()``, as every app's ``access.py`` does.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R

from .paths import community_path

NODE_STAFF = permissions.NODE_STAFF
STAFF = permissions.STAFF
ALL = permissions.ALL
NONE = permissions.NONE

ACTIONS = {
    "registry.view_tree": NODE_STAFF | {R.SYSTEM_ADMIN},
    # The base map's layers (grids, compounds, buildings within the user's scope): everybody who
    # picks a place on a map or sees appeals on one.
    "registry.view_map": NODE_STAFF | {R.SYSTEM_ADMIN, R.RESIDENT, R.PROPERTY_STAFF, R.DEPARTMENT_HANDLER},
    "registry.view_compounds": NODE_STAFF | {R.SYSTEM_ADMIN, R.PROPERTY_STAFF},
    "registry.view_people": NODE_STAFF | {R.RESIDENT},
    "registry.view_sensitive_tags": NODE_STAFF,
    "registry.reveal": {R.GRID_WORKER, R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY, R.STREET_STAFF},
    "registry.edit_people": {R.GRID_WORKER, R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY},
    "registry.import": {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY, R.STREET_STAFF, R.DISTRICT_STAFF},
    "registry.export": {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY, R.STREET_STAFF, R.DISTRICT_STAFF},
    "registry.edit_org": {R.SYSTEM_ADMIN, R.DISTRICT_STAFF},
    # Keeping the network by hand (registry/services/places.py): checked on the node above.
    "registry.keep_places": {
        R.SYSTEM_ADMIN,
        R.DISTRICT_STAFF,
        R.STREET_STAFF,
        R.COMMUNITY_STAFF,
        R.COMMUNITY_SECRETARY,
    },  # fmt: skip
    "registry.view_orgs": NODE_STAFF | {R.SYSTEM_ADMIN, R.UNIT_MEMBER, R.PROPERTY_STAFF},
    "registry.view_departments": STAFF | {R.SYSTEM_ADMIN},
}


def _node_prefix(grant, field="grid"):
    return Q(**{f"{field}__path__startswith": grant.node.path})


def _scope_orgnode(grant):
    if grant.role == R.SYSTEM_ADMIN:
        return ALL
    if grant.node_id:
        return Q(path__startswith=grant.node.path)
    return NONE


def _test_orgnode(grant, node):
    """``_scope_orgnode`` decided on a loaded node (``permissions.covers``)."""
    if grant.role == R.SYSTEM_ADMIN:
        return True
    return bool(grant.node_id) and node.path.startswith(grant.node.path)


def _scope_by_grid(grant):
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(household_id=grant.resident.household_id)
    if grant.role == R.SYSTEM_ADMIN:
        return ALL
    return _node_prefix(grant) if grant.node_id else NONE


def _scope_household(grant):
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(pk=grant.resident.household_id)
    return _node_prefix(grant) if grant.node_id else NONE


def _scope_building(grant):
    if grant.role == R.SYSTEM_ADMIN:
        return ALL
    return _node_prefix(grant) if grant.node_id else NONE


def _scope_compound(grant):
    if grant.role == R.SYSTEM_ADMIN:
        return ALL
    if grant.role == R.PROPERTY_STAFF:
        return Q(property_company_id=grant.property_company_id)
    if not grant.node_id:
        return NONE
    if grant.node.level == "grid":
        return Q(buildings__grid_id=grant.node_id)
    return Q(community__path__startswith=grant.node.path)


def _scope_community_things(field):
    def scope(grant):
        if grant.role == R.SYSTEM_ADMIN:
            return ALL
        if grant.role == R.UNIT_MEMBER and grant.unit_id:
            return Q(**{f"{field}_id": grant.unit.community_id})
        if not grant.node_id:
            return NONE
        return Q(**{f"{field}__path__startswith": community_path(grant.node.path)})

    return scope


def _scope_party_member(grant):
    if not grant.node_id:
        return NONE
    return Q(resident__grid__path__startswith=grant.node.path)


def _scope_property_company(grant):
    if grant.role == R.SYSTEM_ADMIN:
        return ALL
    if grant.role == R.PROPERTY_STAFF:
        return Q(pk=grant.property_company_id)
    if not grant.node_id:
        return NONE
    if grant.node.level == "district":
        return Q(district_id=grant.node_id)
    return Q(compounds__community__path__startswith=community_path(grant.node.path))


def _scope_department(grant):
    if grant.role == R.DEPARTMENT_HANDLER:
        return Q(pk=grant.department_id)
    return ALL


def _scope_importjob(grant):
    return Q(scope__path__startswith=grant.node.path) if grant.node_id else NONE


def register():
    permissions.register_actions(ACTIONS)
    permissions.register_scope("registry.orgnode", _scope_orgnode, "registry.view_tree", test=_test_orgnode)
    permissions.register_scope("registry.building", _scope_building, "registry.view_tree")
    permissions.register_scope("registry.compound", _scope_compound, "registry.view_compounds", distinct=True)
    permissions.register_scope("registry.household", _scope_household, "registry.view_people")
    permissions.register_scope("registry.resident", _scope_by_grid, "registry.view_people")
    permissions.register_scope("registry.networkpost", _scope_by_grid, "registry.view_tree")
    permissions.register_scope("registry.unit", _scope_community_things("community"), "registry.view_orgs")
    permissions.register_scope("registry.partyorg", _scope_community_things("node"), "registry.view_orgs")
    permissions.register_scope("registry.partymember", _scope_party_member, "registry.view_people")
    permissions.register_scope(
        "registry.propertycompany", _scope_property_company, "registry.view_orgs", distinct=True
    )
    permissions.register_scope("registry.department", _scope_department, "registry.view_departments")
    permissions.register_scope("registry.importjob", _scope_importjob, "registry.import")
