"""Volunteer teams: the list (staff create one there), a team's page with its members, and one POST
per verb (edit, add, remove, join, leave), each calling one service in ``teams``."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.inputs import id_or_none
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import OrgNode

from .. import queries
from ..models import Team, Volunteer
from ..services import teams
from .common import PER_PAGE, _require_view, _staff_communities, act


@never_cache
@require_http_methods(["GET", "POST"])
def team_list(request):
    _require_view(request.user)
    user = request.user
    if request.method == "POST":
        p = request.POST
        community = permissions.get_visible_or_404(
            user, OrgNode, "volunteering.manage", pk=id_or_none(p.get("community")), level="community"
        )
        return act(
            request,
            lambda: teams.create_team(
                community=community, name=p.get("name"), description=p.get("description", ""), by=user
            ),
            _("服务队已建立。"),
            "volunteering:teams",
        )
    qs = (
        permissions.visible(user, Team)
        .select_related("community", "leader")
        .annotate(n_members=Count("members"))
        .order_by("community__path", "name")
    )
    return render(
        request,
        "volunteering/teams.html",
        {
            "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")),
            "communities": _staff_communities(user),
        },
    )


@never_cache
@require_GET
def team_detail(request, pk):
    user = request.user
    team = permissions.get_visible_or_404(user, Team, pk=pk)
    staff = permissions.can(user, "volunteering.manage", team)
    me = queries.volunteer_for(user)
    members = team.members.order_by("name")
    return render(
        request,
        "volunteering/team.html",
        {
            "team": team,
            "staff": staff,
            # Contacts only for staff, and masked there too; members see each other's names and stars.
            "members": [(v, mask_phone(v.phone) if staff else "") for v in members],
            "candidates": Volunteer.objects.filter(community=team.community, active=True)
            .exclude(teams=team)
            .order_by("name")[:300]
            if staff
            else [],
            "me": me,
            "mine": me is not None and team.members.filter(pk=me.pk).exists(),
            "may_join": me is not None
            and me.community_id == team.community_id
            and permissions.can(user, "volunteering.join", team),
        },
    )


@require_POST
def team_action(request, pk, verb):
    user = request.user
    team = permissions.get_visible_or_404(user, Team, pk=pk)
    p = request.POST
    back = reverse("volunteering:team", args=[pk])

    def member():
        return permissions.get_visible_or_404(user, Volunteer, pk=id_or_none(p.get("volunteer")))

    def leader():
        return member() if p.get("volunteer") else None

    def myself():
        volunteer = queries.volunteer_for(user)
        if volunteer is None:
            raise Http404
        return volunteer

    calls = {
        "edit": (
            lambda: teams.update_team(
                team,
                by=user,
                name=p.get("name"),
                description=p.get("description", ""),
                leader=leader(),
                version=p.get("version"),
            ),
            _("已保存。"),
        ),
        "add": (lambda: teams.join_team(team, member(), by=user), _("已加入服务队。")),
        "remove": (lambda: teams.leave_team(team, member(), by=user), _("已移出服务队。")),
        "join": (lambda: teams.join_team(team, myself(), by=user), _("欢迎加入！")),
        "leave": (lambda: teams.leave_team(team, myself(), by=user), _("已退出服务队。")),
    }
    if verb not in calls:
        raise Http404
    fn, ok = calls[verb]
    return act(request, fn, ok, back)
