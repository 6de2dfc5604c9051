"""The page that issues and revokes big-screen tokens: the same service as ``manage.py
screen_token`` (audited), the token shown once, only the nodes the user coordinates, bad input a
400 with nothing written, another's screen a 404."""

from django.urls import reverse

from shanzhi.core.models import AuditEvent

from .. import services
from ..models import Screen

URL = reverse("datacentre:screens")


def test_issue_shows_the_address_once_and_revoke_ends_it(cast, client):
    client.force_login(cast.zhang)
    response = client.post(URL, {"node": cast.community.pk, "label": "社区指挥室"})
    assert response.status_code == 200
    address = response.context["issued"]["address"]
    token = address.rstrip("/").rsplit("/", 1)[-1]
    screen = Screen.objects.get()
    assert screen.node == cast.community and screen.digest == Screen.digest_of(token)
    assert client.get(address).status_code == 200  # the screen opens (no login needed)
    listing = client.get(URL).content.decode()
    assert "社区指挥室" in listing and token not in listing  # listed by its prefix, never the token
    assert AuditEvent.objects.filter(action="token_issued", actor_id=cast.zhang.pk).count() == 1
    response = client.post(reverse("datacentre:screen_revoke", args=[screen.pk]))
    assert response.status_code == 302
    screen.refresh_from_db()
    assert screen.revoked_at is not None
    assert client.get(address).status_code == 404
    assert AuditEvent.objects.filter(action="token_revoked", actor_id=cast.zhang.pk).count() == 1
    assert "社区指挥室" not in client.get(URL).content.decode()  # only live screens are listed


def test_only_the_nodes_one_coordinates(cast, client):
    other, _token = services.issue_screen(cast.community_b, label="东二", by=cast.chen)
    client.force_login(cast.zhang)
    page = client.get(URL)
    assert [n.pk for n in page.context["nodes"]] == [cast.community.pk]
    assert "东二" not in page.content.decode()
    assert client.post(URL, {"node": cast.community_b.pk, "label": "越权"}).status_code == 404
    assert client.post(reverse("datacentre:screen_revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None and Screen.objects.count() == 1
    client.force_login(cast.liu)  # the street sees both of its communities' screens
    assert "东二" in client.get(URL).content.decode()
    client.force_login(cast.wang)
    assert client.get(URL).status_code == 403  # a grid worker coordinates nothing


def test_bad_input_is_a_400_and_writes_nothing(cast, client):
    client.force_login(cast.zhang)
    for data, field in (
        ({"node": cast.community.pk, "label": ""}, "名称"),
        ({"node": "abc", "label": "大屏"}, "节点"),
        ({"label": "大屏"}, "节点"),
    ):
        response = client.post(URL, data)
        assert response.status_code == 400, data
        assert field in response.context["error"], data
    assert not Screen.objects.exists()
    assert not AuditEvent.objects.filter(action="token_issued").exists()
    assert client.get(reverse("datacentre:screen_revoke", args=[1])).status_code == 405
