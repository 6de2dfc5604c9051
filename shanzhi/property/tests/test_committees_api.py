"""The committees and meetings API end to end, and its malformed input: a 400 naming the field,
never a 500, nothing written."""

import json

import pytest
import time_machine

from shanzhi.appeals.models import Appeal, Category
from shanzhi.coop.tests.test_api import call

from ..models import Committee, CommitteeMember, Decision, Meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/property/"


@time_machine.travel("2026-12-03 10:00 +0800", tick=False)
def test_committee_and_meeting_through_the_api(client, cast):
    c = f"{API}compounds/{cast.compound.pk}/committee"
    made = call(
        client,
        "post",
        c,
        cast.zhang,
        {"kind": "owners", "term_start": "2022-01-10", "term_end": "2027-01-09"},
    )
    assert made.status_code == 200 and made.json()["term_state"] == "ending"
    m = call(client, "post", f"{c}/members", cast.zhang, {"resident": cast.resident.pk, "role": "director"})
    assert m.status_code == 201, m.content
    r = call(
        client,
        "post",
        f"{c}/reserves",
        cast.zhang,
        {"resident": cast.resident2.pk, "list": "negative", "reason": "违规收费"},
    )
    assert r.status_code == 201
    barred = call(client, "post", f"{c}/members", cast.zhang, {"resident": cast.resident2.pk})
    assert barred.status_code == 400 and barred.json()["field"] == "resident"
    public = call(client, "get", c, cast.jumin).json()
    assert public["members"][0]["role"] == "director" and public["members"][0]["party_member"] is None
    assert public["reserves"] is None and "phone" not in json.dumps(public)
    staff = call(client, "get", c, cast.liu).json()
    assert staff["members"][0]["party_member"] is True and staff["reserves"][0]["list"] == "negative"

    body = {
        "compound": cast.compound.pk,
        "held_on": "2026-12-01",
        "place": "社区议事厅",
        "topics": "停车难",
        "attendees": [{"party": "community", "name": "张社区"}, {"party": "company", "name": "冯物业"}],
    }
    meeting = call(client, "post", f"{API}meetings", cast.zhang, body)
    assert meeting.status_code == 201, meeting.content
    mid = meeting.json()["id"]
    category = Category.objects.filter(active=True, parent__isnull=False).first()
    appeal = call(
        client,
        "post",
        f"{API}meetings/{mid}/decisions",
        cast.zhang,
        {"text": "清理消防通道", "kind": "appeal", "category": category.pk},
    )
    assert appeal.status_code == 201 and appeal.json()["appeal_number"]
    assert Appeal.objects.get(number=appeal.json()["appeal_number"]).channel == "on_behalf"
    task = call(
        client,
        "post",
        f"{API}meetings/{mid}/decisions",
        cast.zhang,
        {"text": "施划车位", "kind": "task", "owner_party": "company", "workdays": 5},
    ).json()
    assert task["state"] == "open" and task["due"].startswith("2026-12-08T17:30")
    done = call(client, "post", f"{API}decisions/{task['id']}/done", cast.feng, {"note": "已施划"})
    assert done.status_code == 200 and done.json()["state"] == "done"
    seen = call(client, "get", f"{API}meetings/{mid}", cast.feng).json()
    assert [d["state"] for d in seen["decisions"]][1] == "done"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("committee", {"kind": "owners", "term_start": "2026-02-30", "term_end": "2027-01-01"}, "term_start"),
        ("committee", {"kind": "owners", "term_start": "2026-01-01", "term_end": "2025-01-01"}, "term_end"),
        ("committee", {"kind": "owners\u202e", "term_start": "2026-01-01", "term_end": "2027-01-01"}, "kind"),
        ("committee/members", {"resident": "x"}, "resident"),
        ("committee/reserves", {"resident": 10**30, "list": "positive"}, "resident"),
        ("committee/reserves", {"resident": 1, "list": "positive", "reason": "a\u0000b"}, "reason"),
    ],
)
def test_malformed_committee_input_is_a_400_naming_the_field(client, cast, path, body, field):
    url = f"{API}compounds/{cast.compound.pk}/{path}"
    r = call(client, "post", url, cast.zhang, body)
    assert r.status_code == 400 and field in r.json()["field"], r.content
    assert not Committee.objects.exists() and not CommitteeMember.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": "2026-13-01"}, "held_on"),
        ({"attendees": [{"party": "mafia", "name": "x"}]}, "attendees"),
        ({"attendees": [{"party": "community", "name": "x" * 51}]}, "attendees"),
        ({"compound": -1}, "compound"),
        ({"topics": "x" * 2001}, "topics"),
    ],
)
def test_malformed_meeting_is_a_400_naming_the_field(client, cast, change, field):
    body = {"compound": cast.compound.pk, "held_on": "2026-12-01", "place": "议事厅", "topics": "停车"}
    body |= {"attendees": [{"party": "community", "name": "张社区"}]} | change
    r = call(client, "post", f"{API}meetings", cast.zhang, body)
    assert r.status_code == 400 and field in r.json()["field"], r.content
    assert not Meeting.objects.exists() and not Decision.objects.exists()
