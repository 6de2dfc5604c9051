"""Open311 GeoReport v2: shapes in JSON and XML, keys, errors, and that posts enter the loop."""

import datetime as dt
import json
from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal

from .conftest import IN_A1


@pytest.fixture
def key(cast):
    out = StringIO()
    call_command("issue_open311_key", "city-app", stdout=out)
    return out.getvalue().strip()


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 (our own response, in a test)


def url(name, fmt="json", **kw):
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kw})


def post_form(cats, key, **kw):
    form = {
        "api_key": key,
        "service_code": cats.neighbour_noise.code,
        "lat": IN_A1[1],
        "long": IN_A1[0],
        "description": "夜间施工噪音\n每晚十一点后仍在施工。",
        "first_name": "明",
        "last_name": "王",
        "phone": "13912345678",
    }
    form.update(kw)
    return form


def test_discovery_in_both_formats(client, cast):
    body = client.get(url("discovery")).json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = parse(client.get(url("discovery", "xml")))
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None


def test_services_list_and_definition(client, cats):
    rows = client.get(url("services")).json()
    codes = {r["service_code"] for r in rows}
    assert cats.neighbour_noise.code in codes and cats.noise.code not in codes  # leaves only
    row = next(r for r in rows if r["service_code"] == cats.neighbour_noise.code)
    assert set(row) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    root = parse(client.get(url("services", "xml")))
    assert root.tag == "services" and root.find("service/service_code") is not None
    definition = client.get(url("service", code=cats.neighbour_noise.code)).json()
    assert definition["service_code"] == cats.neighbour_noise.code and definition["attributes"][0]["code"]
    xml = parse(client.get(url("service", "xml", code=cats.neighbour_noise.code)))
    assert xml.tag == "service_definition" and xml.find("attributes/attribute/code").text == "building"


def test_unknown_service_is_404_in_the_error_shape(client, cats):
    response = client.get(url("service", code="NOPE"))
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404 and response.json()[0]["description"]
    xml = client.get(url("service", "xml", code="NOPE"))
    root = parse(xml)
    assert xml.status_code == 404 and root.tag == "errors" and root.find("error/code").text == "404"


def test_post_enters_the_loop_and_reads_back(client, cast, cats, key):
    response = client.post(url("requests"), post_form(cats, key))
    assert response.status_code == 201
    [row] = response.json()
    appeal = Appeal.objects.get(number=row["service_request_id"])
    assert (appeal.channel, appeal.grid, appeal.status) == ("open311", cast.grid, "submitted")
    assert appeal.events.get().data["client"] == "open311-city-app"
    token = client.get(url("token", token=row["token"])).json()
    assert token == [{"service_request_id": appeal.number, "token": row["token"]}]
    [read] = client.get(url("request", number=appeal.number)).json()
    assert read["status"] == "open" and "expected_datetime" not in read  # no deadline yet
    assert "13912345678" not in json.dumps(read, ensure_ascii=False)
    assert read["description"] == str(cats.neighbour_noise)  # the resident's words only after acceptance


def test_expected_datetime_is_our_deadline_and_closed_maps_to_closed(client, cast, cats, key, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    [read] = client.get(url("request", number=a.number)).json()
    assert dt.datetime.fromisoformat(read["expected_datetime"]) == a.deadline
    assert read["agency_responsible"] and read["description"] == a.title
    services.reject(file_appeal(title="别的"), by=cast.zhang, reason="不属实")
    statuses = {r["status"] for r in client.get(url("requests"), {"status": "closed"}).json()}
    assert statuses == {"closed"}
    xml = parse(client.get(url("requests", "xml")))
    assert xml.tag == "service_requests" and len(xml.findall("request")) == 2


def test_post_with_a_bad_or_missing_key_is_403(client, cats, cast):
    for form in (
        post_form(cats, "sz_wrong"),
        {k: v for k, v in post_form(cats, "").items() if k != "api_key"},
    ):
        response = client.post(url("requests"), form)
        assert response.status_code == 403 and response.json()[0]["code"] == 403
    # A staff member's API token is not an Open311 key.
    from shanzhi.accounts.services import issue_api_token

    response = client.post(url("requests"), post_form(cats, issue_api_token(cast.zhang)))
    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_bad_post_is_400_naming_the_problem(client, cats, key):
    response = client.post(url("requests", "xml"), post_form(cats, key, service_code=""))
    assert response.status_code == 400 and parse(response).tag == "errors"
    response = client.post(url("requests"), post_form(cats, key, lat="", long=""))
    assert response.status_code == 400 and "location" in response.json()[0]["description"]
    assert not Appeal.objects.exists()


def test_retried_post_with_the_same_idempotency_key_returns_the_same_request(client, cats, key):
    first = client.post(url("requests"), post_form(cats, key), HTTP_IDEMPOTENCY_KEY="r-1").json()
    again = client.post(url("requests"), post_form(cats, key), HTTP_IDEMPOTENCY_KEY="r-1").json()
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert Appeal.objects.count() == 1


def test_get_requests_filters_window_and_dates(client, cast, cats, file_appeal):
    a = file_appeal()
    Appeal.objects.filter(pk=a.pk).update(created_at=a.created_at - dt.timedelta(days=120))
    b = file_appeal(title="新的")
    numbers = [r["service_request_id"] for r in client.get(url("requests")).json()]
    assert numbers == [b.number]  # the default window is the last 90 days
    old = client.get(
        url("requests"), {"start_date": "2025-10-01T00:00:00+08:00", "end_date": "2025-12-31T00:00:00+08:00"}
    ).json()
    assert [r["service_request_id"] for r in old] == [a.number]
    by_id = client.get(url("requests"), {"service_request_id": f"{a.number},{b.number}"}).json()
    assert {r["service_request_id"] for r in by_id} == {a.number, b.number}
    assert client.get(url("requests"), {"service_code": cats.parking.code}).json() == []
    bad = client.get(url("requests"), {"start_date": "yesterday"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    assert client.get(url("requests"), {"status": "pending"}).status_code == 400


def test_unknown_request_and_token_are_404(client, cast):
    assert client.get(url("request", number="SZ000")).status_code == 404
    assert client.get(url("token", token="abc")).status_code == 404


def test_a_token_is_the_one_django_s_signing_writes_and_reads(monkeypatch, settings):
    from django.core import signing

    from shanzhi.appeals.open311_tokens import SIGNING_SALT, number_of, token_for

    monkeypatch.setattr(signing.time, "time", lambda: 1_796_000_000.5)  # one second for both
    for number in ("SZ20261205000001", "SZ20261205116804", "SZ00000000000000000000000000", "编号"):
        token = token_for(number)
        assert token == signing.dumps(number, salt=SIGNING_SALT, compress=True)
        assert signing.loads(token, salt=SIGNING_SALT) == number_of(token) == number
    old = token_for("SZ20261205000001")
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert token_for("SZ20261205000001") != old  # signed with the key in force
    assert token_for("SZ20261205000001") == signing.dumps(
        "SZ20261205000001", salt=SIGNING_SALT, compress=True
    )
    with pytest.raises(signing.BadSignature):
        signing.loads(old, salt=SIGNING_SALT)  # the old key is no fallback
