"""Changing a member's role and removing a member, over the API and the page: the same service
(``committees.change_role``, ``remove_member``), one 主任, who may, and malformed input as a 400
naming the field with nothing changed."""

import pytest

from shanzhi.coop.tests.test_api import call
from shanzhi.core.models import AuditEvent

from ..models import CommitteeMember
from ..services import committees as svc

pytestmark = pytest.mark.django_db
API = "/api/v1/property/"


@pytest.fixture
def board(cast):
    """幸福小区's committee: 居民甲 主任, a neighbour 委员."""
    svc.set_committee(
        cast.compound, kind="owners", term_start="2024-01-01", term_end="2028-12-31", by=cast.zhang
    )
    director = svc.add_member(cast.compound, resident=cast.resident.pk, role="director", by=cast.zhang)
    member = svc.add_member(cast.compound, resident=cast.resident2.pk, role="member", by=cast.zhang)
    return director, member


def _url(cast, member_id, compound=None):
    return f"{API}compounds/{(compound or cast.compound).pk}/committee/members/{member_id}"


def _roles():
    return dict(CommitteeMember.objects.values_list("pk", "role"))


def test_keeper_swaps_the_director_through_the_api(client, cast, board):
    director, member = board
    refused = call(client, "patch", _url(cast, member.pk), cast.zhang, {"role": "director"})
    assert refused.status_code == 400 and refused.json()["field"] == "role"
    assert _roles() == {director.pk: "director", member.pk: "member"}
    demoted = call(client, "patch", _url(cast, director.pk), cast.zhang, {"role": "deputy"})
    assert demoted.status_code == 200 and demoted.json() == {
        "id": director.pk,
        "name": cast.resident.name,
        "role": "deputy",
        "party_member": None,
    }
    promoted = call(client, "patch", _url(cast, member.pk), cast.zhao, {"role": "director"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "director"
    assert _roles() == {director.pk: "deputy", member.pk: "director"}
    events = AuditEvent.objects.filter(action="property.member_role_changed").order_by("id")
    assert [e.detail["before"] for e in events] == ["director", "member"]


def test_same_role_changes_nothing_and_writes_no_audit(client, cast, board):
    director, _member = board
    r = call(client, "patch", _url(cast, director.pk), cast.zhang, {"role": "director"})
    assert r.status_code == 200 and r.json()["role"] == "director"
    assert not AuditEvent.objects.filter(action="property.member_role_changed").exists()


def test_keeper_removes_a_member_through_the_api(client, cast, board):
    director, member = board
    r = call(client, "delete", _url(cast, member.pk), cast.zhang)
    assert r.status_code == 200
    assert [m["id"] for m in r.json()["members"]] == [director.pk]
    assert _roles() == {director.pk: "director"}
    assert AuditEvent.objects.filter(action="property.member_removed").count() == 1
    again = call(client, "delete", _url(cast, member.pk), cast.zhang)
    assert again.status_code == 404


@pytest.mark.parametrize("method", ["patch", "delete"])
@pytest.mark.parametrize(
    ("who", "status"),
    [("jumin", 403), ("wang", 403), ("liu", 403), ("feng", 404), ("nobody", 404)],
)
def test_readers_are_refused_and_others_do_not_find_it(client, cast, board, method, who, status):
    _director, member = board
    body = {"role": "deputy"} if method == "patch" else None
    r = call(client, method, _url(cast, member.pk), getattr(cast, who), body)
    assert r.status_code == status, r.content
    assert _roles()[member.pk] == "member"


def test_another_communitys_member_is_a_404(client, cast, board):
    from shanzhi.accounts import services as accounts

    by = accounts.create_user(username="keeper_b", password=cast.password, display_name="社区")
    accounts.grant_role(by, "community_staff", node=cast.compound_b.community)
    svc.set_committee(cast.compound_b, kind="owners", term_start="2024-01-01", term_end="2028-12-31", by=by)
    theirs = svc.add_member(cast.compound_b, resident=cast.resident_b.pk, role="director", by=by)
    keeper = cast.zhang
    for method, body in (("patch", {"role": "member"}), ("delete", None)):
        # Through its own compound, and smuggled under a compound this keeper keeps.
        assert call(client, method, _url(cast, theirs.pk, cast.compound_b), keeper, body).status_code == 404
        assert call(client, method, _url(cast, theirs.pk), keeper, body).status_code == 404
    assert CommitteeMember.objects.get(pk=theirs.pk).role == "director"


@pytest.mark.parametrize(
    ("member_id", "body", "field"),
    [
        ("abc", {"role": "deputy"}, "member_id"),
        ("١٢", {"role": "deputy"}, "member_id"),
        (str(10**30), {"role": "deputy"}, "member_id"),
        ("-3", {"role": "deputy"}, "member_id"),
        (None, {"role": "chairman"}, "role"),
        (None, {"role": "deputy\u0000"}, "role"),
        (None, {"role": 1}, "role"),
        (None, {}, "role"),
    ],
)
def test_malformed_role_change_is_a_400_naming_the_field(client, cast, board, member_id, body, field):
    _director, member = board
    r = call(client, "patch", _url(cast, member_id or member.pk), cast.zhang, body)
    assert r.status_code == 400 and field in r.json()["field"], r.content
    assert _roles()[member.pk] == "member"


def test_malformed_id_on_removal_is_a_400_naming_the_field(client, cast, board):
    r = call(client, "delete", _url(cast, "1x"), cast.zhang)
    assert r.status_code == 400 and r.json()["field"] == "member_id"
    assert len(_roles()) == 2


def test_page_changes_the_role_through_the_same_service(client, cast, board):
    from django.urls import reverse

    director, member = board
    client.force_login(cast.zhang)
    url = reverse("property:committee_member_role", kwargs={"pk": cast.compound.pk, "member": member.pk})
    refused = client.post(url, {"role": "director"})
    assert refused.status_code == 400 and "已有主任" in refused.content.decode()
    assert client.post(url, {"role": "deputy"}).status_code == 302
    assert _roles() == {director.pk: "director", member.pk: "deputy"}
    page = client.get(reverse("property:committee", kwargs={"pk": cast.compound.pk})).content.decode()
    assert f'id="role_{member.pk}"' in page
    client.force_login(cast.liu)
    assert client.post(url, {"role": "member"}).status_code == 403
    assert _roles()[member.pk] == "deputy"
