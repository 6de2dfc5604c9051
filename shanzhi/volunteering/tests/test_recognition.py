"""Commendations and pairing through their pages and API (issue 12 §9): who may record them, in
which scope, and what bad input hears. The URL × role matrix rows are in matrix.py."""

import datetime

import pytest
from django.utils import timezone

from shanzhi.coop.tests.test_api import call
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Commendation, Pairing

API = "/api/v1/volunteering/"


def today():
    return timezone.localdate().isoformat()


# --- commendations ------------------------------------------------------------------------------------


def test_staff_commend_a_volunteer_on_the_page_and_everyone_sees_it(client, vol):
    cast = vol.cast
    client.force_login(cast.zhang)
    page = client.get("/v/commendations/").content.decode()
    assert 'name="subject"' in page and f'value="volunteer:{vol.ma.pk}"' in page
    client.post(
        "/v/commendations/",
        {
            "node": cast.community.pk,
            "subject": f"volunteer:{vol.ma.pk}",
            "title": "优秀志愿者",
            "period": "2026年度",
            "awarded_on": today(),
            "reason": "常年为独居老人理发",
        },
    )
    c = Commendation.objects.get()
    assert (c.volunteer, c.node, c.recorded_by, c.period) == (vol.ma, cast.community, cast.zhang, "2026年度")
    client.force_login(vol.ma.user)
    page = client.get("/v/commendations/").content.decode()
    assert "优秀志愿者" in page and 'name="subject"' not in page  # a volunteer reads, does not record


def test_a_volunteer_cannot_commend(client, vol):
    client.force_login(vol.ma.user)
    response = client.post(
        "/v/commendations/",
        {
            "node": vol.cast.community.pk,
            "subject": f"volunteer:{vol.niu.pk}",
            "title": "x",
            "awarded_on": today(),
        },
    )
    assert response.status_code == 403 and not Commendation.objects.exists()
    got = call(
        client,
        "post",
        f"{API}commendations",
        vol.ma.user,
        {"node": vol.cast.community.pk, "volunteer": vol.niu.pk},
    )
    assert got.status_code == 403


def test_out_of_scope_subject_is_refused_like_an_unknown_one(client, vol):
    cast = vol.cast
    body = {"node": cast.community.pk, "title": "优秀志愿者", "awarded_on": today()}
    other = call(client, "post", f"{API}commendations", cast.zhang, {**body, "volunteer": vol.bai.pk})
    unknown = call(client, "post", f"{API}commendations", cast.zhang, {**body, "volunteer": 987654})
    assert other.status_code == unknown.status_code == 400
    assert other.json() == unknown.json() and other.json()["field"] == "volunteer"
    # A node out of sight is 404, exactly like a node that does not exist.
    far = call(
        client,
        "post",
        f"{API}commendations",
        cast.zhang,
        {**body, "node": cast.community_b.pk, "volunteer": vol.ma.pk},
    )
    none = call(
        client, "post", f"{API}commendations", cast.zhang, {**body, "node": 987654, "volunteer": vol.ma.pk}
    )
    assert far.status_code == none.status_code == 404
    assert not Commendation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"awarded_on": "2026-99-99"}, "awarded_on"),
        ({"awarded_on": ""}, "awarded_on"),
        ({"awarded_on": "tomorrow"}, "awarded_on"),
        ({"reason": "事" * 2001}, "reason"),
        ({"period": "期" * 41}, "period"),
        ({"volunteer": None}, "subject"),
        ({"team": 1}, "subject"),  # two subjects
    ],
)
def test_bad_commendation_input_names_the_field_and_writes_nothing(client, vol, change, field):
    body = {
        "node": vol.cast.community.pk,
        "volunteer": vol.ma.pk,
        "title": "优秀",
        "awarded_on": today(),
        **change,
    }
    if change.get("awarded_on") == "tomorrow":
        body["awarded_on"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    got = call(client, "post", f"{API}commendations", vol.cast.zhang, body)
    assert got.status_code == 400 and got.json()["field"] == field
    assert not Commendation.objects.exists()


def test_street_staff_commend_a_team_through_the_api_and_it_is_listed(client, vol):
    from shanzhi.volunteering.services import teams

    cast = vol.cast
    team = teams.create_team(community=cast.community, name="夕阳红服务队", by=cast.zhang)
    got = call(
        client,
        "post",
        f"{API}commendations",
        cast.liu,
        {"node": cast.street.pk, "team": team.pk, "title": "先进集体", "awarded_on": today()},
    )
    assert got.status_code == 200 and got.json()["subject"] == "夕阳红服务队"
    listed = call(client, "get", f"{API}commendations", vol.ma.user).json()
    assert [c["title"] for c in listed["items"]] == ["先进集体"]


# --- pairing ------------------------------------------------------------------------------------------


def test_community_staff_pair_a_household_on_the_page(client, vol):
    cast = vol.cast
    client.force_login(cast.zhang)
    page = client.get("/v/pairings/").content.decode()
    assert 'name="household"' in page
    client.post(
        "/v/pairings/",
        {
            "household": cast.household.pk,
            "helper": f"volunteer:{vol.ma.pk}",
            "difficulty": "独居老人，行动不便",
            "started_on": today(),
        },
    )
    p = Pairing.objects.get()
    assert (p.household, p.volunteer, p.community) == (cast.household, vol.ma, cast.community)
    # The grid worker sees it, and may not pair.
    client.force_login(cast.wang)
    assert "独居老人" in client.get("/v/pairings/").content.decode()
    assert 'name="household"' not in client.get("/v/pairings/").content.decode()
    assert client.post("/v/pairings/", {"household": cast.household.pk}).status_code == 403


def test_pairing_refuses_a_helper_of_another_community_and_a_second_active_pair(client, vol):
    cast = vol.cast
    body = {"household": cast.household.pk, "difficulty": "低保户", "started_on": today()}
    other = call(client, "post", f"{API}pairings", cast.zhang, {**body, "volunteer": vol.bai.pk})
    assert other.status_code == 400 and other.json()["field"] == "volunteer"  # out of sight
    ok = call(client, "post", f"{API}pairings", cast.zhang, {**body, "volunteer": vol.ma.pk})
    assert ok.status_code == 200 and ok.json()["helper"] == "马志愿"
    again = call(client, "post", f"{API}pairings", cast.zhang, {**body, "volunteer": vol.ma.pk})
    assert again.status_code == 400 and again.json()["field"] == "helper"
    assert Pairing.objects.count() == 1


def test_pairing_helper_must_live_in_the_households_community(vol):
    cast = vol.cast
    # District staff see both communities, but 结对 stays within one community.
    from shanzhi.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        services.pair(
            household=cast.household_b, volunteer=vol.ma, difficulty="困难", started_on=today(), by=cast.chen
        )
    assert err.value.field in ("helper",)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"difficulty": ""}, "difficulty"),
        ({"difficulty": "难" * 201}, "difficulty"),
        ({"started_on": "2026-02-30"}, "started_on"),
        ({"started_on": "2999-01-01"}, "started_on"),
        ({"volunteer": None}, "helper"),
        ({"unit": 1}, "helper"),  # two helpers
    ],
)
def test_bad_pairing_input_names_the_field(client, vol, change, field):
    body = {
        "household": vol.cast.household.pk,
        "volunteer": vol.ma.pk,
        "difficulty": "困难",
        "started_on": today(),
    }
    got = call(client, "post", f"{API}pairings", vol.cast.zhang, {**body, **change})
    assert got.status_code == 400 and got.json()["field"] == field
    assert not Pairing.objects.exists()


def test_pairing_pages_in_english(client, vol):
    client.force_login(vol.cast.zhang)
    page = client.get("/v/pairings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    commend = client.get("/v/commendations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for chinese in ("新建结对", "帮扶对象（户）", "建立结对"):
        assert chinese not in page
    for chinese in ("记录表彰", "表彰对象", "事迹"):
        assert chinese not in commend
