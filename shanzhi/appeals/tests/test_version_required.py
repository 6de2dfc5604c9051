"""Issue 12 §5: every move a person makes on an appeal (page or API, the appeal's own moves and a
summons' parts) names the version it saw; without one it is a 400 naming ``version`` and the
appeal is left as it was. The services still accept none from system callers (the sweep)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal

S = Appeal.Status


def _state(a):
    a.refresh_from_db()
    return (a.status, a.version, a.assignee_kind, a.events.count())


def _api(client, user, url, body):
    return client.post(
        url,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_api_token(user)}"},
    )


@pytest.mark.parametrize("version", [None, ""])
def test_api_move_without_version_is_400_and_changes_nothing(client, cast, file_appeal, version):
    a = file_appeal()
    before = _state(a)
    body = {} if version is None else {"version": version}
    response = _api(client, cast.zhang, reverse("api:appeals_accept", args=[a.number]), body)
    assert response.status_code == 400
    assert response.json()["field"] == "version"
    assert _state(a) == before
    ok = _api(client, cast.zhang, reverse("api:appeals_accept", args=[a.number]), {"version": a.version})
    assert ok.status_code == 200 and ok.json()["status"] == S.ACCEPTED


def test_page_move_without_version_is_400_and_changes_nothing(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    before = _state(a)
    zhang = Client()
    zhang.force_login(cast.zhang)
    url = reverse("appeals:act", args=[a.number, "dispatch"])
    for data in ({"to": f"user:{cast.wang.pk}"}, {"to": f"user:{cast.wang.pk}", "version": ""}):
        response = zhang.post(url, data)
        assert response.status_code == 400
        assert "缺少版本号" in response.content.decode()
        assert _state(a) == before
    assert zhang.post(url, {"to": f"user:{cast.wang.pk}", "version": a.version}).status_code == 302
    assert _state(a)[0] == S.DISPATCHED


def test_summons_part_without_version_is_400_and_changes_nothing(client, cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    [s] = services.summon(a, by=cast.zhang, lead=cast.department)
    before, summons_before = _state(a), s.status
    response = _api(client, cast.zheng, reverse("api:appeals_summons_report", args=[s.pk]), {})
    assert (response.status_code, response.json()["field"]) == (400, "version")
    zheng = Client()
    zheng.force_login(cast.zheng)
    page = zheng.post(reverse("appeals:summons_act", args=[s.pk, "report"]), {"note": "收到"})
    assert page.status_code == 400
    s.refresh_from_db()
    assert (_state(a), s.status) == (before, summons_before)


def test_system_callers_may_still_move_without_a_version(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    assert a.status == S.ACCEPTED
