"""The JSON API's intake writes its answer as is (``apischema.as_is``), without ninja validating it
against ``AppealDetailOut``: this checks, for each branch of that answer, that the schema takes
the body exactly as written (every field there, none extra, nothing it would convert)."""

import json

import pytest
from django.urls import reverse

from shanzhi.appeals.api.shapes import AppealDetailOut
from shanzhi.appeals.models import Appeal

from .test_api import post, submit_body

C = Appeal.Channel


def _as_the_schema_writes_it(body):
    """The body as ninja would have answered it: validated by the schema, then dumped."""
    return json.loads(AppealDetailOut.model_validate(body).model_dump_json())


def _check(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == set(AppealDetailOut.model_fields)
    assert body == _as_the_schema_writes_it(body)
    return body


@pytest.mark.parametrize("who", ["jumin", "zhang"])
def test_a_new_appeal_and_its_replay_are_in_the_schema(client, cast, cats, who):
    user = getattr(cast, who)
    body = submit_body(cats, channel="web" if who == "jumin" else "on_behalf")
    url = reverse("api:appeals_submit")
    first = _check(post(client, user, url, body, **{"Idempotency-Key": f"shape-{who}"}), 201)
    assert first["events"][0]["verb"] == "submit" and first["contact_phone"] != "13912345678"
    again = _check(post(client, user, url, body, **{"Idempotency-Key": f"shape-{who}"}), 200)
    assert again["number"] == first["number"]
    # The replay is read back as any detail is: the new appeal's answer says what it would say.
    assert {k: v for k, v in first.items() if k != "actions"} == {
        k: v for k, v in again.items() if k != "actions"
    }


def test_a_receipt_for_who_may_file_but_not_follow_is_in_the_schema(client, cast, cats):
    # A grid worker's patrol at an address nobody can place waits in the district's 待定位 queue,
    # outside his own scope: he gets the number and status back, not the timeline.
    body = submit_body(cats, channel="patrol", address="火星路99号", contact_phone="")
    del body["lng"], body["lat"]
    receipt = _check(post(client, cast.wang, reverse("api:appeals_submit"), body), 201)
    assert receipt["events"] == [] and receipt["actions"] == [] and receipt["unplaced"] is True
    assert Appeal.objects.get(number=receipt["number"]).entered_by == cast.wang
