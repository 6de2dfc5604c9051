"""Who may do what with owners' assembly votes, and which rows each grant reaches.

Registered into ``accounts.permissions`` from ``AppConfig.ready``. Staff bound to a node see the
votes of the compounds in their communities (a grid worker: their grid's community); a resident
sees only the votes of compounds where they hold a unit on the owners' roll, and only the ballots
of the owners they belong to. Closed results are public (``queries.public_results``), without
ballots.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R
from shanzhi.accounts.permissions import NODE_STAFF
from shanzhi.registry.paths import community_path

from .models import Owner

COMMUNITY_STAFF = {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY}

ACTIONS = {
    "property.view_vote": NODE_STAFF | {R.RESIDENT},
    # Calling, opening and closing a vote, and entering paper ballots, is the community's work
    # (the committee calls through it: the 居委会 keeps the roll and runs the count).
    "property.manage_vote": COMMUNITY_STAFF,
    "property.enter_paper": COMMUNITY_STAFF,
    "property.cast": {R.RESIDENT},
    "property.view_ballot": NODE_STAFF | {R.RESIDENT},
}


def _staff_q(grant, field):
    if grant.role in NODE_STAFF and grant.node_id:
        return Q(**{f"{field}__path__startswith": community_path(grant.node.path)})
    return None


def _owners_of(grant):
    return Owner.objects.filter(residents=grant.resident_id)


def _scope_vote(grant):
    q = _staff_q(grant, "compound__community")
    if q is not None:
        return q
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(compound_id__in=_owners_of(grant).values("compound_id"))
    return None


def _scope_owner(grant):
    q = _staff_q(grant, "compound__community")
    if q is not None:
        return q
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(pk__in=_owners_of(grant).values("pk"))
    return None


def _scope_ballot(grant):
    q = _staff_q(grant, "vote__compound__community")
    if q is not None:
        return q
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(owner_id__in=_owners_of(grant).values("pk"))
    return None


def register():
    permissions.register_actions(ACTIONS)
    permissions.register_scope("property.vote", _scope_vote, "property.view_vote")
    permissions.register_scope("property.owner", _scope_owner, "property.view_vote")
    permissions.register_scope("property.ballot", _scope_ballot, "property.view_ballot")


def manages_compound(user, compound):
    """Whether ``user`` may call votes and keep the roll of ``compound`` (before any vote row
    exists to scope): a community grant over the compound's community."""
    if not permissions.has_role_for(user, "property.manage_vote"):
        return False
    path = compound.community.path
    return any(
        g.role in ACTIONS["property.manage_vote"]
        and g.node_id
        and path.startswith(community_path(g.node.path))
        for g in user.grants()
    )
