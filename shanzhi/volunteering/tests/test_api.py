"""The love-bank API: every endpoint × every role × every relation, then the flows end to end."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.coop.tests.test_api import ROLE_USERS, api_names, call
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Movement
from shanzhi.volunteering.services import checkin, ledger

from .matrix import API_MATRIX, RELS

API = "/api/v1/volunteering/"


def test_every_volunteering_api_url_has_a_row():
    assert api_names("volunteering/") == {row[0] for row in API_MATRIX}


def _cells():
    for row in API_MATRIX:
        per_rel = row[2] is not None or callable(row[3]) or len(row) > 5
        for rel in RELS if per_rel else (None,):
            yield pytest.param(row, rel, id=f"{row[0]}-{rel or 'list'}")


@pytest.mark.parametrize(("row", "rel"), list(_cells()))
def test_api_matrix(client, cast, row, rel):
    name, method, kwargs, body, expected = row[:5]
    url = reverse(name, kwargs=kwargs(cast, rel) if kwargs else None)
    if len(row) > 5:
        url += "?" + "&".join(f"{k}={v}" for k, v in row[5](cast, rel).items())
    body = body(cast, rel) if callable(body) else body
    wrong = []
    for role, username in ROLE_USERS.items():
        user = getattr(cast, username) if username else None
        got = call(client, method, url, user, body).status_code
        if got != expected(role, rel):
            wrong.append(f"{role}: expected {expected(role, rel)}, got {got}")
    assert not wrong, f"{method.upper()} {url}\n  " + "\n  ".join(wrong)


def test_me_sign_up_scan_confirm_and_redeem_through_the_api(client, vol):
    cast = vol.cast
    start = timezone.now() - datetime.timedelta(minutes=30)
    activity = services.publish_activity(
        community=cast.community,
        title="义务植树",
        place="东门",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=1,
        by=cast.zhang,
    )
    signed = call(client, "post", f"{API}activities/{activity.pk}/sign-up", vol.ma.user).json()
    assert signed["status"] == "confirmed"
    assert (
        call(client, "post", f"{API}activities/{activity.pk}/sign-up", vol.niu.user).json()["status"]
        == "waitlisted"
    )
    token = checkin.make_token(activity.session)
    assert (
        call(client, "post", f"{API}scan", vol.ma.user, {"token": token, "lat": 34.86, "lng": 117.55}).json()[
            "status"
        ]
        == "checked_in"
    )
    out = call(client, "post", f"{API}scan", vol.ma.user, {"token": token}).json()
    assert out["status"] == "checked_out"
    refused = call(client, "post", f"{API}attendance/{out['id']}/confirm", cast.zhao, {})
    assert refused.status_code == 403
    confirmed = call(client, "post", f"{API}attendance/{out['id']}/confirm", cast.zhang, {"minutes": 0})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_minutes"] == 0
    ledger.earn(vol.ma, Movement.Kind.EARN_GOOD_DEED, 40)
    item = services.create_item(community=cast.community, name="米", price=30, stock=1, by=cast.zhang)
    redeemed = call(client, "post", f"{API}items/{item.pk}/redeem", vol.ma.user, {"quantity": 1}).json()
    assert len(redeemed["code"]) == 8
    me = call(client, "get", f"{API}me", vol.ma.user).json()
    assert me["balance"] == 10 and me["star_level"] == 0
    movements = call(client, "get", f"{API}me/movements", vol.ma.user).json()
    assert [m["amount"] for m in movements] == [-30, 40]
    bad = call(client, "post", f"{API}items/{item.pk}/redeem", vol.ma.user, {"quantity": 1})
    assert bad.status_code == 400 and bad.json()["field"] == "quantity"


def test_rankings_through_the_api(client, vol):
    ledger.earn(vol.niu, Movement.Kind.EARN_GOOD_DEED, 30)
    rows = call(client, "get", f"{API}rankings?node={vol.cast.community.pk}&grain=Y", vol.ma.user).json()
    assert rows[0]["name"] == "牛**" and rows[0]["points"] == 30
    staff = call(client, "get", f"{API}rankings?node={vol.cast.community.pk}&grain=Q", vol.cast.zhang).json()
    assert staff[0]["name"] == "牛志愿"
    bad = call(client, "get", f"{API}rankings?node={vol.cast.community.pk}&grain=W", vol.cast.zhang)
    assert bad.status_code == 400 and bad.json()["field"] == "grain"
