"""The votes API: every endpoint × every role × every relation, then a vote end to end."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.coop.tests.test_api import ROLE_USERS, api_names, call

from .. import queries
from ..models import Ballot, Vote
from .conftest import end_period, new_vote
from .matrix import API_MATRIX, RELS

API = "/api/v1/property/"


def test_every_property_api_url_has_a_row():
    assert api_names("property/") == {row[0] for row in API_MATRIX}


def _cells():
    for row in API_MATRIX:
        for rel in RELS if row[2] is not None or callable(row[3]) else (None,):
            yield pytest.param(row, rel, id=f"{row[0]}-{rel or 'list'}")


@pytest.mark.parametrize(("row", "rel"), list(_cells()))
def test_api_matrix(client, cast, row, rel):
    name, method, kwargs, body, expected = row
    kw = kwargs(cast, rel) if kwargs else None
    if kwargs and kw is None:
        pytest.skip("no object at this relation")
    url = reverse(name, kwargs=kw)
    body = body(cast, rel) if callable(body) else body
    wrong = []
    for role, username in ROLE_USERS.items():
        user = getattr(cast, username) if username else None
        got = call(client, method, url, user, body).status_code
        if got != expected(role, rel):
            wrong.append(f"{role}: expected {expected(role, rel)}, got {got}")
    assert not wrong, f"{method.upper()} {url}\n  " + "\n  ".join(wrong)


def test_a_vote_through_the_api(client, cast, roll):
    body = {
        "compound": cast.compound.pk,
        "item": 4,
        "question": "是否解聘安居物业",
        "called_by": "committee",
        "starts_on": str(timezone.localdate()),  # ballots are taken within the period
        "ends_on": str(timezone.localdate() + datetime.timedelta(days=14)),
    }
    made = call(client, "post", f"{API}votes", cast.zhang, body)
    assert made.status_code == 201, made.content
    vid = made.json()["id"]
    assert call(client, "post", f"{API}votes/{vid}/open", cast.zhang).json()["status"] == "open"
    assert (
        call(client, "post", f"{API}votes/{vid}/ballot", cast.jumin, {"choice": "no"}).json()["choice"]
        == "no"
    )
    changed = call(client, "post", f"{API}votes/{vid}/ballot", cast.jumin, {"choice": "yes"}).json()
    assert changed["changes"] == 1
    owner_view = call(client, "get", f"{API}votes/{vid}", cast.jumin).json()["live"]
    assert owner_view["participating_heads"] == 1 and owner_view["yes_heads"] is None
    staff_view = call(client, "get", f"{API}votes/{vid}", cast.zhao).json()["live"]
    assert staff_view["yes_area"] == "149.75"
    paper = client.post(
        f"{API}votes/{vid}/paper",
        {"owner": roll.dev.pk, "choice": "yes", "scan": _scan()},
        headers=_auth(cast.zhang),
    )
    assert paper.status_code == 201, paper.content
    refused = call(client, "post", f"{API}votes/{vid}/paper/{paper.json()['id']}/confirm", cast.zhang)
    assert refused.status_code == 400 and refused.json()["field"] == "confirmed_by"
    assert call(client, "post", f"{API}votes/{vid}/paper/{paper.json()['id']}/confirm", cast.zhao).json()[
        "counted"
    ]
    early = call(client, "post", f"{API}votes/{vid}/close", cast.zhang)
    assert early.status_code == 400 and early.json()["field"] == "ends_on"  # its period runs on
    end_period(Vote.objects.get(pk=vid))
    closed = call(client, "post", f"{API}votes/{vid}/close", cast.zhang).json()
    assert closed["result"]["quorum"] is True and closed["result"]["passed"] is True
    # Each unit's choice is for staff; an owner is refused it.
    assert call(client, "get", f"{API}votes/{vid}/export", cast.jumin).status_code == 403
    export = call(client, "get", f"{API}votes/{vid}/export", cast.zhang).json()
    assert export == queries.export_file(Vote.objects.get(pk=vid))
    public = client.get(f"{API}results").json()
    assert [v["id"] for v in public] == [vid] and "ballots" not in json.dumps(public)


def test_bad_ballot_input_is_a_400_naming_the_field(client, cast, roll):
    vote = new_vote(cast)
    got = call(client, "post", f"{API}votes/{vote.pk}/ballot", cast.jumin, {"choice": "maybe"})
    assert got.status_code == 400 and got.json()["field"] == "choice"
    assert not Ballot.objects.exists()


def _scan():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("b.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")


def _auth(user):
    from shanzhi.accounts.services import issue_api_token

    return {"Authorization": f"Bearer {issue_api_token(user)}"}
