"""Teams over the API (/api/v1/volunteering/teams): the same ``teams`` services as the pages.

Members are listed with names and hours; contacts only to staff, masked.
"""

from django.utils.translation import gettext as _
from ninja import Router

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Schema
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import OrgNode

from .. import queries
from ..models import Team, Volunteer
from ..services import teams

router = Router()


class MemberOut(Schema):
    id: int
    name: str
    hours: float
    star_level: int
    phone: str = ""


class TeamOut(Schema):
    id: int
    community: str
    name: str
    description: str
    leader: int | None
    version: int
    members: list[MemberOut]


class TeamIn(Schema):
    community: int | None = None
    name: str = ""
    description: str = ""
    leader: int | None = None
    version: int | None = None


class MemberIn(Schema):
    volunteer: int | None = None


def _team_out(user, team):
    staff = permissions.can(user, "volunteering.manage", team)
    members = [
        MemberOut(
            id=v.pk,
            name=v.name,
            hours=v.hours,
            star_level=v.star_level,
            phone=mask_phone(v.phone) if staff else "",
        )
        for v in team.members.order_by("name")
    ]
    return TeamOut(
        id=team.pk,
        community=team.community.name,
        name=team.name,
        description=team.description,
        version=team.version,
        leader=team.leader_id,
        members=members,
    )


def _volunteer(user, pk):
    if pk is None:
        volunteer = queries.volunteer_for(user)
        if volunteer is None:
            raise DomainError(_("请先登记为志愿者。"), field="volunteer")
        return volunteer
    return permissions.get_visible_or_404(user, Volunteer, pk=pk)


@router.get("teams", response=list[TeamOut], summary="志愿服务队", url_name="vol_list_teams")
def list_teams(request):
    if not permissions.has_role_for(request.auth, "volunteering.view"):
        return []
    qs = permissions.visible(request.auth, Team).select_related("community").order_by("name")[:500]
    return [_team_out(request.auth, t) for t in qs]


@router.get("teams/{int:team_id}", response={200: TeamOut, 404: ErrorOut}, url_name="vol_get_team")
def get_team(request, team_id: int):
    return _team_out(request.auth, permissions.get_visible_or_404(request.auth, Team, pk=team_id))


@router.post(
    "teams", response={200: TeamOut, **ERRORS}, summary="组建服务队（社区）", url_name="vol_create_team"
)
def create_team(request, payload: TeamIn):
    user = request.auth
    community = permissions.get_visible_or_404(
        user, OrgNode, "volunteering.manage", pk=payload.community or 0, level="community"
    )
    leader = _volunteer(user, payload.leader) if payload.leader else None
    team = teams.create_team(
        community=community, name=payload.name, description=payload.description, leader=leader, by=user
    )
    return _team_out(user, team)


@router.put(
    "teams/{int:team_id}",
    response={200: TeamOut, **ERRORS},
    summary="修改服务队（名称、内容、队长）",
    url_name="vol_update_team",
)
def update_team(request, team_id: int, payload: TeamIn):
    user = request.auth
    team = permissions.get_visible_or_404(user, Team, pk=team_id)
    leader = _volunteer(user, payload.leader) if payload.leader else None
    return _team_out(
        user,
        teams.update_team(
            team,
            by=user,
            name=payload.name,
            description=payload.description,
            leader=leader,
            version=payload.version,
        ),
    )


@router.post(
    "teams/{int:team_id}/members",
    response={200: TeamOut, **ERRORS},
    summary="加入服务队（不填 volunteer 为本人加入）",
    url_name="vol_add_team_member",
)
def add_member(request, team_id: int, payload: MemberIn):
    user = request.auth
    team = permissions.get_visible_or_404(user, Team, pk=team_id)
    teams.join_team(team, _volunteer(user, payload.volunteer), by=user)
    return _team_out(user, team)


@router.delete(
    "teams/{int:team_id}/members/{int:volunteer_id}",
    response={200: TeamOut, **ERRORS},
    summary="移出或退出服务队",
    url_name="vol_remove_team_member",
)
def remove_member(request, team_id: int, volunteer_id: int):
    user = request.auth
    team = permissions.get_visible_or_404(user, Team, pk=team_id)
    return _team_out(user, teams.leave_team(team, _volunteer(user, volunteer_id), by=user))
