"""The one permission module.

It answers two questions, and every view, API endpoint, export, search and command asks it:

* ``can(user, action, obj)`` / ``require(...)``: may this user do this action (to this object)?
* ``visible(user, Model)``: which objects of this kind may this user see?

A user holds one or more role grants; each grant is bound to a node of the org tree (or a
department, property company or unit). An action is allowed on an object when some grant whose
role may perform the action also has the object in its scope. An object outside every scope is
reported exactly like a missing one (404), so nobody learns what exists elsewhere.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Role

R = Role
NODE_STAFF = {
    R.GRID_WORKER,
    R.COMMUNITY_STAFF,
    R.COMMUNITY_SECRETARY,
    R.STREET_STAFF,
    R.DISTRICT_STAFF,
    R.DISTRICT_LEADER,
}
COMMUNITY_UP = NODE_STAFF - {R.GRID_WORKER}
STAFF = NODE_STAFF | {R.DEPARTMENT_HANDLER, R.PROPERTY_STAFF}

# action -> roles that may perform it (scope is checked separately, per grant).
ACTIONS = {
    "registry.view_tree": NODE_STAFF | {R.SYSTEM_ADMIN},
    "registry.view_compounds": NODE_STAFF | {R.SYSTEM_ADMIN, R.PROPERTY_STAFF},
    "registry.view_people": NODE_STAFF | {R.RESIDENT},
    "registry.view_sensitive_tags": NODE_STAFF,
    "registry.reveal": {R.GRID_WORKER, R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY, R.STREET_STAFF},
    "registry.edit_people": {R.GRID_WORKER, R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY},
    "registry.import": {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY, R.STREET_STAFF, R.DISTRICT_STAFF},
    "registry.export": {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY, R.STREET_STAFF, R.DISTRICT_STAFF},
    "registry.edit_org": {R.SYSTEM_ADMIN, R.DISTRICT_STAFF},
    "registry.view_orgs": NODE_STAFF | {R.SYSTEM_ADMIN, R.UNIT_MEMBER, R.PROPERTY_STAFF},
    "registry.view_departments": STAFF | {R.SYSTEM_ADMIN},
    "accounts.manage_users": {R.SECURITY_ADMIN},
    "accounts.manage_grants": {R.SECURITY_ADMIN},
    "audit.view": {R.AUDIT_ADMIN},
    "core.manage_calendar": {R.SYSTEM_ADMIN},
}

# The action that governs seeing each model at all (lists, details, search, export).
VIEW_ACTION = {
    "registry.orgnode": "registry.view_tree",
    "registry.building": "registry.view_tree",
    "registry.compound": "registry.view_compounds",
    "registry.household": "registry.view_people",
    "registry.resident": "registry.view_people",
    "registry.networkpost": "registry.view_tree",
    "registry.unit": "registry.view_orgs",
    "registry.partyorg": "registry.view_orgs",
    "registry.partymember": "registry.view_people",
    "registry.propertycompany": "registry.view_orgs",
    "registry.department": "registry.view_departments",
    "registry.importjob": "registry.import",
    "core.auditevent": "audit.view",
    "accounts.user": "accounts.manage_users",
    "accounts.rolegrant": "accounts.manage_grants",
}

ALL = Q()  # in scope everywhere
NONE = None  # in scope nowhere


def _node_prefix(grant, field="grid"):
    return Q(**{f"{field}__path__startswith": grant.node.path})


def _community_path(grant):
    """A grid-level grant sees community-wide things (units, party organisations) of its community."""
    node = grant.node
    return node.parent.path if node.level == "grid" else node.path


def _scope_orgnode(grant):
    if grant.role == R.SYSTEM_ADMIN:
        return ALL
    if grant.node_id:
        return Q(path__startswith=grant.node.path)
    return NONE


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
        return Q(**{f"{field}__path__startswith": _community_path(grant)})

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
    return Q(compounds__community__path__startswith=_community_path(grant))


def _scope_department(grant):
    if grant.role == R.DEPARTMENT_HANDLER:
        return Q(pk=grant.department_id)
    return ALL


def _scope_importjob(grant):
    return Q(scope__path__startswith=grant.node.path) if grant.node_id else NONE


def _scope_everything(grant):
    return ALL


SCOPES = {
    "registry.orgnode": _scope_orgnode,
    "registry.building": _scope_building,
    "registry.compound": _scope_compound,
    "registry.household": _scope_household,
    "registry.resident": _scope_by_grid,
    "registry.networkpost": _scope_by_grid,
    "registry.unit": _scope_community_things("community"),
    "registry.partyorg": _scope_community_things("node"),
    "registry.partymember": _scope_party_member,
    "registry.propertycompany": _scope_property_company,
    "registry.department": _scope_department,
    "registry.importjob": _scope_importjob,
    "core.auditevent": _scope_everything,
    "accounts.user": _scope_everything,
    "accounts.rolegrant": _scope_everything,
}

# Scopes that join through a to-many relation and so need DISTINCT.
_NEEDS_DISTINCT = {"registry.compound", "registry.propertycompany"}


def register_scope(label, scope, view_action):
    """Let a later app (appeals, volunteering …) add its models to this module's tables."""
    SCOPES[label] = scope
    VIEW_ACTION[label] = view_action


def _label(model):
    return model._meta.label_lower


def has_role_for(user, action):
    if not user.is_authenticated:
        return False
    allowed = ACTIONS[action]
    return any(g.role in allowed for g in user.grants())


def _scope_q(user, model, action):
    """OR of the scopes of the user's grants whose role may perform ``action``; None if none."""
    allowed = ACTIONS[action]
    scope_fn = SCOPES[_label(model)]
    q = None
    for grant in user.grants():
        if grant.role not in allowed:
            continue
        gq = scope_fn(grant)
        if gq is None:
            continue
        if gq == ALL:
            return ALL
        q = gq if q is None else q | gq
    return q


def visible(user, model, action=None):
    """The objects of ``model`` this user may see (for ``action``; by default, the view action)."""
    if isinstance(model, str):
        model = apps.get_model(model)
    action = action or VIEW_ACTION[_label(model)]
    qs = model._default_manager.all()
    if not user.is_authenticated:
        return qs.none()
    q = _scope_q(user, model, action)
    if q is None:
        return qs.none()
    qs = qs.filter(q)
    if _label(model) in _NEEDS_DISTINCT and q != ALL:
        qs = qs.distinct()
    return qs


def can(user, action, obj=None):
    if not has_role_for(user, action):
        return False
    if obj is None:
        return True
    return visible(user, type(obj), action).filter(pk=obj.pk).exists()


def require(user, action, obj=None):
    """Raise unless allowed: 404 when the object is outside the user's sight, else 403."""
    if obj is not None:
        view_action = VIEW_ACTION[_label(type(obj))]
        if not visible(user, type(obj), view_action).filter(pk=obj.pk).exists():
            raise Http404
    if not can(user, action, obj):
        raise PermissionDenied


def get_visible_or_404(user, model, action=None, **lookup):
    """The only way views fetch a scoped object: out of scope and missing look the same."""
    obj = visible(user, model, action).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
