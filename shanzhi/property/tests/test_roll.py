"""Keeping the owners' roll: the page (masked names, totals, households not on it), the changes,
their audit and their refusal while a vote is open, exact areas, and the .xlsx import (all or
nothing, every bad cell reported), through the services, the page and the API."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry import services as registry

from .. import services
from ..models import Elector, OwnedUnit, Owner
from ..services import roll as roll_service
from ..services import roll_import
from .conftest import end_period, new_vote
from .matrix_roll import label, xlsx

API = "/api/v1/property/"


def _units():
    return sorted(OwnedUnit.objects.values_list("household_id", "owner_id", "area"))


def test_the_roll_page_masks_names_and_counts_area_and_heads(cast, roll, login):
    services.add_owner(cast.compound, "王小明", by=cast.zhang)
    empty = registry.create_household(building=cast.building2, unit_no="1单元", room="202")
    page = login(cast.zhang).get(reverse("property:roll", args=[cast.compound.pk]))
    assert page.status_code == 200
    assert "王**" in page.text and "王小明" not in page.text
    assert "419.95" in page.text and "业主 3 人" in page.text  # 王小明 holds no unit yet: no head
    assert "开发商（未售）" in page.text  # a developer is a company: by name
    assert label(empty) in page.text  # a household not on the roll yet
    assert label(cast.household) in page.text


def test_who_finds_the_roll(cast, roll, login, client):
    url = reverse("property:roll", args=[cast.compound.pk])
    assert login(cast.liu).get(url).status_code == 200  # street staff read it
    for user in (cast.wang, cast.jumin, cast.feng, cast.chen):  # grid worker, owner, company, other community
        assert login(user).get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.add_owner(cast.compound, "赵某", by=cast.liu)
    with pytest.raises(Http404):
        services.add_owner(cast.compound, "赵某", by=cast.wang)
    assert not Owner.objects.filter(name="赵某").exists()


def test_every_change_is_audited_and_refused_while_a_vote_is_open(cast, roll):
    unit = cast.household.owned_unit
    vote = new_vote(cast)
    before = (_units(), sorted(Owner.objects.values_list("pk", "name", "is_developer")))
    for call in (
        lambda: services.add_owner(cast.compound, "新业主", by=cast.zhang),
        lambda: roll_service.edit_owner(roll.a, name="甲改", by=cast.zhang),
        lambda: services.put_unit(cast.household, roll.b, "70.00", by=cast.zhang),
        lambda: roll_service.remove_unit(unit, by=cast.zhang),
        lambda: roll_import.import_roll(
            cast.compound, xlsx([(label(cast.household), "70.00", "乙")]), by=cast.zhang
        ),
    ):
        with pytest.raises(DomainError) as e:
            call()
        assert e.value.field == "compound"
    assert (_units(), sorted(Owner.objects.values_list("pk", "name", "is_developer"))) == before
    services.close_vote(end_period(vote), by=cast.zhang)
    services.put_unit(cast.household, roll.b, "70.00", by=cast.zhang)
    roll_service.remove_unit(OwnedUnit.objects.get(household=cast.household), by=cast.zhang)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"property.unit_put", "property.unit_removed"} <= actions
    # The closed vote keeps the electorate it opened with.
    assert Elector.objects.filter(vote=vote, owner=roll.a).count() == 2


@pytest.mark.parametrize(
    "area",
    ["1e2", "NaN", "Infinity", "８９.５", "0", "-1", "0.00", "100000.01", "89.555", 89.5, "", " ", True],
)
def test_an_area_is_an_exact_decimal_within_bounds(cast, roll, area):
    before = _units()
    with pytest.raises(DomainError) as e:
        services.put_unit(cast.household, roll.a, area, by=cast.zhang)
    assert e.value.field == "area" and _units() == before


def test_editing_an_owner_keeps_its_code_and_one_developer(cast, roll):
    owner = roll_service.edit_owner(
        roll.a, name="甲某", residents=[cast.resident.pk, cast.resident2.pk], by=cast.zhang
    )
    assert (owner.code, owner.name) == (roll.a.code, "甲某")
    assert set(owner.residents.values_list("pk", flat=True)) == {cast.resident.pk, cast.resident2.pk}
    with pytest.raises(DomainError) as e:
        roll_service.edit_owner(roll.b, name="乙", is_developer=True, by=cast.zhang)
    assert e.value.field == "is_developer" and not Owner.objects.get(pk=roll.b.pk).is_developer
    with pytest.raises(DomainError) as e:
        roll_service.edit_owner(roll.b, name="乙", residents=[cast.resident_b.pk], by=cast.zhang)
    assert e.value.field == "residents"  # another compound's resident
    event = AuditEvent.objects.filter(action="property.owner_changed").first()
    assert "甲" not in str(event.detail)  # ids and flags, never names


def test_the_page_forms_put_edit_and_remove(cast, roll, login):
    client = login(cast.zhang)
    hh = registry.create_household(building=cast.building2, unit_no="1单元", room="202")
    url = reverse("property:roll_unit_put", args=[cast.compound.pk])
    assert (
        client.post(url, {"household": hh.pk, "area": "66.60", "owner": roll.b.code.lower()}).status_code
        == 302
    )
    assert str(OwnedUnit.objects.get(household=hh).area) == "66.60"
    bad = client.post(url, {"household": hh.pk, "area": "6e1", "owner": roll.b.code})
    assert bad.status_code == 400 and str(OwnedUnit.objects.get(household=hh).area) == "66.60"
    bad = client.post(url, {"household": cast.household_b.pk, "area": "60", "owner": roll.b.code})
    assert bad.status_code == 400  # another compound's household
    edit = reverse("property:roll_owner_edit", args=[cast.compound.pk])
    assert (
        client.post(
            edit, {"owner": roll.b.code, "name": "乙某", "residents": [cast.resident2.pk]}
        ).status_code
        == 302
    )
    assert Owner.objects.get(pk=roll.b.pk).name == "乙某"
    unit = OwnedUnit.objects.get(household=hh)
    remove = reverse("property:roll_unit_remove", args=[cast.compound.pk, unit.pk])
    assert client.post(remove).status_code == 302 and not OwnedUnit.objects.filter(pk=unit.pk).exists()
    page = client.get(
        reverse("property:roll", args=[cast.compound.pk]) + f"?unit={cast.household.owned_unit.pk}"
    )
    assert 'value="89.50"' in page.text  # "修改" opens the form with the unit in it


def _households(cast):
    return {
        room: registry.create_household(building=cast.building, unit_no="1单元", room=room)
        for room in ("102", "301", "302")
    }


def test_an_import_puts_the_whole_roll_with_one_head_per_owner(cast):
    hh = _households(cast)
    spouse = registry.register_resident(household=cast.household, name="甲妻", id_number="11010519491231002X")
    rows = [
        (label(cast.household), "89.50", cast.resident.name, "甲妻", ""),
        (label(hh["102"]), 60.25, cast.resident.name, "", "否"),  # a number cell: read exactly
        (label(cast.household2), "120", cast.resident2.name, "", None),
        (label(hh["301"]), "75.10", "某房地产公司", "", "是"),
        (" 1号楼 - 1单元 - 302 ", "75.10", "", "", "是"),
    ]
    counts = roll_import.import_roll(cast.compound, xlsx(rows), by=cast.zhang)
    assert counts == {"rows": 5, "units_added": 5, "units_changed": 0, "owners_added": 3}
    a = Owner.objects.get(name=cast.resident.name)
    assert set(a.residents.all()) == {cast.resident, spouse} and a.units.count() == 2
    assert Owner.objects.get(is_developer=True).units.count() == 2
    vote = new_vote(cast)
    from .. import queries

    live = queries.count(vote)
    assert (live.total_heads, str(live.total_area)) == (3, "419.95")
    event = AuditEvent.objects.get(action="property.roll_imported")
    assert event.detail["units_added"] == 5 and len(event.detail["sha256"]) == 64


def test_a_second_import_corrects_areas_and_owners(cast, roll):
    rows = [(label(cast.household), "90.00", "乙"), (label(cast.household2), "120.00", "乙")]
    counts = roll_import.import_roll(cast.compound, xlsx(rows), by=cast.zhang)
    assert counts["units_changed"] == 1 and counts["owners_added"] == 0
    assert OwnedUnit.objects.get(household=cast.household).owner == roll.b


def test_a_bad_file_is_reported_row_by_row_and_writes_nothing(cast, roll):
    before = (_units(), Owner.objects.count())
    rows = [
        ("9号楼-1单元-999", "80", "甲"),  # row 2: no such household
        (label(cast.household), "1E2", "甲"),  # row 3: exponent
        (label(cast.household), "80", "甲"),  # row 4: same unit as row 3
        (label(cast.household2), "NaN", "乙"),  # row 5
        ("1号楼-1单元-102", "８０", "甲"),  # row 6: full-width digits
        ("1号楼-1单元-301", "0", ""),  # row 7: zero area and no owner
        ("1号楼-1单元-302", "75.1", "开发商", "", "也许"),  # row 8: what developer flag?
        ("1号楼-1单元-302", "75", "开\u202e发商"),  # row 9: a bidi control character
    ]
    with pytest.raises(roll_import.RollRejected) as e:
        roll_import.import_roll(cast.compound, xlsx(rows), by=cast.zhang)
    got = {(err["row"], err["field"]) for err in e.value.errors}
    assert got == {
        (2, "unit"),
        (3, "area"),
        (4, "unit"),
        (5, "area"),
        (6, "area"),
        (7, "area"),
        (7, "owner"),
        (8, "developer"),
        (9, "owner"),
    }
    assert all(err["column"] for err in e.value.errors)
    assert (_units(), Owner.objects.count()) == before


@pytest.mark.parametrize(
    ("upload", "row"),
    [
        (lambda: xlsx([("1号楼-1单元-101", "80")], header=("房屋", "业主", "共有人")), 1),  # no 面积 column
        (lambda: xlsx([], header=("房屋", "面积", "业主")), None),  # no rows
        (lambda: xlsx([("a", "1", "b")], name="roll.csv"), None),
    ],
)
def test_a_file_without_the_columns_or_rows_is_refused(cast, roll, upload, row):
    with pytest.raises(roll_import.RollRejected) as e:
        roll_import.import_roll(cast.compound, upload(), by=cast.zhang)
    assert e.value.field == "file" and e.value.errors[0]["row"] == row


def test_a_file_that_is_not_xlsx_or_too_big_is_refused(cast, roll):
    fake = SimpleUploadedFile("roll.xlsx", b"\xef\xbb\xbf\xe6\x88\xbf\xe5\xb1\x8b,\xe9\x9d\xa2\xe7\xa7\xaf\n")
    with pytest.raises(roll_import.RollRejected):
        roll_import.import_roll(cast.compound, fake, by=cast.zhang)
    damaged = SimpleUploadedFile("roll.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(roll_import.RollRejected):
        roll_import.import_roll(cast.compound, damaged, by=cast.zhang)
    big = xlsx([(label(cast.household), "80", "甲")])
    big.size = roll_import.MAX_BYTES + 1
    with pytest.raises(roll_import.RollRejected) as e:
        roll_import.import_roll(cast.compound, big, by=cast.zhang)
    assert "MB" in e.value.errors[0]["reason"]


def test_the_import_page_lists_the_errors(cast, roll, login):
    client = login(cast.zhang)
    url = reverse("property:roll_import", args=[cast.compound.pk])
    page = client.post(url, {"file": xlsx([("9号楼-1单元-999", "80", "甲")])})
    assert page.status_code == 400 and "本小区没有这一户" in page.text
    assert client.post(url, {}).status_code == 400
    ok = client.post(url, {"file": xlsx([(label(cast.household), "91.00", "甲")])})
    assert ok.status_code == 302 and str(OwnedUnit.objects.get(household=cast.household).area) == "91.00"


def test_the_roll_over_the_api(client, cast, roll):
    from shanzhi.coop.tests.test_api import call

    base = f"{API}compounds/{cast.compound.pk}/roll"
    body = call(client, "get", base, cast.liu).json()
    assert (body["total_area"], body["total_heads"]) == ("419.95", 3)
    dev = next(o for o in body["owners"] if o["is_developer"])
    assert dev["name"] == "开发商（未售）" and dev["units"] == 2 and dev["area"] == "150.20"
    made = call(
        client, "post", f"{base}/owners", cast.zhang, {"name": "王小明", "residents": [cast.resident.pk]}
    )
    assert made.status_code == 201 and made.json()["name"] == "王**"
    as_float = call(
        client,
        "post",
        f"{base}/units",
        cast.zhang,
        {"household": cast.household.pk, "area": 80.5, "owner": made.json()["code"]},
    )
    assert as_float.status_code == 400 and as_float.json()["field"] == "area"
    put = call(
        client,
        "post",
        f"{base}/units",
        cast.zhang,
        {"household": cast.household.pk, "area": "80.50", "owner": made.json()["code"]},
    )
    assert put.status_code == 200 and put.json()["area"] == "80.50"
    bad = client.post(
        f"{base}/import", {"file": xlsx([("9号楼-1单元-999", "1E3", "甲")])}, headers=_auth(cast.zhang)
    )
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"unit", "area"}
    good = client.post(
        f"{base}/import", {"file": xlsx([(label(cast.household), "81.00", "乙")])}, headers=_auth(cast.zhang)
    )
    assert good.status_code == 200 and good.json()["units_changed"] == 1


def _auth(user):
    from shanzhi.accounts.services import issue_api_token

    return {"Authorization": f"Bearer {issue_api_token(user)}"}


def test_the_template_lists_the_households_and_reimports_once_filled(cast, roll, login):
    url = reverse("property:roll", args=[cast.compound.pk]) + "?template=1"
    response = login(cast.zhang).get(url)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("房屋", "面积", "业主")
    assert (label(cast.household), "89.50") in [r[:2] for r in rows]  # areas, never names
    filled = Workbook()
    filled.active.append(list(rows[0]))
    for r in rows[1:]:
        filled.active.append([r[0], r[1] or "50.00", "乙", None, None])
    data = io.BytesIO()
    filled.save(data)
    counts = roll_import.import_roll(
        cast.compound, SimpleUploadedFile("t.xlsx", data.getvalue()), by=cast.zhang
    )
    assert counts["rows"] == len(rows) - 1
    assert login(cast.liu).get(url)["Content-Type"].startswith("text/html")  # readers get the page
