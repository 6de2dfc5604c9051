"""The one spreadsheet writer (issue 12 §5): text a spreadsheet would run as a formula stays text;
numbers stay numbers."""

import datetime as dt
import io

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from shanzhi.core import spreadsheets


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_text_starting_like_a_formula_gets_a_quote(start):
    assert spreadsheets.neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize("value", ["HYPERLINK(1)", "a=b", " =1", "幸福小区", "", "'=already quoted"])
def test_other_text_is_left_alone(value):
    assert spreadsheets.neutralise(value) == value


@pytest.mark.parametrize("value", [-5, 0, 3.5, -0.25, True, dt.date(2026, 12, 3), None])
def test_numbers_dates_and_none_keep_their_type(value):
    assert spreadsheets.neutralise(value) is value


def test_a_lazy_label_is_neutralised_as_text():
    assert spreadsheets.neutralise(gettext_lazy("=SUM(A1)")) == "'=SUM(A1)"


def test_row_writes_none_as_empty():
    assert spreadsheets.row([None, "=1", 2]) == ["", "'=1", 2]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_cells_come_out_as_text_and_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    spreadsheets.append(sheet, ['=HYPERLINK("http://x","y")', -3, "+86 138", 1.5])
    cells = list(load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(book))).worksheets[0].iter_rows())[0]
    assert [c.data_type for c in cells] == ["s", "n", "s", "n"]
    assert [c.value for c in cells] == ['\'=HYPERLINK("http://x","y")', -3, "'+86 138", 1.5]


def test_csv_response_neutralises_and_streams_with_a_bom():
    response = spreadsheets.csv_response(iter([["名称", "数"], ["=1+1", -2], ["@x", None]]), "导出.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "\ufeff名称,数\r\n'=1+1,-2\r\n'@x,\r\n"
    assert response["Content-Type"] == spreadsheets.CSV_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]


def test_xlsx_response_is_an_attachment():
    response = spreadsheets.xlsx_response(b"PK", "台账.xlsx")
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("诉求", "诉求"),
        ("Owners' roll: 2026/H1 [draft]?", "Owners' roll 2026 H1 draft"),
        ("Property service evaluation, first half of 2026", "Property service evaluation, fi"),
        ("*?", "Sheet"),
    ],
)
def test_sheet_titles_are_names_excel_opens(text, title):
    assert spreadsheets.sheet_title(text) == title
    sheet = Workbook().create_sheet(spreadsheets.sheet_title(text))  # openpyxl raises on a refused one
    assert len(sheet.title) <= 31
