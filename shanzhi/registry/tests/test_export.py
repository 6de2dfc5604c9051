"""The masked roster export: only what the user may see, never a full ID number or phone."""

import io
import re

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from stdnum.cn import ric

from shanzhi.core.masking import mask_id_number, mask_phone
from shanzhi.core.models import AuditEvent
from shanzhi.registry import exporting, services

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")
BASE = "37040219900101123"  # a synthetic ID number without its check digit


def cells(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [[("" if c.value is None else str(c.value)) for c in row] for row in sheet.iter_rows()]


def test_export_masks_every_id_number_and_phone(cast):
    rows = cells(exporting.export_roster(cast.zhang, cast.community))

    assert rows[0] == exporting.HEADERS
    for row in rows:
        for value in row:
            assert not FULL_ID.search(value), value
            assert not FULL_MOBILE.search(value), value
    by_name = {r[5]: r for r in rows[1:]}
    first = by_name[cast.resident.name]
    assert first[6] == mask_id_number(cast.resident.id_number)
    assert first[7] == mask_phone(cast.resident.phone)
    assert first[0] == cast.grid.code and first[1:5] == ["幸福小区", "1号楼", "1单元", "101"]
    assert first[9] == "独居老人、党员"
    assert first[11] == cast.resident.birth_date.isoformat()


def test_export_holds_only_rows_inside_the_node(cast):
    names = {r[5] for r in cells(exporting.export_roster(cast.liu, cast.community))[1:]}
    assert names == {cast.resident.name, cast.resident2.name}
    names = {r[5] for r in cells(exporting.export_roster(cast.sun, cast.grid2))[1:]}
    assert names == {cast.resident2.name}


def test_an_empty_household_is_exported_with_its_address(cast):
    services.create_household(building=cast.building, unit_no="3单元", room="808")
    rows = cells(exporting.export_roster(cast.zhang, cast.grid))
    assert [cast.grid.code, "幸福小区", "1号楼", "3单元", "808", ""] in [r[:6] for r in rows]


def test_export_is_audited_with_its_row_count(cast):
    exporting.export_roster(cast.zhang, cast.community)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor_username == cast.zhang.username
    assert event.detail["rows"] == 2 and event.target_id == str(cast.community.pk)


def test_a_name_that_looks_like_a_formula_stays_text(cast):
    services.register_resident(
        household=cast.household,
        name='=HYPERLINK("http://x")',
        id_number=BASE + ric.calc_check_digit(BASE + "0"),
        relation="子女",
    )
    data = exporting.export_roster(cast.zhang, cast.grid)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []
    # The shared writer (core.spreadsheets) quotes it, so no spreadsheet program runs it either.
    assert '\'=HYPERLINK("http://x")' in [c.value for row in sheet.iter_rows() for c in row]


def test_grid_worker_may_not_export(cast):
    with pytest.raises(PermissionDenied):
        exporting.export_roster(cast.wang, cast.grid)


def test_other_community_is_404_for_the_export(cast):
    with pytest.raises(Http404):
        exporting.export_roster(cast.chen, cast.community)


def test_export_page_returns_an_xlsx_attachment(cast, login):
    response = login(cast.zhang).get(reverse("registry:export", args=[cast.community.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == exporting.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert len(cells(response.content)) == 3


def test_export_page_refuses_out_of_scope_and_unpermitted_users(cast, login):
    url = reverse("registry:export", args=[cast.community.code])
    assert login(cast.wang).get(reverse("registry:export", args=[cast.grid.code])).status_code == 403
    assert login(cast.wang).get(url).status_code == 404
    assert login(cast.chen).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
