"""The JSON API's intake writes its answer as is (``apischema.as_is``), without ninja validating it
against ``AppealDetailOut``: this checks, for each branch of that answer, that the schema takes
the body exactly as written (every field there, none extra, nothing it would convert)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shanzhi.appeals import services
from shanzhi.appeals.api.shapes import AppealDetailOut
from shanzhi.appeals.models import Appeal
from shanzhi.registry.models import Building

from .conftest import jpeg_with_gps
from .test_api import bearer, post, submit_body

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


def _lift_complaint(cast, cats):
    """A property company's complaint about its own compound's building, named by id."""
    return {
        "channel": C.PROPERTY,
        "title": "电梯故障",
        "description": "1号楼电梯停运。",
        "category": cats.property.code,
        "building_id": cast.building.pk,
    }


def test_property_staff_name_their_compounds_building_by_id(client, cast, cats):
    """Property staff have no registry scope: the buildings they may name are their company's."""
    body = _lift_complaint(cast, cats)
    url = reverse("api:appeals_submit")
    answer = _check(post(client, cast.feng, url, body), 201)
    appeal = Appeal.objects.get(number=answer["number"])
    assert appeal.building == cast.building and appeal.entered_by == cast.feng
    # Another company's building, a retired one, an unknown id and a huge one are refused alike,
    # writing nothing.
    Building.objects.filter(pk=cast.building2.pk).update(retired_at=timezone.now())
    messages = set()
    for wrong in (cast.building_b.pk, cast.building2.pk, 999999, 10**30):
        refused = post(client, cast.feng, url, {**body, "building_id": wrong, "title": f"另一件 {wrong}"})
        assert refused.status_code == 400 and refused.json()["field"] == "building_id", wrong
        messages.add(refused.json()["message"])
    assert len(messages) == 1  # the same words for each: nothing said about whose building it is
    # Staff with a registry scope still find only the buildings in it.
    refused = post(client, cast.wang, url, {**body, "channel": "patrol", "building_id": cast.building_b.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "building_id"
    assert Appeal.objects.count() == 1


def test_a_retry_gets_its_appeal_after_its_building_is_no_longer_the_filers(client, cast, cats):
    """The building is looked up before intake; a retry whose building was retired since is
    still answered with its first appeal (as intake answers every refused retry), while a new
    filing, or the same key with other content, is refused."""
    body = _lift_complaint(cast, cats)
    url = reverse("api:appeals_submit")
    first = _check(post(client, cast.feng, url, body, **{"Idempotency-Key": "lift-1"}), 201)
    Building.objects.filter(pk=cast.building.pk).update(retired_at=timezone.now())
    again = _check(post(client, cast.feng, url, body, **{"Idempotency-Key": "lift-1"}), 200)
    assert again["number"] == first["number"]
    refused = post(client, cast.feng, url, body, **{"Idempotency-Key": "lift-2"})
    assert refused.status_code == 400 and refused.json()["field"] == "building_id"
    other = post(client, cast.feng, url, {**body, "title": "另一件"}, **{"Idempotency-Key": "lift-1"})
    assert other.status_code == 400 and other.json()["field"] == "idempotency_key"
    # The key names another building than the first appeal's: refused as any foreign id.
    moved = post(
        client, cast.feng, url, {**body, "building_id": cast.building_b.pk}, **{"Idempotency-Key": "lift-1"}
    )
    assert moved.status_code == 400 and moved.json()["field"] == "building_id"
    assert Appeal.objects.count() == 1


def test_photos_and_summonses_in_the_answer_are_in_the_schema(client, cast, cats, tmp_path, settings):
    """The branches with lists: a new appeal's photos, and a replay of one a department was
    summoned to."""
    settings.MEDIA_ROOT = tmp_path
    data = {
        **{k: v for k, v in submit_body(cats, channel="web").items()},
        "photos": [SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")],
    }
    answer = _check(
        client.post(
            reverse("api:appeals_submit_multipart"),
            data=data,
            headers={**bearer(cast.jumin), "Idempotency-Key": "shape-photo"},
        ),
        201,
    )
    assert len(answer["photos"]) == 1 and answer["photos"][0]["stage"] == "intake"

    body = submit_body(cats, channel="on_behalf")
    url = reverse("api:appeals_submit")
    first = _check(post(client, cast.zhang, url, body, **{"Idempotency-Key": "shape-summons"}), 201)
    appeal = services.accept(Appeal.objects.get(number=first["number"]), by=cast.zhang)
    services.summon(appeal, by=cast.zhang, lead=cast.department, parts={cast.department.pk: "清理"})
    again = _check(post(client, cast.zhang, url, body, **{"Idempotency-Key": "shape-summons"}), 200)
    assert [s["department"] for s in again["summonses"]] == [str(cast.department)]
