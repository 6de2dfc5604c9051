"""Issue 13 §7: every note says who may read it; the resident reads only what is addressed to
them, on the page, in the API and through Open311, and follows plain-words progress (a step bar),
never the office's statuses such as 待销号."""

import json

import pytest
from django.urls import reverse

from shanzhi.appeals import progress, services
from shanzhi.appeals.models import Appeal, AppealEvent

from .test_api import bearer

S = Appeal.Status
SECRET = "内部：该户屡次投诉，注意沟通方式"
TOLD = "已联系物业，明天上午上门处理"


@pytest.fixture
def dispatched(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang, note=SECRET)
    return services.start(a, by=cast.wang, note=TOLD, public=True)


def test_staff_to_staff_notes_are_internal_by_default_and_the_choice_is_stored(cast, dispatched):
    notes = dict(dispatched.events.exclude(note="").values_list("note", "note_visibility"))
    assert notes == {SECRET: "internal", TOLD: "resident"}


def test_the_resident_page_shows_only_resident_notes_and_plain_progress(cast, dispatched, login):
    page = login(cast.jumin).get(reverse("appeals:detail", args=[dispatched.number])).content.decode()
    assert TOLD in page and SECRET not in page
    assert "办理中" in page and 'aria-current="step"' in page
    assert "处置中" not in page  # the internal status name
    staff = login(cast.zhang).get(reverse("appeals:detail", args=[dispatched.number])).content.decode()
    assert SECRET in staff and TOLD in staff and "居民可见" in staff


def test_the_resident_never_reads_an_internal_status_name(cast, dispatched, login):
    a = services.resolve(dispatched, by=cast.wang, result="已处理完毕")
    a = services.verify(a, by=cast.zhao)
    a = services.rate(a, by=cast.jumin, solved="solved", rating="satisfied")
    assert a.status == S.VISITED  # 待销号 to the office
    page = login(cast.jumin).get(reverse("appeals:detail", args=[a.number])).content.decode()
    assert "待销号" not in page and str(progress.stage(a)[1]) in page
    mine = login(cast.jumin).get(reverse("appeals:mine")).content.decode()
    assert "待销号" not in mine


def test_the_api_gives_the_resident_only_resident_notes(cast, dispatched, client):
    out = client.get(reverse("api:appeals_detail", args=[dispatched.number]), headers=bearer(cast.jumin))
    body = out.json()
    notes = [e["note"] for e in body["events"] if e["note"]]
    assert notes == [TOLD] and SECRET not in out.content.decode()
    assert body["status_label"] == "办理中" and body["progress_step"] == 2
    assert all(e["actor"] == "" for e in body["events"])
    listed = client.get(reverse("api:appeals_list") + "?bucket=submitted_by_me", headers=bearer(cast.jumin))
    assert listed.json()["items"][0]["status_label"] == "办理中"
    staff = client.get(reverse("api:appeals_detail", args=[dispatched.number]), headers=bearer(cast.zhang))
    visibility = {e["note"]: e["note_visibility"] for e in staff.json()["events"] if e["note"]}
    assert visibility == {SECRET: "internal", TOLD: "resident"}


def test_open311_shows_no_note_and_no_internal_status(cast, dispatched, client):
    a = services.resolve(dispatched, by=cast.wang, result="已处理完毕")
    a = services.verify(a, by=cast.zhao, note=SECRET)
    a = services.rate(a, by=cast.jumin, solved="solved", rating="satisfied")
    for url in (
        reverse("open311:request", kwargs={"fmt": "json", "number": a.number}),
        reverse("open311:requests", kwargs={"fmt": "xml"}),
    ):
        text = client.get(url).content.decode()
        assert SECRET not in text and TOLD not in text and "待销号" not in text
    [row] = client.get(reverse("open311:request", kwargs={"fmt": "json", "number": a.number})).json()
    assert row["status_notes"] == str(progress.stage(a)[1])


def test_the_forms_offer_the_choice_and_default_to_internal(cast, file_appeal, login, client):
    a = services.accept(file_appeal(), by=cast.zhang)
    page = login(cast.zhang).get(reverse("appeals:detail", args=[a.number])).content.decode()
    assert 'name="note_public"' in page and "checked" not in page.split('name="note_public"')[1][:40]
    login(cast.zhang).post(
        reverse("appeals:act", args=[a.number, "dispatch"]),
        {"version": a.version, "to": f"user:{cast.wang.pk}", "note": "请尽快", "note_public": "1"},
    )
    assert AppealEvent.objects.filter(appeal=a, verb="dispatch").get().note_visibility == "resident"
    a.refresh_from_db()
    response = client.post(
        reverse("api:appeals_start", args=[a.number]),
        data=json.dumps({"version": a.version, "note": "内部说明"}),
        content_type="application/json",
        headers=bearer(cast.wang),
    )
    assert response.status_code == 200
    assert AppealEvent.objects.filter(appeal=a, verb="start").get().note_visibility == "internal"


def test_the_step_bar():
    a = Appeal(status=S.VERIFIED)
    assert [s["state"] for s in progress.steps(a)] == ["done", "done", "done", "done", "current"]
    assert progress.steps(Appeal(status=S.REJECTED)) == []
    assert [s["state"] for s in progress.steps(Appeal(status=S.CLOSED))] == ["done"] * 5
    assert progress.stage(Appeal(status=S.VISITED))[0] == 5
