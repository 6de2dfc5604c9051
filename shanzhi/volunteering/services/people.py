"""Volunteers: registering, and the profile other apps create on first use."""

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core.errors import DomainError
from shanzhi.core.validators import clean_phone

from ..models import (
    Volunteer,
)
from . import ledger
from .common import community_node, text


def home_communities(user):
    """Communities a user belongs to by their grants (volunteer, resident, unit member)."""
    ids = set()
    for grant in user.grants():
        if grant.role == Role.VOLUNTEER and grant.node_id:
            ids.add(grant.node_id)
        elif grant.role == Role.RESIDENT and grant.node_id:
            ids.add(grant.node.parent_id)
        elif grant.role == Role.UNIT_MEMBER and grant.unit_id:
            ids.add(grant.unit.community_id)
    return ids


def ensure_volunteer(user, community, *, name=""):
    """The person's love-bank profile, created on first use (coop's registrations call this)."""
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is not None:
        return volunteer
    volunteer = Volunteer.objects.create(user=user, community=community, name=(name or str(user))[:50])
    ledger.open_account(volunteer)
    return volunteer


@transaction.atomic
def register_volunteer(*, user, community, by, name="", phone="", skills="", resident=None):
    """Staff register someone, or a person registers themselves in a community they belong to."""
    community = community_node(community)
    if by.pk != user.pk or community.pk not in home_communities(user):
        permissions.require(by, "volunteering.manage", community)
    name = text(name or user.display_name, "name", _("姓名"), max_length=50)
    phone = clean_phone(phone)
    if Volunteer.objects.filter(user=user).exists():
        raise DomainError(_("此人已经登记为志愿者。"), field="user", code="duplicate")
    volunteer = Volunteer.objects.create(
        user=user,
        community=community,
        name=name,
        phone=phone,
        skills=text(skills, "skills", _("特长"), required=False),
        resident=resident,
    )
    ledger.open_account(volunteer)
    return volunteer
