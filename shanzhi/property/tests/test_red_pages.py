"""Red property through the pages and the API: the phone inspection with a photo, refusals as a
400 naming the field with nothing written, masked contacts, and a company's staff kept to their
own company."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shanzhi.coop.tests.test_api import call

from .. import services
from ..models import EvaluationEntry, ResidentRating
from ..services import evaluations

pytestmark = pytest.mark.django_db
API = "/api/v1/property/"


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_inspection_on_a_phone_with_a_photo(client, red, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = red.cast
    client.force_login(c.zhang)
    url = reverse("property:inspect", kwargs={"period": red.period.pk, "company": c.company.pk})
    page = client.get(url)
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    bad = client.post(url, {"indicator": red.rules.pk, "value": "11"})
    assert bad.status_code == 400 and "得分" in bad.content.decode()
    assert not EvaluationEntry.objects.exists()
    ok = client.post(url, {"indicator": red.rules.pk, "value": "8.5", "note": "台账齐全", "photo": _jpeg()})
    assert ok.status_code == 302
    entry = EvaluationEntry.objects.get()
    assert str(entry.value) == "8.50" and entry.photo


def test_the_api_entry_and_its_refusal_name_the_field(client, red, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = red.cast
    url = f"{API}evaluations/{red.period.pk}/{c.company.pk}/entries"
    token = {"Authorization": f"Bearer {_token(c.zhao)}"}
    bad = client.post(url, {"indicator": red.clean.pk, "value": "1.5"}, headers=token)
    assert bad.status_code == 400 and bad.json()["field"] == "value"
    ok = client.post(url, {"indicator": red.clean.pk, "value": "2", "photo": _jpeg()}, headers=token)
    entry = EvaluationEntry.objects.get(indicator=red.clean)
    assert ok.status_code == 200 and ok.json() == {
        "id": entry.pk,  # the photo: GET evaluations/entries/{id}/photo
        "indicator": red.clean.pk,
        "value": "2.00",
        "note": "",
        "photo": True,
    }
    photo = client.get(f"{API}evaluations/entries/{entry.pk}/photo", headers=token)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def _token(user):
    from shanzhi.accounts.services import issue_api_token

    return issue_api_token(user)


def test_a_rating_through_the_api_replaces_the_first(client, red):
    c = red.cast
    for stars in (2, 5):
        r = call(client, "post", f"{API}ratings", c.jumin, {"period": red.period.pk, "stars": stars})
        assert r.status_code == 200
    assert ResidentRating.objects.get().stars == 5
    r = call(client, "post", f"{API}ratings", c.jumin, {"period": red.period.pk, "stars": 6})
    assert r.status_code == 400 and r.json()["field"] == "stars"


def test_a_company_sees_only_its_own_evaluations(client, red):
    c = red.cast
    mine = evaluations.evaluation_of(c.company, red.period)
    other = evaluations.evaluation_of(c.company2, red.period)
    assert call(client, "get", f"{API}evaluations/{mine.pk}", c.feng).status_code == 200
    assert call(client, "get", f"{API}evaluations/{other.pk}", c.feng).status_code == 404
    listed = call(client, "get", f"{API}evaluations", c.feng).json()
    assert [e["id"] for e in listed] == [mine.pk]
    client.force_login(c.feng)
    assert client.get(reverse("property:evaluation", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("property:company", kwargs={"pk": c.company2.pk})).status_code == 404


def test_contacts_are_masked_on_the_page_and_in_the_api(client, red):
    c = red.cast
    services.add_contact(c.company, name="王经理", phone="13912345678", by=c.sun)
    client.force_login(c.liu)
    html = client.get(reverse("property:company", kwargs={"pk": c.company.pk})).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    body = call(client, "get", f"{API}companies/{c.company.pk}", c.feng).json()
    assert body["contacts"][0]["phone"] == "139****5678"


def test_a_run_shows_its_progress(client, red):
    c = red.cast
    made = call(client, "post", f"{API}periods/{red.period.pk}/runs", c.sun)
    assert made.status_code == 201 and made.json()["status"] == "done" and made.json()["percent"] == 100
    client.force_login(c.sun)
    page = client.get(reverse("property:run", kwargs={"pk": made.json()["id"]}))
    assert page.status_code == 200 and 'data-sz-width="100"' in page.content.decode()
