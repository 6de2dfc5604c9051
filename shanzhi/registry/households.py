"""Whose home it is: the resident and household a user's resident grant binds them to.

Residents order services, rate what their household was given and report problems as
themselves; every app asks here rather than walking the grants itself.
"""

from shanzhi.accounts.models import Role


def own_resident(user):
    """The registered resident this account belongs to, or None (staff, units, members)."""
    grant = next((g for g in user.grants() if g.role == Role.RESIDENT and g.resident_id), None)
    return grant.resident if grant is not None else None


def own_household(user):
    """The household of the user's own resident record, or None."""
    resident = own_resident(user)
    return resident.household if resident is not None else None


def is_own_household(user, household_id):
    """Whether ``household_id`` is the user's own household (no query: the grant carries it)."""
    resident = own_resident(user)
    return household_id is not None and resident is not None and resident.household_id == household_id
