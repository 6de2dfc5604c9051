"""The big screen: a token bound to one node, issued and revoked by those who coordinate it
(audited), read-only (no person, no link into the cases), a 404 once revoked."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse

from shanzhi.core.models import AuditEvent

from .. import services
from ..models import Screen
from .test_dashboard import IN_C


def test_screen_shows_its_node_only_and_reads_only(cast, file_appeal, client):
    file_appeal(title="楼道堆物")
    file_appeal(title="西边的事", lng=IN_C[0], lat=IN_C[1])
    screen, token = services.issue_screen(cast.street, label="东街道指挥中心", by=cast.liu)
    assert Screen.objects.get().digest != token and token not in str(Screen.objects.values().get())
    response = client.get(reverse("datacentre:screen", args=[token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "楼道堆物" in html and "西边的事" not in html  # the ticker keeps to the street
    assert cast.jumin.display_name not in html  # titles only, never a person
    assert "/appeals/" not in html and "/dc/" + str(cast.street.pk) not in html  # no way into the cases
    assert {f["key"]: f["value"] for f in response.context["dc"]["figures"]}["received"] == 1
    geo = client.get(reverse("datacentre:screen_map", args=[token]) + "?measure=received").json()
    assert {f["properties"]["name"] for f in geo["features"]} == {"东一社区", "东二社区"}
    assert all(f["properties"]["url"] == "" for f in geo["features"])
    opened = AuditEvent.objects.filter(action="login", actor_username=f"screen:{screen.prefix}")
    assert opened.count() == 1  # the first opening of the day, not every refresh

    services.revoke_screen(screen, by=cast.sun)
    assert client.get(reverse("datacentre:screen", args=[token])).status_code == 404
    assert client.get(reverse("datacentre:screen_map", args=[token])).status_code == 404
    assert client.get(reverse("datacentre:screen", args=["scr_nothing"])).status_code == 404
    kinds = list(AuditEvent.objects.filter(target_type="datacentre.screen").values_list("action", flat=True))
    assert sorted(kinds) == ["login", "token_issued", "token_revoked"]


def test_only_those_who_coordinate_the_node_issue_or_revoke(cast):
    with pytest.raises(Http404):
        services.issue_screen(cast.street2, label="西街道", by=cast.liu)  # another street: out of sight
    with pytest.raises(PermissionDenied):
        services.issue_screen(cast.grid, label="网格", by=cast.wang)  # a grid worker coordinates nothing
    screen, _token = services.issue_screen(cast.community, label="东一社区", by=cast.zhang)
    with pytest.raises(Http404):
        services.revoke_screen(screen, by=cast.zhou)
    assert Screen.objects.get().revoked_at is None


def test_command_issues_and_revokes(cast, capsys):
    call_command("screen_token", "issue", cast.community.code, "社区大屏", by=cast.zhang.username)
    address = capsys.readouterr().out.strip()
    assert address.startswith("/dc/screen/scr_")
    screen = Screen.objects.get()
    with pytest.raises(CommandError):
        call_command("screen_token", "revoke", str(screen.pk), by=cast.zhou.username)
    call_command("screen_token", "revoke", str(screen.pk), by=cast.zhang.username)
    assert Screen.objects.get().revoked_at is not None
    with pytest.raises(CommandError):
        call_command("screen_token", "issue", cast.community.code, "", by=cast.zhang.username)
