"""Open311 reads as the public sees them (issue 11): exactly the spec's fields, nothing of a
person, the filing client's own words to that client only, the unit names from the per-process
cache seen at once when renamed, and on PostgreSQL a statement prepared once per connection."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, Category
from shanzhi.core.models import ReferenceVersion
from shanzhi.registry.models import Department, OrgNode

from .conftest import IN_A1

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture
def versioned(db):
    for name in ("reference", "api_keys"):
        ReferenceVersion.objects.get_or_create(name=name, defaults={"value": 1})


@pytest.fixture
def key(cast):
    out = StringIO()
    call_command("issue_open311_key", "reader", stdout=out)
    return out.getvalue().strip()


def _post(client, cats, key, description):
    form = {
        "api_key": key,
        "service_code": cats.neighbour_noise.code,
        "lat": IN_A1[1],
        "long": IN_A1[0],
        "description": description,
        "first_name": "明",
        "last_name": "王",
        "phone": "13912345678",
    }
    return client.post("/open311/v2/requests.json", form).json()[0]["service_request_id"]


def test_a_read_shows_the_spec_fields_and_no_person(client, cast, cats, key, versioned, file_appeal):
    accepted = services.accept(file_appeal(), by=cast.zhang)
    mine = _post(client, cats, key, "三号楼门口井盖松动\n王先生 13912345678")
    rows = client.get("/open311/v2/requests.json").json()
    assert {r["service_request_id"] for r in rows} == {accepted.number, mine}
    by_number = {r["service_request_id"]: r for r in rows}
    assert list(by_number[accepted.number]) == FIELDS  # the spec's names, in this order
    assert list(by_number[mine]) == [f for f in FIELDS if f != "expected_datetime"]  # no deadline yet
    row = by_number[accepted.number]
    assert (
        row["description"] == accepted.title and row["address"] == f"{cast.grid.parent.name} {cast.grid.name}"
    )
    assert row["lat"] == round(accepted.lat, 3) and row["long"] == round(accepted.lng, 3)
    text = json.dumps(rows, ensure_ascii=False)
    for personal in ("13912345678", "王", "井盖松动", accepted.description, cast.jumin.username):
        assert personal not in text
    # The client that filed a request reads its own words back; nobody else's.
    own = client.get("/open311/v2/requests.json", headers={"X-Api-Key": key}).json()
    words = {r["service_request_id"]: r["description"] for r in own}
    assert words == {mine: "三号楼门口井盖松动\n王先生 13912345678", accepted.number: accepted.title}


def test_the_json_is_the_document_django_would_write(client, cast, cats, versioned, file_appeal):
    services.accept(file_appeal(), by=cast.zhang)
    file_appeal(title="第二件")
    response = client.get("/open311/v2/requests.json")
    assert response["Content-Type"] == "application/json"
    rows = json.loads(response.content)
    assert json.loads(json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)) == rows
    error = client.get("/open311/v2/requests.json", {"status": "pending"})
    assert error.status_code == 400 and error.json() == [
        {"code": 400, "description": error.json()[0]["description"]}
    ]


def test_a_renamed_department_is_read_at_once(client, cast, cats, versioned, file_appeal):
    department = Department.objects.create(district=cast.grid.parent.parent.parent, name="区城管局（测试）")
    appeal = file_appeal()
    Appeal.objects.filter(pk=appeal.pk).update(assignee_department=department)
    [row] = client.get(f"/open311/v2/requests/{appeal.number}.json").json()
    assert row["agency_responsible"] == "区城管局（测试）"
    Department.objects.filter(pk=department.pk).update(name="区城市管理局")  # no signal: the trigger sees it
    [row] = client.get(f"/open311/v2/requests/{appeal.number}.json").json()
    assert row["agency_responsible"] == "区城市管理局"


def test_a_renamed_grid_and_category_are_read_at_once(client, cast, cats, versioned, file_appeal):
    # The labels a read works out are kept by the process between reads (public._Labels), while
    # the reference version stays the same: any write to those tables renews it.
    appeal = file_appeal()
    [row] = client.get(f"/open311/v2/requests/{appeal.number}.json").json()
    assert row["address"].endswith(cast.grid.name) and row["description"] == str(cats.neighbour_noise)
    OrgNode.objects.filter(pk=cast.grid.pk).update(name="改名网格")
    Category.objects.filter(pk=cats.neighbour_noise.pk).update(name="改名分类")
    [row] = client.get(f"/open311/v2/requests/{appeal.number}.json").json()
    assert row["address"].endswith("改名网格") and row["description"].endswith("/改名分类")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_read_is_prepared_once_per_connection(client, cast, versioned, file_appeal):
    appeal = file_appeal()
    for _ in range(3):
        [row] = client.get(f"/open311/v2/requests/{appeal.number}.json").json()
        assert row["service_request_id"] == appeal.number
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        reads = [s for (s,) in cursor.fetchall() if s.startswith("SELECT") and '"number" = $1' in s]
    assert len(reads) == 1  # the same statement for each read of one request: parsed and planned once
