"""Volunteer teams (志愿服务队): create and edit a team, its members and its leader.

Community staff manage the teams of their community; a registered volunteer of the community joins or
leaves on their own. Members are volunteers registered in the team's community.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.versioning import check_version

from ..models import Team, TeamMember
from .common import community_node, text


def _of_community(team_community_id, volunteer, field="volunteer"):
    if volunteer.community_id != team_community_id or not volunteer.active:
        raise DomainError(_("只能吸收本社区登记在册的志愿者。"), field=field)


def _name(community, name, exclude=None):
    name = text(name, "name", _("队伍名称"), max_length=100)
    clash = Team.objects.filter(community=community, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DomainError(_("本社区已有同名队伍。"), field="name", code="duplicate")
    return name


@transaction.atomic
def create_team(*, community, name, by, description="", leader=None):
    community = community_node(community)
    permissions.require(by, "volunteering.manage", community)
    name = _name(community, name)
    if leader is not None:
        _of_community(community.pk, leader, "leader")
    team = Team.objects.create(
        community=community, name=name, description=description or "", leader=leader, created_by=by
    )
    if leader is not None:
        TeamMember.objects.create(team=team, volunteer=leader)
    return team


@transaction.atomic
def update_team(team, *, by, name, description="", leader=None, version=None):
    """Rename, describe, and name the leader (who joins the team if not yet in it; None: no leader)."""
    permissions.require(by, "volunteering.manage", team)
    team = Team.objects.select_for_update().get(pk=team.pk)
    check_version(team, version, message=_("这支队伍刚被别人修改过，请刷新后再改。"))
    team.name = _name(team.community, name, exclude=team)
    team.description = text(description, "description", _("服务内容"), max_length=2000, required=False)
    if leader is not None:
        _of_community(team.community_id, leader, "leader")
        TeamMember.objects.get_or_create(team=team, volunteer=leader)
    team.leader = leader
    team.version += 1
    team.save(update_fields=["name", "description", "leader", "version"])
    return team


@transaction.atomic
def join_team(team, volunteer, *, by):
    """A volunteer joins on their own (volunteering.join), or staff add them (volunteering.manage)."""
    if volunteer.user_id != by.pk:
        permissions.require(by, "volunteering.manage", team)
    else:
        permissions.require(by, "volunteering.join", team)
    _of_community(team.community_id, volunteer)
    try:
        with transaction.atomic():
            return TeamMember.objects.create(team=team, volunteer=volunteer)
    except IntegrityError as exc:
        raise DomainError(
            _("%(name)s已经在队里了。") % {"name": volunteer.name}, field="volunteer", code="duplicate"
        ) from exc


@transaction.atomic
def leave_team(team, volunteer, *, by):
    """A volunteer leaves, or staff take them off; a leader who leaves leaves the team without one."""
    if volunteer.user_id != by.pk:
        permissions.require(by, "volunteering.manage", team)
    else:
        permissions.require(by, "volunteering.join", team)
    team = Team.objects.select_for_update().get(pk=team.pk)
    if not TeamMember.objects.filter(team=team, volunteer=volunteer).delete()[0]:
        raise DomainError(
            _("%(name)s不在这支队伍里。") % {"name": volunteer.name}, field="volunteer", code="state"
        )
    if team.leader_id == volunteer.pk:
        team.leader = None
        team.save(update_fields=["leader"])
    return team
