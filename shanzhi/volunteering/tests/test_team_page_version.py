"""Issue 12 §5: the team edit form without its version is refused and changes nothing."""

from django.urls import reverse

from shanzhi.volunteering.services import teams


def test_the_team_edit_form_without_a_version_changes_nothing(client, vol):
    team = teams.create_team(community=vol.cast.community, name="红马甲服务队", by=vol.cast.zhang)
    client.force_login(vol.cast.zhang)
    url = reverse("volunteering:team_action", args=[team.pk, "edit"])
    response = client.post(url, {"name": "无版本"}, follow=True)
    assert "缺少版本号" in " ".join(str(m) for m in response.context["messages"])
    team.refresh_from_db()
    assert (team.name, team.version) == ("红马甲服务队", 0)
    client.post(url, {"name": "有版本", "version": "0"})
    team.refresh_from_db()
    assert (team.name, team.version) == ("有版本", 1)
