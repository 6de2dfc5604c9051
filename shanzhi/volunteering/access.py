"""What each role may do in the love bank, and which rows each grant reaches.

Registered into the one permission module (``accounts.permissions``) from ``AppConfig.ready``;
nothing here is consulted directly by views: they ask ``permissions.visible/require`` as everywhere.

Staff bound to a node see their subtree (a grid worker sees community-wide things of the community
their grid is in, and the households of their own grid); volunteers, unit members and residents see
community-wide things of the community they belong to, and only their own personal rows.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R
from shanzhi.accounts.permissions import NODE_STAFF
from shanzhi.registry.paths import community_path

from .models import Attendance, Volunteer

COMMUNITY_STAFF = {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY}
PEOPLE = {R.VOLUNTEER, R.UNIT_MEMBER, R.RESIDENT}

ACTIONS = {
    "volunteering.view": NODE_STAFF | PEOPLE,
    "volunteering.view_people": NODE_STAFF,
    "volunteering.manage": COMMUNITY_STAFF,
    "volunteering.adjust_points": COMMUNITY_STAFF,
    "volunteering.set_rates": {R.DISTRICT_STAFF},
    "volunteering.commend": COMMUNITY_STAFF | {R.STREET_STAFF, R.DISTRICT_STAFF},
    "volunteering.join": PEOPLE,
    "volunteering.pairing": COMMUNITY_STAFF | {R.GRID_WORKER, R.VOLUNTEER, R.UNIT_MEMBER},
}


def _staff(grant):
    return grant.role in NODE_STAFF and grant.node_id


def _home(grant, field):
    """Community-wide rows for a person: the community of their grant (volunteer, resident), of their
    unit, or where their love-bank profile is registered."""
    q = Q(**{f"{field}_id__in": Volunteer.objects.filter(user_id=grant.user_id).values("community_id")})
    if grant.node_id:
        q |= Q(**{f"{field}__path__startswith": community_path(grant.node.path)})
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(**{f"{field}_id": grant.unit.community_id})
    return q


def community_wide(field="community"):
    def scope(grant):
        if _staff(grant):
            return Q(**{f"{field}__path__startswith": community_path(grant.node.path)})
        return _home(grant, field)

    return scope


def personal(person_field, community_field):
    """Staff see rows of their communities; everyone else only rows about themselves."""

    def scope(grant):
        if _staff(grant):
            return Q(**{f"{community_field}__path__startswith": community_path(grant.node.path)})
        return Q(**{f"{person_field}__user_id" if person_field else "user_id": grant.user_id})

    return scope


def _scope_session(grant):
    if _staff(grant):
        return Q(community__path__startswith=community_path(grant.node.path))
    mine = Attendance.objects.filter(volunteer__user_id=grant.user_id).values("session_id")
    return Q(organiser_id=grant.user_id) | Q(pk__in=mine)


def _scope_attendance(grant):
    if _staff(grant):
        return Q(session__community__path__startswith=community_path(grant.node.path))
    return Q(volunteer__user_id=grant.user_id) | Q(session__organiser_id=grant.user_id)


def _scope_account(grant):
    if _staff(grant):
        path = community_path(grant.node.path)
        return Q(volunteer__community__path__startswith=path) | Q(community__path__startswith=path)
    return Q(volunteer__user_id=grant.user_id)


def _scope_movement(grant):
    if _staff(grant):
        path = community_path(grant.node.path)
        return Q(credit__volunteer__community__path__startswith=path) | Q(
            debit__volunteer__community__path__startswith=path
        )
    return Q(credit__volunteer__user_id=grant.user_id) | Q(debit__volunteer__user_id=grant.user_id)


def _scope_pairing(grant, prefix=""):
    if grant.role == R.GRID_WORKER and grant.node_id:
        return Q(**{f"{prefix}household__grid__path__startswith": grant.node.path})
    if _staff(grant):
        return Q(**{f"{prefix}community__path__startswith": community_path(grant.node.path)})
    q = Q(**{f"{prefix}volunteer__user_id": grant.user_id})
    if grant.role == R.UNIT_MEMBER and grant.unit_id:
        q |= Q(**{f"{prefix}unit_id": grant.unit_id})
    return q


def _everyone(grant):
    return Q()


SCOPES = {
    "volunteering.volunteer": personal("", "community"),
    "volunteering.team": community_wide(),
    "volunteering.activity": community_wide(),
    "volunteering.item": community_wide(),
    "volunteering.servicesession": _scope_session,
    "volunteering.attendance": _scope_attendance,
    "volunteering.signup": personal("volunteer", "activity__community"),
    "volunteering.account": _scope_account,
    "volunteering.movement": _scope_movement,
    "volunteering.redemption": personal("volunteer", "item__community"),
    "volunteering.gooddeed": personal("volunteer", "volunteer__community"),
    "volunteering.donation": personal("volunteer", "volunteer__community"),
    "volunteering.pointstally": community_wide(),
    "volunteering.pointsrate": _everyone,
    "volunteering.commendation": _everyone,
    "volunteering.pairing": _scope_pairing,
    "volunteering.pairingvisit": lambda grant: _scope_pairing(grant, "pairing__"),
}


def register():
    permissions.register_actions(ACTIONS)
    for label, scope in SCOPES.items():
        permissions.register_scope(label, scope, "volunteering.view")
    permissions.register_scope("volunteering.pairing", SCOPES["volunteering.pairing"], "volunteering.pairing")
    permissions.register_scope(
        "volunteering.pairingvisit", SCOPES["volunteering.pairingvisit"], "volunteering.pairing"
    )
