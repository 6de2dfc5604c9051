"""Issue 13 §6: the contact phone a resident left is shown to staff masked, revealed in full for a
stated reason (audited, as in the registry) with a ``tel:`` link; never to the wrong people."""

import json

import pytest
from django.urls import reverse

from shanzhi.appeals.services.contact import reveal_contact_phone
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from .test_api import bearer

PHONE = "13912345678"


@pytest.fixture
def appeal(file_appeal):
    return file_appeal(contact_phone=PHONE)


def reveals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, target_type="appeals.appeal")


def test_staff_see_it_masked_and_reveal_it_for_a_reason(cast, appeal, login):
    client = login(cast.wang)
    page = client.get(reverse("appeals:detail", args=[appeal.number])).content.decode()
    assert "139****5678" in page and PHONE not in page
    url = reverse("appeals:contact_phone", args=[appeal.number])
    assert PHONE not in url
    form = client.get(url)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    refused = client.post(url, {"reason": "看看"[:1]})
    assert refused.status_code == 400 and not reveals().exists()
    shown = client.post(url, {"reason": "电话回访居民"})
    text = shown.content.decode()
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in text
    assert "no-store" in shown["Cache-Control"]
    [event] = reveals()
    assert event.actor_id == cast.wang.pk and event.target_id == str(appeal.pk)
    assert event.detail == {"field": "contact_phone", "reason": "电话回访居民"}
    masked = client.get(url + "?cancel=1").content.decode()
    assert "139****5678" in masked and PHONE not in masked


def test_out_of_scope_is_404_and_the_resident_may_not(cast, appeal, login):
    url = reverse("appeals:contact_phone", args=[appeal.number])
    assert login(cast.li).post(url, {"reason": "电话回访居民"}).status_code == 404  # another grid
    assert login(cast.zheng).post(url, {"reason": "电话回访居民"}).status_code == 404
    assert login(cast.jumin).post(url, {"reason": "电话回访居民"}).status_code == 403
    page = login(cast.jumin).get(reverse("appeals:detail", args=[appeal.number])).content.decode()
    assert "contact-phone" not in page
    assert not reveals().exists()


def test_the_api_reveals_it_once_audited(cast, appeal, client):
    url = reverse("api:appeals_contact_reveal", args=[appeal.number])
    response = client.post(
        url,
        data=json.dumps({"reason": "电话回访居民"}),
        content_type="application/json",
        headers=bearer(cast.zhang),
    )
    assert response.status_code == 200 and response.json() == {"contact_phone": PHONE}
    assert response["Cache-Control"] == "no-store" and reveals().count() == 1
    detail = client.get(reverse("api:appeals_detail", args=[appeal.number]), headers=bearer(cast.zhang))
    assert detail.json()["contact_phone"] == "139****5678"
    foreign = client.post(
        url,
        data=json.dumps({"reason": "电话回访居民"}),
        content_type="application/json",
        headers=bearer(cast.li),
    )
    assert foreign.status_code == 404 and reveals().count() == 1


def test_an_appeal_without_a_phone_has_nothing_to_reveal(cast, file_appeal):
    a = file_appeal(by=cast.wang, channel="patrol")
    assert a.contact_phone == ""
    with pytest.raises(DomainError):
        reveal_contact_phone(a, by=cast.zhang, reason="电话回访居民")
    assert not reveals().exists()
