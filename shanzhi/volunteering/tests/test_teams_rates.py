"""Volunteer teams (pages, services, API) and the points standards set by district staff."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.errors import Conflict, DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Movement, PointsRate, Team
from shanzhi.volunteering.services import ledger, teams

from .test_api import call

DAY = datetime.timedelta(days=1)


@pytest.fixture
def team(vol):
    return teams.create_team(
        community=vol.cast.community,
        name="红马甲服务队",
        by=vol.cast.zhang,
        leader=vol.ma,
        description="敬老助残",
    )


def member_names(team):
    return set(Team.objects.get(pk=team.pk).members.values_list("name", flat=True))


# --- teams: services -----------------------------------------------------------------------------


def test_staff_edit_a_team_and_name_a_leader_who_joins_with_it(vol, team):
    teams.update_team(
        team, by=vol.cast.zhao, name="红马甲志愿服务队", description="助老", leader=vol.niu, version=0
    )
    team.refresh_from_db()
    assert (team.name, team.leader_id) == ("红马甲志愿服务队", vol.niu.pk)
    assert member_names(team) == {"马志愿", "牛志愿"}


def test_a_stale_team_edit_is_a_conflict(client, vol, team):
    teams.update_team(team, by=vol.cast.zhang, name="红马甲服务队", leader=vol.ma, version=0)
    with pytest.raises(Conflict):
        teams.update_team(team, by=vol.cast.zhao, name="旧名字", version=0)
    assert Team.objects.get(pk=team.pk).name == "红马甲服务队"
    url = f"/api/v1/volunteering/teams/{team.pk}"
    assert call(client, "put", url, vol.cast.zhang, {"name": "新名字", "version": 0}).status_code == 409
    assert call(client, "put", url, vol.cast.zhang, {"name": "新名字", "version": 1}).json()["version"] == 2


def test_a_team_edit_without_its_version_is_refused_and_changes_nothing(client, vol, team):
    with pytest.raises(DomainError) as exc:
        teams.update_team(team, by=vol.cast.zhang, name="无版本")
    assert exc.value.field == "version"
    response = call(
        client, "put", f"/api/v1/volunteering/teams/{team.pk}", vol.cast.zhang, {"name": "无版本"}
    )
    assert (response.status_code, response.json()["field"]) == (400, "version")
    team.refresh_from_db()
    assert (team.name, team.version) == ("红马甲服务队", 0)


def test_a_refused_edit_changes_nothing(vol, team):
    other = teams.create_team(community=vol.cast.community, name="夕阳红服务队", by=vol.cast.zhang)
    with pytest.raises(DomainError) as exc:
        teams.update_team(team, by=vol.cast.zhang, name="夕阳红服务队", leader=vol.niu, version=0)
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        teams.update_team(
            team, by=vol.cast.zhang, name="红马甲服务队", leader=vol.bai, version=0
        )  # lives in community B
    assert exc.value.field == "leader"
    team.refresh_from_db()
    assert (team.name, team.leader_id, member_names(team)) == ("红马甲服务队", vol.ma.pk, {"马志愿"})
    assert other.name == "夕阳红服务队"


def test_staff_add_and_remove_members_and_the_leader_leaving_leaves_no_leader(vol, team):
    teams.join_team(team, vol.yang, by=vol.cast.zhang)
    with pytest.raises(DomainError):
        teams.join_team(team, vol.yang, by=vol.cast.zhang)
    with pytest.raises(DomainError):
        teams.join_team(team, vol.bai, by=vol.cast.zhang)  # another community's volunteer
    teams.leave_team(team, vol.ma, by=vol.ma.user)
    team.refresh_from_db()
    assert team.leader_id is None and member_names(team) == {"杨志愿"}
    with pytest.raises(DomainError):
        teams.leave_team(team, vol.ma, by=vol.cast.zhang)


def test_teams_of_another_community_and_other_roles_are_out_of_reach(vol, team):
    with pytest.raises(Http404):
        teams.update_team(team, by=vol.cast.chen, name="x")
    with pytest.raises(PermissionDenied):
        teams.update_team(team, by=vol.cast.wang, name="x")  # a grid worker sees the team, manages nothing
    with pytest.raises(PermissionDenied):
        teams.join_team(team, vol.niu, by=vol.yang.user)  # one volunteer cannot enrol another
    assert Team.objects.get(pk=team.pk).name == "红马甲服务队" and member_names(team) == {"马志愿"}


# --- teams: pages and API --------------------------------------------------------------------------


def test_team_pages_show_masked_contacts_to_staff_only(client, vol, team):
    vol.niu.phone = "13812345678"
    vol.niu.save(update_fields=["phone"])
    teams.join_team(team, vol.niu, by=vol.niu.user)
    client.force_login(vol.cast.zhang)
    assert "红马甲服务队" in client.get(reverse("volunteering:teams")).content.decode()
    page = client.get(reverse("volunteering:team", args=[team.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    client.force_login(vol.ma.user)
    page = client.get(reverse("volunteering:team", args=[team.pk])).content.decode()
    assert "牛志愿" in page and "138****" not in page
    client.force_login(vol.cast.chen)
    assert client.get(reverse("volunteering:team", args=[team.pk])).status_code == 404


def test_team_forms_call_the_services(client, vol, team):
    client.force_login(vol.cast.zhang)
    client.post(reverse("volunteering:teams"), {"community": vol.cast.community.pk, "name": "应急服务队"})
    assert Team.objects.filter(name="应急服务队", community=vol.cast.community).exists()
    client.post(reverse("volunteering:team_action", args=[team.pk, "add"]), {"volunteer": vol.yang.pk})
    client.post(
        reverse("volunteering:team_action", args=[team.pk, "edit"]),
        {"name": "红马甲服务队", "volunteer": vol.yang.pk, "version": 0},
    )
    assert Team.objects.get(pk=team.pk).leader_id == vol.yang.pk
    client.post(reverse("volunteering:team_action", args=[team.pk, "remove"]), {"volunteer": vol.ma.pk})
    assert member_names(team) == {"杨志愿"}
    client.force_login(vol.cast.chen)
    assert (
        client.post(
            reverse("volunteering:team_action", args=[team.pk, "add"]), {"volunteer": vol.niu.pk}
        ).status_code
        == 404
    )
    client.force_login(vol.niu.user)
    client.post(reverse("volunteering:team_action", args=[team.pk, "join"]))
    assert member_names(team) == {"杨志愿", "牛志愿"}


def test_team_api_join_and_leave(client, vol, team):
    url = f"/api/v1/volunteering/teams/{team.pk}/members"
    assert call(client, "post", url, vol.niu.user, {}).status_code == 200
    assert "牛志愿" in {
        m["name"]
        for m in call(client, "get", f"/api/v1/volunteering/teams/{team.pk}", vol.ma.user).json()["members"]
    }
    assert call(client, "delete", f"{url}/{vol.niu.pk}", vol.niu.user).status_code == 200
    assert call(client, "delete", f"{url}/{vol.ma.pk}", vol.cast.chen).status_code == 404
    assert member_names(team) == {"马志愿"}


# --- the points standards ---------------------------------------------------------------------------


def test_a_new_rate_applies_from_its_day_and_never_rewrites_what_was_posted(vol):
    today = timezone.localdate()
    before = services.record_good_deed(vol.ma, title="扶老人过马路", done_on=today, by=vol.cast.zhang)
    assert before.movement.amount == 20  # the default
    services.set_rate("good_deed", "50", valid_from=today + DAY, by=vol.cast.sun)
    assert (
        services.record_good_deed(vol.ma, title="捡到钱包", done_on=today, by=vol.cast.zhang).movement.amount
        == 20
    )
    assert (
        services.record_good_deed(
            vol.ma, title="义务清扫", done_on=today + DAY, by=vol.cast.zhang
        ).movement.amount
        == 50
    )
    assert Movement.objects.get(pk=before.movement.pk).amount == 20
    assert AuditEvent.objects.filter(action="points_rate").count() == 1


def test_expiry_months_come_from_the_rate_in_force_and_the_setting_is_only_the_default(vol, settings):
    settings.SHANZHI_POINTS_EXPIRE_MONTHS = 0
    today = timezone.localdate()
    assert ledger.earn(vol.ma, Movement.Kind.EARN_GOOD_DEED, 5).expires_on is None
    services.set_rate("expiry_months", "12", valid_from=today, by=vol.cast.sun)
    expires = ledger.earn(vol.ma, Movement.Kind.EARN_GOOD_DEED, 5).expires_on
    assert expires is not None and expires.year == today.year + 1
    settings.SHANZHI_POINTS_EXPIRE_MONTHS = 3  # the default never overrides a standard that was set
    assert ledger.earn(vol.ma, Movement.Kind.EARN_GOOD_DEED, 5).expires_on == expires


@pytest.mark.parametrize(
    ("kind", "points", "valid_from", "field"),
    [
        ("hours", "abc", None, "points"),
        ("hours", "-1", None, "points"),
        ("expiry_months", "1.5", None, "points"),
        ("expiry_months", "999", None, "points"),
        ("bonus", "1", None, "kind"),
        ("hours", "15", "yesterday", "valid_from"),
    ],
)
def test_bad_rates_are_refused_and_change_nothing(vol, kind, points, valid_from, field):
    today = timezone.localdate()
    day = today - DAY if valid_from == "yesterday" else today
    with pytest.raises(DomainError) as exc:
        services.set_rate(kind, points, valid_from=day, by=vol.cast.sun)
    assert exc.value.field == field
    assert not PointsRate.objects.exists() and not AuditEvent.objects.filter(action="points_rate").exists()


def test_a_rate_in_force_cannot_be_replaced_but_a_scheduled_one_can(vol):
    today = timezone.localdate()
    services.set_rate("hours", "12", valid_from=today, by=vol.cast.sun)
    with pytest.raises(DomainError):
        services.set_rate("hours", "15", valid_from=today, by=vol.cast.sun)
    services.set_rate("hours", "15", valid_from=today + DAY, by=vol.cast.sun)
    services.set_rate("hours", "16", valid_from=today + DAY, by=vol.cast.sun)
    assert list(PointsRate.objects.filter(kind="hours").values_list("points", flat=True)) == [16, 12]
    assert AuditEvent.objects.filter(action="points_rate", detail__replaced="15.00").exists()


def test_rates_page_for_everyone_in_the_love_bank_and_the_form_for_district_staff(client, vol):
    client.force_login(vol.ma.user)
    page = client.get(reverse("volunteering:rates"))
    assert page.status_code == 200 and 'data-testid="rate-hours">现行：10<' in page.content.decode()
    assert 'name="valid_from"' not in page.content.decode()
    client.post(reverse("volunteering:rates"), {"kind": "hours", "points": "99", "valid_from": "2099-01-01"})
    assert not PointsRate.objects.exists()
    client.force_login(vol.cast.sun)
    assert 'name="valid_from"' in client.get(reverse("volunteering:rates")).content.decode()
    client.post(
        reverse("volunteering:rates"),
        {"kind": "hours", "points": "12", "valid_from": timezone.localdate().isoformat()},
    )
    assert 'data-testid="rate-hours">现行：12<' in client.get(reverse("volunteering:rates")).content.decode()
