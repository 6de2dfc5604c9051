"""The appeals JSON API: idempotent submission, the loop through the move endpoints, conflicts (409
with what changed) and refusals naming the field. Its role × scope matrix: test_api_matrix.py."""

import json

from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal

from .conftest import IN_A1

S = Appeal.Status


def bearer(user):
    return {"Authorization": f"Bearer {issue_api_token(user)}"}


def post(client, user, url, body, **headers):
    return client.post(
        url, data=json.dumps(body), content_type="application/json", headers={**bearer(user), **headers}
    )


def submit_body(cats, **kw):
    body = {
        "title": "路灯不亮",
        "description": "小区东门路灯坏了一周。",
        "category": cats.neighbour_noise.code,
        "lng": IN_A1[0],
        "lat": IN_A1[1],
        "contact_phone": "13912345678",
    }
    body.update(kw)
    return body


def test_submit_is_idempotent_with_the_header(client, cast, cats):
    url = reverse("api:appeals_submit")
    first = post(client, cast.jumin, url, submit_body(cats), **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 201
    again = post(client, cast.jumin, url, submit_body(cats), **{"Idempotency-Key": "abc-1"})
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert Appeal.objects.count() == 1
    assert first.json()["contact_phone"] != "13912345678"  # masked
    different = post(
        client, cast.jumin, url, submit_body(cats, title="别的事"), **{"Idempotency-Key": "abc-1"}
    )
    assert different.status_code == 400 and different.json()["field"] == "idempotency_key"


def test_submit_refusal_names_the_field(client, cast, cats):
    response = post(client, cast.jumin, reverse("api:appeals_submit"), submit_body(cats, category="NOPE"))
    assert response.status_code == 400 and response.json()["field"] == "category"
    assert not Appeal.objects.exists()


def test_list_is_scoped_and_detail_out_of_scope_is_404(client, cast, file_appeal):
    a = file_appeal()
    rows = client.get(reverse("api:appeals_list"), headers=bearer(cast.wang)).json()["items"]
    assert [r["number"] for r in rows] == [a.number]
    assert client.get(reverse("api:appeals_list"), headers=bearer(cast.li)).json()["items"] == []
    assert (
        client.get(reverse("api:appeals_detail", args=[a.number]), headers=bearer(cast.li)).status_code == 404
    )
    detail = client.get(reverse("api:appeals_detail", args=[a.number]), headers=bearer(cast.zhang)).json()
    assert detail["events"][0]["verb"] == "submit" and {"accept", "reject"} <= set(detail["actions"])


def test_the_loop_through_the_move_endpoints(client, cast, file_appeal):
    a = file_appeal()

    def move(user, verb, **body):
        a.refresh_from_db()
        response = post(
            client, user, reverse(f"api:appeals_{verb}", args=[a.number]), {"version": a.version, **body}
        )
        assert response.status_code == 200, response.content
        return response.json()

    move(cast.zhang, "accept")
    move(cast.zhang, "dispatch", to=f"user:{cast.wang.pk}")
    move(cast.wang, "start")
    move(cast.wang, "resolve", result="已处理")
    move(cast.zhao, "verify")
    move(cast.jumin, "rate", solved="solved", rating="satisfied")
    out = move(cast.zhang, "close")
    assert out["status"] == S.CLOSED and [e["verb"] for e in out["events"]][-1] == "close"


def test_a_stale_version_is_409_with_what_changed(client, cast, file_appeal):
    a = file_appeal()
    services.accept(a, by=cast.zhao)
    response = post(
        client, cast.zhang, reverse("api:appeals_reject", args=[a.number]), {"version": 1, "reason": "重复"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and body["changed"]["status"] == S.ACCEPTED
    assert body["changed"]["events"][0]["verb"] == "accept"


def test_summons_endpoints_report_for_the_department(client, cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    [s] = services.summon(a, by=cast.zhang, lead=cast.department)
    a.refresh_from_db()
    response = post(
        client, cast.zheng, reverse("api:appeals_summons_report", args=[s.pk]), {"version": a.version}
    )
    assert response.status_code == 200
    assert response.json()["summonses"][0]["status"] == "reported"
    wrong = post(
        client, cast.zhang, reverse("api:appeals_summons_report", args=[s.pk]), {"version": a.version + 1}
    )
    assert wrong.status_code == 403
