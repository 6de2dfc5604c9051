"""What each role may do in co-construction, and which rows each grant reaches.

Registered into ``accounts.permissions`` from ``AppConfig.ready``. Staff bound to a node see their
subtree (a grid worker: community-wide lists of their community, individual needs of their grid).
A unit member (驻区单位/在职党员) sees the lists of the communities their unit or they themselves
report to; residents see published lists of their community and their own orders and needs.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R
from shanzhi.accounts.permissions import NODE_STAFF
from shanzhi.registry.paths import community_path
from shanzhi.volunteering.models import Volunteer

from .models import Agreement, MemberRegistration, Project

COMMUNITY_STAFF = {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY}
PEOPLE = {R.VOLUNTEER, R.UNIT_MEMBER, R.RESIDENT}

ACTIONS = {
    "coop.view": NODE_STAFF | PEOPLE,
    "coop.manage_lists": COMMUNITY_STAFF,
    "coop.collect_need": COMMUNITY_STAFF | {R.GRID_WORKER, R.RESIDENT},
    "coop.order": {R.RESIDENT},
    "coop.handle_order": COMMUNITY_STAFF | {R.UNIT_MEMBER},
    "coop.claim": {R.UNIT_MEMBER},
    "coop.rate": COMMUNITY_STAFF | {R.RESIDENT},
    "coop.manage_projects": COMMUNITY_STAFF | {R.STREET_STAFF, R.DISTRICT_STAFF},
    "coop.manage_agreements": COMMUNITY_STAFF | {R.STREET_STAFF},
    "coop.record_delivery": COMMUNITY_STAFF | {R.UNIT_MEMBER},
    "coop.register_member": COMMUNITY_STAFF | {R.UNIT_MEMBER},
    "coop.assess": COMMUNITY_STAFF,
    "coop.report": COMMUNITY_STAFF | {R.STREET_STAFF, R.DISTRICT_STAFF, R.UNIT_MEMBER},
}


def _staff(grant):
    return grant.role in NODE_STAFF and grant.node_id


def _home(grant, field):
    """Communities a non-staff grant belongs to or reports to (as a subquery-backed Q)."""
    q = Q(**{f"{field}_id__in": Volunteer.objects.filter(user_id=grant.user_id).values("community_id")})
    q |= Q(
        **{
            f"{field}_id__in": MemberRegistration.objects.filter(
                user_id=grant.user_id, status="active"
            ).values("community_id")
        }
    )
    if grant.node_id:
        q |= Q(**{f"{field}__path__startswith": community_path(grant.node.path)})
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(**{f"{field}_id": grant.unit.community_id})
        q |= Q(**{f"{field}_id__in": Agreement.objects.filter(unit_id=grant.unit_id).values("community_id")})
    return q


def _in_community(grant, field="community"):
    return Q(**{f"{field}__path__startswith": community_path(grant.node.path)})


def _own_household(grant, field="household"):
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(**{f"{field}_id": grant.resident.household_id})
    return None


def _scope_resource(grant):
    if _staff(grant):
        return _in_community(grant)
    q = _home(grant, "community") & Q(status="published")
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(provider_unit_id=grant.unit_id)
    return q


def _scope_need(grant):
    if grant.role == R.GRID_WORKER and grant.node_id:
        return Q(grid__path__startswith=grant.node.path) | (_in_community(grant) & Q(scope="common"))
    if _staff(grant):
        return _in_community(grant)
    q = Q(submitted_by_id=grant.user_id)
    own = _own_household(grant)
    if own is not None:
        q |= own
    if grant.role == R.UNIT_MEMBER:
        q |= _home(grant, "community") & ~Q(status__in=["submitted", "cancelled"])
    elif grant.role == R.VOLUNTEER:
        q |= _home(grant, "community") & Q(scope="common") & ~Q(status__in=["submitted", "cancelled"])
    return q


def _scope_order(grant):
    if _staff(grant):
        return _in_community(grant)
    q = Q(ordered_by_id=grant.user_id)
    own = _own_household(grant)
    if own is not None:
        q |= own
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(resource__provider_unit_id=grant.unit_id)
    return q


def _scope_claim(grant):
    if grant.role == R.GRID_WORKER and grant.node_id:
        return Q(need__grid__path__startswith=grant.node.path) | (
            _in_community(grant, "need__community") & Q(need__scope="common")
        )
    if _staff(grant):
        return _in_community(grant, "need__community")
    q = Q(claimed_by_id=grant.user_id) | Q(registration__user_id=grant.user_id)
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(unit_id=grant.unit_id)
    own = _own_household(grant, "need__household")
    if own is not None:
        q |= own
    return q


def _ancestors_of(grant):
    """Codes of the nodes above (and at) the grant's community: street projects concern it too."""
    return [code for code in community_path(grant.node.path).split("/") if code]


def _scope_project(grant):
    if _staff(grant):
        return _in_community(grant, "node") | Q(node__code__in=_ancestors_of(grant))
    q = Q(public=True) & (_home(grant, "node"))
    if grant.node_id:
        q |= Q(public=True, node__code__in=_ancestors_of(grant))
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(lead_unit_id=grant.unit_id) | Q(
            pk__in=Project.units.through.objects.filter(unit_id=grant.unit_id).values("project_id")
        )
    return q


def _by_unit_or_community(unit_field, community_field):
    def scope(grant):
        if _staff(grant):
            return _in_community(grant, community_field)
        if grant.role == R.UNIT_MEMBER and grant.unit_id:
            return Q(**{f"{unit_field}_id": grant.unit_id})
        return None

    return scope


def _scope_registration(grant):
    if _staff(grant):
        return _in_community(grant)
    q = Q(user_id=grant.user_id)
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(workplace_unit_id=grant.unit_id)
    return q


def _community_wide(field="community"):
    def scope(grant):
        if _staff(grant):
            return _in_community(grant, field)
        return _home(grant, field)

    return scope


def _scope_postclaim(grant):
    if _staff(grant):
        return _in_community(grant, "post__community")
    return Q(registration__user_id=grant.user_id)


def _scope_period(grant):
    if _staff(grant):
        return _in_community(grant)
    return _home(grant, "community") & Q(status="published")


def _scope_assessment(grant):
    if _staff(grant):
        return _in_community(grant, "period__community")
    q = Q(registration__user_id=grant.user_id)
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(unit_id=grant.unit_id) | Q(registration__workplace_unit_id=grant.unit_id)
    return q


SCOPES = {
    "coop.resource": _scope_resource,
    "coop.need": _scope_need,
    "coop.order": _scope_order,
    "coop.claim": _scope_claim,
    "coop.project": _scope_project,
    "coop.agreement": _by_unit_or_community("unit", "community"),
    "coop.commitment": _by_unit_or_community("agreement__unit", "agreement__community"),
    "coop.jointactivity": _by_unit_or_community(
        "commitment__agreement__unit", "commitment__agreement__community"
    ),
    "coop.memberregistration": _scope_registration,
    "coop.post": _community_wide(),
    "coop.postclaim": _scope_postclaim,
    "coop.postduty": _community_wide("post__community"),
    "coop.assessmentperiod": _scope_period,
    "coop.assessment": _scope_assessment,
}


def register():
    permissions.register_actions(ACTIONS)
    for label, scope in SCOPES.items():
        permissions.register_scope(label, scope, "coop.view")
